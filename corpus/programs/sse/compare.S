# SSE CMPPS and CMPSS with every predicate 0-7 (EQ LT LE UNORD NEQ NLT NLE
# ORD; the larger AVX predicates need a VEX encoding), and COMISS/UCOMISS
# (ZF PF CF, with OF SF AF cleared), over pairs of vectors of ordered
# values: ±0 (equal), ±1, ±inf, tiny and large values. NaN operands are in
# sse/compare-nan. Masks, EFLAGS and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.float	0.0, -0.0, 1.0, -1.0
	.float	-0.0, 0.0, -1.0, 1.0
	.long	0x7f800000, 0xff800000, 0x3f800000, 0xbf800000
	.float	2.0, -2.0, 1.0e30, -1.0e-30
	.float	1.0, 1.0, 1.0, 1.0
	COUNT	NV, vecs, 16

	FP_COMPARE ps, ss, movhlps
