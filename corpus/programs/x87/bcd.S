# x87 packed BCD: FBLD of 18-digit values (largest, negative, -0) and FBSTP
# of integral, non-integral (rounded by the current mode), negative-zero and
# out-of-range values (the BCD indefinite and IE). Each stored value and the
# status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
bcd:	.byte	0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0x65, 0x87, 0x00
	.byte	0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80
	.byte	0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80
	.byte	0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0
	COUNT	NB, bcd, 10
vals:	.double	0.0, 1.0, -1.0, 123456789.0, 999999999999999999.0, 2.5, -7.5
	.double	0.49, -0.0, 1.0e18, -1.0e19
	.quad	0x7ff8000000000000, 0x7ff0000000000000
	COUNT	NV, vals, 8

	OUTPUT	1 << 14

	START	rdi
	fninit
	FOR	r12
	imulq	$10, %r12, %rax
	fbld	bcd(%rax)
	fld	%st(0)
	fstpt	(%rdi)
	addq	$10, %rdi
	fbstp	(%rdi)
	addq	$10, %rdi
	STATUS
	ENDFOR	r12, NB
	FOR	r12
	fldl	vals(,%r12,8)
	fbstp	(%rdi)
	addq	$10, %rdi
	STATUS
	ENDFOR	r12, NV

	FINISH
