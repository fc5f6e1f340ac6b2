# CMPS and SCAS at every size with REPE and REPNE, DF clear and set: strings
# equal, differing at the first, a middle and the last element, and a count
# of 0 (no iteration: flags and registers unchanged). Records the flags of
# the last comparison, RSI, RDI and RCX (which tell where the scan stopped)
# after each.
#include "common/program.inc"

	.data
	.balign 64
	.fill	512, 1, 0x20		# backward scans of equal strings run on
					# into this padding, not into other data
stra:	.ascii	"The quick brown fox jumps over the lazy dog. 0123456789abcdef!!"
strb:	.ascii	"The quick brown fox jumps over the lazy dog. 0123456789abcdef!!"
strc:	.ascii	"Xhe quick brown fox jumps over the lazy cog. 0123456789abcdeF!?"
counts:	.quad 0, 1, 7, 8, 63
	COUNT	NC, counts, 8

	OUTPUT	1 << 16

# SAVE: flags (all six, preset by the caller before a zero count), RSI,
# RDI relative to stra, RCX.
.macro SAVE
	pushfq
	popq	%rax
	andl	$0x8d5, %eax
	movq	%rax, (%r15)
	leaq	stra(%rip), %rax
	subq	%rax, %rsi
	subq	%rax, %rdi
	movq	%rsi, 8(%r15)
	movq	%rdi, 16(%r15)
	movq	%rcx, 24(%r15)
	addq	$32, %r15
.endm

# CMP insn a b df: compare from the starts (or, with df, the ends) of a
# and b, %r12 elements.
.macro CMP insn a b df size
	movq	%r12, %rcx
	.if \df
	leaq	\a+64-\size(%rip), %rsi
	leaq	\b+64-\size(%rip), %rdi
	std
	.else
	leaq	\a(%rip), %rsi
	leaq	\b(%rip), %rdi
	.endif
	cmpl	%ecx, %ecx		# known flags for a zero count
	\insn
	cld
	SAVE
.endm

# SCA insn b df size: scan b for the accumulator %r8.
.macro SCA insn b df size
	movq	%r12, %rcx
	movq	%r8, %rax
	xorl	%esi, %esi
	leaq	stra(%rip), %rsi
	.if \df
	leaq	\b+64-\size(%rip), %rdi
	std
	.else
	leaq	\b(%rip), %rdi
	.endif
	cmpl	%ecx, %ecx
	\insn
	cld
	SAVE
.endm

	START	r15
	cld
	FOR	r13
	movq	counts(,%r13,8), %r12
	.irp b, strb, strc
	CMP	"repe cmpsb", stra, \b, 0, 1
	CMP	"repe cmpsw", stra, \b, 0, 2
	CMP	"repe cmpsl", stra, \b, 1, 4
	CMP	"repe cmpsq", stra, \b, 0, 8
	CMP	"repne cmpsb", stra, \b, 0, 1
	CMP	"repne cmpsq", stra, \b, 1, 8
	CMP	"repe cmpsb", \b, stra, 1, 1
	.endr
	movq	$0x2020202020202020, %r8	# spaces
	.irp b, stra, strc
	SCA	"repne scasb", \b, 0, 1
	SCA	"repe scasb", \b, 0, 1
	SCA	"repne scasw", \b, 1, 2
	SCA	"repne scasl", \b, 0, 4
	SCA	"repe scasq", \b, 1, 8
	.endr
	movq	$0x6f, %r8			# 'o'
	SCA	"repne scasb", stra, 0, 1
	SCA	"repne scasb", stra, 1, 1
	ENDFOR	r13, NC
	# Single CMPS/SCAS without REP.
	movq	$3, %r12
	CMP	cmpsb, stra, strc, 0, 1
	CMP	cmpsq, stra, strc, 1, 8
	SCA	scasw, strc, 0, 2

	FINISH	r15
