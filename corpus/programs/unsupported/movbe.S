# MOVBE loads and stores (byte-swapping moves) at 16, 32 and 64 bits. The
# oracle's CPU model lacks this extension, so the entry is only run natively
# and under QEMU with a CPU model that has it.
#include "common/unsupported.inc"

# BODY: the instructions under test for the value in %r8.
.macro BODY
	movq	%r8, (%rdi)
	movbeq	(%rdi), %rax
	movq	%rax, 8(%rdi)
	movbel	(%rdi), %eax
	movq	%rax, 16(%rdi)
	movbew	%r8w, 24(%rdi)
	movbeq	%r8, 26(%rdi)
	addq	$34, %rdi
.endm

	EDGE_VALUES BODY
