# PCLMULQDQ (carry-less multiplication of one quadword of each operand)
# over every pair of a table of 16-byte vectors, with each of the four
# selectors of the immediate (low/high quadword of each operand) in the
# register form and from memory. The 128-bit products are recorded.
#include "common/program.inc"

	.data
	.balign 16
vecs:	.quad	0, 1
	.quad	1, -1
	.quad	-1, 0x8000000000000000
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x5555555555555555, 0x00000000ffffffff
	.quad	0x87, 0xc200000000000000		# GHASH's polynomial bits
	COUNT	NQ, vecs, 16

	OUTPUT	1 << 14

.macro CLMUL imm
	movdqa	vecs(%r8), %xmm0
	pclmulqdq $\imm, vecs(%r9), %xmm0
	movdqu	%xmm0, (%rdi)
	movdqa	vecs(%r9), %xmm2
	movdqa	%xmm1, %xmm3
	pclmulqdq $\imm, %xmm2, %xmm3
	movdqu	%xmm3, 16(%rdi)
	addq	$32, %rdi
.endm

	START	rdi
	VPAIRS
	movdqa	vecs(%r8), %xmm1
	CLMUL	0x00
	CLMUL	0x01
	CLMUL	0x10
	CLMUL	0x11
	ENDFOR	r13, NQ
	ENDFOR	r12, NQ

	FINISH
