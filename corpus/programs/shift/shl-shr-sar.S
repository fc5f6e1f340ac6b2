# SHL, SHR and SAR by CL at 8, 16, 32 and 64 bits for counts 0, 1, width-1,
# width, width+1 and above (the count is masked to 5 bits, 6 for 64-bit),
# with the flags preset both ways. Only architecturally defined flags are
# recorded: a masked count of 0 changes nothing, OF is defined for a count
# of 1 only, AF never, and CF not when the count reaches the width.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x80, 0x8000, 0x80000000, 0x8000000000000000
	.quad 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
counts:	.byte 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255
counts_end:
	.set NC, counts_end - counts

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
# SAVE: append %rax and the flags selected by %r11.
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	%r11d, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# MASK width, cmask: %r11 = flags defined after a shift of width bits by %cl.
.macro MASK width cmask
	movl	%ecx, %eax
	andl	$\cmask, %eax
	movl	$0x8d5, %r11d
	testl	%eax, %eax
	jz	1f
	movl	$0x8c5, %r11d
	cmpl	$1, %eax
	je	1f
	movl	$0x0c5, %r11d
	cmpl	$\width, %eax
	jb	1f
	movl	$0x0c4, %r11d
1:
.endm

# SH op reg: preset the flags from %r10 (through SAHF), shift, save.
.macro SH op reg
	movq	%r10, %rax
	sahf
	movq	%r8, %rax
	\op	%cl, %\reg
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
	movzbl	counts(%r13), %ecx
	# Alternate the preset flags: all of SF ZF AF PF CF set, or none.
	movl	%r13d, %r10d
	andl	$1, %r10d
	imull	$0xd500, %r10d, %r10d
	MASK	8, 31
	SH	shlb, al
	SH	shrb, al
	SH	sarb, al
	MASK	16, 31
	SH	shlw, ax
	SH	shrw, ax
	SH	sarw, ax
	MASK	32, 31
	SH	shll, eax
	SH	shrl, eax
	SH	sarl, eax
	MASK	64, 63
	SH	shlq, rax
	SH	shrq, rax
	SH	sarq, rax
	incq	%r13
	cmpq	$NC, %r13
	jb	inner
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
