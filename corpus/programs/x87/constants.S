# x87 constant loads FLD1, FLDZ, FLDPI, FLDL2E, FLDL2T, FLDLG2 and FLDLN2
# under each rounding mode: the 66-bit internal constants are rounded to 64
# bits according to RC (pi rounds up to nearest, down toward zero), without
# raising the precision flag. Also FABS, FCHS, FTST and FXAM of each, and
# FNSTCW/FLDCW round trips.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
cw:	.word	0x037f, 0x077f, 0x0b7f, 0x0f7f	# nearest, down, up, zero
	.word	0x007f, 0x027f, 0x0c7f		# single, double precision

	.bss
	.balign 64
out:	.skip	1 << 13

	.text
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

	.globl _start
_start:
	leaq	out(%rip), %rdi
	fninit
	xorl	%r13d, %r13d
1:	fldcw	cw(,%r13,2)
	fnstcw	(%rdi)
	addq	$2, %rdi
	ONE	fld1
	ONE	fldz
	ONE	fldpi
	ONE	fldl2e
	ONE	fldl2t
	ONE	fldlg2
	ONE	fldln2
	incq	%r13
	cmpq	$7, %r13
	jb	1b
	fninit

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
