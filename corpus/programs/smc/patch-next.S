# Self-modifying code in the program's own text: the text page is made
# writable with mprotect(2), then a loop stores a new immediate into the
# instruction that follows the store (so the write hits code that is already
# being executed, in the same basic block), and a second loop flips a
# conditional jump's opcode between JZ and JNZ before executing it. x86
# guarantees that a store to the next instructions takes effect.
#include "common/program.inc"

	OUTPUT	8192

	START	r15
	leaq	_start(%rip), %rdi	# mprotect(text page(s), RWX)
	andq	$-4096, %rdi
	movl	$8192, %esi
	movl	$7, %edx
	movl	$10, %eax
	syscall
	movl	%eax, (%r15)
	addq	$4, %r15
	xorl	%ebx, %ebx
1:	leal	1000(%rbx,%rbx,2), %ecx
	movl	%ecx, patched+1(%rip)	# rewrite the immediate below
patched:
	movl	$0, %eax		# b8 imm32: executes with the new value
	movl	%eax, (%r15)
	addq	$4, %r15
	incl	%ebx
	cmpl	$300, %ebx
	jb	1b
	# Flip jz (74) and jnz (75): the branch sense alternates.
	xorl	%ebx, %ebx
	xorl	%r12d, %r12d		# count of taken branches
2:	movl	%ebx, %eax
	andl	$1, %eax
	addb	$0x74, %al
	movb	%al, flip(%rip)
	xorl	%eax, %eax		# ZF = 1
flip:	jz	3f			# jz or jnz, as just written
	jmp	4f
3:	incl	%r12d
4:	incl	%ebx
	cmpl	$100, %ebx
	jb	2b
	movl	%r12d, (%r15)		# 50
	addq	$4, %r15

	FINISH	r15
