# AES-NI: AES-128 key expansion with AESKEYGENASSIST (every round constant),
# encryption of several blocks with AESENC/AESENCLAST, the inverse key
# schedule with AESIMC, decryption with AESDEC/AESDECLAST (which must give
# the plaintext back), the FIPS-197 test vector, 400 blocks of CTR-mode key
# stream, and each instruction applied once to edge-valued state and key
# pairs.
#include "common/sse.inc"

	.data
	.balign 16
# FIPS-197 appendix C.1: key 000102..0f, plaintext 00112233..ff.
key:	.byte	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
	.byte	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
plain:	.byte	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
	.byte	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
	.quad	0, 0
	.quad	-1, -1
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x8000000000000000, 1
	COUNT	NB, plain, 16
edge:	.quad	0, 0
	.quad	-1, -1
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x6363636363636363, 0x5252525252525252
	COUNT	NE, edge, 16

	.bss
	.balign 64
enc:	.skip	11 * 16			# encryption round keys
dec:	.skip	11 * 16			# decryption round keys
out:	.skip	1 << 14

# EXPAND rcon: the next round key from %xmm1 into %xmm1, stored at (%rsi).
.macro EXPAND rcon
	aeskeygenassist $\rcon, %xmm1, %xmm2
	pshufd	$0xff, %xmm2, %xmm2
	movdqa	%xmm1, %xmm3
	pslldq	$4, %xmm3
	pxor	%xmm3, %xmm1
	pslldq	$4, %xmm3
	pxor	%xmm3, %xmm1
	pslldq	$4, %xmm3
	pxor	%xmm3, %xmm1
	pxor	%xmm2, %xmm1
	addq	$16, %rsi
	movdqa	%xmm1, (%rsi)
.endm

	START	rdi
	movdqa	key(%rip), %xmm1
	leaq	enc(%rip), %rsi
	movdqa	%xmm1, (%rsi)
	.irp rcon, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36
	EXPAND	\rcon
	.endr
	# Decryption keys: reversed, AESIMC applied to the middle nine.
	movdqa	enc+160(%rip), %xmm0
	movdqa	%xmm0, dec(%rip)
	movl	$1, %ecx
1:	movl	$10, %eax
	subl	%ecx, %eax
	shll	$4, %eax
	aesimc	enc(%rax), %xmm0
	movl	%ecx, %edx
	shll	$4, %edx
	movdqa	%xmm0, dec(%rdx)
	incl	%ecx
	cmpl	$10, %ecx
	jb	1b
	movdqa	enc(%rip), %xmm0
	movdqa	%xmm0, dec+160(%rip)
	# Encrypt and decrypt each block.
	FORV	r8, r12
	movdqa	plain(%r8), %xmm0
	pxor	enc(%rip), %xmm0
	movl	$16, %ecx
3:	aesenc	enc(%rcx), %xmm0
	addl	$16, %ecx
	cmpl	$160, %ecx
	jb	3b
	aesenclast enc+160(%rip), %xmm0
	PUTX	xmm0			# the first is 69c4e0d86a7b0430d8cdb78070b4c55a
	pxor	dec(%rip), %xmm0
	movl	$16, %ecx
4:	aesdec	dec(%rcx), %xmm0
	addl	$16, %ecx
	cmpl	$160, %ecx
	jb	4b
	aesdeclast dec+160(%rip), %xmm0
	PUTX	xmm0			# the plaintext again
	ENDFOR	r12, NB
	# CTR mode: encrypt 400 successive counter blocks, fold the key
	# stream together with PXOR and PADDQ.
	pxor	%xmm5, %xmm5		# accumulator
	pxor	%xmm6, %xmm6		# counter (little-endian in lane 0)
	movl	$1, %eax
	movq	%rax, %xmm7		# increment
	movl	$400, %r12d
7:	paddq	%xmm7, %xmm6
	movdqa	%xmm6, %xmm0
	pxor	enc(%rip), %xmm0
	.irp off, 16, 32, 48, 64, 80, 96, 112, 128, 144
	aesenc	enc+\off(%rip), %xmm0
	.endr
	aesenclast enc+160(%rip), %xmm0
	pxor	%xmm0, %xmm5
	paddq	%xmm0, %xmm5
	decl	%r12d
	jnz	7b
	PUTX	xmm5
	# Each instruction once over edge-valued pairs.
	VPAIRS
	movdqa	edge(%r9), %xmm1
	VOPS	edge, movdqa, xmm0, aesenc, aesenclast, aesdec, aesdeclast
	ENDFOR	r13, NE
	aesimc	edge(%r8), %xmm0
	PUTX	xmm0
	aeskeygenassist $0x00, edge(%r8), %xmm0
	PUTX	xmm0
	aeskeygenassist $0xff, edge(%r8), %xmm0
	PUTX	xmm0
	ENDFOR	r12, NE
	FINISH	buf=enc		# the round keys, then out
