# The benchmark loop of bench.S with the loop on a page of its own: block
# mode stops QEMU with a breakpoint at the exit system call, and QEMU 7.2
# translates a breakpoint's page one instruction per block.
	.data
buf:	.space 4096
	.text
	.globl _start
_start:
	mov	$50000, %r12
	jmp	outer
	.balign	4096
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
	jmp	done
	.balign	4096
done:	mov	$60, %eax
	xor	%edi, %edi
	syscall
