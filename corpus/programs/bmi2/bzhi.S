# BMI2 BZHI at 32 and 64 bits over edge operands and every index from 0 to
# 70 plus large ones: the index is the low byte of the second source; an
# index at or above the width returns the source unchanged and sets CF (CF
# is clear for index width-1). ZF and SF follow the result, OF is cleared;
# AF and PF are undefined and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x7fffffffffffffff, 0x00000000ffffffff, 0xfffffffe00000001
	COUNT	NV, vals, 8
counts:	.quad 255, 256, 0x1ff, 0x120, -1, 0x8000000000000000
	COUNT	NC, counts, 8

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	xorl	%r9d, %r9d		# indexes 0..70
1:	bzhil	%r9d, %r8d, %eax
	RECORD	$0x8c1, rax
	bzhiq	%r9, %r8, %rax
	RECORD	$0x8c1, rax
	incl	%r9d
	cmpl	$70, %r9d
	jbe	1b
	FOR	r13		# then the large ones
	movq	counts(,%r13,8), %r9
	bzhil	%r9d, %r8d, %eax
	RECORD	$0x8c1, rax
	bzhiq	%r9, vals(,%r12,8), %rax
	RECORD	$0x8c1, rax
	ENDFOR	r13, NC
	ENDFOR	r12, NV

	FINISH
