# Installs a SIGUSR1 handler with rt_sigaction (its own restorer calls
# rt_sigreturn), raises SIGUSR1 with tgkill three times, and records what
# the handler saw: the signal number, the siginfo's si_signo and si_code
# (SI_TKILL), and a counter; then the main flow goes on and checks the
# count. Every instruction of the handler and the restorer is compared.
#include "common/program.inc"

	OUTPUT	256
	.data
	.balign 8
act:	.quad	handler			# sa_handler
	.quad	0x04000004		# SA_SIGINFO | SA_RESTORER
	.quad	restorer		# sa_restorer
	.quad	0			# sa_mask
count:	.quad	0
cursor:	.quad	out			# the handler's output cursor (rt_sigreturn restores registers)

	.text
handler:				# (sig, siginfo *, ucontext *)
	incq	count(%rip)
	movq	cursor(%rip), %rcx
	movq	%rdi, (%rcx)
	movslq	(%rsi), %rax		# si_signo
	movq	%rax, 8(%rcx)
	movslq	8(%rsi), %rax		# si_code
	movq	%rax, 16(%rcx)
	movq	count(%rip), %rax
	imulq	$0x5bd1e995, %rax, %rax
	movq	%rax, 24(%rcx)
	addq	$32, cursor(%rip)
	ret
restorer:
	movl	$15, %eax		# rt_sigreturn
	syscall

	START
	movl	$13, %eax		# rt_sigaction(SIGUSR1, &act, NULL, 8)
	movl	$10, %edi
	leaq	act(%rip), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	movl	$39, %eax		# getpid
	syscall
	movq	%rax, %r12
	movl	$3, %r13d
1:	movl	$234, %eax		# tgkill(pid, pid, SIGUSR1)
	movq	%r12, %rdi
	movq	%r12, %rsi
	movl	$10, %edx
	syscall
	decl	%r13d
	jnz	1b
	cmpq	$3, count(%rip)		# the handler ran three times
	jne	2f
	movq	cursor(%rip), %r15
	FINISH	r15
2:	EXIT	1
