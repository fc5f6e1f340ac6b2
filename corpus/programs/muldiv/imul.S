# Two- and three-operand IMUL at 16, 32 and 64 bits, register, memory and
# immediate (imm8 sign-extended and imm32) forms, over every pair of a table
# of edge operands. CF and OF report truncation; the other flags are
# undefined and not recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000
	.quad 0x0123456789abcdef, 0x100000001
vals_end:
	.set NV, (vals_end - vals) / 8
mem:	.quad 0

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x801, %edx
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
	movq	vals(,%r12,8), %r8
	movq	vals(,%r13,8), %r9
	movq	%r9, mem(%rip)
	movq	%r8, %rax
	imulw	%r9w, %ax
	SAVE
	movq	%r8, %rax
	imull	%r9d, %eax
	SAVE
	movq	%r8, %rax
	imulq	%r9, %rax
	SAVE
	movq	%r8, %rax
	imulq	mem(%rip), %rax
	SAVE
	movq	%r8, %rax
	imulw	mem(%rip), %ax
	SAVE
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	# Three-operand forms with immediates.
	movq	$-1, %rax
	imulw	$-128, %r8w, %ax
	SAVE
	movq	$-1, %rax
	imulw	$0x7fff, %r8w, %ax
	SAVE
	movq	$-1, %rax
	imull	$127, %r8d, %eax
	SAVE
	movq	$-1, %rax
	imull	$-0x80000000, %r8d, %eax
	SAVE
	imulq	$-1, %r8, %rax
	SAVE
	imulq	$0x7fffffff, %r8, %rax
	SAVE
	imulq	$-0x80000000, %r8, %rax
	SAVE
	imulq	$3, vals(,%r12,8), %rax
	SAVE
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
