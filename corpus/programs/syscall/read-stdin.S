# read(2) from stdin in 7-byte chunks until end of file, upper-casing
# letters and counting lines and bytes, then write(2) of the converted text
# and the counts to stdout. The entry supplies the input.
#include "common/putnum.inc"

	.bss
	.balign 64
chunk:	.skip	7
text:	.skip	4096

	PUTNUM

	START
	leaq	text(%rip), %r12	# where the next converted byte goes
	xorl	%r13d, %r13d		# lines
	xorl	%r14d, %r14d		# reads that returned data
read_more:
	xorl	%edi, %edi		# read(0, chunk, 7)
	leaq	chunk(%rip), %rsi
	movl	$7, %edx
	xorl	%eax, %eax
	syscall
	testq	%rax, %rax
	jle	done			# 0: end of file; < 0: error
	incq	%r14
	leaq	chunk(%rip), %rsi
	movq	%rax, %rcx
1:	movb	(%rsi), %al
	cmpb	$'\n', %al
	jne	2f
	incq	%r13
2:	leal	-'a'(%rax), %edx
	cmpb	$25, %dl
	ja	3f
	subb	$32, %al
3:	movb	%al, (%r12)
	incq	%r12
	incq	%rsi
	decq	%rcx
	jnz	1b
	leaq	text+4000(%rip), %rax	# stop before overflowing
	cmpq	%rax, %r12
	jb	read_more
done:
	movl	$1, %edi		# write(1, text, r12 - text)
	leaq	text(%rip), %rsi
	movq	%r12, %rdx
	subq	%rsi, %rdx
	movl	$1, %eax
	syscall
	movq	%r13, %rax
	call	putnum
	movq	%r14, %rax
	call	putnum
	movq	%r12, %rax
	leaq	text(%rip), %rdx
	subq	%rdx, %rax
	call	putnum
	EXIT
