# Raises SIGUSR1 with no handler installed: the default action ends the
# program. The report must name the signal as Linux does (SIGUSR1, 10),
# not by GDB's number (30).
	.text
	.globl _start
_start:
	mov	$39, %eax		# getpid
	syscall
	mov	%rax, %rdi
	mov	%rax, %rsi
	mov	$10, %edx		# SIGUSR1
	mov	$234, %eax		# tgkill
	syscall
	mov	$60, %eax
	mov	$1, %edi
	syscall
