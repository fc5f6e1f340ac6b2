# Stores, pushes and a loop, for reads made in a step's round trips.
	.globl _start
_start:
	mov	$5, %ecx
	lea	buf(%rip), %rdi
1:	push	%rcx
	mov	%ecx, (%rdi)
	add	$4, %rdi
	pop	%rax
	dec	%ecx
	jnz	1b
	mov	$60, %eax
	xor	%edi, %edi
	syscall
	.bss
buf:	.space	64
