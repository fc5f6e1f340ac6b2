# SSE/SSE2 conversions with exact results: CVTSI2SD/CVTSI2SS from 32- and
# 64-bit integers, CVTSD2SI/CVTTSD2SI and CVTSS2SI/CVTTSS2SI to 32 and 64
# bits, CVTDQ2PD, CVTDQ2PS, CVTPD2DQ/CVTTPD2DQ, CVTPS2DQ/CVTTPS2DQ,
# CVTPS2PD, CVTPD2PS, CVTSD2SS and CVTSS2SD, over integral values that fit
# every destination. Rounding, overflow and NaN cases are in
# sse2/convert-special. Results and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
dbl:	.double	0.0, -0.0, 1.0, -1.0, 2.0, -1024.0, 16777216.0, -8388608.0
	.double	2147483520.0, -2147483648.0, 12345.0, 65536.0
	COUNT	ND, dbl, 16		# pairs
ints:	.quad	0, 1, -1, 0x7fffff, -0x800000, 0x1000000, 4096, -77
	.quad	0x4000000000000000, -0x4000000000000000
	COUNT	NI, ints, 8
	MXDEFAULT

	OUTPUT	1 << 15

	START	rdi
	ldmxcsr	mx(%rip)
	CONVERSIONS mx(%rip)

	FINISH
