# One-operand MUL and IMUL at 8, 16, 32 and 64 bits (register and memory
# source) over every pair of a table of edge operands. The high half goes to
# AH, DX, EDX or RDX; CF and OF say whether it is significant. The other
# arithmetic flags are undefined and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000
	.quad 0x0123456789abcdef
	COUNT	NV, vals, 8
mem:	.quad 0

	OUTPUT	1 << 17

.macro ONE op sfx src
	movq	%r8, %rax
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	\op\sfx	%\src
	RECORD	$0x801, rax, rdx
.endm

	START	rdi
	PAIRS	vals
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
	RECORD	$0x801, rax, rdx
	movq	%r8, %rax
	imull	mem(%rip)
	RECORD	$0x801, rax, rdx
	movq	%r9, %rbx
	movq	%r8, %rax
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	imulb	%bh
	RECORD	$0x801, rax, rdx
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
