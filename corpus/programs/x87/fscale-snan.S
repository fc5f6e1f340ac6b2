# x87 FSCALE with a signalling NaN as the value to scale (ST(0)) or as the
# scale (ST(1)), either sign, against ordinary operands and against a
# quiet NaN scale: the result is the signalling NaN made quiet, with IE.
# (A quiet NaN scaled by a signalling NaN is in x87/fscale-qnan-snan.) The NaNs are loaded from
# 80-bit memory, which keeps them signalling. Each result (80-bit) and the
# status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
# pairs of 80-bit operands: ST(0), then ST(1)
ops:	EXT80	0x7fff, 0xa000000000000000	# +SNaN
	EXT80	0x3fff, 0x8000000000000000	# 1.0
	EXT80	0xffff, 0xb000000000001234	# -SNaN with a payload
	EXT80	0x4000, 0xc000000000000000	# 3.0
	EXT80	0x7fff, 0x8000000000000001	# +SNaN, smallest payload
	EXT80	0x0000, 0x0000000000000000	# 0
	EXT80	0x7fff, 0xa000000000000000	# +SNaN
	EXT80	0xc000, 0xc000000000000000	# -3.0
	EXT80	0x3fff, 0xc000000000000000	# 1.5
	EXT80	0x7fff, 0xa000000000000000	# scale: +SNaN
	EXT80	0x3fff, 0xc000000000000000	# 1.5
	EXT80	0xffff, 0x9000000000000005	# scale: -SNaN
	EXT80	0x7fff, 0xa000000000000000	# +SNaN
	EXT80	0x7fff, 0xc000000000000001	# scale: QNaN
	COUNT	NP, ops, 32

	OUTPUT	1 << 12

	START	rdi
	fninit
	FOR	r12
	movq	%r12, %rax
	shlq	$5, %rax
	fldt	ops+16(%rax)		# ST(1): the scale
	fldt	ops(%rax)		# ST(0): the value
	fscale
	SAVEST
	fstp	%st(0)
	ENDFOR	r12, NP

	FINISH
