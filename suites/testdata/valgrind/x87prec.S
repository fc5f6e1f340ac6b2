# valgrind 3.19 computes x87 arithmetic in 64-bit (double) precision:
# 1/7 by FIDIV keeps all 64 significand bits on hardware and QEMU (and
# rounds down, so C1 is clear), 53 under valgrind. No PUSHF before it.
	.data
seven:	.long 7
	.text
	.globl _start
_start:
	fld1
	fidivl	seven(%rip)
	fstpt	out(%rip)
	mov	$60, %eax
	xor	%edi, %edi
	syscall
	.bss
out:	.skip 16
