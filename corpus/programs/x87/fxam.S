# x87 FXAM of one operand of every class the 80-bit format can hold, either
# sign: zeros, normals, denormals, pseudo-denormals (exponent 0, integer
# bit set), unnormals, pseudo-infinities and pseudo-NaNs (integer bit
# clear: unsupported formats), infinities, quiet and signalling NaNs; then
# of an empty register. C3 C2 C0 give the class and C1 the sign; the status
# word is recorded after each.
#include "common/x87.inc"

	.data
	.balign 16
vals:	EXT80	0x0000, 0x0000000000000000	# +0
	EXT80	0x8000, 0x0000000000000000	# -0
	EXT80	0x3fff, 0x8000000000000000	# +1
	EXT80	0xc000, 0xc000000000000000	# -3
	EXT80	0x0000, 0x0000000000000001	# +denormal
	EXT80	0x8000, 0x4000000000000000	# -denormal
	EXT80	0x0000, 0x8000000000000001	# +pseudo-denormal
	EXT80	0x8000, 0x8000000000000000	# -pseudo-denormal
	EXT80	0x4000, 0x4000000000000000	# +unnormal
	EXT80	0xbfff, 0x0000000000000000	# -unnormal, zero significand
	EXT80	0x7fff, 0x8000000000000000	# +inf
	EXT80	0xffff, 0x8000000000000000	# -inf
	EXT80	0x7fff, 0x0000000000000000	# +pseudo-infinity
	EXT80	0x7fff, 0x4000000000000000	# +pseudo-NaN
	EXT80	0x7fff, 0xc000000000000000	# +QNaN
	EXT80	0xffff, 0xc000000000000001	# -QNaN
	EXT80	0x7fff, 0xa000000000000000	# +SNaN
	EXT80	0xffff, 0x8000000000000001	# -SNaN
	COUNT	NV, vals, 16

	OUTPUT	1 << 12

	START	rdi
	fninit
	FORV	rax, r12
	fldt	vals(%rax)
	fxam
	STATUS
	fstp	%st(0)
	ENDFOR	r12, NV
	fninit
	fxam				# ST(0) empty
	STATUS

	FINISH
