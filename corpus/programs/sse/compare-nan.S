# SSE CMPPS/CMPSS with every predicate 0-7 and COMISS/UCOMISS where some
# lanes hold quiet or signalling NaNs: unordered results, and the invalid
# flag IE raised by the signalling predicates (LT LE NLT NLE) and COMISS for
# any NaN, by the quiet ones (EQ UNORD NEQ ORD) and UCOMISS for signalling
# NaNs only. Masks, EFLAGS and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.long	0x7fc00000, 0x3f800000, 0x7fa00000, 0x00000000
	.long	0x3f800000, 0xffc00000, 0x3f800000, 0x7fa00000
	.float	1.0, 1.0, 1.0, 1.0
	.long	0x7fa00000, 0x7fc00000, 0x7f800000, 0x80000000
	COUNT	NV, vecs, 16

	FP_COMPARE ps, ss, movhlps
