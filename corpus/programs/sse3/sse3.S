# SSE3: ADDSUBPS/PD (subtract in even lanes, add in odd), HADDPS/PD and
# HSUBPS/PD (horizontal), MOVSLDUP, MOVSHDUP, MOVDDUP (register and memory),
# and LDDQU at an unaligned address, over pairs of vectors of exactly
# representable values (so MXCSR stays clean), including ±0 whose sign
# depends on the operation order.
#include "common/sse.inc"

	.data
	.balign 16
ps:	.float	1.0, -2.0, 0.5, 1024.0
	.float	-0.0, 0.0, -0.0, -0.0
	.float	3.0, 3.0, -3.0, 65536.0
	.float	0.25, -0.125, 8.0, -8.0
	.float	4096.0, 1.0, -4096.0, 2.0
	COUNT	NP, ps, 16
pd:	.double	1.0, -2.0
	.double	-0.0, 0.0
	.double	0.5, 4096.0
	.double	-0.0, -0.0
	.double	1099511627776.0, -3.0
	COUNT	ND, pd, 16
	MXDEFAULT

	OUTPUT	1 << 16

	START	rdi
	ldmxcsr	mx(%rip)
	VPAIRS
	.irp op, addsubps, haddps, hsubps
	movaps	ps(%r8), %xmm0
	\op	ps(%r9), %xmm0
	SAVEMX	xmm0
	.endr
	ENDFOR	r13, NP
	movsldup ps(%r8), %xmm0
	SAVEMX	xmm0
	movaps	ps(%r8), %xmm1
	movshdup %xmm1, %xmm0
	SAVEMX	xmm0
	lddqu	ps+5(%r8), %xmm0
	SAVEMX	xmm0
	ENDFOR	r12, NP
	VPAIRS
	movapd	pd(%r9), %xmm1
	.irp op, addsubpd, haddpd, hsubpd
	movapd	pd(%r8), %xmm0
	\op	%xmm1, %xmm0
	SAVEMX	xmm0
	.endr
	ENDFOR	r13, ND
	movddup	pd+8(%r8), %xmm0
	SAVEMX	xmm0
	movddup	%xmm1, %xmm0
	SAVEMX	xmm0
	ENDFOR	r12, ND

	FINISH
