# SSE CMPPS/CMPSS with every predicate 0-7 and COMISS/UCOMISS where some
# lanes hold quiet or signalling NaNs: unordered results, and the invalid
# flag IE raised by the signalling predicates (LT LE NLT NLE) and COMISS for
# any NaN, by the quiet ones (EQ UNORD NEQ ORD) and UCOMISS for signalling
# NaNs only. Masks, EFLAGS and MXCSR are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vecs:	.long	0x7fc00000, 0x3f800000, 0x7fa00000, 0x00000000
	.long	0x3f800000, 0xffc00000, 0x3f800000, 0x7fa00000
	.float	1.0, 1.0, 1.0, 1.0
	.long	0x7fa00000, 0x7fc00000, 0x7f800000, 0x80000000
vecs_end:
	.set NV, (vecs_end - vecs) / 16
mx:	.long	0x1f80

	.bss
	.balign 64
out:	.skip	1 << 16

	.text
.macro SAVE reg
	movdqu	%\reg, (%rdi)
	stmxcsr	16(%rdi)
	ldmxcsr	mx(%rip)
	addq	$20, %rdi
.endm

.macro FLAGS
	pushfq
	popq	%rax
	andl	$0x8d5, %eax
	movw	%ax, (%rdi)
	addq	$2, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	ldmxcsr	mx(%rip)
	xorl	%r12d, %r12d
outer:
	movq	%r12, %r8
	shlq	$4, %r8
	xorl	%r13d, %r13d
inner:
	movq	%r13, %r9
	shlq	$4, %r9
	movaps	vecs(%r9), %xmm1
	.irp p, 0, 1, 2, 3, 4, 5, 6, 7
	movaps	vecs(%r8), %xmm0
	cmpps	$\p, %xmm1, %xmm0
	SAVE	xmm0
	movaps	vecs(%r8), %xmm0
	cmpss	$\p, vecs(%r9), %xmm0
	SAVE	xmm0
	.endr
	movaps	vecs(%r8), %xmm0
	stc				# flags the compare must overwrite
	comiss	%xmm1, %xmm0
	FLAGS
	cmpl	%eax, %eax
	ucomiss	vecs(%r9), %xmm0
	FLAGS
	movhlps	%xmm1, %xmm1		# lanes 2 and 3
	movhlps	%xmm0, %xmm0
	comiss	%xmm1, %xmm0
	FLAGS
	incq	%r13
	cmpq	$NV, %r13
	jb	inner
	incq	%r12
	cmpq	$NV, %r12
	jb	outer

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
