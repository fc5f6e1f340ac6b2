# write(2) to stdout: strings of several lengths (0, 1, odd sizes, one
# spanning a page boundary), numbers formatted in decimal by hand, and
# writev(2) gathering three buffers. The return values (bytes written) are
# printed too, so the output checks them.
#include "common/program.inc"

	.data
hello:	.ascii	"Hello from lockstep.\n"
	.set HELLO_LEN, . - hello
one:	.ascii	"!"
nl:	.ascii	"\n"
part1:	.ascii	"gathered "
part2:	.ascii	"by "
part3:	.ascii	"writev\n"
	.balign 8
iov:	.quad	part1, 9, part2, 3, part3, 7

	.bss
	.balign 4096
	.skip	4090
cross:	.skip	16			# straddles a page boundary
num:	.skip	32

	.text
# write1(rsi = buf, rdx = len) -> rax
write1:
	movl	$1, %edi
	movl	$1, %eax
	syscall
	ret

# putnum(rax): print rax in decimal and a newline.
putnum:
	leaq	num+31(%rip), %rsi
	movb	$'\n', (%rsi)
	movl	$10, %ecx
	movl	$1, %edx
1:	xorl	%r8d, %r8d
	pushq	%rdx
	xorl	%edx, %edx
	divq	%rcx
	movq	%rdx, %r8
	popq	%rdx
	addb	$'0', %r8b
	decq	%rsi
	movb	%r8b, (%rsi)
	incq	%rdx
	testq	%rax, %rax
	jnz	1b
	jmp	write1

	START
	leaq	hello(%rip), %rsi
	movl	$HELLO_LEN, %edx
	call	write1
	call	putnum			# 21
	leaq	hello(%rip), %rsi
	xorl	%edx, %edx
	call	write1			# zero length: returns 0
	call	putnum
	leaq	one(%rip), %rsi
	movl	$1, %edx
	call	write1
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write1
	# Fill the page-straddling buffer and write it.
	leaq	cross(%rip), %rdi
	movl	$15, %ecx
	movb	$'a', %al
2:	movb	%al, (%rdi)
	incb	%al
	incq	%rdi
	decl	%ecx
	jnz	2b
	movb	$'\n', (%rdi)
	leaq	cross(%rip), %rsi
	movl	$16, %edx
	call	write1
	call	putnum
	# writev(1, iov, 3)
	movl	$1, %edi
	leaq	iov(%rip), %rsi
	movl	$3, %edx
	movl	$20, %eax
	syscall
	call	putnum			# 19
	# Numbers: the first 30 squares.
	movl	$1, %ebx
3:	movl	%ebx, %eax
	imull	%ebx, %eax
	call	putnum
	incl	%ebx
	cmpl	$30, %ebx
	jbe	3b
	EXIT
