# POPCNT at 16, 32 and 64 bits over edge values, with its flags. The
# oracle's CPU model lacks this extension, so the entry is only run natively
# and under QEMU with a CPU model that has it.
#include "common/unsupported.inc"

# BODY: the instructions under test for the value in %r8.
.macro BODY
	popcntq	%r8, %rax
	movq	%rax, (%rdi)
	popcntl	%r8d, %eax
	movq	%rax, 8(%rdi)
	popcntw	%r8w, %ax
	movq	%rax, 16(%rdi)
	pushfq
	popq	%rax
	andl	$0x8d5, %eax		# ZF set for zero, the rest cleared
	movq	%rax, 24(%rdi)
	addq	$32, %rdi
.endm

	EDGE_VALUES BODY
