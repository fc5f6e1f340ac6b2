# SSE2 integer shifts and logic: PSLLW/D/Q, PSRLW/D/Q, PSRAW/D by immediate
# and by an XMM count (counts of 0, 1, width-1, width and far beyond:
# logical shifts give 0, arithmetic ones fill with the sign; the XMM count
# is the whole low quadword), PSLLDQ/PSRLDQ byte shifts (including 16 and
# more), PAND, PANDN, POR, PXOR.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vecs:	.quad	0x8000000000000001, 0x7fffffff80000000
	.quad	0xffffffffffffffff, 0x0123456789abcdef
	.quad	0x8001800180018001, 0x00ff00ff7f7f7f7f
	.quad	0x0000000000000001, 0x8000000000000000
	.quad	0x7fff00007fffffff, 0xfedcba9876543210
vecs_end:
	.set NV, (vecs_end - vecs) / 16
counts:	.quad	0, 1, 7, 15, 16, 31, 32, 63, 64, 65, 0x100000001, -1
counts_end:
	.set NC, (counts_end - counts) / 8

	.bss
	.balign 64
out:	.skip	1 << 16

	.text
.macro PUT reg
	movdqu	%\reg, (%rdi)
	addq	$16, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
outer:
	movq	%r12, %r8
	shlq	$4, %r8
	# By an XMM count (low quadword; the high one is ignored).
	xorl	%r13d, %r13d
cnt_loop:
	movq	counts(,%r13,8), %xmm1
	pinsrw	$5, %r13d, %xmm1	# junk in the ignored upper quadword
	.irp op, psllw, pslld, psllq, psrlw, psrld, psrlq, psraw, psrad
	movdqa	vecs(%r8), %xmm0
	\op	%xmm1, %xmm0
	PUT	xmm0
	.endr
	incq	%r13
	cmpq	$NC, %r13
	jb	cnt_loop
	# By immediates.
	.irp n, 0, 1, 7, 15, 16, 31, 32, 63, 64, 255
	.irp op, psllw, pslld, psllq, psrlw, psrld, psrlq, psraw, psrad
	movdqa	vecs(%r8), %xmm0
	\op	$\n, %xmm0
	PUT	xmm0
	.endr
	.endr
	.irp n, 0, 1, 7, 8, 15, 16, 200
	movdqa	vecs(%r8), %xmm0
	pslldq	$\n, %xmm0
	PUT	xmm0
	movdqa	vecs(%r8), %xmm0
	psrldq	$\n, %xmm0
	PUT	xmm0
	.endr
	xorl	%r13d, %r13d
logic_loop:
	movq	%r13, %r9
	shlq	$4, %r9
	.irp op, pand, pandn, por, pxor
	movdqa	vecs(%r8), %xmm0
	\op	vecs(%r9), %xmm0
	PUT	xmm0
	.endr
	incq	%r13
	cmpq	$NV, %r13
	jb	logic_loop
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
