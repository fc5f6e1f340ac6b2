# Addressing modes: base, base+disp8/disp32 (negative too), index*scale for
# scales 1, 2, 4 and 8 with and without base, absolute disp32, RIP-relative,
# RSP/RBP/R12/R13 as bases (they need SIB or a displacement in the
# encoding), 32-bit address size (the 67 prefix truncates the effective
# address to 32 bits), LEA of each form, unaligned loads and stores of every
# width, and accesses that straddle a page boundary.
#include "common/program.inc"

	.data
	.balign 64
table:
	.set i, 0
	.rept 64
	.quad	0x0101010101010101 * i + 0x0f0e0d0c0b0a0908
	.set i, i + 1
	.endr

	.bss
	.balign 4096
page1:	.skip	4096
page2:	.skip	4096
out:	.skip	1 << 14

	START	r15
	leaq	table(%rip), %rbx
	FOR	r12
	movq	%r12, %rcx
	movq	%r12, %rsi
	negq	%rsi
	leaq	table+256(%rip), %rdi	# middle of the table
	movq	(%rbx,%rcx,8), %rax
	PUTQ	rax, r15
	movl	(%rbx,%rcx,4), %eax
	PUTQ	rax, r15
	movzwl	6(%rbx,%rcx,2), %eax
	PUTQ	rax, r15
	movzbl	-1(%rdi,%rcx,1), %eax
	PUTQ	rax, r15
	movq	(%rdi,%rsi,4), %rax	# negative index
	PUTQ	rax, r15
	movq	table(,%rcx,8), %rax	# no base, disp32
	PUTQ	rax, r15
	movq	-200(%rdi), %rax
	PUTQ	rax, r15
	movq	0x100(%rbx), %rax
	PUTQ	rax, r15
	leaq	0x12345678(%rbx,%rcx,8), %rax
	subq	%rbx, %rax
	PUTQ	rax, r15
	leaq	-8(,%rcx,4), %rax
	PUTQ	rax, r15
	leal	(%rcx,%rcx,2), %eax	# 32-bit LEA: 3 * rcx
	PUTQ	rax, r15
	movq	$-1, %rax
	leaw	1(%rcx,%rsi,1), %ax	# 16-bit LEA keeps the upper bits
	PUTQ	rax, r15
	# 67 prefix: the address is computed modulo 2^32.
	movl	%ebx, %edx		# table's address fits in 32 bits
	movl	(%edx,%ecx,8), %eax	# addr32 form of table[rcx]
	PUTQ	rax, r15
	movl	$0xffffff00, %r8d
	movq	512(%r8d,%edx), %rax	# 0xffffff00 + 512 + table wraps to table + 256
	PUTQ	rax, r15
	leaq	(%edx,%ecx,8), %rax	# 67 prefix
	subq	%rbx, %rax
	PUTQ	rax, r15
	# RSP, RBP, R12, R13 as bases.
	pushq	%r12
	movq	(%rsp), %rax
	popq	%r13
	PUTQ	rax, r15
	movq	%rbx, %rbp
	movq	8(%rbp), %rax
	PUTQ	rax, r15
	movq	%rbx, %r13
	movq	(%r13), %rax
	PUTQ	rax, r15
	movq	%rbx, %r14
	movq	16(%r14,%r12,8), %rax
	PUTQ	rax, r15
	ENDFOR	r12, 32

	# Unaligned accesses at every offset within 16 bytes, and across the
	# page boundary between page1 and page2.
	leaq	page2(%rip), %rdi
	xorl	%ecx, %ecx
fill:	movb	%cl, -64(%rdi,%rcx)
	incl	%ecx
	cmpl	$128, %ecx
	jb	fill
	xorl	%ecx, %ecx
una:	leaq	-8(%rdi,%rcx), %rsi	# from 8 before the boundary
	movq	(%rsi), %rax
	PUTQ	rax, r15
	movl	1(%rsi), %eax
	PUTQ	rax, r15
	movzwl	3(%rsi), %eax
	PUTQ	rax, r15
	movdqu	(%rsi), %xmm0
	movdqu	%xmm0, (%r15)
	addq	$16, %r15
	movq	$0x1122334455667788, %rax
	movq	%rax, 5(%rsi)		# unaligned store, maybe straddling
	movq	5(%rsi), %rax
	PUTQ	rax, r15
	incl	%ecx
	cmpl	$16, %ecx
	jb	una

	FINISH	r15
