# x87 F2XM1 (2^x - 1 for |x| < 1) of inexact ordinary operands, a tiny one
# whose result (about x * ln 2) is far below the double range, and -0 (the
# result keeps the sign). ±1 (exact results) are in x87/log-exp. Each
# result (80-bit) and the status word are recorded.
#include "common/x87.inc"

	.data
	.balign 8
ex:	.double	0.5, -0.5, 0.25, -0.75, 0.125, 0.3, -0.1, 1.0e-10, -1.0e-300
	.double	-0.0
	COUNT	NE, ex, 8

	OUTPUT	1 << 12

	START	rdi
	fninit
	FOR	r12
	fldl	ex(,%r12,8)
	f2xm1
	SAVEST
	ENDFOR	r12, NE

	FINISH
