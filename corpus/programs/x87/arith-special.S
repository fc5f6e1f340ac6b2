# x87 FADD, FSUB, FSUBR, FMUL, FDIV and FDIVR over every pair of a table of
# special and ordinary values (±0, ±1, ±inf, quiet and signalling NaN,
# denormals, the largest and smallest normals, values whose sum or product
# overflows or underflows), in the register forms, the popping forms and
# with 64- and 32-bit memory operands. Each result is stored in 80-bit
# format together with the status word (exception flags and condition
# codes), which is cleared before every operation. Exceptions are masked, as
# Linux starts processes.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.double 0.0, -0.0, 1.0, -1.0, 0.1, 3.0, 1e308, -1e-308
	.quad	0x0000000000000001	# smallest denormal
	.quad	0x7ff0000000000000	# +inf
	.quad	0xfff0000000000000	# -inf
	.quad	0x7ff8000000000000	# quiet NaN
	.quad	0x7ff4000000000000	# signalling NaN
	.quad	0x7fefffffffffffff	# largest double
	.double	2.5e-300, -7.25
vals_end:
	.set NV, (vals_end - vals) / 8
f32:	.float	0.0, 1.5, -3.0e38, 1e-45, 16777217.0, 0.3333333

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
# SAVE: pop ST(0) into 10 bytes at %rdi and append the status word.
.macro SAVE
	fstpt	(%rdi)
	fnstsw	10(%rdi)
	fnclex
	addq	$12, %rdi
.endm

# SAVE2: for forms that leave a value in ST(1) as well (register forms
# with ST(i) as destination): store both.
.macro SAVE2
	fnstsw	20(%rdi)
	fstpt	(%rdi)
	fstpt	10(%rdi)
	fnclex
	addq	$22, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	fninit
	xorl	%r12d, %r12d
outer:
	xorl	%r13d, %r13d
inner:
	leaq	vals(,%r12,8), %r8
	leaq	vals(,%r13,8), %r9
	.irp op, fadd, fsub, fsubr, fmul, fdiv, fdivr
	fldl	(%r8)
	\op\()l	(%r9)			# ST(0) op m64
	SAVE
	fldl	(%r9)
	fldl	(%r8)
	\op	%st(1), %st		# ST(0) = ST(0) op ST(1)
	SAVE2
	fldl	(%r9)
	fldl	(%r8)
	\op\()p	%st, %st(1)		# ST(1) = ST(1) op ST(0), pop
	SAVE
	.endr
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	# 32-bit memory operands and integer operands.
	xorl	%r13d, %r13d
1:	fldl	(%r8)
	fadds	f32(,%r13,4)
	SAVE
	fldl	(%r8)
	fdivrs	f32(,%r13,4)
	SAVE
	fldl	(%r8)
	fimull	f32(,%r13,4)		# the float's bits as an int32
	SAVE
	incq	%r13
	cmpq	$6, %r13
	jb	1b
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
