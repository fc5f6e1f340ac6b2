# BMI2 BZHI at 32 and 64 bits over edge operands and every index from 0 to
# 70 plus large ones: the index is the low byte of the second source; an
# index at or above the width returns the source unchanged and sets CF (CF
# is clear for index width-1). ZF and SF follow the result, OF is cleared;
# AF and PF are undefined and not recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x7fffffffffffffff, 0x00000000ffffffff, 0xfffffffe00000001
vals_end:
	.set NV, (vals_end - vals) / 8
counts:	.quad 255, 256, 0x1ff, 0x120, -1, 0x8000000000000000
counts_end:
	.set NC, (counts_end - counts) / 8

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
.macro SAVE mask
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$\mask, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# PRESET: flags from %r10 (SF ZF AF PF CF through SAHF).
.macro PRESET
	movq	%r10, %rax
	sahf
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
outer:
	movq	vals(,%r12,8), %r8
	xorl	%r9d, %r9d		# indexes 0..70
1:	bzhil	%r9d, %r8d, %eax
	SAVE	0x8c1
	bzhiq	%r9, %r8, %rax
	SAVE	0x8c1
	incl	%r9d
	cmpl	$70, %r9d
	jbe	1b
	xorl	%r13d, %r13d		# then the large ones
2:	movq	counts(,%r13,8), %r9
	bzhil	%r9d, %r8d, %eax
	SAVE	0x8c1
	bzhiq	%r9, vals(,%r12,8), %rax
	SAVE	0x8c1
	incq	%r13
	cmpq	$NC, %r13
	jb	2b
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
