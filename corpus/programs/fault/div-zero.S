# DIV by zero raises #DE, delivered as SIGFPE. A short checksum loop runs
# first so that the fault comes after real work; the program must die with
# signal 8 at the marked instruction and never reach the exit below it.
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
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	divq	%rcx			# faults: #DE, divisor 0
	movl	$60, %eax		# not reached
	movl	$1, %edi
	syscall
