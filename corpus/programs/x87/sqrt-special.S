# x87 FSQRT and FXTRACT of special operands: -1 (IE, the default NaN), -0
# (stays -0), +0 (FXTRACT raises ZE and gives -inf as the exponent), and the
# infinities. The results and status words are recorded.
#include "common/x87.inc"

	.data
	.balign 16
spec:	.double	-1.0, -0.0, 0.0
	.quad	0xfff0000000000000, 0x7ff0000000000000

	OUTPUT	1 << 12

	START	rdi
	fninit
	.irp off, 0, 8, 16, 24, 32
	fldl	spec+\off(%rip)
	fsqrt
	SAVEST
	fldl	spec+\off(%rip)
	fxtract
	SAVEST
	SAVEST
	.endr

	FINISH
