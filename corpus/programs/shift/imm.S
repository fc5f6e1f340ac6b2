# Every shift and rotate (SHL SHR SAR ROL ROR RCL RCR) by immediate counts
# 0, 1, width-1, width and width+1 at 8, 16, 32 and 64 bits, plus the by-1
# forms (D0/D1) and the same count in the imm8 forms (C0/C1 ib 1) written as
# raw bytes. The recorded flags are chosen at assembly time from the masked
# count, as for the by-CL entries.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad 0, 1, -1, 0x81, 0x8000, 0x80000001, 0x8000000000000000
	.quad 0x0123456789abcdef, 0x7f7f7f7f7f7f7f7f
	COUNT	NV, vals, 8

	OUTPUT	1 << 17

# ONE op width reg n rot: op $n, %reg with flags preset from %r10.
.macro ONE op width reg n rot
	.if \width == 64
	.set m, (\n) & 63
	.else
	.set m, (\n) & 31
	.endif
	.if \rot
	  .if m <= 1
	  .set fm, 0x8d5
	  .else
	  .set fm, 0x0d5
	  .endif
	.else
	  .if m == 0
	  .set fm, 0x8d5
	  .elseif m == 1
	  .set fm, 0x8c5
	  .elseif m < \width
	  .set fm, 0x0c5
	  .else
	  .set fm, 0x0c4
	  .endif
	.endif
	PRESET
	movq	%r8, %rax
	\op	$\n, %\reg
	RECORD	$fm, rax
.endm

# ALL op rot: op at every width for the edge counts of each width.
.macro ALL op rot
	.irp n, 0, 1, 7, 8, 9
	ONE	\op\()b, 8, al, \n, \rot
	.endr
	.irp n, 0, 1, 15, 16, 17
	ONE	\op\()w, 16, ax, \n, \rot
	.endr
	.irp n, 0, 1, 31, 32, 33
	ONE	\op\()l, 32, eax, \n, \rot
	.endr
	.irp n, 0, 1, 63, 64, 65
	ONE	\op\()q, 64, rax, \n, \rot
	.endr
.endm

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %r8
	ALTFLAGS r12
	ALL	shl, 0
	ALL	shr, 0
	ALL	sar, 0
	ALL	rol, 1
	ALL	ror, 1
	ALL	rcl, 1
	ALL	rcr, 1
	# imm8 encodings of a count of 1: shl $1,%eax (c1 e0 01), ror $1,%al
	# (c0 c8 01), rcl $1,%rax (48 c1 d0 01), sar $1,%ax (66 c1 f8 01).
	movq	%r8, %rax
	.byte	0xc1, 0xe0, 0x01
	RECORD	$0x8c5, rax
	movq	%r8, %rax
	.byte	0xc0, 0xc8, 0x01
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	.byte	0x48, 0xc1, 0xd0, 0x01
	RECORD	$0x8d5, rax
	movq	%r8, %rax
	.byte	0x66, 0xc1, 0xf8, 0x01
	RECORD	$0x8c5, rax
	ENDFOR	r12, NV

	FINISH
