# valgrind 3.19 raises SIGILL on FBSTP (store BCD); hardware and QEMU store
# 1234 as packed BCD.
	.data
val:	.long 1234
	.text
	.globl _start
_start:
	fildl	val(%rip)
	lea	out(%rip), %rdi
	fbstp	(%rdi)		# (valgrind panics on a rip-relative FBSTP)
	mov	$60, %eax
	xor	%edi, %edi
	syscall
	.bss
out:	.skip 16
