# Double-precision 12x12 matrix multiplication with packed SSE2 (MULPD,
# ADDPD, MOVAPD, UNPCKLPD/UNPCKHPD to broadcast), over small integers and
# halves so that every product and sum is exact and MXCSR stays clean; the
# same product by scalar MULSD/ADDSD must match. The result and MXCSR are
# written to stdout.
#include "common/program.inc"

	.set N, 12

	.bss
	.balign 64
ma:	.skip	N * N * 8
mb:	.skip	N * N * 8
mc:	.skip	N * N * 8
md:	.skip	N * N * 8
mx:	.skip	8

	START
	# A[i][j] = (i * 5 + j) mod 9 - 4, B[i][j] = ((i + 2j) mod 7) / 2
	xorl	%r8d, %r8d
1:	xorl	%r9d, %r9d
2:	imull	$5, %r8d, %eax
	addl	%r9d, %eax
	xorl	%edx, %edx
	movl	$9, %ecx
	divl	%ecx
	subl	$4, %edx
	imull	$N, %r8d, %eax
	addl	%r9d, %eax
	cvtsi2sdl %edx, %xmm0
	movsd	%xmm0, ma(,%rax,8)
	leal	(%r8,%r9,2), %ecx
	movl	%eax, %r10d
	movl	%ecx, %eax
	xorl	%edx, %edx
	movl	$7, %ecx
	divl	%ecx
	cvtsi2sdl %edx, %xmm0
	mulsd	half(%rip), %xmm0
	movsd	%xmm0, mb(,%r10,8)
	incl	%r9d
	cmpl	$N, %r9d
	jb	2b
	incl	%r8d
	cmpl	$N, %r8d
	jb	1b
	# Packed: C[i][j..j+1] += A[i][k] * B[k][j..j+1]
	xorl	%r8d, %r8d
3:	xorl	%r9d, %r9d
4:	xorpd	%xmm2, %xmm2
	xorl	%r10d, %r10d		# k
5:	imull	$N, %r8d, %eax
	addl	%r10d, %eax
	movsd	ma(,%rax,8), %xmm0
	unpcklpd %xmm0, %xmm0		# broadcast A[i][k]
	imull	$N, %r10d, %eax
	addl	%r9d, %eax
	movapd	mb(,%rax,8), %xmm1
	mulpd	%xmm0, %xmm1
	addpd	%xmm1, %xmm2
	incl	%r10d
	cmpl	$N, %r10d
	jb	5b
	imull	$N, %r8d, %eax
	addl	%r9d, %eax
	movapd	%xmm2, mc(,%rax,8)
	addl	$2, %r9d
	cmpl	$N, %r9d
	jb	4b
	incl	%r8d
	cmpl	$N, %r8d
	jb	3b
	# Scalar: D = A * B element by element.
	xorl	%r8d, %r8d
6:	xorl	%r9d, %r9d
7:	xorpd	%xmm2, %xmm2
	xorl	%r10d, %r10d
8:	imull	$N, %r8d, %eax
	addl	%r10d, %eax
	movsd	ma(,%rax,8), %xmm0
	imull	$N, %r10d, %eax
	addl	%r9d, %eax
	mulsd	mb(,%rax,8), %xmm0
	addsd	%xmm0, %xmm2
	incl	%r10d
	cmpl	$N, %r10d
	jb	8b
	imull	$N, %r8d, %eax
	addl	%r9d, %eax
	movsd	%xmm2, md(,%rax,8)
	incl	%r9d
	cmpl	$N, %r9d
	jb	7b
	incl	%r8d
	cmpl	$N, %r8d
	jb	6b
	stmxcsr	mx(%rip)

	WRITE	mc, 2 * N * N * 8 + 4	# C, D and MXCSR
	EXIT

	.section .rodata
	.balign 8
half:	.double	0.5
