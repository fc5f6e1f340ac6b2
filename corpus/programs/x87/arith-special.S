# x87 FADD, FSUB, FSUBR, FMUL, FDIV and FDIVR over every pair of a table of
# special and ordinary values (±0, ±1, ±inf, quiet and signalling NaN,
# denormals, the largest and smallest normals, values whose sum or product
# overflows or underflows), in the register forms, the popping forms and
# with 64- and 32-bit memory operands. Each result is stored in 80-bit
# format together with the status word (exception flags and condition
# codes), which is cleared before every operation. Exceptions are masked, as
# Linux starts processes.
#include "common/x87.inc"

	.data
	.balign 8
vals:	.double 0.0, -0.0, 1.0, -1.0, 0.1, 3.0, 1e308, -1e-308
	.quad	0x0000000000000001	# smallest denormal
	.quad	0x7ff0000000000000	# +inf
	.quad	0xfff0000000000000	# -inf
	.quad	0x7ff8000000000000	# quiet NaN
	.quad	0x7ff4000000000000	# signalling NaN
	.quad	0x7fefffffffffffff	# largest double
	.double	2.5e-300, -7.25
	COUNT	NV, vals, 8
f32:	.float	0.0, 1.5, -3.0e38, 1e-45, 16777217.0, 0.3333333

	X87_ARITH
