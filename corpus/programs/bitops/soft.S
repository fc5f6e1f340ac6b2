# Bit manipulation without special instructions, as portable code does it:
# SWAR population count (shifts, masks, a multiply), parity by XOR folding
# and by the PF flag (SETNP), bit reversal by mask-and-shift stages, next
# power of two by OR smearing, isolating and clearing the lowest set bit
# with AND/NEG/LEA, and a BT/BTS-based bitmap walk. The software popcount is
# checked against a bit-by-bit loop.
#include "common/program.inc"

	.bss
	.balign 64
bitmap:	.skip	64
out:	.skip	1 << 15

	START	rdi
	movabsq	$0x9e3779b97f4a7c15, %rbx	# a Weyl sequence of values
	xorl	%r12d, %r12d
	movabsq	$0x5555555555555555, %r8
	movabsq	$0x3333333333333333, %r9
	movabsq	$0x0f0f0f0f0f0f0f0f, %r10
	movabsq	$0x0101010101010101, %r11
loop:
	movq	%r12, %rsi
	imulq	%rbx, %rsi		# the value under test
	# SWAR popcount.
	movq	%rsi, %rax
	movq	%rax, %rdx
	shrq	$1, %rdx
	andq	%r8, %rdx
	subq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$2, %rdx
	andq	%r9, %rax
	andq	%r9, %rdx
	addq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$4, %rdx
	addq	%rdx, %rax
	andq	%r10, %rax
	imulq	%r11, %rax
	shrq	$56, %rax
	movb	%al, (%rdi)
	# Bit-by-bit count: clear the lowest set bit until none is left.
	movq	%rsi, %rcx
	xorl	%edx, %edx
1:	testq	%rcx, %rcx
	jz	2f
	leaq	-1(%rcx), %rax
	andq	%rax, %rcx
	incl	%edx
	jmp	1b
2:	movb	%dl, 1(%rdi)
	# Parity by folding, and of the low byte through PF.
	movq	%rsi, %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	xorl	%edx, %eax
	movl	%eax, %edx
	shrl	$16, %edx
	xorl	%edx, %eax
	xorb	%ah, %al
	setnp	%dl			# odd parity of the folded byte
	movb	%dl, 2(%rdi)
	testb	%sil, %sil
	setp	3(%rdi)
	# Lowest set bit isolated (x & -x) and cleared (x & (x - 1)).
	movq	%rsi, %rax
	negq	%rax
	andq	%rsi, %rax
	movq	%rax, 4(%rdi)
	leaq	-1(%rsi), %rax
	andq	%rsi, %rax
	movq	%rax, 12(%rdi)
	# Next power of two >= x by smearing the top bit down.
	leaq	-1(%rsi), %rax
	.irp s, 1, 2, 4, 8, 16, 32
	movq	%rax, %rdx
	shrq	$\s, %rdx
	orq	%rdx, %rax
	.endr
	incq	%rax
	movq	%rax, 20(%rdi)
	# Bit reversal in six swap stages.
	movq	%rsi, %rax
	.irp s, 1, 2, 4
	.if \s == 1
	movq	%r8, %rcx
	.elseif \s == 2
	movq	%r9, %rcx
	.else
	movq	%r10, %rcx
	.endif
	movq	%rax, %rdx
	shrq	$\s, %rdx
	andq	%rcx, %rdx
	andq	%rcx, %rax
	shlq	$\s, %rax
	orq	%rdx, %rax
	.endr
	bswapq	%rax
	movq	%rax, 28(%rdi)
	addq	$36, %rdi
	incq	%r12
	cmpq	$120, %r12
	jb	loop
	# A bitmap: set every third bit with BTS, walk it with BT.
	xorl	%ecx, %ecx
3:	btsq	%rcx, bitmap(%rip)
	addq	$3, %rcx
	cmpq	$512, %rcx
	jb	3b
	xorl	%ecx, %ecx
	xorl	%eax, %eax
4:	btq	%rcx, bitmap(%rip)
	adcq	$0, %rax
	incq	%rcx
	cmpq	$512, %rcx
	jb	4b
	movq	%rax, (%rdi)		# 171
	addq	$8, %rdi

	FINISH
