# Stores to address 8: SIGSEGV at the label fault.
	.text
	.globl _start
_start:
	mov	$1, %eax
fault:	movq	%rax, 8
	mov	$60, %eax
	xor	%edi, %edi
	syscall
