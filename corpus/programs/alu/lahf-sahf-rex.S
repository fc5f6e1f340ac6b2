# SAHF and LAHF with REX prefixes, for all 256 values of AH. LAHF and SAHF
# always use AH; a REX prefix does not turn the operand into SPL as it would
# for an ordinary byte register. The stack pointer is saved around the REX
# forms and the difference recorded, so a translator that writes SPL is
# caught without crashing the program.
#include "common/program.inc"

	OUTPUT	1 << 15

	START	rdi
	xorl	%ebx, %ebx
loop:
	# REX.W SAHF (48 9e) from the complement, then REX LAHF (40 9f).
	movl	%ebx, %eax
	notl	%eax
	movb	%al, %ah
	movq	%rsp, %r15
	.byte	0x48, 0x9e
	movq	%rsp, %r14
	movq	%r15, %rsp
	RECORD	$0x8d5, rax
	movq	$0x1122334455667788, %rax
	movq	%rsp, %r15
	.byte	0x40, 0x9f
	movq	%rsp, %r14
	movq	%r15, %rsp
	xorq	%r15, %r14		# 0 unless the stack pointer moved
	movq	%r14, (%rdi)
	addq	$8, %rdi
	RECORD	$0x8d5, rax
	# REX.W LAHF (48 9f).
	movq	$0xff, %rax
	movq	%rsp, %r15
	.byte	0x48, 0x9f
	movq	%rsp, %r14
	movq	%r15, %rsp
	xorq	%r15, %r14
	movq	%r14, (%rdi)
	addq	$8, %rdi
	RECORD	$0x8d5, rax
	incl	%ebx
	cmpl	$256, %ebx
	jb	loop

	FINISH
