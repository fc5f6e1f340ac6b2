# SSSE3 over every pair of a table of vectors: PSHUFB (a control byte with
# bit 7 set writes zero), PALIGNR with offsets 0, 1, 8, 15, 16, 17 and 32
# (offsets of 32 and above give zero), PHADDW/D, PHADDSW (saturating),
# PHSUBW/D, PHSUBSW, PABSB/W/D (the most negative value stays negative),
# PSIGNB/W/D, PMADDUBSW (unsigned times signed, saturating), PMULHRSW
# (rounded high half).
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.quad	0x0706050403020100, 0x0f0e0d0c0b0a0908
	.quad	0x8000000000000000, 0xffffffffffffffff
	.quad	0x7f7f80807fff8000, 0x7fffffff80000001
	.quad	0x8f1e2d3c4b5a6978, 0x0102038485868788
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x0000000000000000, 0x0101010101010101
	.quad	0x0f0e0d0c0b0a0908, 0x0706050403020100
	.quad	0x7fff7fff80008000, 0x0001ffff4000c000
	.quad	0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	COUNT	NV, vecs, 16

	OUTPUT	1 << 16

	START	rdi
	VPAIRS
	movdqa	vecs(%r9), %xmm1
	VOPS	vecs, movdqa, xmm0, \
		pshufb, phaddw, phaddd, phaddsw, phsubw, phsubd, phsubsw, \
		psignb, psignw, psignd, pmaddubsw, pmulhrsw
	.irp n, 0, 1, 8, 15, 16, 17, 32
	movdqa	vecs(%r8), %xmm0
	palignr	$\n, %xmm1, %xmm0
	PUTX	xmm0
	.endr
	movdqa	vecs(%r8), %xmm0
	pshufb	vecs(%r9), %xmm0
	PUTX	xmm0
	ENDFOR	r13, NV
	pabsb	vecs(%r8), %xmm0
	PUTX	xmm0
	pabsw	vecs(%r8), %xmm0
	PUTX	xmm0
	movdqa	vecs(%r8), %xmm1
	pabsd	%xmm1, %xmm0
	PUTX	xmm0
	ENDFOR	r12, NV

	FINISH
