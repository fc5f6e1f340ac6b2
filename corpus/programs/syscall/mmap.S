# Memory-management system calls: mmap(2) of anonymous private pages
# (read-write, then a second mapping placed with MAP_FIXED inside the
# first), writing and reading a pattern, mprotect(2) to read-only and back
# (reads still work), munmap(2) of part of a mapping and of an unaligned
# address (EINVAL), mmap with a bad length (EINVAL), and brk(2): query, grow
# by three pages, fill, shrink. Only contents, return codes and differences
# between addresses are recorded; absolute addresses differ between a native
# run and an emulator.
#include "common/program.inc"

	.set PROT_READ, 1
	.set PROT_WRITE, 2
	.set MAP_PRIVATE, 2
	.set MAP_FIXED, 0x10
	.set MAP_ANONYMOUS, 0x20

	OUTPUT	4096

# sys6 number: a system call with arguments already in place.
.macro SYS n
	movl	$\n, %eax
	syscall
.endm

# checksum(rdi = addr, rsi = length / 64) -> rax, over every eighth
# quadword (one per cache line keeps the step count down).
checksum:
	xorl	%eax, %eax
1:	addq	(%rdi), %rax
	rolq	$5, %rax
	addq	$64, %rdi
	decq	%rsi
	jnz	1b
	ret

	START	r15
	# p = mmap(NULL, 4 pages, RW, PRIVATE|ANON, -1, 0)
	xorl	%edi, %edi
	movl	$4 * 4096, %esi
	movl	$PROT_READ | PROT_WRITE, %edx
	movl	$MAP_PRIVATE | MAP_ANONYMOUS, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	SYS	9
	movq	%rax, %r12
	movq	%rax, %rbx
	andl	$4095, %ebx		# page aligned: 0
	PUTQ	rbx, r15
	movq	(%r12), %rax		# fresh anonymous memory reads as zero
	orq	4 * 4096 - 8(%r12), %rax
	PUTQ	rax, r15
	# Fill with a pattern, one quadword per 64 bytes.
	movq	%r12, %rdi
	movl	$4 * 64, %ecx
	movq	$0x0123456789abcdef, %rax
2:	movq	%rax, (%rdi)
	rolq	$9, %rax
	incq	%rax
	addq	$64, %rdi
	decl	%ecx
	jnz	2b
	movq	%r12, %rdi
	movl	$4 * 64, %esi
	call	checksum
	PUTQ	rax, r15
	# mprotect(p + 4096, 4096, PROT_READ), read, back to RW.
	leaq	4096(%r12), %rdi
	movl	$4096, %esi
	movl	$PROT_READ, %edx
	SYS	10
	PUTQ	rax, r15
	movq	4096(%r12), %rax
	PUTQ	rax, r15
	leaq	4096(%r12), %rdi
	movl	$4096, %esi
	movl	$PROT_READ | PROT_WRITE, %edx
	SYS	10
	PUTQ	rax, r15
	movq	$42, 4096(%r12)
	# MAP_FIXED over the third page: it becomes zero again.
	leaq	8192(%r12), %rdi
	movl	$4096, %esi
	movl	$PROT_READ | PROT_WRITE, %edx
	movl	$MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	SYS	9
	subq	%r12, %rax		# 8192
	PUTQ	rax, r15
	movq	%r12, %rdi
	movl	$4 * 64, %esi
	call	checksum
	PUTQ	rax, r15
	# munmap of an unaligned address fails with EINVAL (-22).
	leaq	1(%r12), %rdi
	movl	$4096, %esi
	SYS	11
	PUTQ	rax, r15
	# mmap of length 0 fails with EINVAL.
	xorl	%edi, %edi
	xorl	%esi, %esi
	movl	$PROT_READ, %edx
	movl	$MAP_PRIVATE | MAP_ANONYMOUS, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	SYS	9
	PUTQ	rax, r15
	# munmap the last page, then the rest.
	leaq	12288(%r12), %rdi
	movl	$4096, %esi
	SYS	11
	PUTQ	rax, r15
	movq	%r12, %rdi
	movl	$12288, %esi
	SYS	11
	PUTQ	rax, r15
	# brk: query, grow by three pages, touch, shrink back.
	xorl	%edi, %edi
	SYS	12
	movq	%rax, %r13		# the initial break
	leaq	3 * 4096(%r13), %rdi
	SYS	12
	subq	%r13, %rax		# 12288
	PUTQ	rax, r15
	movq	%r13, %rdi
	movl	$3 * 64, %ecx
	movq	$7, %rax
3:	movq	%rax, (%rdi)
	imulq	$3, %rax
	addq	$64, %rdi
	decl	%ecx
	jnz	3b
	movq	%r13, %rdi
	movl	$3 * 64, %esi
	call	checksum
	PUTQ	rax, r15
	movq	%r13, %rdi
	SYS	12
	subq	%r13, %rax		# 0
	PUTQ	rax, r15

	FINISH	r15
