# SSE data movement: SHUFPS with a spread of immediates, UNPCKLPS/UNPCKHPS,
# MOVLHPS/MOVHLPS, MOVLPS/MOVHPS to and from memory, MOVSS (register form
# keeps the upper lanes; the load form clears them), MOVAPS/MOVUPS
# (unaligned), MOVMSKPS, ANDPS/ANDNPS/ORPS/XORPS, and the integer-domain
# moves MOVD/MOVQ between general and XMM registers.
#include "common/sse.inc"

	.data
	.balign 16
vecs:	.long	0x3f800000, 0xbf800000, 0x7fc00000, 0x80000000
	.long	0x11111111, 0x22222222, 0x33333333, 0x44444444
	.long	0xffffffff, 0x00000000, 0x80000000, 0x7fffffff
	.long	0xdeadbeef, 0xcafef00d, 0x01234567, 0x89abcdef
	.long	0x40490fdb, 0xc0490fdb, 0x00000001, 0x7f800000
	.long	0x80000001, 0x00000000, 0xffffffff, 0x12345678
	COUNT	NV, vecs, 16
	.byte	0			# so that vecs+1 is unaligned data
mem:	.quad	0x5555555555555555, 0xaaaaaaaaaaaaaaaa

	OUTPUT	1 << 16

	START	rdi
	VPAIRS
	movaps	vecs(%r9), %xmm1
	.irp imm, 0x00, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39, 0x93
	movaps	vecs(%r8), %xmm0
	shufps	$\imm, %xmm1, %xmm0
	PUTX	xmm0
	.endr
	VOPS	vecs, movaps, xmm0, \
		unpcklps, unpckhps, movlhps, movhlps, andps, andnps, orps, \
		xorps, movss
	movaps	vecs(%r8), %xmm0
	movlps	vecs(%r9), %xmm0
	PUTX	xmm0
	movaps	vecs(%r8), %xmm0
	movhps	vecs+8(%r9), %xmm0
	PUTX	xmm0
	ENDFOR	r13, NV
	movaps	vecs(%r8), %xmm0
	movmskps %xmm0, %eax
	movq	$-1, %rbx
	movmskps %xmm0, %ebx		# zero-extends into RBX
	movl	%eax, (%rdi)
	movq	%rbx, 4(%rdi)
	addq	$12, %rdi
	movss	vecs+4(%r8), %xmm0	# load form: upper lanes cleared
	PUTX	xmm0
	movups	vecs+1(%r8), %xmm0	# unaligned
	PUTX	xmm0
	movaps	vecs(%r8), %xmm0
	movlps	%xmm0, mem(%rip)
	movhps	%xmm0, mem+8(%rip)
	movss	%xmm1, mem+4(%rip)
	movups	mem(%rip), %xmm2
	PUTX	xmm2
	movd	%xmm0, %eax
	movq	%xmm0, %rbx
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	addq	$16, %rdi
	movq	$-1, %rax
	movd	%eax, %xmm3		# zero-extends to 128 bits
	PUTX	xmm3
	movq	%rax, %xmm3
	PUTX	xmm3
	ENDFOR	r12, NV

	FINISH
