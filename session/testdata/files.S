# Opens the program's own file twice (open, then dup), reads its ELF
# header through the duplicate and writes it out, maps its first page and
# reads a byte of it, closes, opens it again with openat: QEMU's process
# holds more descriptors than the test's, so every number differs.
	.globl _start
_start:
	movq	8(%rsp), %r15		# argv[0]
	movl	$2, %eax		# open(argv[0], O_RDONLY)
	movq	%r15, %rdi
	xorl	%esi, %esi
	syscall
	movq	%rax, %r12
	movl	$32, %eax		# dup(fd)
	movq	%r12, %rdi
	syscall
	movq	%rax, %r13
	xorl	%eax, %eax		# read(dup, buf, 64)
	movq	%r13, %rdi
	leaq	buf(%rip), %rsi
	movl	$64, %edx
	syscall
	movq	%rax, %rdx		# write(1, buf, n)
	movl	$1, %eax
	movl	$1, %edi
	leaq	buf(%rip), %rsi
	syscall
	movl	$9, %eax		# mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)
	xorl	%edi, %edi
	movl	$4096, %esi
	movl	$1, %edx
	movl	$2, %r10d
	movq	%r12, %r8
	xorl	%r9d, %r9d
	syscall
	movzbl	1(%rax), %ebx		# 'E'
	movl	$3, %eax		# close(fd)
	movq	%r12, %rdi
	syscall
	movl	$3, %eax		# close(dup)
	movq	%r13, %rdi
	syscall
	movl	$257, %eax		# openat(AT_FDCWD, argv[0], O_RDONLY)
	movl	$-100, %edi
	movq	%r15, %rsi
	xorl	%edx, %edx
	syscall
	movq	%rax, %rdi		# close(it)
	movl	$3, %eax
	syscall
	movl	$60, %eax		# exit(byte - 'E'): 0
	leal	-0x45(%rbx), %edi
	syscall
	.bss
buf:	.space	64
