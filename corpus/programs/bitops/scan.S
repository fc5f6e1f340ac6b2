# BSF, BSR, LZCNT, TZCNT at 16, 32 and 64 bits and BSWAP at 32 and 64 bits
# over single bits at every position, edge patterns and zero. For a zero
# source BSF and BSR set ZF and leave the destination as it was (AMD
# documents it, Intel hardware does it); LZCNT and TZCNT return the width
# and set CF. Only ZF (and CF for LZCNT/TZCNT) are defined. The 32-bit
# BSF/BSR start from a destination whose upper half is already zero: with a
# zero source AMD leaves all 64 bits alone while Intel (and QEMU) clear the
# upper half, and this entry should not depend on the vendor.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, -1, 0x8000000000000000, 0x0123456789abcdef, 0x0000000080000000
	.quad 0x0000000000008000, 0x0000000100000000, 0x00ff000000000000
	.quad 0x5555555555555555, 0x0000000000010000
	COUNT	NV, vals, 8

	OUTPUT	1 << 16

.macro ALL
	movq	$0x1111111111111111, %rax
	bsfw	%r8w, %ax
	RECORDB	$0x40, rax
	movl	$0x11111111, %eax	# upper half 0: see above
	bsfl	%r8d, %eax
	RECORDB	$0x40, rax
	movq	$0x1111111111111111, %rax
	bsfq	%r8, %rax
	RECORDB	$0x40, rax
	movq	$0x2222222222222222, %rax
	bsrw	%r8w, %ax
	RECORDB	$0x40, rax
	movl	$0x22222222, %eax
	bsrl	%r8d, %eax
	RECORDB	$0x40, rax
	movq	$0x2222222222222222, %rax
	bsrq	%r8, %rax
	RECORDB	$0x40, rax
	movq	$-1, %rax
	lzcntw	%r8w, %ax
	RECORDB	$0x41, rax
	lzcntl	%r8d, %eax
	RECORDB	$0x41, rax
	lzcntq	%r8, %rax
	RECORDB	$0x41, rax
	movq	$-1, %rax
	tzcntw	%r8w, %ax
	RECORDB	$0x41, rax
	tzcntl	%r8d, %eax
	RECORDB	$0x41, rax
	tzcntq	%r8, %rax
	RECORDB	$0x41, rax
	movq	%r8, %rax
	bswapl	%eax
	RECORDB	$0, rax
	movq	%r8, %rax
	bswapq	%rax
	RECORDB	$0, rax
	movq	%r8, %r11
	bswapq	%r11
	movq	%r11, %rax
	RECORDB	$0, rax
.endm

	START	rdi
	# Every single-bit value, then every all-ones-below value.
	movl	$1, %r8d
1:	ALL
	shlq	$1, %r8
	jnz	1b
	movl	$1, %r8d
2:	ALL
	leaq	1(%r8,%r8), %r8
	cmpq	$-1, %r8
	jne	2b
	FOR	r12
	movq	vals(,%r12,8), %r8
	ALL
	ENDFOR	r12, NV

	FINISH
