# Two- and three-operand IMUL at 16, 32 and 64 bits, register, memory and
# immediate (imm8 sign-extended and imm32) forms, over every pair of a table
# of edge operands. CF and OF report truncation; the other flags are
# undefined and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000
	.quad 0x0123456789abcdef, 0x100000001
	COUNT	NV, vals, 8
mem:	.quad 0

	OUTPUT	1 << 17

	START	rdi
	PAIRS	vals
	movq	%r9, mem(%rip)
	movq	%r8, %rax
	imulw	%r9w, %ax
	RECORD	$0x801, rax
	movq	%r8, %rax
	imull	%r9d, %eax
	RECORD	$0x801, rax
	movq	%r8, %rax
	imulq	%r9, %rax
	RECORD	$0x801, rax
	movq	%r8, %rax
	imulq	mem(%rip), %rax
	RECORD	$0x801, rax
	movq	%r8, %rax
	imulw	mem(%rip), %ax
	RECORD	$0x801, rax
	ENDFOR	r13, NV
	# Three-operand forms with immediates.
	movq	$-1, %rax
	imulw	$-128, %r8w, %ax
	RECORD	$0x801, rax
	movq	$-1, %rax
	imulw	$0x7fff, %r8w, %ax
	RECORD	$0x801, rax
	movq	$-1, %rax
	imull	$127, %r8d, %eax
	RECORD	$0x801, rax
	movq	$-1, %rax
	imull	$-0x80000000, %r8d, %eax
	RECORD	$0x801, rax
	imulq	$-1, %r8, %rax
	RECORD	$0x801, rax
	imulq	$0x7fffffff, %r8, %rax
	RECORD	$0x801, rax
	imulq	$-0x80000000, %r8, %rax
	RECORD	$0x801, rax
	imulq	$3, vals(,%r12,8), %rax
	RECORD	$0x801, rax
	ENDFOR	r12, NV

	FINISH
