# A long run for the full suite only: the sieve of Eratosthenes over the odd
# numbers below 400000, a count of the primes, and a running hash of them
# (about 2.4 million instructions of loads, stores, shifts and
# compare-and-branch). Prints the count and the hash.
#include "common/putnum.inc"

	.set LIMIT, 400000
	.set HALF, LIMIT / 2		# index i stands for 2i + 1

	.bss
	.balign 64
comp:	.skip	HALF			# 1 = composite

	PUTNUM

	# The sieve has pages of its own, apart from putnum's write system
	# call: QEMU 7.2 translates the page of a breakpoint one instruction
	# per block, and block mode stops QEMU with one at that call.
	.text
	.balign	4096
	START
	movb	$1, comp(%rip)		# 1 is not prime
	movl	$1, %ebx		# i: the odd number 2i + 1
sieve:
	cmpb	$0, comp(%rbx)
	jne	next
	leaq	1(%rbx,%rbx), %rcx	# p = 2i + 1
	movq	%rcx, %rax
	imulq	%rcx, %rax		# p * p
	cmpq	$LIMIT, %rax
	jae	count			# no composites left to mark
	shrq	$1, %rax		# index of p * p
mark:	movb	$1, comp(%rax)
	addq	%rcx, %rax		# next odd multiple: index + p
	cmpq	$HALF, %rax
	jb	mark
next:	incq	%rbx
	jmp	sieve
count:
	movl	$1, %r12d		# the prime 2
	movq	$2, %r13		# hash
	movabsq	$0x100000001b3, %r14	# the FNV-1a 64-bit prime
	movl	$1, %ebx
2:	cmpb	$0, comp(%rbx)
	jne	3f
	incq	%r12
	leaq	1(%rbx,%rbx), %rax
	imulq	%r14, %r13
	xorq	%rax, %r13
3:	incq	%rbx
	cmpq	$HALF, %rbx
	jb	2b
	movq	%r12, %rax		# 33860 primes below 400000
	call	putnum
	movq	%r13, %rax
	call	putnum
	EXIT
