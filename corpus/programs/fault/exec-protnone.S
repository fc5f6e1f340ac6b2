# Code on an mmap'd page runs, then mprotect makes the page PROT_NONE and
# the next call into it faults on the fetch: SIGSEGV with rip at the page,
# a fault of the program, not an error of the tool (QEMU's stub refuses to
# read the page; the memory map must follow the mprotect).
#include "common/fault.inc"

	WARMUP
	movl	$9, %eax		# mmap(0, 4096, RWX, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	xorl	%edi, %edi
	movl	$4096, %esi
	movl	$7, %edx
	movl	$0x22, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	syscall
	movq	%rax, %rbx
	movl	$0xc3c88948, (%rbx)	# mov %rcx, %rax; ret
	movl	$42, %ecx
	call	*%rbx			# runs: rax = 42
	movl	$10, %eax		# mprotect(page, 4096, PROT_NONE)
	movq	%rbx, %rdi
	movl	$4096, %esi
	xorl	%edx, %edx
	syscall
	call	*%rbx			# faults on the fetch
	UNREACHED
