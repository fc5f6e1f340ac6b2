# POPCNT at 16, 32 and 64 bits over a table of edge quadwords, from
# registers and from memory. POPCNT clears OF SF AF CF PF and sets ZF for
# a zero source; the flags are preset both ways and recorded whole. The
# 16-bit form keeps the upper 48 bits of its destination, the 32-bit form
# zero-extends.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad	0, 1, -1, 0x8000000000000000, 0x0123456789abcdef
	.quad	0x5555555555555555, 0x00000000ffffffff, 0xfedcba9876543210
	.quad	0xffff000000000000, 0x0000000000010000
	COUNT	NV, vals, 8

	OUTPUT	1 << 14

	START	rdi
	FOR	r12
	ALTFLAGS r12
	movq	vals(,%r12,8), %r8
	movq	$-1, %rax
	PRESET
	popcntq	%r8, %rax
	RECORD	$0x8d5, rax
	movq	$-1, %rax
	PRESET
	popcntl	%r8d, %eax
	RECORD	$0x8d5, rax
	movq	$-1, %rax
	PRESET
	popcntw	%r8w, %ax
	RECORD	$0x8d5, rax
	movq	$-1, %rax
	PRESET
	popcntq	vals(,%r12,8), %rax
	RECORD	$0x8d5, rax
	movq	$-1, %rax
	PRESET
	popcntw	vals+6(,%r12,8), %ax		# the top 16 bits, from memory
	RECORD	$0x8d5, rax
	ENDFOR	r12, NV

	FINISH
