# An AVX2 loop for the arbiter's benchmark: every instruction but the loop
# control is VEX-encoded, which Unicorn 2.0.1 cannot execute, so the host
# CPU runs them for the oracle. About 40,000 instructions.
	.data
	.balign	32
vals:	.long	1, 2, 3, 4, 5, 6, 7, 8
out:	.space	32
	.text
	.globl _start
_start:
	vmovdqu	vals(%rip), %ymm1
	vpxor	%ymm0, %ymm0, %ymm0
	mov	$5000, %ecx
1:	vpaddd	%ymm1, %ymm0, %ymm0
	vpslld	$1, %ymm1, %ymm2
	vpxor	%ymm2, %ymm0, %ymm0
	vpshufd	$0x1b, %ymm0, %ymm0
	vmovdqu	%ymm0, out(%rip)
	dec	%ecx
	jnz	1b
	vextracti128 $1, %ymm0, %xmm3
	vmovq	%xmm3, %rdi
	and	$0x7f, %edi
	mov	$60, %eax
	syscall
