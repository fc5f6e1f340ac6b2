# x87 FSQRT of perfect squares and even powers of two, FSCALE (exponent
# adjustment by the integer part of ST(1), large and negative scales
# included), FXTRACT (exponent and significand) and FCHS, all with exact
# results. The special operands are in sqrt-special.
#include "common/x87.inc"

	.data
	.balign 16
sq:	.double	1.0, 4.0, 9.0, 0.25, 1048576.0, 65536.0, 2.25, 6.25, 1.5625
	.double	152399025.0
	.quad	0x03b0000000000000	# 2^-996
	.quad	0x6570000000000000	# 2^600
	COUNT	NS, sq, 8
sc:	.double	0.0, 1.0, -1.0, 10.0, -10.0, 2.9, -2.9, 100.0, 1023.0, -1074.0
	COUNT	NC, sc, 8

	OUTPUT	1 << 15

	START	rdi
	fninit
	FOR	r12
	fldl	sq(,%r12,8)
	fsqrt
	SAVEST
	fldl	sq(,%r12,8)
	fxtract				# ST(0) = significand, ST(1) = exponent
	SAVEST
	SAVEST
	fldl	sq(,%r12,8)
	fsqrt
	fchs
	SAVEST
	FOR	r13
	fldl	sc(,%r13,8)		# scale
	fldl	sq(,%r12,8)
	fscale
	SAVEST
	fstp	%st(0)
	ENDFOR	r13, NC
	ENDFOR	r12, NS
	FINISH
