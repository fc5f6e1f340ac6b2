# BLSI (isolate the lowest set bit) at 32 and 64 bits over every single-bit
# value, every value with the low k bits clear, and edge operands. CF is set
# when the source is non-zero, ZF and SF follow the result, OF is cleared;
# AF and PF are undefined and not recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x00000000fffffff0, 0xf000000000000001, 0x5555555555555555
	.quad 0xffffffff00000000
vals_end:
	.set NV, (vals_end - vals) / 8

	.bss
	.balign 64
out:	.skip 1 << 15

	.text
.macro SAVE mask
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$\mask, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

.macro BOTH
	movq	$-1, %rax
	blsil	%r8d, %eax
	SAVE	0x8c1
	blsiq	%r8, %rax
	SAVE	0x8c1
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	movq	$-1, %r8		# -1, -2, -4, ... 0
1:	BOTH
	shlq	$1, %r8
	jnz	1b
	BOTH
	movl	$1, %r8d		# single bits
2:	BOTH
	shlq	$1, %r8
	jnz	2b
	xorl	%r12d, %r12d
3:	movq	vals(,%r12,8), %r8
	BOTH
	blsiq	vals(,%r12,8), %rax	# memory source
	SAVE	0x8c1
	incq	%r12
	cmpq	$NV, %r12
	jb	3b

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
