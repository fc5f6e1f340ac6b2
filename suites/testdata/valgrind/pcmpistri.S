# valgrind 3.19 raises SIGILL on PCMPISTRI with imm8 0x04 (equal ranges,
# unsigned bytes; it handles 0x0c, 0x44 and others): hardware and QEMU give
# the index of the first byte of "hello world" in the range l-o, 2.
	.data
	.balign 16
hay:	.asciz "hello world"
	.skip 4
needle:	.asciz "lo"
	.skip 13
	.text
	.globl _start
_start:
	movdqu	needle(%rip), %xmm0
	movdqu	hay(%rip), %xmm1
	pcmpistri $0x04, %xmm1, %xmm0
	mov	$60, %eax
	xor	%edi, %edi
	syscall
