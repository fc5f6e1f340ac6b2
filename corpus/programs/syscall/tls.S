# Thread-local storage by hand: arch_prctl(ARCH_SET_FS) points FS at a block
# whose first word points to itself (the x86-64 TLS convention), ARCH_GET_FS
# reads the base back, and loads, stores, read-modify-write instructions and
# indexed forms go through %fs: with positive and negative offsets. getpid(2) and gettid(2) are called and compared (equal in a
# single-threaded process) but their values, which differ between runs, are
# not recorded.
#include "common/program.inc"

	.set ARCH_SET_FS, 0x1002
	.set ARCH_GET_FS, 0x1003

	.bss
	.balign 64
	.skip	256			# negative offsets from the base
tcb:	.skip	256
got:	.skip	8
out:	.skip	1024

	START	r15
	leaq	tcb(%rip), %rbx
	movq	%rbx, (%rbx)		# self pointer
	movl	$ARCH_SET_FS, %edi
	movq	%rbx, %rsi
	movl	$158, %eax
	syscall
	PUTQ	rax, r15			# 0
	movl	$ARCH_GET_FS, %edi
	leaq	got(%rip), %rsi
	movl	$158, %eax
	syscall
	PUTQ	rax, r15
	movq	got(%rip), %rax
	subq	%rbx, %rax		# 0: the base reads back
	PUTQ	rax, r15
	movq	%fs:0, %rax		# the self pointer through FS
	subq	%rbx, %rax
	PUTQ	rax, r15
	# Stores and loads at several offsets and widths.
	movq	$0x1122334455667788, %rax
	movq	%rax, %fs:8
	movl	$0xdeadbeef, %fs:16
	movw	$0x5555, %fs:20
	movb	$0x7f, %fs:-1
	movq	$-2, %fs:-16
	movq	%fs:8, %rax
	PUTQ	rax, r15
	movq	%fs:16, %rax
	PUTQ	rax, r15
	movq	%fs:-16, %rax
	PUTQ	rax, r15
	movzbl	%fs:-1, %eax
	PUTQ	rax, r15
	# Read-modify-write and indexed forms.
	addq	$5, %fs:8
	incl	%fs:16
	xorb	$0xff, %fs:-1
	movl	$3, %ecx
	movq	$99, %fs:24(,%rcx,8)	# offset 48
	movq	%fs:48, %rax
	PUTQ	rax, r15
	movq	%fs:8, %rax
	PUTQ	rax, r15
	movq	%fs:16, %rax
	PUTQ	rax, r15
	movzbl	-1(%rbx), %eax		# the same byte without FS: 0x80
	PUTQ	rax, r15
	movq	%fs:0, %rdx		# as compilers do: base then offset
	movq	8(%rdx), %rax
	PUTQ	rax, r15
	# getpid and gettid: equal in a single-threaded process.
	movl	$39, %eax
	syscall
	movq	%rax, %r12
	movl	$186, %eax
	syscall
	subq	%r12, %rax
	PUTQ	rax, r15			# 0
	testq	%r12, %r12
	setg	%al
	movzbl	%al, %eax
	PUTQ	rax, r15			# 1: a positive pid

	FINISH	r15
