# SSE single-precision arithmetic with exact results, so that MXCSR's
# exception flags stay clear: ADDPS/SS, SUBPS/SS, MULPS/SS and DIVPS/SS over
# every pair of a table of vectors of ± powers of two (even exponents, so
# SQRTPS/SS of their absolute values is exact too), register and memory
# operands; then MINPS/SS and MAXPS/SS over ±0, ±inf and ordinary values
# (for equal operands such as +0 and -0 the second operand is returned).
# Each result and MXCSR are recorded. Inexact and special cases are in
# sse/float-special.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.float	1.0, -4.0, 0.25, 16.0
	.float	-0.0625, 64.0, 0.0009765625, -4096.0
	.float	4.0, 4.0, -4.0, -4.0
	.float	256.0, -0.25, 1.0, 0.015625
	.float	-1.0, 1024.0, -16.0, 65536.0
	COUNT	NV, vecs, 16
mm:	.float	0.0, -0.0, 1.0, -1.0
	.float	-0.0, 0.0, -1.0, 1.0
	.long	0x7f800000, 0xff800000, 0x7f800000, 0xff800000
	.float	1.0e30, -1.0e-30, 3.5, -3.5
	COUNT	NM, mm, 16

	FLOAT_ARITH ps, ss
