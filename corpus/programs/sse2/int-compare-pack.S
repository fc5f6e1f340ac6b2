# SSE2 integer compares, packs, unpacks and shuffles over every pair of a
# table of vectors with edge lanes: PCMPEQB/W/D, PCMPGTB/W/D (signed),
# PACKSSWB, PACKSSDW, PACKUSWB (saturating), PUNPCKLBW/HBW/LWD/HWD/LDQ/
# HDQ/LQDQ/HQDQ, SHUFPD, UNPCKLPD/UNPCKHPD; per vector PSHUFD, PSHUFLW,
# PSHUFHW with several immediates, PMOVMSKB, MOVMSKPD, PEXTRW and PINSRW,
# MOVQ (clears the upper quadword) and MOVDQU at odd addresses.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.quad	0x0000000000000000, 0xffffffffffffffff
	.quad	0x7f7f7f7f80808080, 0x7fff80007fffffff
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x00ff00ff00ff00ff, 0x0102030405060708
	.quad	0x8000000000000000, 0x000000007fffffff
	.quad	0x7f807f807f807f80, 0x00ff01fe7fff8001
	.quad	0xffff0000ffff0000, 0x0000ffff0000ffff
	.quad	0x8081828384858687, 0x78797a7b7c7d7e7f
	COUNT	NV, vecs, 16

	OUTPUT	1 << 16

	START	rdi
	VPAIRS
	movdqa	vecs(%r9), %xmm1
	VOPS	vecs, movdqa, xmm0, \
		pcmpeqb, pcmpeqw, pcmpeqd, pcmpgtb, pcmpgtw, pcmpgtd, \
		packsswb, packssdw, packuswb, punpcklbw, punpckhbw, \
		punpcklwd, punpckhwd, punpckldq, punpckhdq, punpcklqdq, \
		punpckhqdq, unpcklpd, unpckhpd
	.irp imm, 0, 1, 2, 3
	movdqa	vecs(%r8), %xmm0
	shufpd	$\imm, vecs(%r9), %xmm0
	PUTX	xmm0
	.endr
	ENDFOR	r13, NV
	movdqa	vecs(%r8), %xmm1
	.irp imm, 0x00, 0x1b, 0xe4, 0x4e, 0xb1, 0x72
	pshufd	$\imm, %xmm1, %xmm0
	PUTX	xmm0
	pshuflw	$\imm, %xmm1, %xmm0
	PUTX	xmm0
	pshufhw	$\imm, vecs(%r8), %xmm0
	PUTX	xmm0
	.endr
	movq	$-1, %rax
	pmovmskb %xmm1, %eax
	movq	$-1, %rbx
	movmskpd %xmm1, %ebx
	movq	$-1, %rcx
	pextrw	$0, %xmm1, %ecx
	movq	$-1, %rdx
	pextrw	$7, %xmm1, %edx
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	addq	$32, %rdi
	movdqa	%xmm1, %xmm0
	pinsrw	$3, %r12d, %xmm0
	pinsrw	$6, vecs+2(%r8), %xmm0
	PUTX	xmm0
	movq	%xmm1, %xmm0		# upper quadword cleared
	PUTX	xmm0
	movdqu	vecs+3(%r8), %xmm0
	PUTX	xmm0
	ENDFOR	r12, NV

	FINISH
