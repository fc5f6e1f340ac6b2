# XADD and XCHG at every width, register-register and register-memory,
# including the encodings that look like NOP: 90 is a true NOP, but 87 c0
# (xchg %eax,%eax) writes EAX and so clears the upper half of RAX.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
mem:	.quad 0

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
# SAVE2: append %rax, %rbx and the arithmetic flags.
.macro SAVE2
	pushfq
	movq	%rax, (%rdi)
	movq	%rbx, 8(%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 16(%rdi)
	addq	$18, %rdi
.endm

.macro RR op sfx a b
	movq	%r8, %rax
	movq	%r9, %rbx
	\op\sfx	%\a, %\b
	SAVE2
.endm

.macro RM op sfx a
	movq	%r8, %rax
	movq	%r9, mem(%rip)
	\op\sfx	%\a, mem(%rip)
	movq	mem(%rip), %rbx
	SAVE2
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
outer:
	xorl	%r13d, %r13d
inner:
	movq	vals(,%r12,8), %r8
	movq	vals(,%r13,8), %r9
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
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	# XADD of a register with itself: the sum wins.
	movq	%r8, %rax
	movq	%r8, %rbx
	xaddl	%eax, %eax
	SAVE2
	# 90 is NOP; 87 c0 is xchg %eax,%eax and zero-extends.
	movq	%r8, %rax
	movq	%r8, %rbx
	nop
	.byte	0x87, 0xc0
	SAVE2
	# 66 90 and REX.B 90 (41 90 = xchg %eax,%r8d).
	movq	%r8, %rax
	movq	%r9, %rbx
	.byte	0x41, 0x90
	movq	%r8, %rbx
	movq	vals(,%r12,8), %r8
	SAVE2
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
