# Generated and patched code in an anonymous read-write-execute mapping:
# write a small function (mov $imm32, %eax; add %edi, %eax; ret), call it,
# rewrite its immediate and call it again, 200 times; then overwrite the
# whole function with a different one (lea/imul) and call that; finally
# mprotect the page to read-execute and call once more. Every return value
# is recorded.
#include "common/program.inc"

	OUTPUT	4096

	START	r15
	xorl	%edi, %edi		# mmap(NULL, 4096, RWX, PRIVATE|ANON)
	movl	$4096, %esi
	movl	$7, %edx
	movl	$0x22, %r10d
	movq	$-1, %r8
	xorl	%r9d, %r9d
	movl	$9, %eax
	syscall
	movq	%rax, %r12
	# b8 imm32        mov $imm32, %eax
	# 01 f8           add %edi, %eax
	# c3              ret
	movb	$0xb8, (%r12)
	movl	$0, 1(%r12)
	movw	$0xf801, 5(%r12)
	movb	$0xc3, 7(%r12)
	xorl	%ebx, %ebx
	xorl	%r13d, %r13d		# running sum of the results
1:	imull	$0x9e3779b9, %ebx, %eax
	movl	%eax, 1(%r12)		# patch the immediate
	movl	%ebx, %edi
	call	*%r12
	addl	%eax, %r13d
	movl	%eax, (%r15)
	addq	$4, %r15
	incl	%ebx
	cmpl	$200, %ebx
	jb	1b
	movl	%r13d, (%r15)
	addq	$4, %r15
	# A different function at the same address:
	# 8d 04 bf        lea (%rdi,%rdi,4), %eax
	# 6b c0 07        imul $7, %eax, %eax
	# c3              ret
	movl	$0x6bbf048d, (%r12)
	movl	$0xc307c0, 4(%r12)
	movl	$6, %edi
	call	*%r12			# 6 * 5 * 7 = 210
	movl	%eax, (%r15)
	addq	$4, %r15
	# Read-execute only: still callable.
	movq	%r12, %rdi
	movl	$4096, %esi
	movl	$5, %edx
	movl	$10, %eax
	syscall
	movl	%eax, (%r15)
	movl	$2, %edi
	call	*%r12			# 70
	movl	%eax, 4(%r15)
	addq	$8, %r15

	FINISH	r15
