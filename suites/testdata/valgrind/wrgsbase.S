# valgrind 3.19 raises SIGILL on WRGSBASE; hardware (with the kernel's
# FSGSBASE support) and QEMU set the gs base.
	.text
	.globl _start
_start:
	mov	$0x12345000, %eax
	wrgsbase %rax
	rdgsbase %rbx
	mov	$60, %eax
	xor	%edi, %edi
	syscall
