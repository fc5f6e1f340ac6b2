# SSE4.1 integer operations over every pair of a table of vectors: PBLENDW
# with several immediates, PBLENDVB (mask in XMM0), PMINSB/SD, PMAXSB/SD,
# PMINUW/UD, PMAXUW/UD, PMULLD, PMULDQ, PCMPEQQ, PACKUSDW, PTEST (ZF and
# CF), and per vector PMOVZX/PMOVSX (every width pair), PEXTRB/W/D/Q,
# PINSRB/D/Q, PHMINPOSUW.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.quad	0x0000000000000000, 0xffffffffffffffff
	.quad	0x7f80017f80ff0080, 0x7fffffff80000000
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x8000000000000001, 0x00000000ffffffff
	.quad	0x0003000200010000, 0xfffefffd00040005
	.quad	0x7fffffff7fffffff, 0x8000000080000000
	.quad	0xff00ff00ff00ff00, 0x00ff00ff00ff00ff
	.quad	0x0000ffff00000001, 0xffffffffffff0000
	COUNT	NV, vecs, 16

	OUTPUT	1 << 16

	START	rdi
	VPAIRS
	movdqa	vecs(%r9), %xmm1
	VOPS	vecs, movdqa, xmm2, \
		pminsb, pminsd, pmaxsb, pmaxsd, pminuw, pminud, pmaxuw, \
		pmaxud, pmulld, pmuldq, pcmpeqq, packusdw
	.irp imm, 0x00, 0xff, 0xa5, 0x0f
	movdqa	vecs(%r8), %xmm2
	pblendw	$\imm, vecs(%r9), %xmm2
	PUTX	xmm2
	.endr
	movdqa	vecs(%r9), %xmm0	# PBLENDVB's implicit mask
	movdqa	vecs(%r8), %xmm2
	pblendvb %xmm0, vecs(%r8), %xmm2
	PUTX	xmm2
	movdqa	vecs(%r8), %xmm2
	stc
	ptest	%xmm1, %xmm2
	RECORD_FLAGS
	ENDFOR	r13, NV
	movdqa	vecs(%r8), %xmm1
	.irp	op, pmovzxbw, pmovzxbd, pmovzxbq, pmovzxwd, pmovzxwq, \
		pmovzxdq, pmovsxbw, pmovsxbd, pmovsxbq, pmovsxwd, \
		pmovsxwq, pmovsxdq
	\op	%xmm1, %xmm2
	PUTX	xmm2
	.endr
	pmovsxbw vecs+8(%r8), %xmm2
	PUTX	xmm2
	movq	$-1, %rax
	pextrb	$15, %xmm1, %eax
	movq	$-1, %rbx
	pextrd	$3, %xmm1, %ebx
	pextrq	$1, %xmm1, %rcx
	pextrw	$5, %xmm1, %edx
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rcx, 16(%rdi)
	movq	%rdx, 24(%rdi)
	pextrb	$3, %xmm1, 32(%rdi)	# memory forms
	pextrd	$1, %xmm1, 33(%rdi)
	addq	$37, %rdi
	movdqa	%xmm1, %xmm2
	pinsrb	$9, %r12d, %xmm2
	pinsrd	$2, vecs+4(%r8), %xmm2
	pinsrq	$0, %r8, %xmm2
	PUTX	xmm2
	phminposuw %xmm1, %xmm2
	PUTX	xmm2
	ENDFOR	r12, NV

	FINISH
