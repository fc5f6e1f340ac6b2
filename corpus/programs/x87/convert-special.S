# x87 conversions that round, overflow or meet special values, under each of
# the four rounding modes (RC field of the control word): FIST/FISTP to 16,
# 32 and 64 bits (out of range gives the integer indefinite and IE), FISTTP
# (truncates whatever the mode), FST to 32 and 64 bits (overflow to infinity
# or the largest finite value, underflow to denormals or zero, signalling
# NaNs quietened with IE) and FRNDINT. Each stored value and the status word
# (exceptions and C1, the round-up indicator) are recorded.
#include "common/x87.inc"

	.data
	.balign 16
vals:	.double	0.5, 1.5, 2.5, -0.5, -2.5, 0.1, -1.0e10, 1.0e20, -3.5
	.double	2147483648.0, -2147483648.5, 32767.5, -32768.5
	.double	9.2233720368547758e18, 1.0e39, 1.0e-40, -1.0e-310, 1.0e300
	.quad	0x7ff8000000000000, 0x7ff4000000000000, 0xfff0000000000000
	COUNT	NV, vals, 8
cw:	.word	0x037f, 0x077f, 0x0b7f, 0x0f7f	# nearest, down, up, zero

	OUTPUT	1 << 15

	START	rdi
	fninit
	xorl	%r13d, %r13d
modes:
	fldcw	cw(,%r13,2)
	xorl	%r12d, %r12d
values:
	fldl	vals(,%r12,8)
	STATUS
	fists	(%rdi)
	addq	$2, %rdi
	STATUS
	fistl	(%rdi)
	addq	$4, %rdi
	STATUS
	fld	%st(0)
	fistpll	(%rdi)
	addq	$8, %rdi
	STATUS
	fld	%st(0)
	fisttpl	(%rdi)
	addq	$4, %rdi
	STATUS
	fsts	(%rdi)
	addq	$4, %rdi
	STATUS
	fstl	(%rdi)
	addq	$8, %rdi
	STATUS
	frndint
	fstpt	(%rdi)
	addq	$10, %rdi
	STATUS
	incq	%r12
	cmpq	$NV, %r12
	jb	values
	incq	%r13
	cmpq	$4, %r13
	jb	modes
	fninit

	FINISH
