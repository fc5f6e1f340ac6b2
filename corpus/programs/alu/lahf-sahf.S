# SAHF and LAHF for all 256 values of AH (the forms with a REX prefix are in
# lahf-sahf-rex).
	.section .note.GNU-stack,"",@progbits

	.bss
	.balign 64
out:	.skip 1 << 15

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%ebx, %ebx
loop:
	# Plain SAHF then LAHF: flags from AH, and back.
	movq	$0x1122334455660077, %rax
	movb	%bl, %ah
	sahf
	SAVE
	movq	$0x1122334455667788, %rax
	lahf
	SAVE
	incl	%ebx
	cmpl	$256, %ebx
	jb	loop

	leaq	out(%rip), %rsi		# write(1, out, len)
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	movl	$1, %edi
	movl	$1, %eax
	syscall
	movl	$60, %eax		# exit(0)
	xorl	%edi, %edi
	syscall
