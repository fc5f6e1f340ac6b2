# CMPXCHG at 8, 16, 32 and 64 bits with register and memory destinations,
# succeeding and failing. The 32-bit forms are in cmpxchg32, because the
# oracle gets them wrong. Every register starts with its upper half set so
# that the 32-bit forms' rules show: on success the destination is written
# (and zero-extended) and RAX is left alone; on failure EAX is loaded
# (zero-extending RAX). CMPXCHG8B and CMPXCHG16B are in cmpxchg8b-16b.
#include "common/cmpxchg.inc"

	CMPXCHG_TABLE
	OUTPUT	1 << 16

# CASES: the forms under test, for one pair.
.macro CASES
	XCHGR	b, al, bl, cl
	XCHGR	w, ax, bx, cx
	XCHGR	q, rax, rbx, rcx
	XCHGM	b, cl
	XCHGM	w, cx
	XCHGM	q, rcx
	# Destination equal to the accumulator's register itself.
	movq	%r8, %rax
	cmpxchgl %eax, %eax
	movq	%rax, %rbx
	SAVE3
.endm

	START	rdi
	CMPXCHG_PAIRS CASES

	FINISH
