# CMPXCHG at 32 bits with register and memory destinations, succeeding and
# failing over pairs of edge operands whose upper halves are non-zero. A
# failing CMPXCHG r32 does not write its destination at all (AMD and Intel
# hardware, QEMU 7.2), so the upper half of the destination survives; a
# succeeding one (register or memory destination) does not write RAX, so its
# upper half survives.
#include "common/cmpxchg.inc"

	CMPXCHG_TABLE
	OUTPUT	1 << 16

# CASES: the forms under test, for one pair.
.macro CASES
	# Register destination, 32 bits: on failure EBX must keep all 64
	# bits (it is not written, so not zero-extended either) while RAX
	# gets the zero-extended old EBX; on success EBX is written and
	# zero-extended and RAX is left alone.
	XCHGR	l, eax, ebx, ecx
	XCHGR	l, ecx, ebx, eax
	XCHGM	l, ecx
	# Force success with the same value in both places (upper halves
	# differ: the comparison is only 32 bits wide).
	movq	%r8, %rax
	movq	%r8, %rbx
	notq	%rbx
	movl	%eax, %ebx
	movq	%r9, %rcx
	cmpxchgl %ecx, %ebx
	SAVE3
.endm

	START	rdi
	CMPXCHG_PAIRS CASES

	FINISH
