# DIV by zero raises SIGFPE; the handler records the signal, si_code
# (FPE_INTDIV) and the saved rax, rdx and EFLAGS, then moves the saved rip
# past the 3-byte div so that rt_sigreturn resumes after it. Done for
# several dividends, with flags set differently before each division.
#include "common/signal.inc"

	SIGNAL_FRAME 512

fpe:					# (sig, siginfo *, ucontext *)
	SIGPUT	rdi
	movslq	SI_CODE(%rsi), %rax
	SIGPUT	rax
	movq	UC_RAX(%rdx), %rax
	SIGPUT	rax
	movq	UC_EFL(%rdx), %rax
	andq	$0x8d5, %rax		# the arithmetic flags
	SIGPUT	rax
	addq	$3, UC_RIP(%rdx)	# skip `div %rcx`
	ret

	START
	SIGACTION 8, fpe
	xorl	%r12d, %r12d
	leaq	dividends(%rip), %rbx
1:	movq	(%rbx,%r12,8), %rax
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	movq	%r12, %r8
	andq	$1, %r8
	negq	%r8			# CF, SF... differ by iteration
	divq	%rcx			# faults: #DE
	SIGPUT	rax			# the handler skipped it: rax unchanged
	incq	%r12
	cmpq	$4, %r12
	jb	1b
	SIGFINISH

	.data
	.balign	8
dividends: .quad 1, -1, 0x8000000000000000, 12345
