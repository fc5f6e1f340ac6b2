# ADD, SUB, ADC and SBB at 8, 16, 32 and 64 bits, register and memory
# destinations, carry in clear and set, over every pair of a table of edge
# operands. Each result (the whole of %rax, so that the upper bits left
# alone by 8/16-bit forms and cleared by 32-bit forms are checked) and the
# arithmetic flags go to an output buffer that is written to stdout at exit.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0123456789abcdef
	COUNT	NV, vals, 8
scratch: .quad 0

	OUTPUT	1 << 17

# BIN op: op at every width with %r8 as destination and %r9 as source; CF
# enters as bit 0 of %r10 (it matters to ADC and SBB only).
.macro BIN op
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()b	%r9b, %al
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()w	%r9w, %ax
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()l	%r9d, %eax
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()q	%r9, %rax
	RECORD	$0x8d5, rax
.endm

# MEM op: the same with a memory destination at 16 and 64 bits.
.macro MEM op
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()w	%r9w, scratch(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8d5, rax
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()q	%r9, scratch(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8d5, rax
.endm

	START	rdi
	PAIRS	vals
	movl	%r13d, %r10d		# carry in alternates with j
	BIN	add
	BIN	sub
	BIN	adc
	BIN	sbb
	xorl	$1, %r10d		# and the other carry for ADC/SBB
	BIN	adc
	BIN	sbb
	MEM	add
	MEM	sbb
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	# Immediate forms: sign-extended imm8 and imm32.
	movq	$-1, %rax
	addq	$1, %rax
	RECORD	$0x8d5, rax
	movq	$0x7fffffff, %rax
	addl	$1, %eax
	RECORD	$0x8d5, rax
	movq	$0x80, %rax
	subb	$0x80, %al
	RECORD	$0x8d5, rax
	movq	$0, %rax
	subq	$0x7fffffff, %rax
	RECORD	$0x8d5, rax
	movq	$0x8000, %rax
	addw	$-1, %ax
	RECORD	$0x8d5, rax

	FINISH
