# x87 FSTP and FST of signalling NaNs (either sign, several payloads) to
# 32- and 64-bit memory operands: the stored value is the NaN made quiet
# (quiet bit set, payload truncated to the format), with IE. The NaNs are
# loaded from 80-bit memory, which keeps them signalling. Each stored value
# and the status word are recorded.
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

# STORES fst, fstp, size: both stores of every NaN at one width.
.macro STORES fst, fstp, size
	FORV	rax, r12
	fldt	nans(%rax)
	\fst	(%rdi)			# FST, no pop
	addq	$\size, %rdi
	STATUS
	\fstp	(%rdi)			# FSTP
	addq	$\size, %rdi
	STATUS
	ENDFOR	r12, NN
.endm

	START	rdi
	fninit
	STORES	fsts, fstps, 4
	STORES	fstl, fstpl, 8
	FINISH
