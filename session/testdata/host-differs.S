# Instructions whose results differ by nature between QEMU and the host
# CPU (under gdbserver): cpuid (vendor, family, features), rdtsc, and the
# pid and the time from system calls. The program branches on what they
# return, so the two sides follow one path only when the reference's
# results are written into the test after each of them.
	.text
	.globl _start
_start:
	xor	%r12d, %r12d
	mov	$7, %eax		# structured extended features
	xor	%ecx, %ecx
	cpuid
	bt	$16, %ebx		# AVX-512F: the host has it, QEMU 7.2 not
	jnc	1f
	add	$1, %r12
1:	xor	%eax, %eax		# vendor string
	cpuid
	mov	%ebx, %r13d
	rdtsc
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r14		# the time stamp, compared next step
	mov	$39, %eax		# getpid
	syscall
	mov	%rax, %r15
	mov	$201, %eax		# time(NULL)
	xor	%edi, %edi
	syscall
	add	%rax, %r15
	mov	$60, %eax
	xor	%edi, %edi
	syscall
