# A page is written, then munmap'd; reading it raises SIGSEGV (si_code
# SEGV_MAPERR). The handler records the fault and resumes after the load
# (7 bytes). Then mmap maps a fresh page at the same address (MAP_FIXED):
# it reads back zero, not the old content.
#include "common/signal.inc"

	SIGNAL_FRAME 256
	.data
	.balign	8
page:	.quad	0

	.text
segv:
	SIGPUT	rdi
	movslq	SI_CODE(%rsi), %rax
	SIGPUT	rax
	movq	SI_ADDR(%rsi), %rax
	subq	page(%rip), %rax
	SIGPUT	rax
	leaq	loaded(%rip), %rax	# resume after the load
	movq	%rax, UC_RIP(%rdx)
	ret

	START
	SIGACTION 11, segv
	movl	$9, %eax		# mmap(0, 4096, RW, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	xorl	%edi, %edi
	movl	$4096, %esi
	movl	$3, %edx
	movl	$0x22, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	syscall
	movq	%rax, page(%rip)
	movq	%rax, %rbx
	movq	$0x1122334455667788, %rcx
	movq	%rcx, 8(%rbx)
	movq	8(%rbx), %rdx
	SIGPUT	rdx
	movl	$11, %eax		# munmap(page, 4096)
	movq	%rbx, %rdi
	movl	$4096, %esi
	syscall
	movq	$-1, %rdx
	movq	0x10(%rbx), %rdx	# faults
loaded:	SIGPUT	rdx			# still -1
	movl	$9, %eax		# mmap(page, 4096, RW, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)
	movq	%rbx, %rdi
	movl	$4096, %esi
	movl	$3, %edx
	movl	$0x32, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	syscall
	movq	8(%rbx), %rdx		# a fresh page: zero
	SIGPUT	rdx
	SIGFINISH
