# A small bytecode interpreter: a stack machine whose dispatch is an
# indirect jump through a table (the way interpreters stress branch
# prediction and emulators' block chaining), with calls, returns,
# conditional branches and arithmetic. The bytecode computes the first 25
# Collatz sequence lengths and a Fibonacci checksum; the results go to
# stdout.
#include "common/program.inc"

	# Opcodes (one byte, some with a 4-byte operand).
	.set OP_HALT, 0
	.set OP_PUSH, 1		# push imm32
	.set OP_ADD, 2
	.set OP_SUB, 3
	.set OP_MUL, 4
	.set OP_DUP, 5
	.set OP_SWAP, 6
	.set OP_DROP, 7
	.set OP_JZ, 8		# pop; jump to imm32 if zero
	.set OP_JMP, 9		# jump to imm32
	.set OP_LOAD, 10	# push var[imm32]
	.set OP_STORE, 11	# pop into var[imm32]
	.set OP_AND1, 12	# replace top with top & 1
	.set OP_SHR1, 13	# replace top with top >> 1
	.set OP_LT, 14		# pop b, a; push a < b
	.set OP_EMIT, 15	# pop into the output
	.set OP_OVER, 16

.macro I op
	.byte	\op
.endm
.macro IA op arg
	.byte	\op
	.long	\arg
.endm

	.data
# var 0: n, var 1: x, var 2: steps, var 3: a, var 4: b, var 5: i, var 6: t
code:
	IA	OP_PUSH, 1
	IA	OP_STORE, 0		# n = 1
outer:	.set L_outer, outer - code
	IA	OP_LOAD, 0
	IA	OP_STORE, 1		# x = n
	IA	OP_PUSH, 0
	IA	OP_STORE, 2		# steps = 0
loop:	.set L_loop, loop - code
	IA	OP_LOAD, 1
	IA	OP_PUSH, 1
	I	OP_SUB
	IA	OP_JZ, L_done		# x == 1: done
	IA	OP_LOAD, 1
	I	OP_AND1
	IA	OP_JZ, L_even
	IA	OP_LOAD, 1		# odd: x = 3x + 1
	IA	OP_PUSH, 3
	I	OP_MUL
	IA	OP_PUSH, 1
	I	OP_ADD
	IA	OP_STORE, 1
	IA	OP_JMP, L_count
even:	.set L_even, even - code
	IA	OP_LOAD, 1
	I	OP_SHR1
	IA	OP_STORE, 1
count:	.set L_count, count - code
	IA	OP_LOAD, 2
	IA	OP_PUSH, 1
	I	OP_ADD
	IA	OP_STORE, 2
	IA	OP_JMP, L_loop
done:	.set L_done, done - code
	IA	OP_LOAD, 2
	I	OP_EMIT
	IA	OP_LOAD, 0
	IA	OP_PUSH, 1
	I	OP_ADD
	I	OP_DUP
	IA	OP_STORE, 0
	IA	OP_PUSH, 26
	I	OP_LT
	IA	OP_PUSH, 0
	I	OP_SWAP
	I	OP_SUB			# 0 - (n < 26): zero when finished
	IA	OP_JZ, L_fib
	IA	OP_JMP, L_outer
fib:	.set L_fib, fib - code
	IA	OP_PUSH, 0
	IA	OP_STORE, 3
	IA	OP_PUSH, 1
	IA	OP_STORE, 4
	IA	OP_PUSH, 40
	IA	OP_STORE, 5
fibloop: .set L_fibloop, fibloop - code
	IA	OP_LOAD, 3
	IA	OP_LOAD, 4
	I	OP_ADD
	IA	OP_STORE, 6		# t = a + b
	IA	OP_LOAD, 4
	IA	OP_STORE, 3		# a = b
	IA	OP_LOAD, 6
	IA	OP_STORE, 4		# b = t
	IA	OP_LOAD, 5
	IA	OP_PUSH, 1
	I	OP_SUB
	I	OP_DUP
	IA	OP_STORE, 5
	IA	OP_JZ, L_end
	IA	OP_JMP, L_fibloop
end:	.set L_end, end - code
	IA	OP_LOAD, 4
	I	OP_EMIT			# fib(41) = 165580141
	IA	OP_PUSH, 9		# stack shuffles: 9 4 -> 9 4 9 -> 9 -5
	IA	OP_PUSH, 4		# -> -5 9 -> -5
	I	OP_OVER
	I	OP_SUB
	I	OP_SWAP
	I	OP_DROP
	I	OP_EMIT
	I	OP_HALT

	.balign 8
dispatch:
	.quad	op_halt, op_push, op_add, op_sub, op_mul, op_dup, op_swap
	.quad	op_drop, op_jz, op_jmp, op_load, op_store, op_and1, op_shr1
	.quad	op_lt, op_emit, op_over

	.bss
	.balign 64
vars:	.skip	64
stack:	.skip	1024
out:	.skip	1024

	.text
# Registers: rsi = bytecode pc, rbx = data stack pointer (grows up),
# rdi = output cursor.
.macro NEXT
	movzbl	(%rsi), %eax
	incq	%rsi
	jmp	*dispatch(,%rax,8)
.endm

	START
	leaq	code(%rip), %rsi
	leaq	stack(%rip), %rbx
	leaq	out(%rip), %rdi
	NEXT
op_push:
	movslq	(%rsi), %rax
	addq	$4, %rsi
	movq	%rax, (%rbx)
	addq	$8, %rbx
	NEXT
op_add:
	subq	$8, %rbx
	movq	(%rbx), %rax
	addq	%rax, -8(%rbx)
	NEXT
op_sub:
	subq	$8, %rbx
	movq	(%rbx), %rax
	subq	%rax, -8(%rbx)
	NEXT
op_mul:
	subq	$8, %rbx
	movq	(%rbx), %rax
	imulq	-8(%rbx), %rax
	movq	%rax, -8(%rbx)
	NEXT
op_dup:
	movq	-8(%rbx), %rax
	movq	%rax, (%rbx)
	addq	$8, %rbx
	NEXT
op_over:
	movq	-16(%rbx), %rax
	movq	%rax, (%rbx)
	addq	$8, %rbx
	NEXT
op_swap:
	movq	-8(%rbx), %rax
	xchgq	%rax, -16(%rbx)
	movq	%rax, -8(%rbx)
	NEXT
op_drop:
	subq	$8, %rbx
	NEXT
op_jz:
	movl	(%rsi), %ecx
	addq	$4, %rsi
	subq	$8, %rbx
	cmpq	$0, (%rbx)
	jne	1f
	leaq	code(%rip), %rsi
	addq	%rcx, %rsi
1:	NEXT
op_jmp:
	movl	(%rsi), %ecx
	leaq	code(%rip), %rsi
	addq	%rcx, %rsi
	NEXT
op_load:
	movl	(%rsi), %ecx
	addq	$4, %rsi
	call	load_var
	movq	%rax, (%rbx)
	addq	$8, %rbx
	NEXT
op_store:
	movl	(%rsi), %ecx
	addq	$4, %rsi
	subq	$8, %rbx
	movq	(%rbx), %rax
	call	store_var
	NEXT
op_and1:
	andq	$1, -8(%rbx)
	NEXT
op_shr1:
	shrq	$1, -8(%rbx)
	NEXT
op_lt:
	subq	$8, %rbx
	movq	(%rbx), %rax
	cmpq	%rax, -8(%rbx)
	setl	%al
	movzbl	%al, %eax
	movq	%rax, -8(%rbx)
	NEXT
op_emit:
	subq	$8, %rbx
	movl	(%rbx), %eax
	movl	%eax, (%rdi)
	addq	$4, %rdi
	NEXT

# Variable access through calls, so the interpreter also exercises
# CALL/RET on every LOAD and STORE.
load_var:
	movq	vars(,%rcx,8), %rax
	ret
store_var:
	movq	%rax, vars(,%rcx,8)
	ret

op_halt:
	FINISH
