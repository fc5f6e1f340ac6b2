# BMI1: ANDN, BLSMSK, BLSR and TZCNT at 32 and 64 bits over edge operands
# (BLSI and BEXTR have entries of their own). Only the defined flags are
# recorded (ZF SF CF OF).
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
vals_end:
	.set NV, (vals_end - vals) / 8

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
.macro SAVE mask
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$\mask, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
outer:
	movq	vals(,%r12,8), %r8
	# One-operand forms.
	.irp op, blsmsk, blsr
	movq	$-1, %rax
	\op\()l	%r8d, %eax
	SAVE	0x8c1
	\op\()q	%r8, %rax
	SAVE	0x8c1
	.endr
	tzcntq	%r8, %rax
	SAVE	0x41
	blsrq	vals(,%r12,8), %rax	# memory source
	SAVE	0x8c1
	xorl	%r13d, %r13d
inner:
	movq	vals(,%r13,8), %r9
	andnl	%r9d, %r8d, %eax
	SAVE	0x8c1
	andnq	%r9, %r8, %rax
	SAVE	0x8c1
	andnq	vals(,%r13,8), %r8, %rax
	SAVE	0x8c1
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
