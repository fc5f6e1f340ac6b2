# BT, BTS, BTR and BTC at 16, 32 and 64 bits: register operands with bit
# offsets taken modulo the width, immediate offsets, and memory operands
# with register offsets that reach outside the addressed word (a bit string:
# offset / 8 is added to the address, negative ones too). CF is the tested
# bit; the other flags are undefined and not recorded.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, -1, 1, 0x8000000000000000, 0x0123456789abcdef, 0x00000000ffff0000
	COUNT	NV, vals, 8
offs:	.quad 0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 127, -1, -64, -65
	COUNT	NO, offs, 8
	.balign 64
bits:	.skip 64			# the bit string, centred on bits+32

	OUTPUT	1 << 17

# REG op sfx reg off: op %off, %reg starting from %r8.
.macro REG op sfx reg off
	movq	%r8, %rax
	\op\sfx	%\off, %\reg
	RECORDB	$0x1, rax
.endm

# MEM op sfx off: op %off, bits+32, then record the word that changed.
.macro MEM op sfx off
	\op\sfx	%\off, bits+32(%rip)
	movq	%r9, %rax
	sarq	$3, %rax		# the byte the bit lives in
	movq	bits+32(%rax), %rax
	RECORDB	$0x1, rax
.endm

	START	rdi
	FOR	r12
	# Fill the bit string from the value.
	movq	vals(,%r12,8), %r8
	xorl	%ecx, %ecx
1:	movq	%r8, bits(,%rcx,8)
	rolq	$13, %r8
	incl	%ecx
	cmpl	$8, %ecx
	jb	1b
	movq	vals(,%r12,8), %r8
	FOR	r13
	movq	offs(,%r13,8), %r9
	REG	bt, w, ax, r9w
	REG	bts, w, ax, r9w
	REG	btr, l, eax, r9d
	REG	btc, l, eax, r9d
	REG	bt, q, rax, r9
	REG	bts, q, rax, r9
	REG	btr, q, rax, r9
	REG	btc, q, rax, r9
	MEM	bt, q, r9
	MEM	bts, q, r9
	MEM	btc, l, r9d
	MEM	btr, q, r9
	MEM	btc, w, r9w
	ENDFOR	r13, NO
	# Immediate offsets (taken modulo the width, also in memory).
	.irp n, 0, 7, 15, 31, 63
	movq	%r8, %rax
	btsq	$\n, %rax
	RECORDB	$0x1, rax
	movq	%r8, %rax
	btrl	$\n, %eax
	RECORDB	$0x1, rax
	movq	%r8, %rax
	btcw	$\n, %ax
	RECORDB	$0x1, rax
	btcq	$\n, bits+32(%rip)
	movq	bits+32(%rip), %rax
	RECORDB	$0x1, rax
	.endr
	ENDFOR	r12, NV

	FINISH
