# Integer matrix multiplication C = A * B for 18x18 matrices of 32-bit
# values with 64-bit accumulation, row-major loads with unit and row
# strides, then the transpose of C written back in place; a checksum and the
# whole of C are written to stdout.
#include "common/program.inc"

	.set N, 18

	.bss
	.balign 64
ma:	.skip	N * N * 4
mb:	.skip	N * N * 4
mc:	.skip	N * N * 8

	START
	# A[i][j] = (i * 7 + j * 3) mod 17 - 8, B[i][j] = (i ^ j) * 1000003 mod 4096
	xorl	%r8d, %r8d		# i
1:	xorl	%r9d, %r9d		# j
2:	imull	$7, %r8d, %eax
	leal	(%r9,%r9,2), %ecx
	addl	%ecx, %eax
	xorl	%edx, %edx
	movl	$17, %ecx
	divl	%ecx
	subl	$8, %edx
	imull	$N, %r8d, %eax
	addl	%r9d, %eax
	movl	%edx, ma(,%rax,4)
	movl	%r8d, %ecx
	xorl	%r9d, %ecx
	imull	$1000003, %ecx, %ecx
	andl	$4095, %ecx
	movl	%ecx, mb(,%rax,4)
	incl	%r9d
	cmpl	$N, %r9d
	jb	2b
	incl	%r8d
	cmpl	$N, %r8d
	jb	1b
	# C = A * B
	xorl	%r8d, %r8d		# i
3:	xorl	%r9d, %r9d		# j
4:	xorl	%r11d, %r11d		# sum
	imull	$N * 4, %r8d, %esi
	leaq	ma(%rsi), %rsi		# &A[i][0]
	leaq	mb(,%r9,4), %rdi	# &B[0][j]
	movl	$N, %ecx
5:	movslq	(%rsi), %rax
	movslq	(%rdi), %rdx
	imulq	%rdx, %rax
	addq	%rax, %r11
	addq	$4, %rsi
	addq	$N * 4, %rdi
	decl	%ecx
	jnz	5b
	imull	$N, %r8d, %eax
	addl	%r9d, %eax
	movq	%r11, mc(,%rax,8)
	incl	%r9d
	cmpl	$N, %r9d
	jb	4b
	incl	%r8d
	cmpl	$N, %r8d
	jb	3b
	# Transpose C in place.
	xorl	%r8d, %r8d
6:	leal	1(%r8), %r9d
	cmpl	$N, %r9d
	jae	8f
7:	imull	$N, %r8d, %eax
	addl	%r9d, %eax		# i * N + j
	imull	$N, %r9d, %ecx
	addl	%r8d, %ecx		# j * N + i
	movq	mc(,%rax,8), %rdx
	xchgq	%rdx, mc(,%rcx,8)
	movq	%rdx, mc(,%rax,8)
	incl	%r9d
	cmpl	$N, %r9d
	jb	7b
8:	incl	%r8d
	cmpl	$N, %r8d
	jb	6b

	WRITE	mc, N * N * 8
	EXIT
