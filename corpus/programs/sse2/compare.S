# SSE2 CMPPD and CMPSD with every predicate 0-7 (EQ LT LE UNORD NEQ NLT NLE
# ORD: predicates above 7 exist only in the VEX-encoded AVX forms, which the
# oracle cannot run, so only the legacy imm8 0-7 is used), and
# COMISD/UCOMISD (ZF PF CF, with OF SF AF cleared), over pairs of vectors of
# ordered values: ±0 (equal), ±1, ±inf, tiny and large values. NaN operands
# are in sse/compare-nan. Masks, EFLAGS and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.double	0.0, -0.0
	.double	-0.0, 1.0
	.quad	0x7ff0000000000000, 0xfff0000000000000
	.double	2.0, -2.0
	.double	1.0e300, -1.0e-300
	.quad	0x0010000000000000, 0x3ff0000000000000	# min normal, 1.0
	COUNT	NV, vecs, 16

	FP_COMPARE pd, sd, unpckhpd
