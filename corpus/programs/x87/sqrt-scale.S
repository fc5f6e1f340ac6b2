# x87 FSQRT of perfect squares and even powers of two, FSCALE (exponent
# adjustment by the integer part of ST(1), large and negative scales
# included), FXTRACT (exponent and significand) and FCHS, all with exact
# results. The special operands are in sqrt-special.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
sq:	.double	1.0, 4.0, 9.0, 0.25, 1048576.0, 65536.0, 2.25, 6.25, 1.5625
	.double	152399025.0
	.quad	0x03b0000000000000	# 2^-996
	.quad	0x6570000000000000	# 2^600
sq_end:
	.set NS, (sq_end - sq) / 8
sc:	.double	0.0, 1.0, -1.0, 10.0, -10.0, 2.9, -2.9, 100.0, 1023.0, -1074.0
sc_end:
	.set NC, (sc_end - sc) / 8

	.bss
	.balign 64
out:	.skip	1 << 15

	.text
.macro SAVE
	fstpt	(%rdi)
	fnstsw	10(%rdi)
	fnclex
	addq	$12, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	fninit
	xorl	%r12d, %r12d
1:	fldl	sq(,%r12,8)
	fsqrt
	SAVE
	fldl	sq(,%r12,8)
	fxtract				# ST(0) = significand, ST(1) = exponent
	SAVE
	SAVE
	fldl	sq(,%r12,8)
	fsqrt
	fchs
	SAVE
	xorl	%r13d, %r13d
2:	fldl	sc(,%r13,8)		# scale
	fldl	sq(,%r12,8)
	fscale
	SAVE
	fstp	%st(0)
	incq	%r13
	cmpq	$NC, %r13
	jb	2b
	incq	%r12
	cmpq	$NS, %r12
	jb	1b
	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
