# PDEP deposits the low bits of its first source at the positions of the
# mask's set bits. Unicorn 2.0.1 swaps the two sources; QEMU 7.2 and
# hardware agree: rax must be 0x500 here (source 0b101, mask 0xf00).
	.text
	.globl _start
_start:
	mov	$0b101, %rbx
	mov	$0xf00, %rcx
	pdep	%rcx, %rbx, %rax
	mov	$60, %eax
	xor	%edi, %edi
	syscall
