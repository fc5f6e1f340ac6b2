# AVX2 on 256-bit registers, over a table of edge quadwords: broadcasts
# (VPBROADCASTD from memory, VPBROADCASTQ from a register), integer lane
# arithmetic and logic (VPADDD VPSUBQ VPMULLD VPXOR VPAND VPSLLVD VPSRAVD
# VPSHUFB VPCMPEQD VPMAXSD), cross-lane moves (VPERMD, VPERM2I128,
# VPERMQ), float arithmetic (VCVTDQ2PS VADDPS VMULPS VSUBPD VMAXPD on
# 256-bit vectors) and VPTEST. VEXTRACTI128, VEXTRACTF128 and VPMOVMSKB
# bring the upper halves of the YMM registers into XMM registers, general
# registers and memory, so a wrong upper lane shows in registers the
# harness compares and in the output. VPTEST's ZF and CF are recorded (the
# other arithmetic flags are cleared). Every pass ends with VZEROUPPER.
#include "common/program.inc"

	.data
	.balign 32
vals:	.quad	0, 1, -1, 0x8000000000000000, 0x0123456789abcdef
	.quad	0x5555555555555555, 0x00000000ffffffff, 0xfedcba9876543210
	COUNT	NV, vals, 8
tab:	.long	1, -2, 3, 0x7fffffff, 0x80000000, 16, -100, 0x01020304
shifts:	.long	0, 1, 7, 31, 32, 33, 4, 16
perm:	.long	7, 6, 5, 4, 3, 2, 1, 0
shuf:	.byte	15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
	.byte	0x80, 1, 0x80, 3, 4, 4, 4, 4, 8, 9, 10, 11, 0x81, 13, 14, 15
dbl:	.double	1.5, -2.25, 1.0e300, -0.0

	OUTPUT	1 << 14

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	vpbroadcastd vals(,%r12,8), %ymm0	# low dword of the value, 8 times
	vmovq	%r8, %xmm1
	vpbroadcastq %xmm1, %ymm1
	vmovdqa	tab(%rip), %ymm2
	vpaddd	%ymm2, %ymm0, %ymm3
	vpsubq	%ymm1, %ymm2, %ymm4
	vpmulld	%ymm3, %ymm2, %ymm5
	vpxor	%ymm4, %ymm5, %ymm6
	vpand	%ymm1, %ymm6, %ymm6
	vpsllvd	shifts(%rip), %ymm3, %ymm7
	vpsravd	shifts(%rip), %ymm1, %ymm8
	vpshufb	shuf(%rip), %ymm4, %ymm9
	vpcmpeqd %ymm0, %ymm3, %ymm10
	vpmaxsd	%ymm0, %ymm2, %ymm11
	vmovdqu	%ymm3, (%rdi)
	vmovdqu	%ymm5, 32(%rdi)
	vmovdqu	%ymm6, 64(%rdi)
	vmovdqu	%ymm7, 96(%rdi)
	vmovdqu	%ymm8, 128(%rdi)
	vmovdqu	%ymm9, 160(%rdi)
	vmovdqu	%ymm10, 192(%rdi)
	vmovdqu	%ymm11, 224(%rdi)
	addq	$256, %rdi
	# Cross-lane: upper halves into XMM registers, GPRs and memory.
	vpermd	%ymm5, %ymm2, %ymm12		# %ymm2 as indices (low 3 bits)
	vextracti128 $1, %ymm12, %xmm15
	vmovdqu	%xmm15, (%rdi)
	vmovdqu	perm(%rip), %ymm13
	vpermd	tab(%rip), %ymm13, %ymm12	# reversed dwords, from memory
	vextracti128 $1, %ymm12, %xmm15
	vmovdqu	%xmm15, 16(%rdi)
	vextracti128 $1, %ymm5, 32(%rdi)
	vperm2i128 $0x01, %ymm3, %ymm3, %ymm13	# halves swapped
	vmovdqu	%xmm13, 48(%rdi)		# the old upper half of ymm3
	vpermq	$0x1b, %ymm4, %ymm14		# quadwords reversed
	vmovdqu	%ymm14, 64(%rdi)
	vpmovmskb %ymm10, %eax			# one bit per byte, all 32 lanes
	movq	%rax, 96(%rdi)
	addq	$104, %rdi
	vptest	%ymm1, %ymm6			# ZF: ymm6 & ymm1 == 0, CF: ~ymm6 & ymm1 == 0
	RECORD_FLAGS
	vptest	%ymm10, %ymm10
	RECORD_FLAGS
	# Float lanes.
	vcvtdq2ps %ymm3, %ymm0
	vcvtdq2ps %ymm2, %ymm1
	vaddps	%ymm1, %ymm0, %ymm2
	vmulps	%ymm1, %ymm2, %ymm3
	vbroadcastsd dbl+8(%rip), %ymm4
	vcvtdq2pd %xmm5, %ymm5			# four dwords to four doubles
	vsubpd	dbl(%rip), %ymm5, %ymm6
	vmaxpd	%ymm4, %ymm6, %ymm7
	vmovups	%ymm3, (%rdi)
	vmovupd	%ymm7, 32(%rdi)
	vextractf128 $1, %ymm6, %xmm8
	vmovupd	%xmm8, 64(%rdi)
	addq	$80, %rdi
	vzeroupper
	ENDFOR	r12, NV

	FINISH
