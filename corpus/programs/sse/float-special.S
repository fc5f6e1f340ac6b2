# SSE single-precision arithmetic on special and inexact operands: ADDPS/SS,
# SUBPS/SS, MULPS/SS, DIVPS/SS and SQRTPS/SS over vectors holding ±0, ±inf,
# quiet and signalling NaNs (the first operand's NaN wins, quietened),
# denormals, values that overflow or underflow and ones whose results are
# inexact; then MINPS/SS and MAXPS/SS with NaNs (the second operand is
# returned whenever either is a NaN). Each result and MXCSR, with its sticky
# exception flags (IE DE ZE OE UE PE), are recorded.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.float	0.0, -0.0, 1.0, 3.0
	.long	0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000	# inf, -inf, qNaN, sNaN
	.long	0x00000001, 0x80400000, 0x00800000, 0x7f7fffff	# denormals, min, max
	.float	0.1, -1.0e30, 1.0e-30, 7.0
	.long	0xffc00001, 0x3f800000, 0x00000000, 0xff7fffff
	COUNT	NV, vecs, 16
mm:	.long	0x7fc00000, 0x3f800000, 0x7fa00000, 0x00000000
	.long	0x3f800000, 0x7fc00001, 0x7fc00002, 0xffc00000
	.long	0x7f800000, 0xff800000, 0x7f800000, 0xff800000
	.float	1.0e30, -1.0e-30, 3.5, -3.5
	COUNT	NM, mm, 16

	FLOAT_ARITH ps, ss
