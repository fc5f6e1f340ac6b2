# setitimer(ITIMER_REAL) interrupts a counting loop with SIGALRM; the
# handler sets a flag that ends the loop. Where the signal lands depends
# on time, so the count differs from run to run; both sides must agree on
# every instruction wherever it lands.
#include "common/signal.inc"

	SIGNAL_FRAME 64
	.data
	.balign	8
flag:	.quad	0
timer:	.quad	0, 0			# it_interval: once
	.quad	0, 20000		# it_value: 20 ms

	.text
alarm:
	SIGPUT	rdi
	movq	$1, flag(%rip)
	ret

	START
	SIGACTION 14, alarm
	movl	$38, %eax		# setitimer(ITIMER_REAL, &timer, NULL)
	xorl	%edi, %edi
	leaq	timer(%rip), %rsi
	xorl	%edx, %edx
	syscall
	xorl	%ebx, %ebx
1:	incq	%rbx			# count until the alarm
	imulq	$3, %rbx, %rcx
	cmpq	$0, flag(%rip)
	je	1b
	SIGFINISH
