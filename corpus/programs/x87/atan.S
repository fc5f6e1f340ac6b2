# x87 FPATAN: atan(y / x) in the right quadrant, over signs of zero, equal
# and opposite operands, extreme ratios and infinities. Results (80-bit) and
# status words are recorded.
#include "common/x87.inc"

	.data
	.balign 16
yx:	.double	1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 0.0, -1.0, -0.0, -1.0
	.double	1.0e-300, 1.0e300, 3.0, 4.0, 0.0, 0.0
	.quad	0x7ff0000000000000, 0x7ff0000000000000
	COUNT	NY, yx, 16

	OUTPUT	1 << 14

	START	rdi
	fninit
	FORV	rax, r12
	fldl	yx(%rax)		# y
	fldl	yx+8(%rax)		# x
	fpatan				# atan(y / x) with the right quadrant
	SAVEST
	ENDFOR	r12, NY

	FINISH
