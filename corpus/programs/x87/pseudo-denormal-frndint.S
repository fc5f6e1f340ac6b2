# x87 FRNDINT of pseudo-denormals (exponent field 0, explicit integer bit
# 1; values near 2^-16382, either sign) under each of the four rounding
# modes: the result is a zero of the operand's sign, or ±1 when rounding
# away from zero, with DE and PE. Each result (80-bit) and the status word
# (C1 says whether it rounded up) are recorded.
#include "common/x87.inc"

	.data
	.balign 16
pd:	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	EXT80	0x8000, 0xc000000000000000	# -pseudo-denormal
	EXT80	0x0000, 0xffffffffffffffff	# +pseudo-denormal, all ones
	EXT80	0x8000, 0x8000000000000000	# -pseudo-denormal = -2^-16382
	COUNT	NP, pd, 16
cw:	.word	0x037f, 0x077f, 0x0b7f, 0x0f7f	# nearest, down, up, zero

	OUTPUT	1 << 12

	START	rdi
	fninit
	FOR	r13
	fldcw	cw(,%r13,2)
	FORV	rax, r12
	fldt	pd(%rax)
	frndint
	SAVEST
	ENDFOR	r12, NP
	ENDFOR	r13, 4

	FINISH
