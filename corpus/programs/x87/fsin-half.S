# x87 FSIN of 0.5 and -0.5. Hardware computes the 80-bit result
# 3ffd f57743a2582f 7f44; QEMU 7.2 and Unicorn 2.0.1 both go through the
# host's double-precision sin and agree on ...582f 8000, so only a judge
# outside the two (the host CPU) can see the difference. The result
# (80-bit) and the status word are recorded.
#include "common/x87.inc"

	.data
	.balign 8
ang:	.double	0.5, -0.5
	COUNT	NA, ang, 8

	OUTPUT	64

	START	rdi
	fninit
	FOR	r12
	fldl	ang(,%r12,8)
	fsin
	SAVEST
	ENDFOR	r12, NA

	FINISH
