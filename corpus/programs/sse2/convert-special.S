# SSE/SSE2 conversions that round, overflow or meet NaNs, under each of the
# four MXCSR rounding modes: the same instructions as sse2/convert over
# halves and other fractions (rounded by the mode or, for the CVTT forms,
# truncated), integers too wide for a float, doubles out of float range,
# out-of-range values (the integer indefinite 0x80000000... and IE), NaNs
# and infinities. Results and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
dbl:	.double	0.5, -0.5, 1.5, -2.5, 0.1, -1.0e10, 2147483647.5, -2147483648.5
	.double	1.0e300, -1.0e-300, 16777217.0, 9.3e18
	.quad	0x7ff8000000000000, 0xfff0000000000000
	COUNT	ND, dbl, 16		# pairs
ints:	.quad	0x1000001, -0x7fffffff, 0x7fffffffffffffff, 0x8000000000000001
	.quad	0x20000000000001, 0x123456789abcdef
	COUNT	NI, ints, 8
modes:	.long	0x1f80, 0x3f80, 0x5f80, 0x7f80	# nearest, down, up, zero

	OUTPUT	1 << 15

	START	rdi
	FOR	r14		# rounding mode
	ldmxcsr	modes(,%r14,4)
	CONVERSIONS modes(,%r14,4)
	ENDFOR	r14, 4

	FINISH
