# SSE2 CMPPD and CMPSD with every predicate 0-7 (EQ LT LE UNORD NEQ NLT NLE
# ORD: predicates above 7 exist only in the VEX-encoded AVX forms, which the
# oracle cannot run, so only the legacy imm8 0-7 is used), and
# COMISD/UCOMISD (ZF PF CF, with OF SF AF cleared), over pairs of vectors of
# ordered values: ±0 (equal), ±1, ±inf, tiny and large values. NaN operands
# are in sse/compare-nan. Masks, EFLAGS and MXCSR are recorded.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vecs:	.double	0.0, -0.0
	.double	-0.0, 1.0
	.quad	0x7ff0000000000000, 0xfff0000000000000
	.double	2.0, -2.0
	.double	1.0e300, -1.0e-300
	.quad	0x0010000000000000, 0x3ff0000000000000	# min normal, 1.0
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
	movapd	vecs(%r9), %xmm1
	.irp p, 0, 1, 2, 3, 4, 5, 6, 7
	movapd	vecs(%r8), %xmm0
	cmppd	$\p, %xmm1, %xmm0
	SAVE	xmm0
	movapd	vecs(%r8), %xmm0
	cmpsd	$\p, vecs(%r9), %xmm0
	SAVE	xmm0
	.endr
	movapd	vecs(%r8), %xmm0
	stc				# flags the compare must overwrite
	comisd	%xmm1, %xmm0
	FLAGS
	cmpl	%eax, %eax
	ucomisd	vecs(%r9), %xmm0
	FLAGS
	unpckhpd %xmm1, %xmm1		# lane 1
	unpckhpd %xmm0, %xmm0
	comisd	%xmm1, %xmm0
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
