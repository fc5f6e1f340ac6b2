# STOS and LODS at every size: single and REP, DF clear and set, counts 0,
# 1, 3 and 20. REP STOS fills memory; REP LODS (legal, if useless) leaves
# the last element in the accumulator. The touched area, RAX, RSI, RDI and
# RCX are recorded after each.
#include "common/program.inc"

	.data
	.balign 64
src:	.quad 0x0807060504030201, 0x100f0e0d0c0b0a09, 0x1817161514131211
	.quad 0x201f1e1d1c1b1a19, 0xf8f7f6f5f4f3f2f1, 0x0001020304050607
	.quad 0x8877665544332211, 0xffeeddccbbaa9988, 0x7f7f7f7f80808080
	.quad 0x0123456789abcdef, 0xfedcba9876543210, 0x5555aaaa5555aaaa
	.quad 0xdeadbeefcafef00d, 0x0000000100000002, 0x8000000000000001
	.quad 0x1111111111111111, 0x2222222222222222, 0x3333333333333333
	.quad 0x4444444444444444, 0x5555555555555555, 0x6666666666666666
counts:	.quad 0, 1, 3, 20
	COUNT	NC, counts, 8

	.bss
	.balign 64
buf:	.skip 192
out:	.skip 1 << 16

	.text
clear:
	xorl	%eax, %eax
1:	movq	$-1, buf(,%rax,8)
	incl	%eax
	cmpl	$24, %eax
	jb	1b
	ret

# SNAP: record buf, RAX and the string registers at %r15.
snap:
	pushq	%rax
	xorl	%edx, %edx
1:	movq	buf(,%rdx,8), %rbx
	movq	%rbx, (%r15,%rdx,8)
	incl	%edx
	cmpl	$24, %edx
	jb	1b
	popq	%rax
	movq	%rax, 192(%r15)
	leaq	buf(%rip), %rbx
	subq	%rbx, %rdi
	leaq	src(%rip), %rbx
	subq	%rbx, %rsi
	movq	%rsi, 200(%r15)
	movq	%rdi, 208(%r15)
	movq	%rcx, 216(%r15)
	addq	$224, %r15
	ret

# STO insn off df: store the element pattern of %r8 at buf+off.
.macro STO insn off df
	call	clear
	movq	%r8, %rax
	leaq	buf+\off(%rip), %rdi
	leaq	src(%rip), %rsi
	movq	%r12, %rcx
	.if \df
	std
	.endif
	\insn
	cld
	call	snap
.endm

# LOD insn off df: load from src+off.
.macro LOD insn off df
	call	clear
	movq	$0x5a5a5a5a5a5a5a5a, %rax
	leaq	buf(%rip), %rdi
	leaq	src+\off(%rip), %rsi
	movq	%r12, %rcx
	.if \df
	std
	.endif
	\insn
	cld
	call	snap
.endm

	START	r15
	cld
	movq	$0x8877665544332211, %r8
	FOR	r13
	movq	counts(,%r13,8), %r12
	STO	"rep stosb", 8, 0
	STO	"rep stosw", 9, 0
	STO	"rep stosl", 8, 0
	STO	"rep stosq", 8, 0
	STO	"rep stosb", 180, 1
	STO	"rep stosq", 176, 1
	LOD	"rep lodsb", 0, 0
	LOD	"rep lodsw", 1, 0
	LOD	"rep lodsl", 0, 0
	LOD	"rep lodsq", 0, 0
	LOD	"rep lodsl", 160, 1
	ENDFOR	r13, NC
	movq	$7, %r12		# without REP: RCX untouched
	STO	stosb, 8, 0
	STO	stosw, 8, 1
	STO	stosl, 8, 0
	STO	stosq, 8, 1
	LOD	lodsb, 8, 1
	LOD	lodsw, 8, 0
	LOD	lodsl, 8, 1
	LOD	lodsq, 8, 0

	FINISH	r15
