# A small program on which QEMU and the oracle agree: integer work, a
# call, stack traffic, an SSE sum and a write to stdout.
	.data
nums:	.quad 3, 1, 4, 1, 5, 9, 2, 6
vals:	.double 1.5, 2.25, -0.125, 8.0
msg:	.ascii "agree\n"

	.text
	.globl _start
_start:
	lea	nums(%rip), %rsi
	mov	$8, %ecx
	xor	%eax, %eax
1:	add	(%rsi), %rax
	imul	$3, %rax, %rax
	add	$8, %rsi
	loop	1b
	push	%rax
	call	square
	pop	%rbx
	movupd	vals(%rip), %xmm0
	movupd	vals+16(%rip), %xmm1
	addpd	%xmm1, %xmm0
	mulpd	%xmm0, %xmm0
	movupd	%xmm0, vals(%rip)
	mov	$1, %eax
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$6, %edx
	syscall
	mov	$60, %eax
	xor	%edi, %edi
	syscall

square:	mov	8(%rsp), %rax
	mul	%rax
	ret
