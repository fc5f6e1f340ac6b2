# SSE4.2 CRC32 (the CRC-32C polynomial) with 8-, 16-, 32- and 64-bit
# sources, register and memory forms, over a pseudo-random buffer: the CRC
# of the whole buffer computed four ways (they must agree), the CRC of each
# prefix length 0-63 bytewise, and single steps from edge values. The 32-bit
# destination is zero-extended; the 64-bit form (REX.W) takes a 64-bit
# source but still produces a 32-bit CRC.
#include "common/program.inc"

	.set LEN, 1024
	.bss
	.balign 64
buf:	.skip	LEN
out:	.skip	1 << 12

	START
	# Fill the buffer with a xorshift sequence.
	movq	$0x9e3779b97f4a7c15, %rax
	xorl	%ecx, %ecx
1:	movq	%rax, %rdx
	shlq	$13, %rdx
	xorq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$7, %rdx
	xorq	%rdx, %rax
	movq	%rax, %rdx
	shlq	$17, %rdx
	xorq	%rdx, %rax
	movq	%rax, buf(%rcx)
	addq	$8, %rcx
	cmpq	$LEN, %rcx
	jb	1b
	leaq	out(%rip), %rdi

	# Bytes.
	movl	$-1, %eax
	xorl	%ecx, %ecx
2:	crc32b	buf(%rcx), %eax
	incq	%rcx
	cmpq	$LEN, %rcx
	jb	2b
	movl	%eax, (%rdi)
	# Words, from a register.
	movl	$-1, %eax
	xorl	%ecx, %ecx
3:	movzwl	buf(%rcx), %edx
	crc32w	%dx, %eax
	addq	$2, %rcx
	cmpq	$LEN, %rcx
	jb	3b
	movl	%eax, 4(%rdi)
	# Doublewords.
	movl	$-1, %eax
	xorl	%ecx, %ecx
4:	crc32l	buf(%rcx), %eax
	addq	$4, %rcx
	cmpq	$LEN, %rcx
	jb	4b
	movl	%eax, 8(%rdi)
	# Quadwords: the destination is a 64-bit register.
	movq	$-1, %rax
	movl	%eax, %eax
	xorl	%ecx, %ecx
5:	movq	buf(%rcx), %rdx
	crc32q	%rdx, %rax
	addq	$8, %rcx
	cmpq	$LEN, %rcx
	jb	5b
	movq	%rax, 12(%rdi)
	addq	$20, %rdi
	# Every prefix up to 63 bytes.
	xorl	%ebx, %ebx
6:	movl	$-1, %eax
	xorl	%ecx, %ecx
	jmp	8f
7:	crc32b	buf(%rcx), %eax
	incq	%rcx
8:	cmpq	%rbx, %rcx
	jb	7b
	notl	%eax
	movl	%eax, (%rdi)
	addq	$4, %rdi
	incq	%rbx
	cmpq	$64, %rbx
	jb	6b
	# Single steps from edge values; upper bits of the destination set.
	.irp v, 0, 1, 0xffffffff, 0x80000000
	movq	$0xffffffff00000000 + \v, %rax
	crc32b	%al, %eax
	movq	%rax, (%rdi)
	movq	$\v, %rax
	movq	$-1, %rdx
	crc32q	%rdx, %rax
	movq	%rax, 8(%rdi)
	movl	$\v, %eax
	crc32w	%ax, %eax
	movq	%rax, 16(%rdi)
	addq	$24, %rdi
	.endr

	FINISH
