# x87 FSQRT and FXTRACT of special operands: -1 (IE, the default NaN), -0
# (stays -0), +0 (FXTRACT raises ZE and gives -inf as the exponent), and the
# infinities. The results and status words are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
spec:	.double	-1.0, -0.0, 0.0
	.quad	0xfff0000000000000, 0x7ff0000000000000

	.bss
	.balign 64
out:	.skip	1 << 12

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
	.irp off, 0, 8, 16, 24, 32
	fldl	spec+\off(%rip)
	fsqrt
	SAVE
	fldl	spec+\off(%rip)
	fxtract
	SAVE
	SAVE
	.endr

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
