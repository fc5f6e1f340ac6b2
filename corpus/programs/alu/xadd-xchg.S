# XADD and XCHG at every width, register-register and register-memory,
# including the encodings that look like NOP: 90 is a true NOP, but 87 c0
# (xchg %eax,%eax) writes EAX and so clears the upper half of RAX.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0123456789abcdef
	COUNT	NV, vals, 8
mem:	.quad 0

	OUTPUT	1 << 17

.macro RR op sfx a b
	movq	%r8, %rax
	movq	%r9, %rbx
	\op\sfx	%\a, %\b
	RECORD	$0x8d5, rax, rbx
.endm

.macro RM op sfx a
	movq	%r8, %rax
	movq	%r9, mem(%rip)
	\op\sfx	%\a, mem(%rip)
	movq	mem(%rip), %rbx
	RECORD	$0x8d5, rax, rbx
.endm

	START	rdi
	PAIRS	vals
	RR	xadd, b, al, bl
	RR	xadd, w, ax, bx
	RR	xadd, l, eax, ebx
	RR	xadd, q, rax, rbx
	RR	xadd, b, ah, bl
	RM	xadd, b, al
	RM	xadd, w, ax
	RM	xadd, l, eax
	RM	xadd, q, rax
	RR	xchg, b, al, bl
	RR	xchg, b, ah, bl
	RR	xchg, w, ax, bx
	RR	xchg, l, eax, ebx
	RR	xchg, q, rax, rbx
	RM	xchg, w, ax
	RM	xchg, l, eax
	RM	xchg, q, rax
	ENDFOR	r13, NV
	# XADD of a register with itself: the sum wins.
	movq	%r8, %rax
	movq	%r8, %rbx
	xaddl	%eax, %eax
	RECORD	$0x8d5, rax, rbx
	# 90 is NOP; 87 c0 is xchg %eax,%eax and zero-extends.
	movq	%r8, %rax
	movq	%r8, %rbx
	nop
	.byte	0x87, 0xc0
	RECORD	$0x8d5, rax, rbx
	# 66 90 and REX.B 90 (41 90 = xchg %eax,%r8d).
	movq	%r8, %rax
	movq	%r9, %rbx
	.byte	0x41, 0x90
	movq	%r8, %rbx
	movq	vals(,%r12,8), %r8
	RECORD	$0x8d5, rax, rbx
	ENDFOR	r12, NV

	FINISH
