# x87 FPATAN: atan(y / x) in the right quadrant, over signs of zero, equal
# and opposite operands, extreme ratios and infinities. Results (80-bit) and
# status words are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
yx:	.double	1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 0.0, -1.0, -0.0, -1.0
	.double	1.0e-300, 1.0e300, 3.0, 4.0, 0.0, 0.0
	.quad	0x7ff0000000000000, 0x7ff0000000000000
yx_end:
	.set NY, (yx_end - yx) / 16

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
2:	movq	%r12, %rax
	shlq	$4, %rax
	fldl	yx(%rax)		# y
	fldl	yx+8(%rax)		# x
	fpatan				# atan(y / x) with the right quadrant
	SAVE
	incq	%r12
	cmpq	$NY, %r12
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
