# INC, DEC and NEG at every width, register and memory forms, with the carry
# flag both clear and set beforehand (INC and DEC must preserve it).
	.section .note.GNU-stack,"",@progbits

	.data
	.balign 8
vals:	.quad 0, 1, 2, -1, -2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff
	.quad 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000
	.quad 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001
	.quad 0x00000000ffffff7f, 0xfedcba9876543210
vals_end:
	.set NV, (vals_end - vals) / 8
scratch: .quad 0

	.bss
	.balign 64
out:	.skip 1 << 16

	.text
.macro SAVE
	pushfq
	movq	%rax, (%rdi)
	popq	%rdx
	andl	$0x8d5, %edx
	movw	%dx, 8(%rdi)
	addq	$10, %rdi
.endm

# UN op: op at every width on %rax, starting from %r8 with CF = bit 0 of %r10.
.macro UN op
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()b	%al
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()w	%ax
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()l	%eax
	SAVE
	movq	%r8, %rax
	btl	$0, %r10d
	\op\()q	%rax
	SAVE
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()b	scratch+1(%rip)
	movq	scratch(%rip), %rax
	SAVE
	movq	%r8, scratch(%rip)
	btl	$0, %r10d
	\op\()q	scratch(%rip)
	movq	scratch(%rip), %rax
	SAVE
.endm

	.globl _start
_start:
	leaq	out(%rip), %rdi
	xorl	%r12d, %r12d
loop:
	movq	vals(,%r12,8), %r8
	xorl	%r10d, %r10d
	UN	inc
	UN	dec
	UN	neg
	movl	$1, %r10d
	UN	inc
	UN	dec
	UN	neg
	# The high-byte registers.
	movq	%r8, %rax
	incb	%ah
	SAVE
	movq	%r8, %rax
	negb	%ah
	SAVE
	movq	%r8, %rbx
	decb	%bh
	movq	%rbx, %rax
	SAVE
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
