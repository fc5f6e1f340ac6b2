# x87 FADD, FSUB, FSUBR, FMUL, FDIV and FDIVR over every pair of a table of
# ordinary finite values whose results are mostly inexact, so that the
# precision flag (PE) and C1 (set when the result was rounded up) matter.
# Register forms, popping forms, 64- and 32-bit memory operands. Each result
# is stored in 80-bit format together with the status word (exception flags
# and condition codes), which is cleared before every operation. Exceptions
# are masked, as Linux starts processes.
#include "common/x87.inc"

	.data
	.balign 8
vals:	.double 1.0, -1.0, 0.1, 3.0, -7.25, 2.5e-3, 1e10, 123456789.123
	.double	-0.7, 6.02214076e23, 1.602e-19, 65536.0, 1.0000000000000002
	COUNT	NV, vals, 8
f32:	.float	2.0, 1.5, -3.0e8, 1e-5, 16777217.0, 0.3333333

	X87_ARITH
