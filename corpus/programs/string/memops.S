# The string instructions as C libraries use them in bulk: memset by REP
# STOSQ plus a REP STOSB tail, memcpy by REP MOVSQ plus REP MOVSB, memmove
# backwards (STD; REP MOVSB; CLD) for an overlapping copy, strlen by REPNE
# SCASB, memcmp by REPE CMPSB, and memchr by REPNE SCASB, over a 4 KiB
# buffer at several sizes and misalignments. Checksums of the buffer and the
# results are written to stdout.
#include "common/program.inc"

	.set LEN, 4096

	.data
sizes:	.quad	0, 1, 7, 8, 9, 63, 200, 1000
	.set NS, 8
text:	.asciz	"memops: a string to measure, search and compare against."

	.bss
	.balign 64
src:	.skip	LEN
dst:	.skip	LEN
out:	.skip	4096

	.text
# sum(rsi = addr, rcx = bytes / 8) -> rax: a quick checksum.
sum:
	xorl	%eax, %eax
	testq	%rcx, %rcx
	jz	2f
1:	addq	(%rsi), %rax
	rolq	$3, %rax
	addq	$8, %rsi
	decq	%rcx
	jnz	1b
2:	ret

	START	r15
	cld
	# memset(src, 0xa5, LEN): quadwords then nothing left.
	leaq	src(%rip), %rdi
	movabsq	$0xa5a5a5a5a5a5a5a5, %rax
	movl	$LEN / 8, %ecx
	rep stosq
	# Write a ramp over part of it for the copies to carry.
	xorl	%ecx, %ecx
1:	movb	%cl, src(%rcx)
	incl	%ecx
	cmpl	$1100, %ecx
	jb	1b
	FOR	r12
	movq	sizes(,%r12,8), %rbx
	# memset(dst + 3, r12, size): quad body and byte tail.
	leaq	dst+3(%rip), %rdi
	movq	%r12, %rax
	movabsq	$0x0101010101010101, %rdx
	imulq	%rdx, %rax
	movq	%rbx, %rcx
	shrq	$3, %rcx
	rep stosq
	movq	%rbx, %rcx
	andq	$7, %rcx
	rep stosb
	# memcpy(dst + 1200 + r12, src + 5, size)
	leaq	src+5(%rip), %rsi
	leaq	dst+1200(%r12), %rdi
	movq	%rbx, %rcx
	shrq	$3, %rcx
	rep movsq
	movq	%rbx, %rcx
	andq	$7, %rcx
	rep movsb
	# memmove(dst + 2500, dst + 2496, size): overlapping, backwards.
	leaq	dst+1200(%rip), %rsi
	leaq	dst+2496(%rip), %rdi
	movq	%rbx, %rcx
	rep movsb
	leaq	dst+2496-1(%rip), %rsi
	addq	%rbx, %rsi
	leaq	dst+2500-1(%rip), %rdi
	addq	%rbx, %rdi
	movq	%rbx, %rcx
	std
	rep movsb
	cld
	# memcmp(src + 5, dst + 1200 + r12, size): equal, so RCX ends at 0.
	leaq	src+5(%rip), %rsi
	leaq	dst+1200(%r12), %rdi
	movq	%rbx, %rcx
	repe cmpsb
	movq	%rcx, (%r15)
	leaq	dst(%rip), %rsi
	movl	$LEN / 8, %ecx
	call	sum
	movq	%rax, 8(%r15)
	addq	$16, %r15
	ENDFOR	r12, NS
	# strlen(text) by REPNE SCASB.
	leaq	text(%rip), %rdi
	xorl	%eax, %eax
	movq	$-1, %rcx
	repne scasb
	notq	%rcx
	decq	%rcx
	movq	%rcx, (%r15)
	# memchr(text, 'c', 64) and a miss.
	leaq	text(%rip), %rdi
	movb	$'c', %al
	movl	$64, %ecx
	repne scasb
	leaq	text(%rip), %rdx
	subq	%rdx, %rdi
	movq	%rdi, 8(%r15)
	movq	%rcx, 16(%r15)
	leaq	text(%rip), %rdi
	movb	$'Z', %al
	movl	$40, %ecx
	repne scasb
	setne	%al
	movq	%rax, 24(%r15)
	movq	%rcx, 32(%r15)
	addq	$40, %r15

	FINISH	r15
