	.globl _start
_start:
	mov $0x1234567800000005, %rax
	mov $5, %ecx
	mov $7, %edx
	cmpxchg %edx, %ecx
	mov $39, %eax
	syscall
	cpuid
	mov $60, %eax
	xor %edi, %edi
	syscall
