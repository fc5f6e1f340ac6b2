# Checksums over a 1 KiB buffer: the Internet checksum (ones'-complement sum
# of 16-bit words with ADC carry folding, 64 bits at a time), Adler-32 (two
# running sums modulo 65521 by DIV), and Fletcher-16. Results are written to
# stdout.
#include "common/program.inc"

	.set LEN, 1024

	.bss
	.balign 64
buf:	.skip	LEN
out:	.skip	64

	START
	# Fill: xorshift32 bytes.
	movl	$2463534242, %eax
	xorl	%ecx, %ecx
1:	movl	%eax, %edx
	shll	$13, %edx
	xorl	%edx, %eax
	movl	%eax, %edx
	shrl	$17, %edx
	xorl	%edx, %eax
	movl	%eax, %edx
	shll	$5, %edx
	xorl	%edx, %eax
	movb	%al, buf(%rcx)
	incl	%ecx
	cmpl	$LEN, %ecx
	jb	1b
	leaq	out(%rip), %rdi
	# Internet checksum: add quadwords with carry, fold to 16 bits.
	# The index runs from -LEN up to 0 so that LEA and JRCXZ, which
	# leave CF alone, can control the loop.
	xorl	%eax, %eax
	movq	$-LEN, %rcx
	clc
2:	adcq	buf+LEN(%rcx), %rax
	leaq	8(%rcx), %rcx
	jrcxz	3f
	jmp	2b
3:	adcq	$0, %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	addl	%edx, %eax
	adcl	$0, %eax
	movl	%eax, %edx
	shrl	$16, %edx
	addw	%dx, %ax
	adcw	$0, %ax
	notw	%ax
	movw	%ax, (%rdi)
	# Adler-32.
	movl	$1, %r8d		# a
	xorl	%r9d, %r9d		# b
	movl	$65521, %r10d
	xorl	%ecx, %ecx
4:	movzbl	buf(%rcx), %eax
	addl	%eax, %r8d
	movl	%r8d, %eax
	xorl	%edx, %edx
	divl	%r10d
	movl	%edx, %r8d
	addl	%r8d, %r9d
	movl	%r9d, %eax
	xorl	%edx, %edx
	divl	%r10d
	movl	%edx, %r9d
	incl	%ecx
	cmpl	$LEN, %ecx
	jb	4b
	shll	$16, %r9d
	orl	%r8d, %r9d
	movl	%r9d, 2(%rdi)
	# Fletcher-16: sums modulo 255 by the add-and-fold trick.
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%ecx, %ecx
5:	movzbl	buf(%rcx), %eax
	addl	%eax, %r8d
	cmpl	$255, %r8d
	jb	6f
	subl	$255, %r8d
6:	addl	%r8d, %r9d
	cmpl	$255, %r9d
	jb	7f
	subl	$255, %r9d
7:	incl	%ecx
	cmpl	$LEN, %ecx
	jb	5b
	shll	$8, %r9d
	orl	%r8d, %r9d
	movw	%r9w, 6(%rdi)

	WRITE	out, 8
	EXIT
