# Forty getuid system calls, then QEMU 7.2's BLSI carry bug: a run split
# into parts at system calls must find it at the same step as a whole run.
	.text
	.globl _start
_start:
	mov	$40, %r12d
1:	mov	$102, %eax		# getuid
	syscall
	add	%rax, %r13
	dec	%r12d
	jnz	1b
	mov	$0x30, %ebx
	blsi	%ebx, %eax		# CF: QEMU 7.2 clears it, hardware sets it
	mov	$60, %eax
	xor	%edi, %edi
	syscall
