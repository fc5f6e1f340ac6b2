# ADX: ADCX (carry in and out through CF only) and ADOX (through OF only) at
# 64 bits over pairs of edge operands with every carry-in (the 32-bit forms
# are in adx32), and a 512x512-bit schoolbook multiplication that runs the
# two carry chains interleaved, MULX producing the partial products (the way
# big-number libraries use these instructions). All flags are recorded: ADCX
# and ADOX must leave every flag but their own alone.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffff
	.quad 0x80000000, 0x0123456789abcdef
vals_end:
	.set NV, (vals_end - vals) / 8
	.set N, 8			# limbs per multiplicand
ma:	.quad 0xffffffffffffffff, 0xfffffffffffffffe, 0x0123456789abcdef, 0x8000000000000001
	.quad 0xdeadbeefcafef00d, 0xffffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff
mb:	.quad 0xffffffffffffffff, 0xffffffffffffffff, 0xfedcba9876543210, 0x0000000100000001
	.quad 0xaaaaaaaaaaaaaaaa, 0x5555555555555555, 0xffffffff00000000, 0x8000000000000000

	.bss
	.balign 64
prod:	.skip 2 * N * 8
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
	adcxq	%r9, %rax
	SAVE
	FLAGS
	movq	%r8, %rax
	adoxq	%r9, %rax
	SAVE
	FLAGS
	movq	%r8, %rax
	adoxq	vals(,%r13,8), %rax
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

	# prod = ma * mb. For each limb of mb: multiply all of ma by it with
	# MULX, add the low halves into prod[i+j] through the ADCX (CF) chain
	# and the high halves into prod[i+j+1] through the ADOX (OF) chain.
	# Loop control uses LEA and JRCXZ, which leave both chains alone.
	xorl	%r12d, %r12d		# i: limb of mb
mul_outer:
	movq	mb(,%r12,8), %rdx
	leaq	prod(,%r12,8), %rsi	# prod + i limbs
	xorl	%r11d, %r11d		# CF = OF = 0, r11 = 0
	xorl	%r13d, %r13d		# j: limb of ma
	movl	$N, %ecx
mul_inner:
	mulxq	ma(,%r13,8), %rax, %rbx	# rax = low, rbx = high
	adcxq	(%rsi,%r13,8), %rax
	movq	%rax, (%rsi,%r13,8)
	movq	8(%rsi,%r13,8), %rax
	adoxq	%rbx, %rax
	movq	%rax, 8(%rsi,%r13,8)
	leaq	1(%r13), %r13
	leaq	-1(%rcx), %rcx
	jrcxz	mul_row_end
	jmp	mul_inner
mul_row_end:
	# The partial product fits in limbs 0..i+N, so the last CF goes into
	# limb i+N and neither chain carries beyond it.
	movq	(%rsi,%r13,8), %rax
	adcxq	%r11, %rax
	movq	%rax, (%rsi,%r13,8)
	pushfq				# record the final CF/OF state too
	popq	%rax
	andl	$0x801, %eax
	movq	%rax, (%rdi)
	addq	$8, %rdi
	incq	%r12
	cmpq	$N, %r12
	jb	mul_outer

	leaq	prod(%rip), %rsi	# write(1, prod..out+len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
