# x87 loads and stores of integral values in range, so that no exception
# arises: FLD and FSTP in 32-, 64- and 80-bit formats (widening and
# narrowing, ±0 included), FILD and FISTP with 16-, 32- and 64-bit integers,
# FIST and FISTTP, FCHS, FABS, FXCH, FLD ST(i) and FST ST(i), FFREE and
# FINCSTP/FDECSTP. Out-of-range, inexact and special conversions are in
# x87/convert-special, packed BCD in x87/bcd. Each stored value and the
# status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
dbl:	.double	0.0, -0.0, 1.0, -1.0, 256.0, -32768.0, 32767.0, 3.0
	.double	-1024.0, 12345.0, -2.0, 4096.0
	COUNT	ND, dbl, 8
ints:	.quad	0, 1, -1, 32767, -32768, 0x7fffffff, -0x80000000
	.quad	0x7fffffffffffffff, 0x8000000000000000, 123456789012345678
	.quad	0x00000000ffff8000, 0x0000000000007fff
	COUNT	NI, ints, 8

	.bss
	.balign 64
tmp:	.skip	16
out:	.skip	1 << 15

.macro PUT80
	fstpt	(%rdi)
	addq	$10, %rdi
.endm

	START	rdi
	fninit
	FOR	r12
	leaq	dbl(,%r12,8), %r8
	fldl	(%r8)			# m64 -> 80 -> m32, m64, m80
	fsts	(%rdi)
	fstl	4(%rdi)
	fld	%st(0)
	fstpt	12(%rdi)
	addq	$22, %rdi
	STATUS
	fistl	(%rdi)
	addq	$4, %rdi
	STATUS
	fld	%st(0)
	fisttpll (%rdi)
	addq	$8, %rdi
	STATUS
	fld	%st(0)
	fisttps	(%rdi)
	addq	$2, %rdi
	STATUS
	fchs
	fabs
	PUT80
	STATUS
	ENDFOR	r12, ND
	# Integer loads and stores at every width.
	FOR	r12
	fildll	ints(,%r12,8)
	fld	%st(0)
	PUT80
	fistpll	(%rdi)
	fildl	ints(,%r12,8)		# low 32 bits
	fistpl	8(%rdi)
	filds	ints(,%r12,8)		# low 16 bits
	fld	%st(0)
	fistps	12(%rdi)
	fisttps	14(%rdi)
	addq	$16, %rdi
	STATUS
	ENDFOR	r12, NI
	# Stack manipulation: FXCH, FLD ST(i), FST ST(i), FFREE, FINCSTP.
	fld1
	fldz
	fldl	dbl+32(%rip)		# 0.5
	fxch	%st(2)
	fst	%st(1)
	fld	%st(2)
	ffree	%st(3)
	fincstp
	fdecstp
	fnstenv	(%rdi)			# control, status and tag words; the
	movw	$0, 2(%rdi)		# reserved halves of their slots and
	movw	$0, 6(%rdi)		# the instruction and data pointers
	movw	$0, 10(%rdi)		# are not portable: cleared
	movq	$0, 12(%rdi)
	movq	$0, 20(%rdi)
	addq	$28, %rdi
	PUT80
	PUT80
	PUT80
	STATUS
	fninit

	FINISH
