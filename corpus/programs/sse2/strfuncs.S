# String functions the way optimised C libraries write them with SSE2:
# strlen and memchr by PCMPEQB against a broadcast byte, PMOVMSKB and BSF,
# starting from an aligned block with the bytes before the string masked
# off; a strcmp by PCMPEQB/PMOVMSKB comparison of 16-byte blocks. Over
# strings of every length 0-47 at every alignment 0-15. Results are written
# to stdout.
#include "common/program.inc"

	.data
	.balign 16
text:	.ascii	"Lockstep compares QEMU with Unicorn, one instruction at a "
	.ascii	"time, and reports the first difference it finds.\0"

	.bss
	.balign 64
buf:	.skip	128
buf2:	.skip	128
out:	.skip	8192

	.text
# sstrlen(rsi = s) -> rax
sstrlen:
	movq	%rsi, %rdx
	andq	$-16, %rdx		# aligned block containing s
	movl	%esi, %ecx
	andl	$15, %ecx		# bytes to ignore
	pxor	%xmm0, %xmm0
	movdqa	(%rdx), %xmm1
	pcmpeqb	%xmm0, %xmm1
	pmovmskb %xmm1, %eax
	shrl	%cl, %eax		# drop the bytes before s
	shll	%cl, %eax
	testl	%eax, %eax		# (a shift by 0 sets no flags)
	jnz	2f
1:	addq	$16, %rdx
	movdqa	(%rdx), %xmm1
	pcmpeqb	%xmm0, %xmm1
	pmovmskb %xmm1, %eax
	testl	%eax, %eax
	jz	1b
2:	bsfl	%eax, %eax
	addq	%rdx, %rax
	subq	%rsi, %rax
	ret

# smemchr(rsi = s, r8b = c, r9 = n) -> rax = index or -1
smemchr:
	movzbl	%r8b, %eax
	imull	$0x01010101, %eax, %eax
	movd	%eax, %xmm2
	pshufd	$0, %xmm2, %xmm2	# the byte in all 16 lanes
	xorl	%edx, %edx
1:	cmpq	%r9, %rdx
	jae	3f
	movdqu	(%rsi,%rdx), %xmm1
	pcmpeqb	%xmm2, %xmm1
	pmovmskb %xmm1, %eax
	testl	%eax, %eax
	jnz	2f
	addq	$16, %rdx
	jmp	1b
2:	bsfl	%eax, %eax
	addq	%rdx, %rax
	cmpq	%r9, %rax
	jae	3f
	ret
3:	movq	$-1, %rax
	ret

	START	rdi
	FOR	r12		# alignment
	xorl	%r13d, %r13d		# length
length:
	# Copy the first r13 bytes of text to buf + r12 and terminate.
	xorl	%ecx, %ecx
1:	cmpq	%r13, %rcx
	jae	2f
	movb	text(%rcx), %al
	movb	%al, buf(%r12,%rcx)
	incq	%rcx
	jmp	1b
2:	movb	$0, buf(%r12,%rcx)
	movb	$'x', buf+1(%r12,%rcx)	# junk after the terminator
	leaq	buf(%r12), %rsi
	call	sstrlen
	movb	%al, (%rdi)
	leaq	buf(%r12), %rsi
	movb	$'e', %r8b
	movq	%r13, %r9
	call	smemchr
	movb	%al, 1(%rdi)
	addq	$2, %rdi
	addq	$3, %r13
	cmpq	$48, %r13
	jb	length
	ENDFOR	r12, 16
	# Block compare: which 16-byte blocks of text and a copy with one
	# byte changed differ, and where.
	xorl	%ecx, %ecx
3:	movdqu	text(%rcx), %xmm0
	movdqu	%xmm0, buf2(%rcx)
	addq	$16, %rcx
	cmpq	$112, %rcx
	jb	3b
	movb	$'!', buf2+77(%rip)
	xorl	%ecx, %ecx
4:	movdqu	text(%rcx), %xmm0
	movdqu	buf2(%rcx), %xmm1
	pcmpeqb	%xmm1, %xmm0
	pmovmskb %xmm0, %eax
	notl	%eax
	andl	$0xffff, %eax
	movw	%ax, (%rdi)
	addq	$2, %rdi
	addq	$16, %rcx
	cmpq	$112, %rcx
	jb	4b

	FINISH
