# x87 FPREM (partial remainder, truncating quotient, like fmod) over pairs
# of dividends and divisors, including large exponent differences that need
# several partial-remainder steps (C2 set until the reduction is complete;
# the loop repeats the instruction), negative operands, and the low three
# quotient bits in C0, C3 and C1. Remainders are exact, so no precision
# exception arises.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
num:	.double	10.0, -10.0, 7.5, 1.0e10, 3.0e300, 5.0, -0.0, 1.0, 123456.789
	.double	9.2233720368547758e18
num_end:
	.set NN, (num_end - num) / 8
den:	.double	3.0, -3.0, 0.5, 2.5, 7.0, 1.0e-5, 0.1, 1.5707963267948966
den_end:
	.set ND, (den_end - den) / 8

	.bss
	.balign 64
out:	.skip	1 << 16

	.text
	.globl _start
_start:
	leaq	out(%rip), %rdi
	fninit
	xorl	%r12d, %r12d
outer:
	xorl	%r13d, %r13d
inner:
	.irp insn, fprem
	fldl	den(,%r13,8)
	fldl	num(,%r12,8)
	xorl	%ecx, %ecx		# count of partial steps
1:	incl	%ecx
	\insn
	fnstsw	%ax
	testb	$4, %ah			# C2: reduction incomplete
	jnz	1b
	fstpt	(%rdi)
	movw	%ax, 10(%rdi)
	movw	%cx, 12(%rdi)
	fstp	%st(0)
	fnclex
	addq	$14, %rdi
	.endr
	incq	%r13
	cmpq	$ND, %r13
	jb	inner
	incq	%r12
	cmpq	$NN, %r12
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
