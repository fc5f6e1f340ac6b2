# Sign and zero extension: MOVZX, MOVSX, MOVSXD, CBW, CWDE, CDQE, CWD, CDQ,
# CQO, and partial-register writes (8 and 16-bit writes keep the upper bits,
# 32-bit writes clear them), over a table of edge values.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff
	.quad 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff
	.quad 0x8000000000000000, 0x00000000ff00ff80, 0x123456789abcdef0
	COUNT	NV, vals, 8

	OUTPUT	1 << 15

	START	rdi
	movq	$0x5555555555555555, %rbx
	FOR	r12
	movq	vals(,%r12,8), %r8
	movq	%rbx, %rax
	movzbl	%r8b, %eax
	PUTQ	rax
	movq	%rbx, %rax
	movzbw	%r8b, %ax
	PUTQ	rax
	movq	%rbx, %rax
	movzwl	%r8w, %eax
	PUTQ	rax
	movzbq	%r8b, %rax
	PUTQ	rax
	movzwq	%r8w, %rax
	PUTQ	rax
	movq	%rbx, %rax
	movsbw	%r8b, %ax
	PUTQ	rax
	movq	%rbx, %rax
	movsbl	%r8b, %eax
	PUTQ	rax
	movsbq	%r8b, %rax
	PUTQ	rax
	movq	%rbx, %rax
	movswl	%r8w, %eax
	PUTQ	rax
	movswq	%r8w, %rax
	PUTQ	rax
	movslq	%r8d, %rax
	PUTQ	rax
	movq	%rbx, %rax
	movsbl	vals(,%r12,8), %eax	# memory source
	PUTQ	rax
	movq	%rbx, %rax
	movzwl	vals+1(,%r12,8), %eax
	PUTQ	rax
	# Accumulator forms.
	movq	%r8, %rax
	cbtw
	PUTQ	rax
	movq	%r8, %rax
	cwtl
	PUTQ	rax
	movq	%r8, %rax
	cltq
	PUTQ	rax
	movq	%r8, %rax
	movq	%rbx, %rdx
	cwtd
	PUTQ	rax
	PUTQ	rdx
	movq	%r8, %rax
	movq	%rbx, %rdx
	cltd
	PUTQ	rax
	PUTQ	rdx
	movq	%r8, %rax
	movq	%rbx, %rdx
	cqto
	PUTQ	rax
	PUTQ	rdx
	# Partial writes.
	movq	%rbx, %rax
	movb	%r8b, %al
	PUTQ	rax
	movq	%rbx, %rax
	movl	%r8d, %ecx
	movb	%cl, %ah
	PUTQ	rax
	movq	%rbx, %rax
	movw	%r8w, %ax
	PUTQ	rax
	movq	%rbx, %rax
	movl	%r8d, %eax
	PUTQ	rax
	movq	%rbx, %rax
	movl	$-1, %eax
	PUTQ	rax
	movq	%rbx, %rsi
	movb	%r8b, %sil		# REX byte register
	PUTQ	rsi
	ENDFOR	r12, NV

	FINISH
