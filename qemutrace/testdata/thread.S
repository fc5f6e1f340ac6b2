/* A raw clone(CLONE_THREAD) without libc: afterwards the parent and the
 * new thread each count forever in a counter of their own. */
	.bss
	.align	16
	.skip	4096
stack_top:
	.globl	parent_count, child_count
parent_count:	.quad 0
child_count:	.quad 0

	.text
	.globl	_start, clone
_start:
	mov	$0x50f00, %edi	/* CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */
	lea	stack_top(%rip), %rsi
	xor	%edx, %edx
	xor	%r10d, %r10d
	xor	%r8d, %r8d
	mov	$56, %eax
clone:
	syscall
	test	%rax, %rax
	jz	child
parent:
	incq	parent_count(%rip)
	jmp	parent
child:
	incq	child_count(%rip)
	jmp	child
