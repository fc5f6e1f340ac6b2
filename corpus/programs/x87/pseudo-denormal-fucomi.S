# x87 FUCOMI with a pseudo-denormal operand (exponent field 0, explicit
# integer bit 1), which compares as the normal of equal value (exponent 1):
# against that normal, zeros, a true denormal, the smallest normal, 1.0,
# itself and the other pseudo-denormals, both orders. ZF PF CF and the
# status word (C1 cleared; DE) are recorded.
#include "common/x87.inc"

	.data
	.balign 16
pd:	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	EXT80	0x8000, 0xc000000000000000	# -pseudo-denormal
	EXT80	0x0000, 0x8000000000000000	# +pseudo-denormal = 2^-16382
	COUNT	NP, pd, 16
other:	EXT80	0x0001, 0x8000000000000001	# the normal of equal value
	EXT80	0x0000, 0x0000000000000000	# +0
	EXT80	0x8000, 0x0000000000000000	# -0
	EXT80	0x0000, 0x7fffffffffffffff	# largest denormal
	EXT80	0x0001, 0x8000000000000000	# smallest normal
	EXT80	0x8001, 0xc000000000000000	# -pseudo-denormal's normal
	EXT80	0x3fff, 0x8000000000000000	# 1.0
	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	EXT80	0x8000, 0xc000000000000000	# -pseudo-denormal
	COUNT	NO, other, 16

	OUTPUT	1 << 13

	START	rdi
	fninit
	FORV	r8, r12
	FORV	r9, r13
	fldt	other(%r9)
	fldt	pd(%r8)
	fucomi	%st(1), %st		# pd against other
	RECORD_FLAGS 0x45
	STATUS
	fxch
	fucomi	%st(1), %st		# other against pd
	RECORD_FLAGS 0x45
	STATUS
	fstp	%st(0)
	fstp	%st(0)
	ENDFOR	r13, NO
	ENDFOR	r12, NP

	FINISH
