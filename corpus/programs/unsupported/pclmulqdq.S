# PCLMULQDQ carry-less multiplication of edge values. The oracle's CPU model
# lacks this extension, so the entry is only run natively and under QEMU
# with a CPU model that has it.
#include "common/unsupported.inc"

# BODY: the instructions under test for the value in %r8.
.macro BODY
	movq	%r8, %xmm0
	movq	vals+8(,%r12,8), %xmm1
	movdqa	%xmm0, %xmm2
	pclmulqdq $0x00, %xmm1, %xmm2
	movdqu	%xmm2, (%rdi)
	pclmulqdq $0x11, %xmm1, %xmm0
	movdqu	%xmm0, 16(%rdi)
	addq	$32, %rdi
.endm

	EDGE_VALUES BODY
