# x87 FSIN, FCOS, FSINCOS and FPTAN over angles from tiny to the edge of the
# reduction range (|x| >= 2^63 sets C2 and leaves the operand alone),
# quadrant boundaries near multiples of pi/2, ±0, infinities and NaNs.
# Results (80-bit) and status words are recorded; FPTAN also pushes 1.0.
# FPATAN is in x87/atan.
#include "common/x87.inc"

	.data
	.balign 16
ang:	.double	0.0, -0.0, 1.0e-20, 0.5, -0.5, 1.0, 1.5707963267948966
	.double	3.141592653589793, -3.141592653589793, 4.71238898038469, 10.0
	.double	-100.0, 1.0e6, 1.0e18, 9.2233720368547758e18, 1.0e19
	.quad	0x7ff0000000000000, 0x7ff8000000000000
	COUNT	NA, ang, 8

	OUTPUT	1 << 14

	START	rdi
	fninit
	FOR	r12
	fldl	ang(,%r12,8)
	fsin
	SAVEST
	fldl	ang(,%r12,8)
	fcos
	SAVEST
	fldl	ang(,%r12,8)
	fsincos				# ST(0) = cos, ST(1) = sin
	SAVEST
	SAVEST
	fldl	ang(,%r12,8)
	fptan				# ST(0) = 1.0, ST(1) = tan
	SAVEST
	SAVEST
	ENDFOR	r12, NA
	FINISH
