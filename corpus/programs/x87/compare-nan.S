# x87 comparisons where one side is a quiet or signalling NaN or a denormal,
# against zero, -1, +inf and each other (FCOM raises IE for any NaN, FUCOM
# only for signalling ones; denormals raise DE): FCOM and FUCOM (condition
# codes C0 C2 C3), FCOMP/FCOMPP, FCOMI/FUCOMI/FCOMIP (EFLAGS ZF PF CF),
# FICOM with an integer operand; then FTST and FXAM of each, and FCMOVcc.
# Condition codes, EFLAGS and status words are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vals:	.double	0.0, -1.0
	.quad	0x7ff0000000000000
	.quad	0x7ff8000000000000, 0xfff8000000000001, 0x7ff4000000000000
	.quad	0x000fffffffffffff, 0x8000000000000001
vals_end:
	.set NV, (vals_end - vals) / 8
ival:	.long	1

	.bss
	.balign 64
out:	.skip	1 << 16

	.text
.macro FLAGS
	pushfq
	popq	%rax
	andl	$0x8d5, %eax
	movw	%ax, (%rdi)
	addq	$2, %rdi
.endm

.macro STATUS
	fnstsw	(%rdi)
	fnclex
	addq	$2, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	fninit
	xorl	%r12d, %r12d
outer:
	xorl	%r13d, %r13d
inner:
	fldl	vals(,%r13,8)
	fldl	vals(,%r12,8)
	fcom	%st(1)
	STATUS
	fucom	%st(1)
	STATUS
	fcoml	vals(,%r13,8)
	STATUS
	ficoml	ival(%rip)
	STATUS
	fcomi	%st(1), %st
	FLAGS
	STATUS
	fucomi	%st(1), %st
	FLAGS
	STATUS
	fcompp
	STATUS
	fldl	vals(,%r13,8)
	fldl	vals(,%r12,8)
	fucomip	%st(1), %st
	FLAGS
	STATUS
	fcomip	%st(0), %st		# the one value left, with itself
	FLAGS
	STATUS
	fninit
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	# FTST, FXAM and FCMOVcc for the class of vals[r12].
	fldl	vals(,%r12,8)
	ftst
	STATUS
	fxam
	STATUS
	fldz
	fxch
	fucomi	%st(1), %st		# flags for FCMOV from value vs 0
	fld1
	fcmovb	%st(2), %st
	fcmove	%st(2), %st
	fcmovu	%st(2), %st
	fstpt	(%rdi)
	addq	$10, %rdi
	STATUS
	fninit
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
