# QEMU 7.2 computes BLSI's carry flag wrongly (a divergence in eflags that
# the host CPU confirms), then the program faults on ud2 on both sides:
# with --keep-going the run ends as a fault after recording a divergence.
	.text
	.globl _start
_start:
	mov	$0x30, %ebx
	blsi	%ebx, %eax
	ud2
