# Multi-precision arithmetic: a Fibonacci-like recurrence modulo 2^1024 by
# ADC chains, started from all-ones limbs so that carries ripple through
# every limb, and the subtraction back by SBB chains. The limb loops count
# with DEC and LEA, which leave CF alone, so the carry threads through the
# whole chain.
#include "common/program.inc"

	.set LIMBS, 16
	.bss
	.balign 64
fa:	.skip LIMBS * 8
fb:	.skip LIMBS * 8
fc:	.skip LIMBS * 8
fd:	.skip LIMBS * 8
out:	.skip 8

	.text
# add: fc = fa + fb, returns the final carry in %rax.
add:
	leaq	fa(%rip), %rsi
	leaq	fb(%rip), %rdx
	leaq	fc(%rip), %rdi
	movl	$LIMBS, %ecx
	clc
1:	movq	(%rsi), %rax
	adcq	(%rdx), %rax
	movq	%rax, (%rdi)
	leaq	8(%rsi), %rsi
	leaq	8(%rdx), %rdx
	leaq	8(%rdi), %rdi
	decl	%ecx
	jnz	1b
	setc	%al
	movzbl	%al, %eax
	ret

# sub: fd = fc - fb, returns the final borrow in %rax.
sub:
	leaq	fc(%rip), %rsi
	leaq	fb(%rip), %rdx
	leaq	fd(%rip), %rdi
	movl	$LIMBS, %ecx
	clc
1:	movq	(%rsi), %rax
	sbbq	(%rdx), %rax
	movq	%rax, (%rdi)
	leaq	8(%rsi), %rsi
	leaq	8(%rdx), %rdx
	leaq	8(%rdi), %rdi
	decl	%ecx
	jnz	1b
	sbbq	%rax, %rax		# 0 or -1 from the last borrow
	ret

	START
	movq	$1, fa(%rip)		# fa = 1, fb = 2^1024 - 2^64 + 0x8000...
	xorl	%ecx, %ecx
4:	movq	$-1, fb(,%rcx,8)
	incl	%ecx
	cmpl	$LIMBS, %ecx
	jb	4b
	movq	$0x8000000000000000, %rax
	movq	%rax, fb(%rip)
	movl	$60, %r12d		# iterations
	xorl	%r13d, %r13d		# OR of every carry and borrow out
	xorl	%r14d, %r14d		# count of subtractions that disagree
loop:
	call	add
	orq	%rax, %r13
	call	sub
	orq	%rax, %r13
	# fd must equal fa: compare with CMPSQ's cousin, a SUB/SBB free XOR.
	xorl	%ecx, %ecx
	xorl	%eax, %eax
2:	movq	fd(,%rcx,8), %rdx
	xorq	fa(,%rcx,8), %rdx
	orq	%rdx, %rax
	incl	%ecx
	cmpl	$LIMBS, %ecx
	jb	2b
	negq	%rax
	adcq	$0, %r14
	# Shift: fa = fb, fb = fc.
	xorl	%ecx, %ecx
3:	movq	fb(,%rcx,8), %rax
	movq	%rax, fa(,%rcx,8)
	movq	fc(,%rcx,8), %rax
	movq	%rax, fb(,%rcx,8)
	incl	%ecx
	cmpl	$LIMBS, %ecx
	jb	3b
	decl	%r12d
	jnz	loop

	movq	%r13, out(%rip)
	addq	%r14, out(%rip)
	WRITE	fa, 4 * LIMBS * 8 + 8	# fa..out+8
	EXIT
