# ADX: ADCX (carry in and out through CF only) and ADOX (through OF only) at
# 64 bits over pairs of edge operands with every carry-in (the 32-bit forms
# are in adx32), and a 512x512-bit schoolbook multiplication that runs the
# two carry chains interleaved, MULX producing the partial products (the way
# big-number libraries use these instructions). All flags are recorded: ADCX
# and ADOX must leave every flag but their own alone.
#include "common/adx.inc"

	ADX_TABLE
	.set N, 8			# limbs per multiplicand
ma:	.quad 0xffffffffffffffff, 0xfffffffffffffffe, 0x0123456789abcdef, 0x8000000000000001
	.quad 0xdeadbeefcafef00d, 0xffffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff
mb:	.quad 0xffffffffffffffff, 0xffffffffffffffff, 0xfedcba9876543210, 0x0000000100000001
	.quad 0xaaaaaaaaaaaaaaaa, 0x5555555555555555, 0xffffffff00000000, 0x8000000000000000

	.bss
	.balign 64
prod:	.skip 2 * N * 8
out:	.skip 1 << 15

	START	rdi
	ADX_PAIRS "adcxq %r9, %rax", "adoxq %r9, %rax", \
		"adoxq vals(,%r13,8), %rax"

	# prod = ma * mb. For each limb of mb: multiply all of ma by it with
	# MULX, add the low halves into prod[i+j] through the ADCX (CF) chain
	# and the high halves into prod[i+j+1] through the ADOX (OF) chain.
	# Loop control uses LEA and JRCXZ, which leave both chains alone.
	FOR	r12		# i: limb of mb
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
	ENDFOR	r12, N

	FINISH	buf=prod		# prod, then out up to %rdi
