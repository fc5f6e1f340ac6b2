# ROL, ROR, RCL and RCR by CL at 8, 16, 32 and 64 bits for counts 0, 1,
# width-1, width, width+1 and above, with CF (and the other flags) preset
# both ways. RCL/RCR rotate through CF, so at 8 and 16 bits the masked count
# is taken modulo 9 and 17. Rotates touch CF and OF only; OF is defined for
# a masked count of 1 only. A non-zero masked count that is a multiple of
# the width still sets CF from the result.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x80, 0x8000, 0x80000000, 0x8000000000000000
	.quad 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
counts:	.byte 0, 1, 2, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 63, 64, 255
counts_end:
	.set NC, counts_end - counts

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	%r11d, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# MASK cmask: %r11 = flags defined after a rotate by %cl.
.macro MASK cmask
	movl	%ecx, %eax
	andl	$\cmask, %eax
	movl	$0x8d5, %r11d
	cmpl	$1, %eax
	jbe	1f
	movl	$0x0d5, %r11d
1:
.endm

.macro ROT op reg
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
	movl	%r13d, %r10d
	andl	$1, %r10d
	imull	$0xd500, %r10d, %r10d
	MASK	31
	ROT	rolb, al
	ROT	rorb, al
	ROT	rclb, al
	ROT	rcrb, al
	ROT	rolw, ax
	ROT	rorw, ax
	ROT	rclw, ax
	ROT	rcrw, ax
	ROT	roll, eax
	ROT	rorl, eax
	ROT	rcll, eax
	ROT	rcrl, eax
	MASK	63
	ROT	rolq, rax
	ROT	rorq, rax
	ROT	rclq, rax
	ROT	rcrq, rax
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
