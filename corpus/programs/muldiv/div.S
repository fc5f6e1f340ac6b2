# DIV and IDIV at 8, 16, 32 and 64 bits over pairs of edge operands, without
# faults: for DIV the high half of the dividend is first reduced modulo the
# divisor (by another DIV), so the quotient always fits; for IDIV the
# dividend is sign-extended (CBW/CWD/CDQ/CQO) and the one overflowing case
# per width, the most negative value over -1, is skipped
# (fault/idiv-overflow covers it). The remainder takes the dividend's sign.
# Flags are undefined after division and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 1, 2, 3, -1, -2, 7, -7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000
	.quad 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff
	.quad 0x8000000000000000, 0x0123456789abcdef
	COUNT	NV, vals, 8

	OUTPUT	1 << 17

.macro SAVE
	movq	%rax, (%rdi)
	movq	%rdx, 8(%rdi)
	addq	$16, %rdi
.endm

	START	rdi
	PAIRS	vals		# %r8: dividend (and high half), %r9: divisor
	notq	%r8
	# DIV r/m8: AX / r8 with AH reduced first. Skip a zero divisor byte.
	testb	%r9b, %r9b
	jz	1f
	movzbl	%r8b, %eax
	divb	%r9b			# AH = (r8 low byte) mod divisor
	movq	%r8, %rcx
	movb	%ch, %al		# AL = second byte of the dividend
	divb	%r9b
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	SAVE
1:	testw	%r9w, %r9w
	jz	1f
	xorl	%edx, %edx
	movzwl	%r8w, %eax
	divw	%r9w
	movq	%r8, %rax
	shrq	$16, %rax
	divw	%r9w
	SAVE
1:	testl	%r9d, %r9d
	jz	1f
	xorl	%edx, %edx
	movl	%r8d, %eax
	divl	%r9d
	movq	%r8, %rax
	shrq	$32, %rax
	divl	%r9d
	SAVE
1:	xorl	%edx, %edx		# the table has no zero divisor at 64 bits
	movq	%r8, %rax
	divq	%r9
	movq	vals(,%r12,8), %rax
	divq	%r9
	SAVE
	movq	vals(,%r12,8), %r8	# IDIV of the table value itself
	# IDIV r/m8: AL sign-extended into AX.
	testb	%r9b, %r9b
	jz	1f
	cmpb	$-1, %r9b
	jne	2f
	cmpb	$-128, %r8b
	je	1f
2:	movq	%r8, %rax
	cbtw
	idivb	%r9b
	movq	$0x5a5a5a5a5a5a5a5a, %rdx
	SAVE
1:	testw	%r9w, %r9w
	jz	1f
	cmpw	$-1, %r9w
	jne	2f
	cmpw	$-32768, %r8w
	je	1f
2:	movq	%r8, %rax
	cwtd
	idivw	%r9w
	SAVE
1:	testl	%r9d, %r9d
	jz	1f
	cmpl	$-1, %r9d
	jne	2f
	cmpl	$-0x80000000, %r8d
	je	1f
2:	movq	%r8, %rax
	cltd
	idivl	%r9d
	SAVE
1:	cmpq	$-1, %r9
	jne	2f
	movq	$0x8000000000000000, %rax
	cmpq	%rax, %r8
	je	1f
2:	movq	%r8, %rax
	cqto
	idivq	%r9
	SAVE
1:	ENDFOR	r13, NV
	ENDFOR	r12, NV

	# 128-bit dividends whose quotient just fits.
	movq	$0x7fffffffffffffff, %rcx
	movq	$0x3fffffffffffffff, %rdx
	movq	$0x7ffffffffffffffe, %rax
	idivq	%rcx			# quotient 2^63-1, remainder 2^63-3
	SAVE
	movq	$-1, %rdx		# -2^64 + 5 over 2^62
	movq	$5, %rax
	movq	$0x4000000000000000, %rcx
	idivq	%rcx
	SAVE
	movq	$0xfffffffffffffffe, %rdx
	movq	$0, %rax
	movq	$-1, %rcx
	divq	%rcx			# (2^64-2)*2^64 / (2^64-1): fits
	SAVE

	FINISH
