# BMI1 BEXTR at 32 bits over a grid of starts and lengths, including
# fields that run past bit 31 and lengths of 32 and more, with sources whose
# upper 32 bits are set in the 64-bit register (a 32-bit BEXTR reads only
# the low half) and memory sources. ZF is defined, CF and OF are cleared;
# only those are recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad	0xffffffffffffffff, 0xa5a5a5a5ffffffff, 0xffffffff00000000
	.quad	0x00000001fedcba98, 0x0000000080000001
	COUNT	NV, vals, 8
starts:	.byte	0, 1, 4, 8, 16, 24, 28, 31, 32, 33, 40, 63, 64, 255
	COUNT	NS, starts, 1
lens:	.byte	0, 1, 4, 8, 16, 24, 31, 32, 33, 48, 64, 255
	COUNT	NL, lens, 1

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	FOR	r13
	FOR	r14
	movzbl	starts(%r13), %r9d
	movzbl	lens(%r14), %eax
	shll	$8, %eax
	orl	%eax, %r9d		# control: length << 8 | start
	movq	vals(,%r12,8), %r8
	bextrl	%r9d, %r8d, %eax
	RECORD	$0x841, rax
	bextrl	%r9d, vals(,%r12,8), %eax
	RECORD	$0x841, rax
	ENDFOR	r14, NL
	ENDFOR	r13, NS
	ENDFOR	r12, NV

	FINISH
