# BMI1: ANDN, BLSMSK, BLSR and TZCNT at 32 and 64 bits over edge operands
# (BLSI and BEXTR have entries of their own). Only the defined flags are
# recorded (ZF SF CF OF).
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
	COUNT	NV, vals, 8

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	# One-operand forms.
	.irp op, blsmsk, blsr
	movq	$-1, %rax
	\op\()l	%r8d, %eax
	RECORD	$0x8c1, rax
	\op\()q	%r8, %rax
	RECORD	$0x8c1, rax
	.endr
	tzcntq	%r8, %rax
	RECORD	$0x41, rax
	blsrq	vals(,%r12,8), %rax	# memory source
	RECORD	$0x8c1, rax
	FOR	r13
	movq	vals(,%r13,8), %r9
	andnl	%r9d, %r8d, %eax
	RECORD	$0x8c1, rax
	andnq	%r9, %r8, %rax
	RECORD	$0x8c1, rax
	andnq	vals(,%r13,8), %r8, %rax
	RECORD	$0x8c1, rax
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
