# ADX at 32 bits: ADCX (carry in and out through CF only) and ADOX (through
# OF only) over pairs of edge operands with every combination of carry-in
# and the other flags. The carry out is that of the 32-bit sum, the upper
# half of the destination is cleared, and every flag but the instruction's
# own is left alone.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffff
	.quad 0x80000000, 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8

	.bss
	.balign 64
out:	.skip 1 << 15

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# FLAGS: all of SF ZF AF PF CF and OF from bits 0..1 of %r10:
# bit 0 -> SF ZF AF PF CF through SAHF, bit 1 -> OF.
.macro FLAGS
	movl	%r10d, %eax
	shll	$29, %eax		# OF from 0x40000000 + 0x40000000
	andl	$0x40000000, %eax
	addl	%eax, %eax
	movl	%r10d, %eax
	andl	$1, %eax
	imull	$0xd5, %eax, %eax
	movb	%al, %ah
	sahf
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
	xorl	%r10d, %r10d
carry:
	FLAGS
	movq	%r8, %rax
	adcxl	%r9d, %eax
	SAVE
	FLAGS
	movq	%r8, %rax
	adoxl	%r9d, %eax
	SAVE
	FLAGS
	movq	%r8, %rax
	adcxl	vals(,%r13,8), %eax
	SAVE
	incl	%r10d
	cmpl	$4, %r10d
	jb	carry
	incq	%r13
	cmpq	$NV, %r13
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
