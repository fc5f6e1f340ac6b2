# SHL, SHR and SAR by CL at 8, 16, 32 and 64 bits for counts 0, 1, width-1,
# width, width+1 and above (the count is masked to 5 bits, 6 for 64-bit),
# with the flags preset both ways. Only architecturally defined flags are
# recorded: a masked count of 0 changes nothing, OF is defined for a count
# of 1 only, AF never, and CF not when the count reaches the width.
#include "common/shift.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x80, 0x8000, 0x80000000, 0x8000000000000000
	.quad 0x0123456789abcdef
	COUNT	NV, vals, 8
counts:	.byte 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255
	COUNT	NC, counts, 1

	OUTPUT	1 << 16

	START	rdi
	FOR	r12
	FOR	r13
	movq	vals(,%r12,8), %r8
	movzbl	counts(%r13), %ecx
	# Alternate the preset flags: all of SF ZF AF PF CF set, or none.
	ALTFLAGS r13
	SHIFTFLAGS 31, 8
	SHIFT_CL shlb, al
	SHIFT_CL shrb, al
	SHIFT_CL sarb, al
	SHIFTFLAGS 31, 16
	SHIFT_CL shlw, ax
	SHIFT_CL shrw, ax
	SHIFT_CL sarw, ax
	SHIFTFLAGS 31, 32
	SHIFT_CL shll, eax
	SHIFT_CL shrl, eax
	SHIFT_CL sarl, eax
	SHIFTFLAGS 63, 64
	SHIFT_CL shlq, rax
	SHIFT_CL shrq, rax
	SHIFT_CL sarq, rax
	ENDFOR	r13, NC
	ENDFOR	r12, NV

	FINISH
