# MOVSB/MOVSW/MOVSL/MOVSQ alone and with REP, forwards (DF=0) and backwards
# (DF=1), for counts 0, 1, 2, 7 and 17, non-overlapping and overlapping by
# one element both ways (REP MOVS copies element by element, so an
# overlapping forward copy replicates the pattern). After each copy the
# destination area, RSI, RDI and RCX are recorded.
#include "common/program.inc"

	.data
	.balign 64
pattern:
	.set i, 0
	.rept 64
	.byte (i * 37 + 11) & 0xff
	.set i, i + 1
	.endr
counts:	.quad 0, 1, 2, 7, 17
	COUNT	NC, counts, 8

	.bss
	.balign 64
buf:	.skip 320
out:	.skip 1 << 17

	.text
# RESET: fill buf with the pattern, 5 times over.
reset:
	leaq	buf(%rip), %rdi
	movl	$5, %edx
1:	leaq	pattern(%rip), %rsi
	movl	$8, %ecx
2:	movq	(%rsi), %rax
	movq	%rax, (%rdi)
	addq	$8, %rsi
	addq	$8, %rdi
	decl	%ecx
	jnz	2b
	decl	%edx
	jnz	1b
	ret

# SNAP: record buf and the string registers at %r15.
snap:
	leaq	buf(%rip), %rax
	xorl	%edx, %edx
1:	movq	(%rax,%rdx,8), %rbx
	movq	%rbx, (%r15,%rdx,8)
	incl	%edx
	cmpl	$40, %edx
	jb	1b
	addq	$320, %r15
	leaq	buf(%rip), %rax
	subq	%rax, %rsi		# addresses relative to buf
	subq	%rax, %rdi
	movq	%rsi, (%r15)
	movq	%rdi, 8(%r15)
	movq	%rcx, 16(%r15)
	addq	$24, %r15
	ret

# COPY insn size src dst: from buf+src to buf+dst, element count %r12.
.macro COPY insn size src dst
	call	reset
	leaq	buf+\src(%rip), %rsi
	leaq	buf+\dst(%rip), %rdi
	movq	%r12, %rcx
	\insn
	cld
	call	snap
.endm

.macro BACK insn size src dst
	call	reset
	leaq	buf+\src(%rip), %rsi
	leaq	buf+\dst(%rip), %rdi
	movq	%r12, %rcx
	std
	\insn
	cld
	call	snap
.endm

	START	r15
	cld
	FOR	r13
	movq	counts(,%r13,8), %r12
	COPY	"rep movsb", 1, 8, 150
	COPY	"rep movsw", 2, 8, 150
	COPY	"rep movsl", 4, 8, 150
	COPY	"rep movsq", 8, 8, 150
	COPY	"rep movsb", 1, 8, 9		# overlapping, dst = src + 1
	COPY	"rep movsq", 8, 16, 8		# overlapping, dst = src - 8
	COPY	"rep movsl", 4, 9, 151		# unaligned
	BACK	"rep movsb", 1, 140, 300
	BACK	"rep movsq", 8, 140, 300
	BACK	"rep movsw", 2, 140, 142	# overlapping backwards
	ENDFOR	r13, NC
	# Single MOVS without REP: RCX is not used.
	movq	$5, %r12
	COPY	movsb, 1, 8, 150
	COPY	movsw, 2, 8, 150
	BACK	movsl, 4, 8, 150
	BACK	movsq, 8, 8, 150

	FINISH	r15
