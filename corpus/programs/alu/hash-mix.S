# Hash functions as real code uses them: FNV-1a over bytes (XOR and 64-bit
# multiply), a MurmurHash3-style 64-bit finaliser (shifts, XORs, multiplies
# by large odd constants), and a rotate-add-XOR (ARX) mixing round, over a 2
# KiB pseudo-random buffer and over every prefix length of its first 48
# bytes. Results are written to stdout.
#include "common/program.inc"

	.set LEN, 2048

	.bss
	.balign 64
buf:	.skip	LEN
out:	.skip	1024

	.text
# fnv(rsi = data, rcx = length) -> rax
fnv:
	movabsq	$0xcbf29ce484222325, %rax
	movabsq	$0x100000001b3, %r8
	testq	%rcx, %rcx
	jz	2f
1:	movzbl	(%rsi), %edx
	xorq	%rdx, %rax
	imulq	%r8, %rax
	incq	%rsi
	decq	%rcx
	jnz	1b
2:	ret

# fmix(rax) -> rax, the MurmurHash3 64-bit finaliser.
fmix:
	movq	%rax, %rdx
	shrq	$33, %rdx
	xorq	%rdx, %rax
	movabsq	$0xff51afd7ed558ccd, %rdx
	imulq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$33, %rdx
	xorq	%rdx, %rax
	movabsq	$0xc4ceb9fe1a85ec53, %rdx
	imulq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$33, %rdx
	xorq	%rdx, %rax
	ret

	START
	# Fill with a linear congruential sequence.
	movabsq	$0x5851f42d4c957f2d, %r8
	movq	$1, %rax
	xorl	%ecx, %ecx
1:	imulq	%r8, %rax
	addq	$1442695040888963407 & 0x7fffffff, %rax
	movq	%rax, %rdx
	shrq	$29, %rdx
	movq	%rdx, buf(%rcx)
	addq	$8, %rcx
	cmpq	$LEN, %rcx
	jb	1b
	leaq	out(%rip), %rdi
	leaq	buf(%rip), %rsi
	movl	$LEN, %ecx
	call	fnv
	movq	%rax, (%rdi)
	call	fmix
	movq	%rax, 8(%rdi)
	addq	$16, %rdi
	# Every prefix of the first 48 bytes.
	xorl	%ebx, %ebx
2:	leaq	buf(%rip), %rsi
	movq	%rbx, %rcx
	call	fnv
	call	fmix
	movq	%rax, (%rdi)
	addq	$8, %rdi
	incq	%rbx
	cmpq	$48, %rbx
	jbe	2b
	# ARX rounds over the buffer as 64-bit words, four lanes.
	movabsq	$0x6a09e667f3bcc908, %r8
	movabsq	$0xbb67ae8584caa73b, %r9
	movabsq	$0x3c6ef372fe94f82b, %r10
	movabsq	$0xa54ff53a5f1d36f1, %r11
	xorl	%ecx, %ecx
3:	addq	buf(%rcx), %r8
	rolq	$13, %r9
	xorq	%r8, %r9
	addq	%r9, %r10
	rolq	$17, %r11
	xorq	%r10, %r11
	addq	%r11, %r8
	rorq	$7, %r9
	xorq	buf+8(%rcx), %r10
	addq	$16, %rcx
	cmpq	$LEN, %rcx
	jb	3b
	movq	%r8, (%rdi)
	movq	%r9, 8(%rdi)
	movq	%r10, 16(%rdi)
	movq	%r11, 24(%rdi)
	addq	$32, %rdi

	FINISH
