# SSE/SSE2 conversions with exact results: CVTSI2SD/CVTSI2SS from 32- and
# 64-bit integers, CVTSD2SI/CVTTSD2SI and CVTSS2SI/CVTTSS2SI to 32 and 64
# bits, CVTDQ2PD, CVTDQ2PS, CVTPD2DQ/CVTTPD2DQ, CVTPS2DQ/CVTTPS2DQ,
# CVTPS2PD, CVTPD2PS, CVTSD2SS and CVTSS2SD, over integral values that fit
# every destination. Rounding, overflow and NaN cases are in
# sse2/convert-special. Results and MXCSR are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
dbl:	.double	0.0, -0.0, 1.0, -1.0, 2.0, -1024.0, 16777216.0, -8388608.0
	.double	2147483520.0, -2147483648.0, 12345.0, 65536.0
dbl_end:
	.set ND, (dbl_end - dbl) / 16		# pairs
ints:	.quad	0, 1, -1, 0x7fffff, -0x800000, 0x1000000, 4096, -77
	.quad	0x4000000000000000, -0x4000000000000000
ints_end:
	.set NI, (ints_end - ints) / 8
mx:	.long	0x1f80

	.bss
	.balign 64
out:	.skip	1 << 15

	.text
.macro SAVEX reg
	movdqu	%\reg, (%rdi)
	stmxcsr	16(%rdi)
	ldmxcsr	mx(%rip)
	addq	$20, %rdi
.endm

.macro SAVER reg
	movq	%\reg, (%rdi)
	stmxcsr	8(%rdi)
	ldmxcsr	mx(%rip)
	addq	$12, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	ldmxcsr	mx(%rip)
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

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
