# BMI1 BEXTR at 32 and 64 bits over edge operands and controls whose start
# and length reach and run past the operand width (a length of the full
# width keeps every bit from the start). BEXTR defines ZF, and clears CF and
# OF; only those are recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
	COUNT	NV, vals, 8
ctls:	.quad 0x0000, 0x0100, 0x0800, 0x0804, 0x2000, 0x2001, 0x1f01, 0x201f
	.quad 0x403f, 0x4000, 0xff00, 0x08ff, 0x1020, 0x1040, 0xffffffffffff0810
	COUNT	NC, ctls, 8

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	FOR	r13
	movq	ctls(,%r13,8), %r9
	bextrl	%r9d, %r8d, %eax
	RECORD	$0x841, rax
	bextrq	%r9, %r8, %rax
	RECORD	$0x841, rax
	ENDFOR	r13, NC
	bextrq	%r9, vals(,%r12,8), %rax	# memory source
	RECORD	$0x841, rax
	ENDFOR	r12, NV

	FINISH
