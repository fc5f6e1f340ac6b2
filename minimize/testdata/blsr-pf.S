# BLSR leaves PF (and AF) undefined. QEMU 7.2 and the Unicorn oracle both
# clear PF for 0x31 & 0x30 = 0x30; an AMD EPYC sets it. Compared strictly
# with every instruction judged (--strict-flags --arbiter every), the
# difference is judged tolerance, naming PF.
	.intel_syntax noprefix
	.globl _start
_start:
	mov rbx, 0x31
	sub rdx, 1		# flags of its own before BLSR
	blsr rax, rbx
	mov eax, 60
	xor edi, edi
	syscall
