# INC, DEC and NEG at every width, register and memory forms, with the carry
# flag both clear and set beforehand (INC and DEC must preserve it).
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, -2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff
	.quad 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000
	.quad 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001
	.quad 0x00000000ffffff7f, 0xfedcba9876543210
	COUNT	NV, vals, 8
scratch: .quad 0

	OUTPUT	1 << 16

# UN op: op at every width on %rax, starting from %r8 with CF = bit 0 of %r10.
.macro UN op
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()b	%al
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()w	%ax
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()l	%eax
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()q	%rax
	RECORD	$0x8d5, rax
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()b	scratch+1(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8d5, rax
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()q	scratch(%rip)
	movq	scratch(%rip), %rax
	RECORD	$0x8d5, rax
.endm

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	xorl	%r10d, %r10d
	UN	inc
	UN	dec
	UN	neg
	movl	$1, %r10d
	UN	inc
	UN	dec
	UN	neg
	# The high-byte registers.
	movq	%r8, %rax
	incb	%ah
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	negb	%ah
	RECORD	$0x8d5, rax
	movq	%r8, %rbx
	decb	%bh
	movq	%rbx, %rax
	RECORD	$0x8d5, rax
	ENDFOR	r12, NV

	FINISH
