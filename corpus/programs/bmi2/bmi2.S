# BMI2 MULX, RORX, SARX, SHLX and SHRX at 32 and 64 bits over edge operands
# and counts, including counts at and beyond the width (the shifts mask the
# count). None of them touches the flags, so the flags are preset both ways
# and recorded whole. BZHI, PDEP and PEXT have entries of their own.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x7fffffffffffffff, 0x00000000ffffffff, 0xfffffffe00000001
	COUNT	NV, vals, 8
counts:	.quad 0, 1, 7, 31, 32, 33, 63, 64, 65, 255, 256, 0x1ff
	COUNT	NC, counts, 8

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	ALTFLAGS r12
	FOR	r13
	movq	counts(,%r13,8), %r9
	PRESET
	sarxl	%r9d, %r8d, %eax
	RECORD	$0x8d5, rax
	PRESET
	shlxl	%r9d, %r8d, %eax
	RECORD	$0x8d5, rax
	PRESET
	shrxl	%r9d, %r8d, %eax
	RECORD	$0x8d5, rax
	PRESET
	sarxq	%r9, %r8, %rax
	RECORD	$0x8d5, rax
	PRESET
	shlxq	%r9, %r8, %rax
	RECORD	$0x8d5, rax
	PRESET
	shrxq	%r9, %r8, %rax
	RECORD	$0x8d5, rax
	ENDFOR	r13, NC
	# RORX by immediates, register and memory sources.
	.irp n, 0, 1, 31, 32, 63
	PRESET
	rorxl	$\n, %r8d, %eax
	RECORD	$0x8d5, rax
	PRESET
	rorxq	$\n, %r8, %rax
	RECORD	$0x8d5, rax
	.endr
	rorxq	$13, vals(,%r12,8), %rax
	RECORD	$0x8d5, rax
	# MULX: RDX times the source, high half to the first destination.
	FOR	r13
	movq	vals(,%r13,8), %r9
	PRESET
	movq	%r8, %rdx
	mulxq	%r9, %rbx, %rax		# rbx = low, rax = high
	RECORD	$0x8d5, rax
	movq	%rbx, (%rdi)
	addq	$8, %rdi
	PRESET
	movq	%r8, %rdx
	mulxl	%r9d, %ebx, %eax
	RECORD	$0x8d5, rax
	movq	%rbx, (%rdi)
	addq	$8, %rdi
	movq	%r8, %rdx
	mulxq	vals(,%r13,8), %rax, %rax	# same destination twice: high wins
	RECORD	$0x8d5, rax
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
