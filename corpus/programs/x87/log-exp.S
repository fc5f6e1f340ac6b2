# x87 F2XM1 (2^x - 1 for |x| <= 1), FYL2X (y * log2 x) and FYL2XP1 (y *
# log2(x + 1) for small x) over ordinary and boundary operands: ±0, ±1, tiny
# values where the result is close to x * ln 2, exact powers of two, log of
# 1, negative and zero x (IE and ZE), infinities. Results and status words
# are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
ex:	.double	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.0e-10, -1.0e-300, 0.25
	.double	0.999, -0.75, 0.125
ex_end:
	.set NE, (ex_end - ex) / 8
lg:	.double	1.0, 1.0,   1.0, 2.0,   3.0, 8.0,   -2.0, 0.5,   0.5, 10.0
	.double	1.0, 1.0e-300,   1.0, 0.0,   1.0, -1.0,   0.0, 1.0
	.quad	0x3ff0000000000000, 0x7ff0000000000000
lg_end:
	.set NL, (lg_end - lg) / 16
l1:	.double	1.0, 0.0,   1.0, 1.0e-10,   -3.0, 0.25,   2.0, -0.25
	.double	1.0, 0.2928932188134524,   1.0, -0.2928932188134524, 1.0, -0.0
l1_end:
	.set N1, (l1_end - l1) / 16

	.bss
	.balign 64
out:	.skip	1 << 14

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
1:	fldl	ex(,%r12,8)
	f2xm1
	SAVE
	incq	%r12
	cmpq	$NE, %r12
	jb	1b
	xorl	%r12d, %r12d
2:	movq	%r12, %rax
	shlq	$4, %rax
	fldl	lg(%rax)		# y
	fldl	lg+8(%rax)		# x
	fyl2x
	SAVE
	incq	%r12
	cmpq	$NL, %r12
	jb	2b
	xorl	%r12d, %r12d
3:	movq	%r12, %rax
	shlq	$4, %rax
	fldl	l1(%rax)		# y
	fldl	l1+8(%rax)		# x
	fyl2xp1
	SAVE
	incq	%r12
	cmpq	$N1, %r12
	jb	3b

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
