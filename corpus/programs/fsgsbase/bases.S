# FSGSBASE: RDFSBASE, RDGSBASE, WRFSBASE and WRGSBASE at 64 and 32 bits
# (the 32-bit reads zero-extend, the 32-bit writes clear the upper half of
# the base), and loads and stores through the FS and GS prefixes after each
# write. The bases are set to addresses of the program's own tables (fixed
# at link time) and to constants, never to anything run-dependent, and read
# back. The program starts with both bases zero (no TLS is set up).
#include "common/program.inc"

	.data
	.balign 16
tab:	.quad	0x1111111111111111, 0x2222222222222222, 0x3333333333333333
	.quad	0x4444444444444444
	.bss
	.balign	16
scratch: .skip	64

	OUTPUT	1 << 12

	START	rdi
	rdfsbase %rax
	rdgsbase %rbx
	RECORD	$0, rax, rbx
	leaq	tab(%rip), %rax
	wrfsbase %rax
	leaq	scratch(%rip), %rbx
	wrgsbase %rbx
	movq	%fs:8, %rcx			# tab[1]
	movq	%fs:24, %rdx
	movq	%rcx, %gs:0			# into scratch
	movq	%rdx, %gs:8
	rdfsbase %r8
	rdgsbase %r9
	subq	%rax, %r8			# 0 if read back unchanged
	subq	%rbx, %r9
	RECORD	$0, rcx, rdx, r8, r9
	movq	scratch(%rip), %rcx
	movq	scratch+8(%rip), %rdx
	RECORD	$0, rcx, rdx
	# 32-bit forms.
	movq	$-1, %r10
	rdfsbase %r10d				# zero-extended low half
	subl	%eax, %r10d
	movabsq	$0x1234567800000000, %r11
	leaq	tab+16(%rip), %rax
	orq	%rax, %r11
	wrfsbase %r11d				# the low half only
	movq	%fs:0, %rcx			# tab[2]
	rdfsbase %r11
	subq	%rax, %r11
	RECORD	$0, r10, rcx, r11
	# Constants, read back at both widths.
	movabsq	$0x00007fff12345678, %rax
	wrgsbase %rax
	rdgsbase %rbx
	movq	$-1, %rcx
	rdgsbase %ecx
	movabsq	$0xffff800000001000, %rdx	# canonical, kernel half
	wrfsbase %rdx
	rdfsbase %rsi
	RECORD	$0, rbx, rcx, rsi
	xorl	%eax, %eax
	wrfsbase %rax
	wrgsbase %rax

	FINISH
