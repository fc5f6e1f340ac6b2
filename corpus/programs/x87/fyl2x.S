# x87 FYL2X (y * log2 x) of pairs whose results are inexact, and of x = 0
# (-inf, ZE) and x < 0 (the indefinite NaN, IE). Exact powers of two are in
# x87/log-exp. Each result (80-bit) and the status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
yx:	.double	1.0, 3.0,   1.0, 10.0,   -2.0, 0.3,   0.5, 7.0,   3.0, 1.0e-300
	.double	1.0, 1.0e300,   -1.0, 0.999,   1.0, 0.0,   1.0, -1.0
	COUNT	NP, yx, 16

	OUTPUT	1 << 12

	START	rdi
	fninit
	FORV	rax, r12
	fldl	yx(%rax)		# y
	fldl	yx+8(%rax)		# x
	fyl2x				# ST(0) = y * log2 x, popped once
	SAVEST
	ENDFOR	r12, NP

	FINISH
