# SHA1RNDS4, which the host CPU has and QEMU 7.2 does not implement: QEMU
# raises SIGILL, as a CPU of its model does. Unicorn cannot run SHA either,
# so the oracle has the host run it; the run must end as the fault a CPU of
# QEMU's model takes, not as a divergence.
	.text
	.globl	_start
_start:
	pxor	%xmm0, %xmm0
	pxor	%xmm1, %xmm1
	sha1rnds4 $0, %xmm1, %xmm0
	mov	$60, %eax
	mov	$1, %edi
	syscall
