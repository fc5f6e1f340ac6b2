# AVX2 VPADDD/VPADDQ on 256-bit registers, VPBROADCASTQ. The oracle's CPU
# model lacks this extension, so the entry is only run natively and under
# QEMU with a CPU model that has it.
#include "common/unsupported.inc"

# BODY: the instructions under test for the value in %r8.
.macro BODY
	vmovq	%r8, %xmm0
	vpbroadcastq %xmm0, %ymm0
	vmovdqu	vals(%rip), %ymm1
	vpaddd	%ymm1, %ymm0, %ymm2
	vpaddq	vals+32(%rip), %ymm2, %ymm3
	vmovdqu	%ymm2, (%rdi)
	vmovdqu	%ymm3, 32(%rdi)
	addq	$64, %rdi
	vzeroupper
.endm

	EDGE_VALUES BODY
