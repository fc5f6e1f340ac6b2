# BLSI (isolate the lowest set bit) at 32 and 64 bits over every single-bit
# value, every value with the low k bits clear, and edge operands. CF is set
# when the source is non-zero, ZF and SF follow the result, OF is cleared;
# AF and PF are undefined and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
	.quad 0xffffffff00000000
	COUNT	NV, vals, 8

	OUTPUT	1 << 15

.macro BOTH
	movq	$-1, %rax
	blsil	%r8d, %eax
	RECORD	$0x8c1, rax
	blsiq	%r8, %rax
	RECORD	$0x8c1, rax
.endm

	START	rdi
	movq	$-1, %r8		# -1, -2, -4, ... 0
1:	BOTH
	shlq	$1, %r8
	jnz	1b
	BOTH
	movl	$1, %r8d		# single bits
2:	BOTH
	shlq	$1, %r8
	jnz	2b
	FOR	r12
	movq	vals(,%r12,8), %r8
	BOTH
	blsiq	vals(,%r12,8), %rax	# memory source
	RECORD	$0x8c1, rax
	ENDFOR	r12, NV

	FINISH
