# x87 FADD with a pseudo-denormal operand (exponent field 0, explicit
# integer bit 1), which the processor reads as the exponent 1 (value
# 1.f * 2^-16382) and flags with DE: added to zero, to itself, to the
# normal of equal value, to a true denormal and to ordinary numbers, in the
# register form and popping form. Each result (80-bit) and the status word
# are recorded.
#include "common/x87.inc"

	.data
	.balign 16
pd:	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	EXT80	0x8000, 0xc000000000000000	# -pseudo-denormal
	EXT80	0x0000, 0xffffffffffffffff	# +pseudo-denormal, all ones
	EXT80	0x0000, 0x8000000000000000	# +pseudo-denormal = 2^-16382
	COUNT	NP, pd, 16
other:	EXT80	0x0000, 0x0000000000000000	# +0
	EXT80	0x8000, 0x0000000000000000	# -0
	EXT80	0x0001, 0x8000000000000001	# the normal of equal value
	EXT80	0x0000, 0x4000000000000000	# denormal
	EXT80	0x8001, 0x8000000000000000	# -smallest normal
	EXT80	0x3fff, 0x8000000000000000	# 1.0
	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	COUNT	NO, other, 16

	OUTPUT	1 << 13

	START	rdi
	fninit
	FORV	r8, r12
	FORV	r9, r13
	fldt	other(%r9)
	fldt	pd(%r8)
	fadd	%st(1), %st		# ST(0) = pd + other
	SAVEST
	fstp	%st(0)
	fldt	pd(%r8)
	fldt	other(%r9)
	faddp	%st, %st(1)		# ST(1) = pd + other, pop
	SAVEST
	ENDFOR	r13, NO
	ENDFOR	r12, NP

	FINISH
