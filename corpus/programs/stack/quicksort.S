# Recursive quicksort (Lomuto partition) of 300 pseudo-random 64-bit keys,
# with callee-saved registers pushed and popped in every frame, a frame
# pointer, and stack-passed arguments for the recursive calls; then a binary
# search for every tenth key. The sorted array, a sortedness flag and the
# search results are written to stdout.
#include "common/program.inc"

	.set N, 300

	.bss
	.balign 64
keys:	.skip	N * 8
out:	.skip	1024

	.text
# qsort(lo, hi) with lo at 16(%rbp) and hi at 24(%rbp): sorts keys[lo..hi].
qs:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	16(%rbp), %r12		# lo
	movq	24(%rbp), %r13		# hi
	cmpq	%r13, %r12
	jge	3f
	movq	keys(,%r13,8), %rax	# pivot
	movq	%r12, %rbx		# store index
	movq	%r12, %rcx
1:	cmpq	%r13, %rcx
	jge	2f
	movq	keys(,%rcx,8), %rdx
	cmpq	%rax, %rdx
	jge	4f
	xchgq	keys(,%rbx,8), %rdx
	movq	%rdx, keys(,%rcx,8)
	incq	%rbx
4:	incq	%rcx
	jmp	1b
2:	movq	keys(,%rbx,8), %rdx	# pivot into place
	xchgq	keys(,%r13,8), %rdx
	movq	%rdx, keys(,%rbx,8)
	leaq	-1(%rbx), %rax
	pushq	%rax			# qs(lo, p - 1)
	pushq	%r12
	call	qs
	addq	$16, %rsp
	leaq	1(%rbx), %rax
	pushq	%r13			# qs(p + 1, hi)
	pushq	%rax
	call	qs
	addq	$16, %rsp
3:	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

# bsearch(rax = key) -> rax = index or -1
bsearch:
	xorl	%ecx, %ecx		# lo
	movl	$N, %edx		# hi (exclusive)
1:	cmpq	%rdx, %rcx
	jae	3f
	leaq	(%rcx,%rdx), %r8
	shrq	$1, %r8
	cmpq	%rax, keys(,%r8,8)
	je	2f
	jl	4f
	movq	%r8, %rdx
	jmp	1b
4:	leaq	1(%r8), %rcx
	jmp	1b
2:	movq	%r8, %rax
	ret
3:	movq	$-1, %rax
	ret

	START
	movabsq	$0x2545f4914f6cdd1d, %r8
	movq	$88172645463325252, %rax
	xorl	%ecx, %ecx
1:	movq	%rax, %rdx		# xorshift64*
	shrq	$12, %rdx
	xorq	%rdx, %rax
	movq	%rax, %rdx
	shlq	$25, %rdx
	xorq	%rdx, %rax
	movq	%rax, %rdx
	shrq	$27, %rdx
	xorq	%rdx, %rax
	movq	%rax, %rdx
	imulq	%r8, %rdx
	sarq	$8, %rdx		# signed keys
	movq	%rdx, keys(,%rcx,8)
	incq	%rcx
	cmpq	$N, %rcx
	jb	1b
	pushq	$N - 1
	pushq	$0
	call	qs
	addq	$16, %rsp
	leaq	out(%rip), %rdi
	movl	$1, %eax		# sorted?
	movl	$1, %ecx
2:	movq	keys-8(,%rcx,8), %rdx
	cmpq	keys(,%rcx,8), %rdx
	jle	3f
	xorl	%eax, %eax
3:	incq	%rcx
	cmpq	$N, %rcx
	jb	2b
	movq	%rax, (%rdi)
	addq	$8, %rdi
	xorl	%ebx, %ebx
4:	movq	keys(,%rbx,8), %rax
	call	bsearch
	movw	%ax, (%rdi)
	addq	$2, %rdi
	addq	$10, %rbx
	cmpq	$N, %rbx
	jb	4b
	movq	$12345, %rax		# a miss
	call	bsearch
	movq	%rax, (%rdi)
	addq	$8, %rdi

	WRITEOUT
	WRITE	keys, N * 8
	EXIT
