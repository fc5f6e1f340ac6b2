# x87 comparisons over every pair of a table of ordered values (±0, ±1,
# ±inf; NaNs and denormals are in compare-nan): FCOM and FUCOM (condition
# codes C0 C2 C3), FCOMP/FCOMPP, FCOMI/FUCOMI/FCOMIP (EFLAGS ZF PF CF),
# FICOM with an integer operand; then FTST and FXAM of each value and of an
# empty register, and FCMOVcc. FCOMI and friends clear OF, SF and AF on
# hardware; QEMU 7.2 (and Unicorn) leave them as they were. Condition codes,
# EFLAGS and status words are recorded.
#include "common/x87.inc"

	.data
	.balign 16
vals:	.double	0.0, -0.0, 1.0, -1.0, 2.5
	.quad	0x7ff0000000000000, 0xfff0000000000000
	COUNT	NV, vals, 8
ival:	.long	1

	X87_COMPARE
	# FXAM of an empty register.
	fninit
	fxam
	STATUS

	FINISH
