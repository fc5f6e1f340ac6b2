# PUSH and POP of registers, immediates (imm8 and imm32, sign-extended to 64
# bits), memory operands (including POP to a memory operand addressed
# through RSP, which uses RSP's value after the pop), 16-bit PUSH/POP (66
# prefix: RSP moves by 2), PUSH %rsp (pushes the old value), POP %rsp,
# PUSHF/POPF with DF and the arithmetic flags. Stack contents are recorded
# relative to a base so that the absolute stack address does not matter.
#include "common/program.inc"

	.data
	.balign 8
mem:	.quad 0x1122334455667788, 0
vals:	.quad 0, 1, -1, 0x8000000000000000, 0x0123456789abcdef, 0x7f, 0x80
	COUNT	NV, vals, 8

	OUTPUT	1 << 15

	START	rdi
	movq	%rsp, %rbp		# base for relative stack addresses
	FOR	r12
	movq	vals(,%r12,8), %r8
	pushq	%r8
	pushq	$-1
	pushq	$0x7f
	pushq	$-0x80000000
	pushq	mem(%rip)
	pushw	%r8w
	pushw	$0x1234
	popw	%ax			# 0x1234
	popw	%bx			# r8w
	movq	%rsp, %rcx
	subq	%rbp, %rcx		# -40: the word pushes balanced out
	PUTQ	rax
	PUTQ	rbx
	PUTQ	rcx
	popq	%rax
	PUTQ	rax
	popq	%rax
	PUTQ	rax
	popq	%rax
	PUTQ	rax
	popq	%rax
	PUTQ	rax
	popq	mem+8(%rip)		# r8 into memory
	movq	mem+8(%rip), %rax
	PUTQ	rax
	movq	%rsp, %rax
	subq	%rbp, %rax
	PUTQ	rax			# 0: balanced
	# PUSH %rsp pushes the value before the push.
	pushq	%rsp
	popq	%rax
	subq	%rsp, %rax
	PUTQ	rax
	# POP into an RSP-relative memory operand: the address is computed
	# with RSP after the pop.
	pushq	$0x55
	pushq	%r8
	popq	(%rsp)			# overwrites the 0x55
	popq	%rax
	PUTQ	rax
	# POP %rsp loads RSP from the stack.
	leaq	-64(%rsp), %rax
	pushq	%rax
	popq	%rsp
	movq	%rbp, %rax
	subq	%rsp, %rax		# 64
	PUTQ	rax
	movq	%rbp, %rsp
	# PUSHF/POPF round trip of flags, DF included.
	movq	%r8, %rax
	addq	%r8, %rax		# flags from the value
	std
	pushfq
	popq	%rax
	cld
	andl	$0xcd5, %eax		# DF and the arithmetic flags
	PUTQ	rax
	pushq	%rax
	popfq				# restores DF=1 and the flags
	pushfq
	cld
	popq	%rax
	andl	$0xcd5, %eax
	PUTQ	rax
	ENDFOR	r12, NV

	FINISH
