# SHLD and SHRD at 16, 32 and 64 bits, by CL and by immediate, over pairs of
# edge operands and counts 0, 1, width-1, width and masked-away counts. The
# 16-bit forms are undefined for masked counts above 16 and are skipped
# there. Recorded flags: CF ZF SF PF always, OF for a count of 1 only, all
# of them (unchanged) for a count of 0.
#include "common/shift.inc"

	.data
	.balign 8
vals:	.quad 0, -1, 0x8000000000000001, 0x0123456789abcdef, 0x00000000ffff8000
	COUNT	NV, vals, 8
counts:	.byte 0, 1, 4, 15, 16, 17, 31, 32, 33, 63, 64, 200
	COUNT	NC, counts, 1

	OUTPUT	1 << 16

# DBL op sfx dst src: double shift %src into %dst by %cl.
.macro DBL op sfx dst src
	PRESET
	movq	%r8, %rax
	movq	%r9, %rbx
	\op\sfx	%cl, %\src, %\dst
	RECORD	%r11d, rax
.endm

# DBLI op sfx n dst src mask: double shift by the immediate n.
.macro DBLI op sfx n dst src mask
	movl	$\mask, %r11d
	movq	%r8, %rax
	movq	%r9, %rbx
	\op\sfx	$\n, %\src, %\dst
	RECORD	%r11d, rax
.endm

	START	rdi
	PAIRS	vals
	notq	%r9
	FOR	r14
	movzbl	counts(%r14), %ecx
	ALTFLAGS r14
	SHIFTFLAGS 31
	DBL	shld, l, eax, ebx
	DBL	shrd, l, eax, ebx
	movl	%ecx, %eax
	andl	$31, %eax
	cmpl	$16, %eax
	ja	1f
	DBL	shld, w, ax, bx
	DBL	shrd, w, ax, bx
1:	SHIFTFLAGS 63
	DBL	shld, q, rax, rbx
	DBL	shrd, q, rax, rbx
	ENDFOR	r14, NC
	DBLI	shld, w, 1, ax, bx, 0x8c5
	DBLI	shrd, w, 15, ax, bx, 0x0c5
	DBLI	shld, l, 31, eax, ebx, 0x0c5
	DBLI	shrd, l, 1, eax, ebx, 0x8c5
	DBLI	shld, q, 63, rax, rbx, 0x0c5
	DBLI	shrd, q, 32, rax, rbx, 0x0c5
	DBLI	shld, q, 65, rax, rbx, 0x8c5
	ENDFOR	r13, NV
	ENDFOR	r12, NV

	FINISH
