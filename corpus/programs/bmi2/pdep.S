# BMI2 PDEP at 32 and 64 bits over every pair of a table of sources and
# masks (register and memory masks). PDEP deposits the low-order bits of the
# first source at the positions of the set bits of the mask (the second
# source), lowest first. Flags are not affected: they are preset and
# recorded whole.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0x0123456789abcdef, 0x00000000000000ff, 0xf0f0f0f0f0f0f0f0
	.quad 0, -1, 1, 0x8000000000000000, 0x5555555555555555
	.quad 0x00000000ffff0000, 0xfedcba9876543210
vals_end:
	.set NV, (vals_end - vals) / 8

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
outer:
	xorl	%r13d, %r13d
inner:
	movq	vals(,%r12,8), %r8	# source
	movq	vals(,%r13,8), %r9	# mask
	movl	%r13d, %eax
	andl	$1, %eax
	imull	$0xd5, %eax, %eax
	movb	%al, %ah
	sahf
	pdepq	%r9, %r8, %rax
	SAVE
	pdepl	%r9d, %r8d, %eax
	SAVE
	pdepq	vals(,%r13,8), %r8, %rax
	SAVE
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
