# ADD, SUB, ADC and SBB at 8, 16, 32 and 64 bits, register and memory
# destinations, carry in clear and set, over every pair of a table of edge
# operands. Each result (the whole of %rax, so that the upper bits left
# alone by 8/16-bit forms and cleared by 32-bit forms are checked) and the
# arithmetic flags go to an output buffer that is written to stdout at exit.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff
	.quad 0x80000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
scratch: .quad 0

	.bss
	.balign 64
out:	.skip 1 << 17

	.text
# SAVE appends %rax and the arithmetic flags (CF PF AF ZF SF OF) to the
# output buffer at %rdi.
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# BIN op: op at every width with %r8 as destination and %r9 as source; CF
# enters as bit 0 of %r10 (it matters to ADC and SBB only).
.macro BIN op
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()b	%r9b, %al
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()w	%r9w, %ax
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()l	%r9d, %eax
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()q	%r9, %rax
	SAVE
.endm

# MEM op: the same with a memory destination at 16 and 64 bits.
.macro MEM op
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()w	%r9w, scratch(%rip)
	movq	scratch(%rip), %rax
	SAVE
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()q	%r9, scratch(%rip)
	movq	scratch(%rip), %rax
	SAVE
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
	movl	%r13d, %r10d		# carry in alternates with j
	BIN	add
	BIN	sub
	BIN	adc
	BIN	sbb
	xorl	$1, %r10d		# and the other carry for ADC/SBB
	BIN	adc
	BIN	sbb
	MEM	add
	MEM	sbb
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	# Immediate forms: sign-extended imm8 and imm32.
	movq	$-1, %rax
	addq	$1, %rax
	SAVE
	movq	$0x7fffffff, %rax
	addl	$1, %eax
	SAVE
	movq	$0x80, %rax
	subb	$0x80, %al
	SAVE
	movq	$0, %rax
	subq	$0x7fffffff, %rax
	SAVE
	movq	$0x8000, %rax
	addw	$-1, %ax
	SAVE

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
