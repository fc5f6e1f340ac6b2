# MOVBE loads and stores (byte-swapping moves) at 16, 32 and 64 bits. The
# oracle's CPU model lacks this extension, so the entry is only run natively
# and under QEMU with a CPU model that has it.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 32
vals:	.quad	0, 1, -1, 0x8000000000000000, 0x0123456789abcdef, 0x5555555555555555
	.quad	0x00000000ffffffff, 0xfedcba9876543210
	.set NV, 8

	.bss
	.balign 64
out:	.skip	4096

	.text
	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
1:	movq	vals(,%r12,8), %r8
	movq	%r8, (%rdi)
	movbeq	(%rdi), %rax
	movq	%rax, 8(%rdi)
	movbel	(%rdi), %eax
	movq	%rax, 16(%rdi)
	movbew	%r8w, 24(%rdi)
	movbeq	%r8, 26(%rdi)
	addq	$34, %rdi
	incq	%r12
	cmpq	$NV, %r12
	jb	1b

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
