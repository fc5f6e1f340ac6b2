# SSE3: ADDSUBPS/PD (subtract in even lanes, add in odd), HADDPS/PD and
# HSUBPS/PD (horizontal), MOVSLDUP, MOVSHDUP, MOVDDUP (register and memory),
# and LDDQU at an unaligned address, over pairs of vectors of exactly
# representable values (so MXCSR stays clean), including ±0 whose sign
# depends on the operation order.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
ps:	.float	1.0, -2.0, 0.5, 1024.0
	.float	-0.0, 0.0, -0.0, -0.0
	.float	3.0, 3.0, -3.0, 65536.0
	.float	0.25, -0.125, 8.0, -8.0
	.float	4096.0, 1.0, -4096.0, 2.0
ps_end:
	.set NP, (ps_end - ps) / 16
pd:	.double	1.0, -2.0
	.double	-0.0, 0.0
	.double	0.5, 4096.0
	.double	-0.0, -0.0
	.double	1099511627776.0, -3.0
pd_end:
	.set ND, (pd_end - pd) / 16
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

	.globl _start
_start:
	leaq	out(%rip), %rdi
	ldmxcsr	mx(%rip)
	xorl	%r12d, %r12d
1:	movq	%r12, %r8
	shlq	$4, %r8
	xorl	%r13d, %r13d
2:	movq	%r13, %r9
	shlq	$4, %r9
	.irp op, addsubps, haddps, hsubps
	movaps	ps(%r8), %xmm0
	\op	ps(%r9), %xmm0
	SAVE	xmm0
	.endr
	incq	%r13
	cmpq	$NP, %r13
	jb	2b
	movsldup ps(%r8), %xmm0
	SAVE	xmm0
	movaps	ps(%r8), %xmm1
	movshdup %xmm1, %xmm0
	SAVE	xmm0
	lddqu	ps+5(%r8), %xmm0
	SAVE	xmm0
	incq	%r12
	cmpq	$NP, %r12
	jb	1b
	xorl	%r12d, %r12d
3:	movq	%r12, %r8
	shlq	$4, %r8
	xorl	%r13d, %r13d
4:	movq	%r13, %r9
	shlq	$4, %r9
	movapd	pd(%r9), %xmm1
	.irp op, addsubpd, haddpd, hsubpd
	movapd	pd(%r8), %xmm0
	\op	%xmm1, %xmm0
	SAVE	xmm0
	.endr
	incq	%r13
	cmpq	$ND, %r13
	jb	4b
	movddup	pd+8(%r8), %xmm0
	SAVE	xmm0
	movddup	%xmm1, %xmm0
	SAVE	xmm0
	incq	%r12
	cmpq	$ND, %r12
	jb	3b

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
