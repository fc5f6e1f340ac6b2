# x87 FSCALE of a quiet NaN by a signalling NaN and the other way round,
# and of two signalling NaNs: hardware returns the quiet NaN operand when
# the other one signals, and the one with the larger significand (made
# quiet) when both are of one kind, with IE. The NaNs are loaded from
# 80-bit memory, which keeps them signalling. Each result (80-bit) and the
# status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
# pairs of 80-bit operands: ST(0), then ST(1)
ops:	EXT80	0x7fff, 0xc000000000000002	# QNaN
	EXT80	0x7fff, 0xa000000000000003	# scale: SNaN
	EXT80	0x7fff, 0xa000000000000003	# SNaN
	EXT80	0xffff, 0xc000000000000002	# scale: -QNaN
	EXT80	0xffff, 0x8000000000000001	# -SNaN
	EXT80	0x7fff, 0xb000000000000000	# scale: SNaN, larger
	EXT80	0x7fff, 0xc000000000000007	# QNaN, larger
	EXT80	0xffff, 0xc000000000000005	# scale: -QNaN
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
