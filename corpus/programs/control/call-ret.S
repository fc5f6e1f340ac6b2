# CALL and RET: direct, indirect through a register and through memory, RET
# imm16 that pops its stack arguments, naive recursive Fibonacci (deep and
# wide call trees), and the Ackermann function A(2, n) for deep recursion.
# Results and a log of return addresses relative to _start are recorded.
#include "common/program.inc"

	.data
	.balign 8
ftab:	.quad sq, twice, negate

	OUTPUT	1 << 12

# fib(rdi) -> rax, recursively.
fib:
	cmpq	$2, %rdi
	jb	1f
	pushq	%rdi
	decq	%rdi
	call	fib
	popq	%rdi
	pushq	%rax
	subq	$2, %rdi
	call	fib
	popq	%rdx
	addq	%rdx, %rax
	ret
1:	movq	%rdi, %rax
	ret

# ack(rdi = m, rsi = n) -> rax.
ack:
	testq	%rdi, %rdi
	jnz	1f
	leaq	1(%rsi), %rax
	ret
1:	testq	%rsi, %rsi
	jnz	2f
	decq	%rdi
	movl	$1, %esi
	jmp	ack			# tail call
2:	pushq	%rdi
	decq	%rsi
	call	ack
	popq	%rdi
	decq	%rdi
	movq	%rax, %rsi
	jmp	ack

# sum3(a, b, c on the stack) -> rax, callee pops (RET 24).
sum3:
	movq	8(%rsp), %rax
	addq	16(%rsp), %rax
	addq	24(%rsp), %rax
	ret	$24

sq:	movq	%rdi, %rax
	imulq	%rdi, %rax
	ret
twice:	leaq	(%rdi,%rdi), %rax
	ret
negate:	movq	%rdi, %rax
	negq	%rax
	ret

# where: return the caller's return address relative to _start.
where:
	movq	(%rsp), %rax
	leaq	_start(%rip), %rdx
	subq	%rdx, %rax
	ret

	START	r15
	movq	%rsp, %r14		# the stack must come back balanced
	movl	$15, %edi
	call	fib
	movq	%rax, (%r15)
	movl	$2, %edi
	movl	$9, %esi
	call	ack
	movq	%rax, 8(%r15)
	pushq	$100
	pushq	$20
	pushq	$3
	call	sum3
	movq	%rax, 16(%r15)
	addq	$24, %r15
	# Indirect calls: register, memory, and memory with index.
	xorl	%ebx, %ebx
1:	movl	%ebx, %edi
	addl	$-5, %edi
	movslq	%edi, %rdi
	movq	ftab(,%rbx,8), %rax
	call	*%rax
	movq	%rax, (%r15)
	movq	%rdi, %r12
	call	*ftab(,%rbx,8)
	movq	%rax, 8(%r15)
	leaq	ftab(%rip), %rax
	movq	%r12, %rdi
	call	*(%rax,%rbx,8)
	movq	%rax, 16(%r15)
	addq	$24, %r15
	incl	%ebx
	cmpl	$3, %ebx
	jb	1b
	call	where
	movq	%rax, (%r15)
	call	where
	movq	%rax, 8(%r15)
	subq	%rsp, %r14		# 0 when balanced
	movq	%r14, 16(%r15)
	addq	$24, %r15

	FINISH	r15
