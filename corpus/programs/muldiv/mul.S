# One-operand MUL and IMUL at 8, 16, 32 and 64 bits (register and memory
# source) over every pair of a table of edge operands. The high half goes to
# AH, DX, EDX or RDX; CF and OF say whether it is significant. The other
# arithmetic flags are undefined and not recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000
	.quad 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
mem:	.quad 0

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
# SAVE: append %rax, %rdx and CF/OF.
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	movq	%rdx, 8(%rdi)
	popq	%rdx
	andl	$0x801, %edx
	movw	%dx, 16(%rdi)
	addq	$18, %rdi
.endm

.macro ONE op sfx src
	movq	%r8, %rax
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	\op\sfx	%\src
	SAVE
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
	ONE	mul, b, r9b
	ONE	mul, w, r9w
	ONE	mul, l, r9d
	ONE	mul, q, r9
	ONE	imul, b, r9b
	ONE	imul, w, r9w
	ONE	imul, l, r9d
	ONE	imul, q, r9
	# Memory sources, and the AH-destroying 8-bit form with BH.
	movq	%r9, mem(%rip)
	movq	%r8, %rax
	mulq	mem(%rip)
	SAVE
	movq	%r8, %rax
	imull	mem(%rip)
	SAVE
	movq	%r9, %rbx
	movq	%r8, %rax
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	imulb	%bh
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
