# ROL, ROR, RCL and RCR by CL at 8, 16, 32 and 64 bits for counts 0, 1,
# width-1, width, width+1 and above, with CF (and the other flags) preset
# both ways. RCL/RCR rotate through CF, so at 8 and 16 bits the masked count
# is taken modulo 9 and 17. Rotates touch CF and OF only; OF is defined for
# a masked count of 1 only. A non-zero masked count that is a multiple of
# the width still sets CF from the result.
#include "common/shift.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x80, 0x8000, 0x80000000, 0x8000000000000000
	.quad 0x0123456789abcdef
	COUNT	NV, vals, 8
counts:	.byte 0, 1, 2, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 63, 64, 255
	COUNT	NC, counts, 1

	OUTPUT	1 << 16

# MASK cmask: %r11 = flags defined after a rotate by %cl.
.macro MASK cmask
	movl	%ecx, %eax
	andl	$\cmask, %eax
	movl	$0x8d5, %r11d
	cmpl	$1, %eax
	jbe	1f
	movl	$0x0d5, %r11d
1:
.endm

	START	rdi
	FOR	r12
	FOR	r13
	movq	vals(,%r12,8), %r8
	movzbl	counts(%r13), %ecx
	ALTFLAGS r13
	MASK	31
	SHIFT_CL rolb, al
	SHIFT_CL rorb, al
	SHIFT_CL rclb, al
	SHIFT_CL rcrb, al
	SHIFT_CL rolw, ax
	SHIFT_CL rorw, ax
	SHIFT_CL rclw, ax
	SHIFT_CL rcrw, ax
	SHIFT_CL roll, eax
	SHIFT_CL rorl, eax
	SHIFT_CL rcll, eax
	SHIFT_CL rcrl, eax
	MASK	63
	SHIFT_CL rolq, rax
	SHIFT_CL rorq, rax
	SHIFT_CL rclq, rax
	SHIFT_CL rcrq, rax
	ENDFOR	r13, NC
	ENDFOR	r12, NV

	FINISH
