# SSE4.1 floating point: ROUNDSD/SS/PD/PS with every rounding immediate
# (nearest, down, up, truncate, and MXCSR's mode) over halves, fractions,
# ±0, large integral values and infinities, always with imm8 bit 3 set so
# that inexact rounding raises no precision flag; BLENDPS/PD, BLENDVPS/PD
# (mask in XMM0), INSERTPS (with zeroing mask), EXTRACTPS, and DPPS/DPPD on
# exactly representable products. Results and MXCSR are recorded.
#include "common/sse.inc"

	.data
	.balign 16
rps:	.float	0.5, -0.5, 1.5, -2.5
	.float	2.4999998, -0.0, 8388607.5, -1.0e20
	.long	0x7f800000, 0xff800000, 0x3f7fffff, 0xbf000001
	COUNT	NR, rps, 16
rpd:	.double	0.5, -1.5
	.double	2.5, -0.0
	.double	4503599627370495.5, -1.0e300
	.quad	0x7ff0000000000000, 0x3fefffffffffffff
	COUNT	NRD, rpd, 16
dot:	.float	1.0, 2.0, -4.0, 0.5
	.float	8.0, -0.25, 2.0, 16.0
	.double	3.0, -0.5
	.double	4.0, 16.0
mx:	.long	0x1f80, 0x3f80		# nearest; down (for imm 4)

	OUTPUT	1 << 16

	START	rdi
	xorl	%r14d, %r14d		# MXCSR: nearest, then down
mode:
	ldmxcsr	mx(%r14)
	FORV	r8, r12
	.irp imm, 8, 9, 10, 11, 12
	roundps	$\imm, rps(%r8), %xmm0
	SAVEMX	xmm0, mx(%r14)
	movaps	rps(%r8), %xmm1
	pcmpeqd	%xmm0, %xmm0
	roundss	$\imm, %xmm1, %xmm0	# upper lanes from the destination
	SAVEMX	xmm0, mx(%r14)
	.endr
	ENDFOR	r12, NR
	FORV	r8, r12
	.irp imm, 8, 9, 10, 11, 12
	roundpd	$\imm, rpd(%r8), %xmm0
	SAVEMX	xmm0, mx(%r14)
	pcmpeqd	%xmm0, %xmm0
	roundsd	$\imm, rpd(%r8), %xmm0
	SAVEMX	xmm0, mx(%r14)
	.endr
	ENDFOR	r12, NRD
	addq	$4, %r14
	cmpq	$8, %r14
	jb	mode
	xorl	%r14d, %r14d
	ldmxcsr	mx(%rip)

	# Blends, inserts, extracts.
	movaps	rps(%rip), %xmm1
	movaps	rps+16(%rip), %xmm2
	.irp imm, 0x0, 0x5, 0xa, 0xf
	movaps	%xmm1, %xmm3
	blendps	$\imm, %xmm2, %xmm3
	SAVEMX	xmm3, mx(%r14)
	.endr
	movapd	rpd(%rip), %xmm3
	blendpd	$2, rpd+16(%rip), %xmm3
	SAVEMX	xmm3, mx(%r14)
	movaps	rps+32(%rip), %xmm0	# sign bits select
	movaps	%xmm1, %xmm3
	blendvps %xmm0, %xmm2, %xmm3
	SAVEMX	xmm3, mx(%r14)
	movapd	%xmm1, %xmm3
	blendvpd %xmm0, %xmm2, %xmm3
	SAVEMX	xmm3, mx(%r14)
	.irp imm, 0x00, 0x10, 0xe5, 0x39, 0xcf
	movaps	%xmm1, %xmm3
	insertps $\imm, %xmm2, %xmm3
	SAVEMX	xmm3, mx(%r14)
	.endr
	insertps $0x20, rps+8(%rip), %xmm3	# memory source: a single float
	SAVEMX	xmm3, mx(%r14)
	movq	$-1, %rax
	extractps $2, %xmm2, %eax
	extractps $3, %xmm2, (%rdi)
	movq	%rax, 4(%rdi)
	addq	$12, %rdi
	# Dot products: imm high nibble selects products, low nibble lanes.
	.irp imm, 0xff, 0x71, 0x3c, 0xa5
	movaps	dot(%rip), %xmm3
	dpps	$\imm, dot+16(%rip), %xmm3
	SAVEMX	xmm3, mx(%r14)
	.endr
	.irp imm, 0x33, 0x12, 0x31
	movapd	dot+32(%rip), %xmm3
	dppd	$\imm, dot+48(%rip), %xmm3
	SAVEMX	xmm3, mx(%r14)
	.endr

	FINISH
