# SSE2 double-precision arithmetic on special and inexact operands:
# ADDPD/SD, SUBPD/SD, MULPD/SD, DIVPD/SD and SQRTPD/SD over vectors holding
# ±0, ±inf, quiet and signalling NaNs (the first operand's NaN wins,
# quietened), denormals, values that overflow or underflow and ones whose
# results are inexact; then MINPD/SD and MAXPD/SD with NaNs (the second
# operand is returned whenever either is a NaN). Each result and MXCSR, with
# its sticky exception flags (IE DE ZE OE UE PE), are recorded.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.double	0.0, -0.0
	.double	1.0, 3.0
	.quad	0x7ff0000000000000, 0xfff0000000000000	# inf, -inf
	.quad	0x7ff8000000000000, 0x7ff4000000000000	# qNaN, sNaN
	.quad	0x0000000000000001, 0x8008000000000000	# denormals
	.quad	0x0010000000000000, 0x7fefffffffffffff	# min normal, max
	.double	0.1, -1.0e300
	.double	1.0e-300, 7.0
	.quad	0xfff8000000000001, 0xffefffffffffffff
	COUNT	NV, vecs, 16
mm:	.quad	0x7ff8000000000000, 0x3ff0000000000000
	.quad	0x7ff4000000000000, 0x0000000000000000
	.quad	0x3ff0000000000000, 0x7ff8000000000001
	.quad	0x7ff8000000000002, 0xfff8000000000000
	.quad	0x7ff0000000000000, 0xfff0000000000000
	COUNT	NM, mm, 16

	FLOAT_ARITH pd, sd
