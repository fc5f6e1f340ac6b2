# SETcc and CMOVcc for all 16 conditions under all 32 combinations of CF,
# PF, ZF, SF and OF. CMOVcc r32 writes (and so zero-extends) its destination
# even when the condition is false; the 16-bit form leaves the upper bits
# alone; the memory form reads its source either way.
#include "common/program.inc"

	.data
	.balign 8
src:	.quad 0x1122334455667788

	OUTPUT	1 << 16

	START	rdi
	movq	$0x0123456789abcdef, %r8
	xorl	%r12d, %r12d
loop:
	CONDFLAGS
	movl	%r14d, %eax
	andl	$0x8d5, %eax		# the arithmetic flags only
	movq	%rax, (%rdi)
	addq	$8, %rdi
	.irp cc, o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
	pushq	%r14
	popfq
	movq	$-1, %rax
	set\cc	%al
	movq	$-1, %rbx
	movq	$-1, %rcx
	movq	$-1, %rdx
	cmov\cc\()q %r8, %rbx
	cmov\cc\()l %r8d, %ecx
	cmov\cc\()w %r8w, %dx
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	movq	$-1, %rax
	cmov\cc\()q src(%rip), %rax
	movq	%rax, 32(%rdi)
	set\cc	40(%rdi)
	addq	$41, %rdi
	.endr
	incl	%r12d
	cmpl	$32, %r12d
	jb	loop

	FINISH
