# BLSI isolates the lowest set bit; the SDM sets CF when the source is not
# zero. QEMU 7.2 inverts that (CF set for a zero source), the hardware and
# the oracle do not: lockstep reports CF at the blsi step.
	.text
	.globl _start
_start:
	mov	$0x30, %ebx
	blsi	%ebx, %eax
	mov	$60, %eax
	xor	%edi, %edi
	syscall
