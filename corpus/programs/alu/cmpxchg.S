# CMPXCHG at 8, 16, 32 and 64 bits with register and memory destinations,
# succeeding and failing. The 32-bit forms are in cmpxchg32, because the
# oracle gets them wrong. Every register starts with its upper half set so
# that the 32-bit forms' rules show: on success the destination is written
# (and zero-extended) and RAX is left alone; on failure EAX is loaded
# (zero-extending RAX). CMPXCHG8B and CMPXCHG16B are in cmpxchg8b-16b.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vals:	.quad 0, 1, -1, 0x80, 0x8000, 0x80000000, 0x8000000000000000
	.quad 0x00000000ffffffff, 0x1111111122222222, 0x1111111122222223
vals_end:
	.set NV, (vals_end - vals) / 8
	.balign 16
mem:	.quad 0, 0

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
# SAVE3: append %rax, %rbx, %rcx and ZF/CF/SF/OF/PF/AF.
.macro SAVE3
	pushfq
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 24(%rdi)
	addq	$26, %rdi
.endm

# XCHGR width, a, b, c: rax = r8 (expected), rbx = r9 (destination),
# rcx = r10 (new value); cmpxchg %c, %b.
.macro XCHGR sfx a b c
	movq	%r8, %rax
	movq	%r9, %rbx
	movq	%r10, %rcx
	cmpxchg\sfx %\c, %\b
	SAVE3
.endm

# XCHGM: the same with the destination in memory.
.macro XCHGM sfx c
	movq	%r8, %rax
	movq	%r9, mem(%rip)
	movq	%r10, %rcx
	cmpxchg\sfx %\c, mem(%rip)
	movq	mem(%rip), %rbx
	SAVE3
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
	movq	$0x5a5a5a5aa5a5a5a5, %r10
	# Expected value from one table entry, destination from another: the
	# diagonal succeeds, the rest fail.
	XCHGR	b, al, bl, cl
	XCHGR	w, ax, bx, cx
	XCHGR	q, rax, rbx, rcx
	XCHGM	b, cl
	XCHGM	w, cx
	XCHGM	q, rcx
	# Destination equal to the accumulator's register itself.
	movq	%r8, %rax
	cmpxchgl %eax, %eax
	movq	%rax, %rbx
	SAVE3
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
