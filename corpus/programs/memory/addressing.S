# Addressing modes: base, base+disp8/disp32 (negative too), index*scale for
# scales 1, 2, 4 and 8 with and without base, absolute disp32, RIP-relative,
# RSP/RBP/R12/R13 as bases (they need SIB or a displacement in the
# encoding), 32-bit address size (the 67 prefix truncates the effective
# address to 32 bits), LEA of each form, unaligned loads and stores of every
# width, and accesses that straddle a page boundary.
	.section .note.GNU-stack,"",@progbits

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

	.text
.macro PUT reg
	movq	%\reg, (%r15)
	addq	$8, %r15
.endm

	.globl _start
_start:
	leaq	out(%rip), %r15
	leaq	table(%rip), %rbx
	xorl	%r12d, %r12d
loop:
	movq	%r12, %rcx
	movq	%r12, %rsi
	negq	%rsi
	leaq	table+256(%rip), %rdi	# middle of the table
	movq	(%rbx,%rcx,8), %rax
	PUT	rax
	movl	(%rbx,%rcx,4), %eax
	PUT	rax
	movzwl	6(%rbx,%rcx,2), %eax
	PUT	rax
	movzbl	-1(%rdi,%rcx,1), %eax
	PUT	rax
	movq	(%rdi,%rsi,4), %rax	# negative index
	PUT	rax
	movq	table(,%rcx,8), %rax	# no base, disp32
	PUT	rax
	movq	-200(%rdi), %rax
	PUT	rax
	movq	0x100(%rbx), %rax
	PUT	rax
	leaq	0x12345678(%rbx,%rcx,8), %rax
	subq	%rbx, %rax
	PUT	rax
	leaq	-8(,%rcx,4), %rax
	PUT	rax
	leal	(%rcx,%rcx,2), %eax	# 32-bit LEA: 3 * rcx
	PUT	rax
	movq	$-1, %rax
	leaw	1(%rcx,%rsi,1), %ax	# 16-bit LEA keeps the upper bits
	PUT	rax
	# 67 prefix: the address is computed modulo 2^32.
	movl	%ebx, %edx		# table's address fits in 32 bits
	movl	(%edx,%ecx,8), %eax	# addr32 form of table[rcx]
	PUT	rax
	movl	$0xffffff00, %r8d
	movq	512(%r8d,%edx), %rax	# 0xffffff00 + 512 + table wraps to table + 256
	PUT	rax
	leaq	(%edx,%ecx,8), %rax	# 67 prefix
	subq	%rbx, %rax
	PUT	rax
	# RSP, RBP, R12, R13 as bases.
	pushq	%r12
	movq	(%rsp), %rax
	popq	%r13
	PUT	rax
	movq	%rbx, %rbp
	movq	8(%rbp), %rax
	PUT	rax
	movq	%rbx, %r13
	movq	(%r13), %rax
	PUT	rax
	movq	%rbx, %r14
	movq	16(%r14,%r12,8), %rax
	PUT	rax
	incq	%r12
	cmpq	$32, %r12
	jb	loop

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
	PUT	rax
	movl	1(%rsi), %eax
	PUT	rax
	movzwl	3(%rsi), %eax
	PUT	rax
	movdqu	(%rsi), %xmm0
	movdqu	%xmm0, (%r15)
	addq	$16, %r15
	movq	$0x1122334455667788, %rax
	movq	%rax, 5(%rsi)		# unaligned store, maybe straddling
	movq	5(%rsi), %rax
	PUT	rax
	incl	%ecx
	cmpl	$16, %ecx
	jb	una

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%r15, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
