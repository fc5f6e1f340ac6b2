# AND, OR, XOR, TEST, CMP and NOT at 8, 16, 32 and 64 bits, register and
# memory forms, over every pair of a table of edge operands. AF is undefined
# after the logical operations, so only the defined flags are recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0xff00, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0xf0f0f0f00f0f0f0f
	COUNT	NV, vals, 8
scratch: .quad 0

	OUTPUT	1 << 17

# LOGIC op mask: op at every width, %r8 destination, %r9 source.
.macro LOGIC op mask
	movq	%r8, %rax
	\op\()b	%r9b, %al
	RECORD	$\mask, rax
	movq	%r8, %rax
	\op\()w	%r9w, %ax
	RECORD	$\mask, rax
	movq	%r8, %rax
	\op\()l	%r9d, %eax
	RECORD	$\mask, rax
	movq	%r8, %rax
	\op\()q	%r9, %rax
	RECORD	$\mask, rax
.endm

	START	rdi
	PAIRS	vals
	LOGIC	and, 0x8c5
	LOGIC	or, 0x8c5
	LOGIC	xor, 0x8c5
	LOGIC	test, 0x8c5
	LOGIC	cmp, 0x8d5
	# Memory destinations and a memory source.
	movq	%r8, scratch(%rip)
	xorl	%r9d, scratch(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8c5, rax
	movq	%r8, scratch(%rip)
	andw	%r9w, scratch(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8c5, rax
	movq	%r8, scratch(%rip)
	movq	%r9, %rax
	cmpq	scratch(%rip), %rax
	RECORD	$0x8d5, rax
	ENDFOR	r13, NV
	# NOT leaves the flags alone: set them to a known state first.
	movq	%r8, %rax
	cmpq	%r8, %rax
	notb	%al
	RECORD	$0x8d5, rax
	notw	%ax
	RECORD	$0x8d5, rax
	notl	%eax
	RECORD	$0x8d5, rax
	notq	%rax
	RECORD	$0x8d5, rax
	ENDFOR	r12, NV

	# Immediate forms.
	movq	$-1, %rax
	andq	$0x7fffffff, %rax
	RECORD	$0x8c5, rax
	orb	$0x80, %al
	RECORD	$0x8c5, rax
	xorw	$-1, %ax
	RECORD	$0x8c5, rax
	testl	$0x80000000, %eax
	RECORD	$0x8c5, rax
	cmpq	$-0x80000000, %rax
	RECORD	$0x8d5, rax

	FINISH
