# MOVBE (move with byte swap) over a table of edge quadwords: loads into
# registers at 16 bits (the upper 48 bits of the destination are kept), 32
# bits (zero-extended) and 64 bits, and stores from registers at the three
# widths, at aligned and unaligned addresses. Flags are not affected: they
# are preset both ways and recorded whole.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad	0, 1, -1, 0x8000000000000000, 0x0123456789abcdef
	.quad	0x5555555555555555, 0x00000000ffffffff, 0xfedcba9876543210
	.quad	0x00ff00ff00ff00ff
	COUNT	NV, vals, 8

	OUTPUT	1 << 14

	START	rdi
	FOR	r12
	ALTFLAGS r12
	PRESET
	movq	vals(,%r12,8), %r8
	movabsq	$0x1122334455667788, %rax
	movq	%rax, %rbx
	movq	%rax, %rcx
	movbeq	vals(,%r12,8), %rax
	movbel	vals(,%r12,8), %ebx
	movbew	vals(,%r12,8), %cx
	RECORD	$0x8d5, rax, rbx, rcx
	movq	$-1, (%rdi)			# stores over a known pattern
	movq	$-1, 8(%rdi)
	movbeq	%r8, (%rdi)
	movbel	%r8d, 9(%rdi)			# unaligned
	movbew	%r8w, 14(%rdi)
	movbew	vals+1(,%r12,8), %dx		# unaligned load
	movzwl	%dx, %edx
	movq	%rdx, 16(%rdi)
	addq	$24, %rdi
	ENDFOR	r12, NV

	FINISH
