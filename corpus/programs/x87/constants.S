# x87 constant loads FLD1, FLDZ, FLDPI, FLDL2E, FLDL2T, FLDLG2 and FLDLN2
# under each rounding mode: the 66-bit internal constants are rounded to 64
# bits according to RC (pi rounds up to nearest, down toward zero), without
# raising the precision flag. Also FABS, FCHS, FTST and FXAM of each, and
# FNSTCW/FLDCW round trips.
#include "common/program.inc"

	.data
	.balign 16
cw:	.word	0x037f, 0x077f, 0x0b7f, 0x0f7f	# nearest, down, up, zero
	.word	0x007f, 0x027f, 0x0c7f		# single, double precision

	OUTPUT	1 << 13

.macro ONE insn
	\insn
	fxam
	fnstsw	10(%rdi)
	fld	%st(0)
	fchs
	ftst
	fnstsw	12(%rdi)
	fabs
	fstpt	14(%rdi)
	fstpt	(%rdi)
	fnstsw	24(%rdi)
	fnclex
	addq	$26, %rdi
.endm

	START	rdi
	fninit
	FOR	r13
	fldcw	cw(,%r13,2)
	fnstcw	(%rdi)
	addq	$2, %rdi
	ONE	fld1
	ONE	fldz
	ONE	fldpi
	ONE	fldl2e
	ONE	fldl2t
	ONE	fldlg2
	ONE	fldln2
	ENDFOR	r13, 7
	fninit

	FINISH
