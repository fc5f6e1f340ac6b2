# SETcc and CMOVcc for all 16 conditions under all 32 combinations of CF,
# PF, ZF, SF and OF. CMOVcc r32 writes (and so zero-extends) its destination
# even when the condition is false; the 16-bit form leaves the upper bits
# alone; the memory form reads its source either way.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
src:	.quad 0x1122334455667788

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
	.globl _start
_start:
	leaq	out(%rip), %rdi
	movq	$0x0123456789abcdef, %r8
	xorl	%r12d, %r12d
loop:
	# AH from the bits first (the flag-setting ALU ops happen before
	# SAHF), then OF by an overflowing add that SAHF does not touch.
	xorl	%eax, %eax
	testb	$1, %r12b
	jz	1f
	orb	$0x01, %al
1:	testb	$2, %r12b
	jz	1f
	orb	$0x04, %al
1:	testb	$4, %r12b
	jz	1f
	orb	$0x40, %al
1:	testb	$8, %r12b
	jz	1f
	orb	$0x80, %al
1:	movl	%eax, %ebx
	movl	%r12d, %eax
	shll	$26, %eax
	andl	$0x40000000, %eax
	addl	%eax, %eax		# OF = bit 4 of r12
	movb	%bl, %ah
	sahf
	pushfq				# the flags under test, kept for each op
	popq	%r14
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

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
