# A page is mapped, written and read back, then munmap'd: the next read
# faults with SIGSEGV (QEMU's page log does not record munmap; the memory
# map must follow it).
#include "common/fault.inc"

	WARMUP
	movl	$9, %eax		# mmap(0, 8192, RW, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	xorl	%edi, %edi
	movl	$8192, %esi
	movl	$3, %edx
	movl	$0x22, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	syscall
	movq	%rax, %rbx
	movq	$0x1122334455667788, %rcx
	movq	%rcx, 4096(%rbx)
	movq	4096(%rbx), %rdx
	movl	$11, %eax		# munmap(page + 4096, 4096): the second page only
	leaq	4096(%rbx), %rdi
	movl	$4096, %esi
	syscall
	movq	(%rbx), %rdx		# the first page is still there
	movq	4096(%rbx), %rdx	# faults: unmapped
	UNREACHED
