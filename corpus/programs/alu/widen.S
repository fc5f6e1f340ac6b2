# Sign and zero extension: MOVZX, MOVSX, MOVSXD, CBW, CWDE, CDQE, CWD, CDQ,
# CQO, and partial-register writes (8 and 16-bit writes keep the upper bits,
# 32-bit writes clear them), over a table of edge values.
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff
	.quad 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff
	.quad 0x8000000000000000, 0x00000000ff00ff80, 0x123456789abcdef0
vals_end:
	.set NV, (vals_end - vals) / 8

	.bss
	.balign 64
out:	.skip 1 << 15

	.text
.macro PUT reg
	movq	%\reg, (%rdi)
	addq	$8, %rdi
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	movq	$0x5555555555555555, %rbx
	xorl	%r12d, %r12d
loop:
	movq	vals(,%r12,8), %r8
	movq	%rbx, %rax
	movzbl	%r8b, %eax
	PUT	rax
	movq	%rbx, %rax
	movzbw	%r8b, %ax
	PUT	rax
	movq	%rbx, %rax
	movzwl	%r8w, %eax
	PUT	rax
	movzbq	%r8b, %rax
	PUT	rax
	movzwq	%r8w, %rax
	PUT	rax
	movq	%rbx, %rax
	movsbw	%r8b, %ax
	PUT	rax
	movq	%rbx, %rax
	movsbl	%r8b, %eax
	PUT	rax
	movsbq	%r8b, %rax
	PUT	rax
	movq	%rbx, %rax
	movswl	%r8w, %eax
	PUT	rax
	movswq	%r8w, %rax
	PUT	rax
	movslq	%r8d, %rax
	PUT	rax
	movq	%rbx, %rax
	movsbl	vals(,%r12,8), %eax	# memory source
	PUT	rax
	movq	%rbx, %rax
	movzwl	vals+1(,%r12,8), %eax
	PUT	rax
	# Accumulator forms.
	movq	%r8, %rax
	cbtw
	PUT	rax
	movq	%r8, %rax
	cwtl
	PUT	rax
	movq	%r8, %rax
	cltq
	PUT	rax
	movq	%r8, %rax
	movq	%rbx, %rdx
	cwtd
	PUT	rax
	PUT	rdx
	movq	%r8, %rax
	movq	%rbx, %rdx
	cltd
	PUT	rax
	PUT	rdx
	movq	%r8, %rax
	movq	%rbx, %rdx
	cqto
	PUT	rax
	PUT	rdx
	# Partial writes.
	movq	%rbx, %rax
	movb	%r8b, %al
	PUT	rax
	movq	%rbx, %rax
	movl	%r8d, %ecx
	movb	%cl, %ah
	PUT	rax
	movq	%rbx, %rax
	movw	%r8w, %ax
	PUT	rax
	movq	%rbx, %rax
	movl	%r8d, %eax
	PUT	rax
	movq	%rbx, %rax
	movl	$-1, %eax
	PUT	rax
	movq	%rbx, %rsi
	movb	%r8b, %sil		# REX byte register
	PUT	rsi
	incq	%r12
	cmpq	$NV, %r12
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
