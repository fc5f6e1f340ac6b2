# x87 comparisons where one side is a quiet or signalling NaN or a denormal,
# against zero, -1, +inf and each other (FCOM raises IE for any NaN, FUCOM
# only for signalling ones; denormals raise DE): FCOM and FUCOM (condition
# codes C0 C2 C3), FCOMP/FCOMPP, FCOMI/FUCOMI/FCOMIP (EFLAGS ZF PF CF),
# FICOM with an integer operand; then FTST and FXAM of each, and FCMOVcc.
# Condition codes, EFLAGS and status words are recorded.
#include "common/x87.inc"

	.data
	.balign 16
vals:	.double	0.0, -1.0
	.quad	0x7ff0000000000000
	.quad	0x7ff8000000000000, 0xfff8000000000001, 0x7ff4000000000000
	.quad	0x000fffffffffffff, 0x8000000000000001
	COUNT	NV, vals, 8
ival:	.long	1

	X87_COMPARE
	FINISH
