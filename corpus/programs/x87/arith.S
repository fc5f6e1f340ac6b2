# x87 FADD, FSUB, FSUBR, FMUL, FDIV and FDIVR over every pair of a table of
# powers of two whose sums, differences, products and quotients are all
# exact (no precision exception: the inexact cases are in arith-inexact, the
# special values in arith-special), in the register forms, the popping forms
# and with 64- and 32-bit memory operands. Each result is stored in 80-bit
# format together with the status word (exception flags and condition
# codes), which is cleared before every operation. Exceptions are masked, as
# Linux starts processes.
#include "common/x87.inc"

	.data
	.balign 8
vals:	.double 1.0, -1.0, 0.5, 2.0, -0.25, 1024.0, -65536.0, 0.0625
	.double	4.0, 68719476736.0, -9.5367431640625e-07, 8.0	# 2^36, -2^-20
	COUNT	NV, vals, 8
f32:	.float	2.0, 1.5, -0.25, 8.0, 0.125, -1.0

	X87_ARITH
