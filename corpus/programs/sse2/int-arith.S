# SSE2 integer arithmetic over every pair of a table of vectors with edge
# lanes (0, 1, -1, the most negative and most positive of each width):
# PADDB/W/D/Q, PSUBB/W/D/Q, saturating PADDSB/W, PADDUSB/W, PSUBSB/W,
# PSUBUSB/W, PMULLW, PMULHW, PMULHUW, PMULUDQ, PMADDWD, PAVGB/W, PSADBW,
# PMINUB/PMAXUB, PMINSW/PMAXSW, register and memory sources.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.quad	0x0000000000000000, 0xffffffffffffffff
	.quad	0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	.quad	0x7fff80007fff8000, 0x0001ffff00010001
	.quad	0x7fffffff80000000, 0x8000000000000000
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x00ff00ff00ff00ff, 0x0102030405060708
	.quad	0x8000800080008000, 0x7fff7fff7fff7fff
	.quad	0x0000000100000001, 0xffffffff00000000
	.quad	0xfefefefefefefefe, 0x0101010101010101
	.quad	0x123456789abcdef0, 0x0fedcba987654321
	.quad	0x7f7f7f7f7f7f7f7f, 0x8181818181818181
	COUNT	NV, vecs, 16

	OUTPUT	1 << 17

	START	rdi
	VPAIRS
	movdqa	vecs(%r9), %xmm1
	VOPS	vecs, movdqa, xmm0, \
		paddb, paddw, paddd, paddq, psubb, psubw, psubd, psubq, \
		paddsb, paddsw, paddusb, paddusw, psubsb, psubsw, psubusb, \
		psubusw, pmullw, pmulhw, pmulhuw, pmuludq, pmaddwd, pavgb, \
		pavgw, psadbw, pminub, pmaxub, pminsw, pmaxsw
	movdqa	vecs(%r8), %xmm0
	pmuludq	vecs(%r9), %xmm0
	PUTX	xmm0
	movdqa	vecs(%r8), %xmm0
	paddsw	vecs(%r9), %xmm0
	PUTX	xmm0
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
