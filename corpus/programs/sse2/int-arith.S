# SSE2 integer arithmetic over every pair of a table of vectors with edge
# lanes (0, 1, -1, the most negative and most positive of each width):
# PADDB/W/D/Q, PSUBB/W/D/Q, saturating PADDSB/W, PADDUSB/W, PSUBSB/W,
# PSUBUSB/W, PMULLW, PMULHW, PMULHUW, PMULUDQ, PMADDWD, PAVGB/W, PSADBW,
# PMINUB/PMAXUB, PMINSW/PMAXSW, register and memory sources.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 16
vecs:	.quad	0x0000000000000000, 0xffffffffffffffff
	.quad	0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	.quad	0x7fff80007fff8000, 0x0001ffff00010001
	.quad	0x7fffffff80000000, 0x8000000000000000
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x00ff00ff00ff00ff, 0x0102030405060708
	.quad	0x8000800080008000, 0x7fff7fff7fff7fff
	.quad	0x0000000100000001, 0xffffffff00000000
	.quad	0xfefefefefefefefe, 0x0101010101010101
	.quad	0x123456789abcdef0, 0x0fedcba987654321
	.quad	0x7f7f7f7f7f7f7f7f, 0x8181818181818181
vecs_end:
	.set NV, (vecs_end - vecs) / 16

	.bss
	.balign 64
out:	.skip	1 << 17

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
	xorl	%r13d, %r13d
inner:
	movq	%r13, %r9
	shlq	$4, %r9
	movdqa	vecs(%r9), %xmm1
	.irp	op, paddb, paddw, paddd, paddq, psubb, psubw, psubd, \
		psubq, paddsb, paddsw, paddusb, paddusw, psubsb, psubsw, \
		psubusb, psubusw, pmullw, pmulhw, pmulhuw, pmuludq, \
		pmaddwd, pavgb, pavgw, psadbw, pminub, pmaxub, pminsw, \
		pmaxsw
	movdqa	vecs(%r8), %xmm0
	\op	%xmm1, %xmm0
	PUT	xmm0
	.endr
	movdqa	vecs(%r8), %xmm0
	pmuludq	vecs(%r9), %xmm0
	PUT	xmm0
	movdqa	vecs(%r8), %xmm0
	paddsw	vecs(%r9), %xmm0
	PUT	xmm0
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
