# SSE2 double-precision arithmetic with exact results, so that MXCSR's
# exception flags stay clear: ADDPD/SD, SUBPD/SD, MULPD/SD and DIVPD/SD over
# every pair of a table of vectors of ± powers of two (even exponents, so
# SQRTPD/SD of their absolute values is exact too), register and memory
# operands; then MINPD/SD and MAXPD/SD over ±0, ±inf and ordinary values
# (for equal operands such as +0 and -0 the second operand is returned).
# Each result and MXCSR are recorded. Inexact and special cases are in
# sse2/float-special.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.double	1.0, -4.0
	.double	0.25, 16.0
	.double	-0.0625, 64.0
	.double	0.0009765625, -4096.0
	.double	4.0, -4.0
	.double	1099511627776.0, -9.5367431640625e-07	# 2^40, -2^-20
	.double	-1.0, 1024.0
	COUNT	NV, vecs, 16
mm:	.double	0.0, -0.0
	.double	-0.0, 0.0
	.double	1.0, -1.0
	.quad	0x7ff0000000000000, 0xfff0000000000000
	.double	1.0e300, -1.0e-300
	.double	3.5, 3.5
	COUNT	NM, mm, 16

	FLOAT_ARITH pd, sd
