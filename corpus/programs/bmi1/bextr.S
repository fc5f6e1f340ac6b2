# BMI1 BEXTR at 32 and 64 bits over edge operands and controls whose start
# and length reach and run past the operand width (a length of the full
# width keeps every bit from the start). BEXTR defines ZF, and clears CF and
# OF; only those are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
vals_end:
	.set NV, (vals_end - vals) / 8
ctls:	.quad 0x0000, 0x0100, 0x0800, 0x0804, 0x2000, 0x2001, 0x1f01, 0x201f
	.quad 0x403f, 0x4000, 0xff00, 0x08ff, 0x1020, 0x1040, 0xffffffffffff0810
ctls_end:
	.set NC, (ctls_end - ctls) / 8

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
	xorl	%r13d, %r13d
ctl:
	movq	ctls(,%r13,8), %r9
	bextrl	%r9d, %r8d, %eax
	SAVE	0x841
	bextrq	%r9, %r8, %rax
	SAVE	0x841
	incq	%r13
	cmpq	$NC, %r13
	jb	ctl
	bextrq	%r9, vals(,%r12,8), %rax	# memory source
	SAVE	0x841
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
