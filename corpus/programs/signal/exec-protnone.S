# Code on an mmap'd page runs; mprotect makes the page PROT_NONE and the
# next call into it raises SIGSEGV on the fetch. The handler checks
# si_addr and si_code (SEGV_ACCERR), records the saved rip (the page) and
# resumes at `back` with the call's return address popped. Then the page is
# made executable again and runs once more.
#include "common/signal.inc"

	SIGNAL_FRAME 256
	.data
	.balign	8
page:	.quad	0

	.text
segv:					# (sig, siginfo *, ucontext *)
	SIGPUT	rdi
	movslq	SI_CODE(%rsi), %rax
	SIGPUT	rax
	movq	SI_ADDR(%rsi), %rax
	subq	page(%rip), %rax	# 0: the fault is at the page
	SIGPUT	rax
	movq	UC_RIP(%rdx), %rax
	subq	page(%rip), %rax
	SIGPUT	rax
	leaq	back(%rip), %rax	# resume after the call, as a return would
	movq	%rax, UC_RIP(%rdx)
	addq	$8, UC_RSP(%rdx)
	ret

	START
	SIGACTION 11, segv
	movl	$9, %eax		# mmap(0, 4096, RWX, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	xorl	%edi, %edi
	movl	$4096, %esi
	movl	$7, %edx
	movl	$0x22, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	syscall
	movq	%rax, page(%rip)
	movq	%rax, %rbx
	movl	$0xc3c88948, (%rbx)	# mov %rcx, %rax; ret
	movl	$42, %ecx
	call	*%rbx			# runs: rax = 42
	SIGPUT	rax
	movl	$10, %eax		# mprotect(page, 4096, PROT_NONE)
	movq	%rbx, %rdi
	movl	$4096, %esi
	xorl	%edx, %edx
	syscall
	movl	$7, %ecx
	call	*%rbx			# faults on the fetch; the handler resumes at back
	movl	$1, %ecx		# not reached
back:	SIGPUT	rcx
	movl	$10, %eax		# mprotect(page, 4096, PROT_READ | PROT_EXEC)
	movq	%rbx, %rdi
	movl	$4096, %esi
	movl	$5, %edx
	syscall
	movl	$99, %ecx
	call	*%rbx			# runs again: rax = 99
	SIGPUT	rax
	SIGFINISH
