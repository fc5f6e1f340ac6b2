# x87 FSTP and FST of signalling NaNs (either sign, several payloads) to a
# 64-bit memory operand: the stored value is the NaN made quiet (quiet
# bit set, payload truncated to the format), with IE. The NaNs are loaded
# from 80-bit memory, which keeps them signalling. Each stored value and
# the status word are recorded.
#include "common/x87.inc"

	.data
	.balign 16
nans:	EXT80	0x7fff, 0xa000000000000000	# +SNaN
	EXT80	0xffff, 0x8000000000000001	# -SNaN, smallest payload (lost)
	EXT80	0x7fff, 0xbfffffffffffffff	# +SNaN, all payload bits
	EXT80	0x7fff, 0x8000010000000000	# +SNaN, payload bit 40
	EXT80	0xffff, 0x8000000000000800	# -SNaN, payload bit 11
	EXT80	0x7fff, 0x9234567890abcdef	# +SNaN, mixed payload
	COUNT	NN, nans, 16

	OUTPUT	1 << 12

	START	rdi
	fninit
	FORV	rax, r12
	fldt	nans(%rax)
	fstl	(%rdi)			# FST, no pop
	addq	$8, %rdi
	STATUS
	fstpl	(%rdi)			# FSTP
	addq	$8, %rdi
	STATUS
	ENDFOR	r12, NN

	FINISH
