# IDIV of INT_MIN by -1 overflows the quotient: #DE, SIGFPE. A short
# checksum loop runs first so that the fault comes after real work; the
# program must die with signal 8 at the marked instruction and never reach
# the exit below it.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
table:	.quad 3, 5, 7, 11, 13, 17, 19, 23

	.text
	.globl _start
_start:
	xorl	%eax, %eax
	xorl	%ecx, %ecx
1:	addq	table(,%rcx,8), %rax
	rolq	$7, %rax
	incl	%ecx
	cmpl	$8, %ecx
	jb	1b
	movl	$-0x80000000, %eax
	cltd
	movl	$-1, %ecx
	idivl	%ecx			# faults: #DE, quotient 2^31 does not fit
	movl	$60, %eax		# not reached
	movl	$1, %edi
	syscall
