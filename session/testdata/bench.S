# The benchmark program: about 150,000 instructions of mixed integer work,
# loads and stores (a store every few instructions), and a few syscalls.
	.data
buf:	.space 4096
	.text
	.globl _start
_start:
	mov	$10000, %r12
outer:	lea	buf(%rip), %rsi
	mov	%r12, %rax
	and	$511, %rax
	mov	(%rsi,%rax,8), %rbx
	add	%r12, %rbx
	imul	$0x3779b1, %rbx, %rbx
	mov	%rbx, (%rsi,%rax,8)
	push	%rbx
	xor	%rbx, %rcx
	rol	$7, %rcx
	pop	%rdx
	sub	%rdx, %rcx
	mov	%ecx, %edx
	shr	$3, %edx
	cmp	$100, %edx
	jb	1f
	inc	%r13
1:	dec	%r12
	jnz	outer
	mov	$39, %eax	# getpid
	syscall
	mov	$60, %eax
	xor	%edi, %edi
	syscall
