# The Rabinowitz-Wagon spigot algorithm for the first 36 decimal digits of
# pi: an array of mixed-radix digits repeatedly multiplied by 10 and
# normalised with DIV (quotient and remainder both used), carries propagated
# right to left. The digits are printed.
#include "common/program.inc"

	.set DIGITS, 36
	.set LEN, DIGITS * 10 / 3 + 1

	.bss
	.balign 64
arr:	.skip	LEN * 4
text:	.skip	DIGITS + 16

	START
	xorl	%ecx, %ecx		# arr[i] = 2
1:	movl	$2, arr(,%rcx,4)
	incl	%ecx
	cmpl	$LEN, %ecx
	jb	1b
	leaq	text(%rip), %rdi
	xorl	%r12d, %r12d		# digits produced
	movl	$-1, %r13d		# held digit (-1: none yet)
	xorl	%r14d, %r14d		# count of held nines
digit:
	xorl	%ebx, %ebx		# q
	movl	$LEN, %ecx		# i = LEN .. 1
2:	movl	arr-4(,%rcx,4), %eax	# a[i - 1]
	imull	$10, %eax, %eax
	movl	%ebx, %edx
	imull	%ecx, %edx
	addl	%edx, %eax		# x = 10 * a[i-1] + q * i
	leal	-1(%rcx,%rcx), %r8d	# denominator 2i - 1
	xorl	%edx, %edx
	divl	%r8d
	movl	%edx, arr-4(,%rcx,4)	# remainder stays
	movl	%eax, %ebx		# quotient carries
	decl	%ecx
	jnz	2b
	movl	%ebx, %eax		# a[0] = q mod 10, q = q / 10
	xorl	%edx, %edx
	movl	$10, %r8d
	divl	%r8d
	movl	%edx, arr(%rip)
	# eax = the next predigit (0-10): release held digits as needed.
	cmpl	$9, %eax
	jne	3f
	incl	%r14d			# another nine to hold
	jmp	6f
3:	cmpl	$10, %eax
	jne	4f
	incl	%r13d			# overflow: held + 1, nines become 0
	call	emit
	movb	$'0', %sil
	call	emit_nines
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	jmp	6f
4:	cmpl	$-1, %r13d
	je	5f
	call	emit
5:	movb	$'9', %sil
	call	emit_nines
	movl	%eax, %r13d
	xorl	%r14d, %r14d
6:	incl	%r12d
	cmpl	$DIGITS, %r12d
	jb	digit
	call	emit
	movb	$'9', %sil
	call	emit_nines
	movb	$'\n', (%rdi)
	incq	%rdi
	FINISH	buf=text

# emit: append the held digit r13.
emit:
	movl	%r13d, %edx
	addb	$'0', %dl
	movb	%dl, (%rdi)
	incq	%rdi
	ret

# emit_nines: append r14 copies of the character in sil.
emit_nines:
	movl	%r14d, %ecx
	jrcxz	2f
1:	movb	%sil, (%rdi)
	incq	%rdi
	loop	1b
2:	ret
