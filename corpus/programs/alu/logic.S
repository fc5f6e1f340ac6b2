# AND, OR, XOR, TEST, CMP and NOT at 8, 16, 32 and 64 bits, register and
# memory forms, over every pair of a table of edge operands. AF is undefined
# after the logical operations, so only the defined flags are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0xff00, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0xf0f0f0f00f0f0f0f
vals_end:
	.set NV, (vals_end - vals) / 8
scratch: .quad 0

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
# SAVE mask: append %rax and the flags selected by mask to the output.
.macro SAVE mask
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$\mask, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# LOGIC op mask: op at every width, %r8 destination, %r9 source.
.macro LOGIC op mask
	movq	%r8, %rax
	\op\()b	%r9b, %al
	SAVE	\mask
	movq	%r8, %rax
	\op\()w	%r9w, %ax
	SAVE	\mask
	movq	%r8, %rax
	\op\()l	%r9d, %eax
	SAVE	\mask
	movq	%r8, %rax
	\op\()q	%r9, %rax
	SAVE	\mask
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
	LOGIC	and, 0x8c5
	LOGIC	or, 0x8c5
	LOGIC	xor, 0x8c5
	LOGIC	test, 0x8c5
	LOGIC	cmp, 0x8d5
	# Memory destinations and a memory source.
	movq	%r8, scratch(%rip)
	xorl	%r9d, scratch(%rip)
	movq	scratch(%rip), %rax
	SAVE	0x8c5
	movq	%r8, scratch(%rip)
	andw	%r9w, scratch(%rip)
	movq	scratch(%rip), %rax
	SAVE	0x8c5
	movq	%r8, scratch(%rip)
	movq	%r9, %rax
	cmpq	scratch(%rip), %rax
	SAVE	0x8d5
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	# NOT leaves the flags alone: set them to a known state first.
	movq	%r8, %rax
	cmpq	%r8, %rax
	notb	%al
	SAVE	0x8d5
	notw	%ax
	SAVE	0x8d5
	notl	%eax
	SAVE	0x8d5
	notq	%rax
	SAVE	0x8d5
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	# Immediate forms.
	movq	$-1, %rax
	andq	$0x7fffffff, %rax
	SAVE	0x8c5
	orb	$0x80, %al
	SAVE	0x8c5
	xorw	$-1, %ax
	SAVE	0x8c5
	testl	$0x80000000, %eax
	SAVE	0x8c5
	cmpq	$-0x80000000, %rax
	SAVE	0x8d5

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
