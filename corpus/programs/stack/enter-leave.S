# ENTER with nesting levels 0, 1, 2, 5 and 31 (level > 0 copies the
# enclosing frame pointers into the new frame) and LEAVE, also in a
# recursive procedure with a level-2 display; then a 66-prefixed LEAVE
# that pops only 16 bits into BP. Frame contents are
# recorded as offsets from the initial stack pointer.
#include "common/program.inc"

	OUTPUT	1 << 14

# RECORD: the words from the caller's RSP up to the initial stack pointer
# %r14 (at most 16), made relative to %r14 where they look like stack
# addresses. Nothing above %r14 is read: argv and the environment live
# there, at addresses that differ from run to run.
record:
	leaq	8(%rsp), %rsi		# the caller's RSP
	xorl	%ecx, %ecx
1:	leaq	(%rsi,%rcx,8), %rax
	cmpq	%r14, %rax
	jae	3f
	movq	(%rsi,%rcx,8), %rax
	movq	%rax, %rdx
	subq	%r14, %rdx
	cmpq	$-4096, %rdx		# a stack address: make it relative
	jl	2f
	cmpq	$0, %rdx
	jg	2f
	movq	%rdx, %rax
2:	movq	%rax, (%rdi)
	addq	$8, %rdi
	incl	%ecx
	cmpl	$16, %ecx
	jb	1b
3:	ret

# nest(rbx = depth): a procedure with a level-2 display.
nest:
	enter	$32, $2
	movq	%rbx, -24(%rbp)
	call	record
	decq	%rbx
	jz	1f
	call	nest
1:	movq	-24(%rbp), %rax
	movq	%rax, (%rdi)
	addq	$8, %rdi
	leave
	ret

	START	rdi
	movq	%rsp, %r14
	movq	%rsp, %rbp
	.irp level, 0, 1, 2, 5
	enter	$24, $\level
	movq	$0x1111 * (\level + 1), %rax
	movq	%rax, -8(%rsp)
	call	record
	movq	%rbp, %rax
	subq	%r14, %rax
	movq	%rax, (%rdi)
	movq	%rsp, %rax
	subq	%r14, %rax
	movq	%rax, 8(%rdi)
	addq	$16, %rdi
	leave
	movq	%rsp, %rax
	subq	%r14, %rax
	movq	%rax, (%rdi)
	addq	$8, %rdi
	.endr
	# Level 31 (the largest: the level is taken modulo 32).
	enter	$8, $31
	call	record
	leave
	movl	$6, %ebx
	call	nest
	# 66-prefixed LEAVE: mov %rbp,%rsp then pop of 16 bits into BP only.
	movq	%rsp, %r13
	pushw	$0x4242
	movq	%rsp, %rbp
	movq	$0x7777777777777777, %rax
	.byte	0x66, 0xc9		# leavew
	movq	%rbp, %rax		# BP = 0x4242, upper 48 bits kept
	movq	%r13, %rdx
	xorw	%dx, %dx
	subq	%rdx, %rax		# 0x4242 if the upper bits were kept
	movq	%rax, (%rdi)
	movq	%rsp, %rax
	subq	%r13, %rax
	movq	%rax, 8(%rdi)
	addq	$16, %rdi
	movq	%r13, %rsp

	FINISH
