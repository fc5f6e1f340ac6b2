# A small program with a known shape, for the tracer's integration tests.
	.data
value:	.quad 0
msg:	.ascii "hello\n"

	.text
	.globl _start
_start:
	mov	$100, %ecx
loop:	dec	%ecx
	jnz	loop
after_loop:
	movabs	$0x1122334455667788, %rax
store:	mov	%rax, value(%rip)
	# mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	mov	$9, %eax
	xor	%edi, %edi
	mov	$8192, %esi
	mov	$3, %edx
	mov	$0x22, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
do_mmap:
	syscall
after_mmap:
	mov	%rax, %rbx
	movq	$42, (%rbx)
	# munmap(rbx, 8192)
	mov	$11, %eax
	mov	%rbx, %rdi
	mov	$8192, %esi
do_munmap:
	syscall
after_munmap:
	# write(1, msg, 6)
	mov	$1, %eax
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$6, %edx
	syscall
	# rep stosb of 3 bytes onto the stack
	sub	$16, %rsp
	mov	%rsp, %rdi
	mov	$3, %ecx
	xor	%eax, %eax
do_rep:
	rep stosb
after_rep:
	mov	$60, %eax
	mov	$7, %edi
	syscall
