# SSE/SSE2 conversions that round, overflow or meet NaNs, under each of the
# four MXCSR rounding modes: the same instructions as sse2/convert over
# halves and other fractions (rounded by the mode or, for the CVTT forms,
# truncated), integers too wide for a float, doubles out of float range,
# out-of-range values (the integer indefinite 0x80000000... and IE), NaNs
# and infinities. Results and MXCSR are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
dbl:	.double	0.5, -0.5, 1.5, -2.5, 0.1, -1.0e10, 2147483647.5, -2147483648.5
	.double	1.0e300, -1.0e-300, 16777217.0, 9.3e18
	.quad	0x7ff8000000000000, 0xfff0000000000000
dbl_end:
	.set ND, (dbl_end - dbl) / 16		# pairs
ints:	.quad	0x1000001, -0x7fffffff, 0x7fffffffffffffff, 0x8000000000000001
	.quad	0x20000000000001, 0x123456789abcdef
ints_end:
	.set NI, (ints_end - ints) / 8
modes:	.long	0x1f80, 0x3f80, 0x5f80, 0x7f80	# nearest, down, up, zero

	.bss
	.balign 64
out:	.skip	1 << 15

	.text
.macro SAVEX reg
	movdqu	%\reg, (%rdi)
	stmxcsr	16(%rdi)
	ldmxcsr	modes(,%r14,4)
	addq	$20, %rdi
.endm

.macro SAVER reg
	movq	%\reg, (%rdi)
	stmxcsr	8(%rdi)
	ldmxcsr	modes(,%r14,4)
	addq	$12, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r14d, %r14d		# rounding mode
mode_loop:
	ldmxcsr	modes(,%r14,4)
	xorl	%r12d, %r12d
1:	movq	ints(,%r12,8), %r8
	pcmpeqd	%xmm0, %xmm0		# all ones: the upper lanes must survive
	cvtsi2sdq %r8, %xmm0
	SAVEX	xmm0
	pcmpeqd	%xmm0, %xmm0
	cvtsi2sdl %r8d, %xmm0
	SAVEX	xmm0
	pcmpeqd	%xmm0, %xmm0
	cvtsi2ssl %r8d, %xmm0
	SAVEX	xmm0
	pcmpeqd	%xmm0, %xmm0
	cvtsi2ssq ints(,%r12,8), %xmm0
	SAVEX	xmm0
	incq	%r12
	cmpq	$NI, %r12
	jb	1b
	xorl	%r12d, %r12d
2:	movq	%r12, %r8
	shlq	$4, %r8
	movapd	dbl(%r8), %xmm1
	movq	$-1, %rax
	cvtsd2si %xmm1, %eax
	SAVER	rax
	cvttsd2si %xmm1, %rax
	SAVER	rax
	cvtsd2ss %xmm1, %xmm2
	SAVEX	xmm2
	cvtss2si %xmm2, %rax
	SAVER	rax
	cvttss2si %xmm2, %eax
	SAVER	rax
	cvtss2sd %xmm2, %xmm3
	SAVEX	xmm3
	cvtpd2dq %xmm1, %xmm3		# upper half of the result cleared
	SAVEX	xmm3
	cvttpd2dq dbl(%r8), %xmm4
	SAVEX	xmm4
	cvtdq2pd %xmm4, %xmm5
	SAVEX	xmm5
	cvtpd2ps %xmm1, %xmm5
	SAVEX	xmm5
	cvtps2pd %xmm5, %xmm6
	SAVEX	xmm6
	movlhps	%xmm5, %xmm5		# four floats
	cvtps2dq %xmm5, %xmm6
	SAVEX	xmm6
	cvttps2dq %xmm5, %xmm6
	SAVEX	xmm6
	cvtdq2ps %xmm6, %xmm7
	SAVEX	xmm7
	incq	%r12
	cmpq	$ND, %r12
	jb	2b
	incq	%r14
	cmpq	$4, %r14
	jb	mode_loop

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
