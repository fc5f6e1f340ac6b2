# CMPXCHG at 32 bits with register and memory destinations, succeeding and
# failing over pairs of edge operands whose upper halves are non-zero. A
# failing CMPXCHG r32 does not write its destination at all (AMD and Intel
# hardware, QEMU 7.2), so the upper half of the destination survives; a
# succeeding one (register or memory destination) does not write RAX, so its
# upper half survives.
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
	# Register destination, 32 bits: on failure EBX must keep all 64
	# bits (it is not written, so not zero-extended either) while RAX
	# gets the zero-extended old EBX; on success EBX is written and
	# zero-extended and RAX is left alone.
	XCHGR	l, eax, ebx, ecx
	XCHGR	l, ecx, ebx, eax
	XCHGM	l, ecx
	# Force success with the same value in both places (upper halves
	# differ: the comparison is only 32 bits wide).
	movq	%r8, %rax
	movq	%r8, %rbx
	notq	%rbx
	movl	%eax, %ebx
	movq	%r9, %rcx
	cmpxchgl %ecx, %ebx
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
