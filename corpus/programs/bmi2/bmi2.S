# BMI2 MULX, RORX, SARX, SHLX and SHRX at 32 and 64 bits over edge operands
# and counts, including counts at and beyond the width (the shifts mask the
# count). None of them touches the flags, so the flags are preset both ways
# and recorded whole. BZHI, PDEP and PEXT have entries of their own.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x80000000, 0x0123456789abcdef
	.quad 0x7fffffffffffffff, 0x00000000ffffffff, 0xfffffffe00000001
vals_end:
	.set NV, (vals_end - vals) / 8
counts:	.quad 0, 1, 7, 31, 32, 33, 63, 64, 65, 255, 256, 0x1ff
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
	movl	%r12d, %r10d
	andl	$1, %r10d
	imull	$0xd500, %r10d, %r10d
	xorl	%r13d, %r13d
inner:
	movq	counts(,%r13,8), %r9
	PRESET
	sarxl	%r9d, %r8d, %eax
	SAVE	0x8d5
	PRESET
	shlxl	%r9d, %r8d, %eax
	SAVE	0x8d5
	PRESET
	shrxl	%r9d, %r8d, %eax
	SAVE	0x8d5
	PRESET
	sarxq	%r9, %r8, %rax
	SAVE	0x8d5
	PRESET
	shlxq	%r9, %r8, %rax
	SAVE	0x8d5
	PRESET
	shrxq	%r9, %r8, %rax
	SAVE	0x8d5
	incq	%r13
	cmpq	$NC, %r13
	jb	inner
	# RORX by immediates, register and memory sources.
	.irp n, 0, 1, 31, 32, 63
	PRESET
	rorxl	$\n, %r8d, %eax
	SAVE	0x8d5
	PRESET
	rorxq	$\n, %r8, %rax
	SAVE	0x8d5
	.endr
	rorxq	$13, vals(,%r12,8), %rax
	SAVE	0x8d5
	# MULX: RDX times the source, high half to the first destination.
	xorl	%r13d, %r13d
mulx_loop:
	movq	vals(,%r13,8), %r9
	PRESET
	movq	%r8, %rdx
	mulxq	%r9, %rbx, %rax		# rbx = low, rax = high
	SAVE	0x8d5
	movq	%rbx, (%rdi)
	addq	$8, %rdi
	PRESET
	movq	%r8, %rdx
	mulxl	%r9d, %ebx, %eax
	SAVE	0x8d5
	movq	%rbx, (%rdi)
	addq	$8, %rdi
	movq	%r8, %rdx
	mulxq	vals(,%r13,8), %rax, %rax	# same destination twice: high wins
	SAVE	0x8d5
	incq	%r13
	cmpq	$NV, %r13
	jb	mulx_loop
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
