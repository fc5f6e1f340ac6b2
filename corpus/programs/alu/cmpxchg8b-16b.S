# CMPXCHG8B and CMPXCHG16B, succeeding and failing, each entered with every
# combination of CF, PF, AF and SF (set through SAHF) and OF. Only ZF is
# defined by these instructions; the other arithmetic flags must keep the
# values they had before.
#include "common/program.inc"

	.data
	.balign 16
mem:	.quad 0, 0

	OUTPUT	1 << 15

# SAVE: append %rax, %rdx, the memory operand and the flags.
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	movq	%rdx, 8(%rdi)
	movq	mem(%rip), %rax
	movq	%rax, 16(%rdi)
	movq	mem+8(%rip), %rax
	movq	%rax, 24(%rdi)
	popq	%rax
	andl	$0x8d5, %eax
	movw	%ax, 32(%rdi)
	addq	$34, %rdi
.endm

# FLAGSIN: set SF ZF AF PF CF from bits of %r12b and OF from bit 1 of %r12.
.macro FLAGSIN
	movl	%r12d, %eax
	andl	$1, %eax
	negl	%eax			# eax = 0 or -1
	movl	%eax, %ecx
	andl	$0x7fffffff, %ecx	# OF: 0x7fffffff + 1 overflows, 0 + 1 not
	btl	$1, %r12d
	jnc	1f
	addl	$1, %ecx
1:	movl	%r12d, %eax
	andl	$0xd5, %eax		# SF ZF AF PF CF
	movb	%al, %ah
	sahf
.endm

	START	rdi
	xorl	%r12d, %r12d
	# The loop has a page of its own: QEMU 7.2 translates the page of a
	# breakpoint one instruction per block, and block mode stops QEMU with
	# a breakpoint at the write system call of FINISH.
	jmp	loop
	.balign	4096
loop:
	# CMPXCHG8B succeeding: EDX:EAX equals m64, ECX:EBX is stored.
	movq	$0x1122334455667788, %rax
	movq	%rax, mem(%rip)
	FLAGSIN
	movl	$0x55667788, %eax
	movl	$0x11223344, %edx
	movl	$0xdeadbeef, %ebx
	movl	$0xcafef00d, %ecx
	cmpxchg8b mem(%rip)
	SAVE
	# CMPXCHG8B failing: m64 is loaded into EDX:EAX.
	FLAGSIN
	movq	$-1, %rax
	movq	$-1, %rdx
	cmpxchg8b mem(%rip)
	SAVE
	# CMPXCHG16B succeeding and failing on an aligned m128.
	movq	$1, mem(%rip)
	movq	$2, mem+8(%rip)
	FLAGSIN
	movq	$1, %rax
	movq	$2, %rdx
	movq	$-3, %rbx
	movq	$-4, %rcx
	cmpxchg16b mem(%rip)
	SAVE
	FLAGSIN
	movq	$7, %rax
	movq	$8, %rdx
	cmpxchg16b mem(%rip)
	SAVE
	incl	%r12d
	cmpl	$256, %r12d
	jb	loop
	jmp	done
	.balign	4096
done:
	FINISH
