# IDIV of INT_MIN by -1 overflows the quotient: #DE, SIGFPE. A short
# checksum loop runs first so that the fault comes after real work; the
# program must die with signal 8 at the marked instruction and never reach
# the exit below it.
#include "common/fault.inc"

	WARMUP
	movl	$-0x80000000, %eax
	cltd
	movl	$-1, %ecx
	idivl	%ecx			# faults: #DE, quotient 2^31 does not fit
	UNREACHED
