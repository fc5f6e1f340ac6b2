# Jcc for all 16 conditions, short (rel8) and near (rel32) forms, under all
# 32 combinations of CF PF ZF SF OF, recorded as a taken/not-taken mask;
# then LOOP, LOOPE, LOOPNE with RCX and with ECX (address-size prefix),
# JRCXZ and JECXZ, and a jump table through an indirect JMP.
#include "common/program.inc"

	.data
	.balign 8
jtab:	.quad case0, case1, case2, case3

	OUTPUT	1 << 15

	START	rdi
	xorl	%r12d, %r12d
flags_loop:
	CONDFLAGS
	xorl	%r13d, %r13d		# taken mask, short forms
	xorl	%r11d, %r11d		# taken mask, near forms
	.set bit, 1
	.irp cc, o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
	pushq	%r14
	popfq
	j\cc	1f			# rel8
	jmp	2f
1:	orl	$bit, %r13d
2:	pushq	%r14
	popfq
	j\cc	3f			# rel32: over 128 bytes of padding
	jmp	4f
	.fill	130, 1, 0x90
3:	orl	$bit, %r11d
4:
	.set bit, bit << 1
	.endr
	movw	%r13w, (%rdi)
	movw	%r11w, 2(%rdi)
	addq	$4, %rdi
	incl	%r12d
	cmpl	$32, %r12d
	jb	flags_loop

	# LOOP family: count iterations, and how each loop ended.
	# (A start value of 0 would mean 2^64 iterations: not used.)
	.irp n, 1, 5, 17
	movq	$\n, %rcx
	xorl	%eax, %eax
1:	incl	%eax
	loop	1b
	movq	%rax, (%rdi)
	movq	%rcx, 8(%rdi)
	addq	$16, %rdi
	.endr
	.irp n, 3, 0x500000002
	movq	$\n, %rcx
	xorl	%eax, %eax
1:	incl	%eax
	addr32	loop 1b			# ECX counts (32-bit address size)
	movq	%rax, (%rdi)
	movq	%rcx, 8(%rdi)
	addq	$16, %rdi
	.endr
	# LOOPE/LOOPNE stop on ZF too: scan for a zero byte / a non-zero one.
	leaq	scanme(%rip), %rsi
	movl	$16, %ecx
	movq	$-1, %rbx
1:	incq	%rbx
	cmpb	$0, (%rsi,%rbx)
	loopne	1b
	movq	%rbx, (%rdi)
	movq	%rcx, 8(%rdi)
	addq	$16, %rdi
	movl	$16, %ecx
	movq	$-1, %rbx
1:	incq	%rbx
	cmpb	$0x41, (%rsi,%rbx)
	loope	1b
	movq	%rbx, (%rdi)
	movq	%rcx, 8(%rdi)
	addq	$16, %rdi
	# JRCXZ / JECXZ.
	.irp n, 0, 1, 0x100000000
	movq	$\n, %rcx
	xorl	%eax, %eax
	jrcxz	1f
	orl	$1, %eax
1:	jecxz	2f
	orl	$2, %eax
2:	movq	%rax, (%rdi)
	addq	$8, %rdi
	.endr
	# Indirect jumps through a table, register and memory forms.
	xorl	%ebx, %ebx
jt_loop:
	movl	%ebx, %eax
	andl	$3, %eax
	testl	$4, %ebx
	jnz	1f
	movq	jtab(,%rax,8), %rdx
	jmp	*%rdx
1:	jmp	*jtab(,%rax,8)
case0:	movb	$0xa0, (%rdi)
	jmp	jt_next
case1:	movb	$0xa1, (%rdi)
	jmp	jt_next
case2:	movb	$0xa2, (%rdi)
	jmp	jt_next
case3:	movb	$0xa3, (%rdi)
jt_next:
	incq	%rdi
	incl	%ebx
	cmpl	$64, %ebx
	jb	jt_loop

	FINISH

	.section .rodata
scanme:	.ascii	"AAAAAB\0xyz\0\0\0\0\0\0\0"
