# SSE2 integer shifts and logic: PSLLW/D/Q, PSRLW/D/Q, PSRAW/D by immediate
# and by an XMM count (counts of 0, 1, width-1, width and far beyond:
# logical shifts give 0, arithmetic ones fill with the sign; the XMM count
# is the whole low quadword), PSLLDQ/PSRLDQ byte shifts (including 16 and
# more), PAND, PANDN, POR, PXOR.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.quad	0x8000000000000001, 0x7fffffff80000000
	.quad	0xffffffffffffffff, 0x0123456789abcdef
	.quad	0x8001800180018001, 0x00ff00ff7f7f7f7f
	.quad	0x0000000000000001, 0x8000000000000000
	.quad	0x7fff00007fffffff, 0xfedcba9876543210
	COUNT	NV, vecs, 16
counts:	.quad	0, 1, 7, 15, 16, 31, 32, 63, 64, 65, 0x100000001, -1
	COUNT	NC, counts, 8

	OUTPUT	1 << 16

	START	rdi
	FORV	r8, r12
	# By an XMM count (low quadword; the high one is ignored).
	FOR	r13
	movq	counts(,%r13,8), %xmm1
	pinsrw	$5, %r13d, %xmm1	# junk in the ignored upper quadword
	VOPS	vecs, movdqa, xmm0, \
		psllw, pslld, psllq, psrlw, psrld, psrlq, psraw, psrad
	ENDFOR	r13, NC
	# By immediates.
	.irp n, 0, 1, 7, 15, 16, 31, 32, 63, 64, 255
	.irp op, psllw, pslld, psllq, psrlw, psrld, psrlq, psraw, psrad
	movdqa	vecs(%r8), %xmm0
	\op	$\n, %xmm0
	PUTX	xmm0
	.endr
	.endr
	.irp n, 0, 1, 7, 8, 15, 16, 200
	movdqa	vecs(%r8), %xmm0
	pslldq	$\n, %xmm0
	PUTX	xmm0
	movdqa	vecs(%r8), %xmm0
	psrldq	$\n, %xmm0
	PUTX	xmm0
	.endr
	FORV	r9, r13
	.irp op, pand, pandn, por, pxor
	movdqa	vecs(%r8), %xmm0
	\op	vecs(%r9), %xmm0
	PUTX	xmm0
	.endr
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
