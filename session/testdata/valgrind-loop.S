# A loop of plain integer instructions for the pairing benchmark.
	.globl _start
_start:
	mov	$3000, %ecx
	xor	%eax, %eax
1:	add	%ecx, %eax
	xor	$0x55, %eax
	rol	$3, %rax
	dec	%ecx
	jnz	1b
	mov	$60, %eax
	xor	%edi, %edi
	syscall
