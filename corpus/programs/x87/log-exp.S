# x87 F2XM1 (2^x - 1 for |x| <= 1), FYL2X (y * log2 x) and FYL2XP1 (y *
# log2(x + 1) for small x) over ordinary and boundary operands: ±0, ±1, tiny
# values where the result is close to x * ln 2, exact powers of two, log of
# 1, negative and zero x (IE and ZE), infinities. Results and status words
# are recorded.
#include "common/x87.inc"

	.data
	.balign 16
ex:	.double	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.0e-10, -1.0e-300, 0.25
	.double	0.999, -0.75, 0.125
	COUNT	NE, ex, 8
lg:	.double	1.0, 1.0,   1.0, 2.0,   3.0, 8.0,   -2.0, 0.5,   0.5, 10.0
	.double	1.0, 1.0e-300,   1.0, 0.0,   1.0, -1.0,   0.0, 1.0
	.quad	0x3ff0000000000000, 0x7ff0000000000000
	COUNT	NL, lg, 16
l1:	.double	1.0, 0.0,   1.0, 1.0e-10,   -3.0, 0.25,   2.0, -0.25
	.double	1.0, 0.2928932188134524,   1.0, -0.2928932188134524, 1.0, -0.0
	COUNT	N1, l1, 16

	OUTPUT	1 << 14

	START	rdi
	fninit
	FOR	r12
	fldl	ex(,%r12,8)
	f2xm1
	SAVEST
	ENDFOR	r12, NE
	FORV	rax, r12
	fldl	lg(%rax)		# y
	fldl	lg+8(%rax)		# x
	fyl2x
	SAVEST
	ENDFOR	r12, NL
	FORV	rax, r12
	fldl	l1(%rax)		# y
	fldl	l1+8(%rax)		# x
	fyl2xp1
	SAVEST
	ENDFOR	r12, N1

	FINISH
