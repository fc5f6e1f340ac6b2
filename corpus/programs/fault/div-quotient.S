# DIV whose quotient does not fit in 64 bits raises #DE (SIGFPE). A short
# checksum loop runs first so that the fault comes after real work; the
# program must die with signal 8 at the marked instruction and never reach
# the exit below it.
#include "common/fault.inc"

	WARMUP
	movq	$1, %rdx		# dividend 2^64: the quotient 2^64 does not fit
	xorl	%eax, %eax
	movl	$1, %ecx
	divq	%rcx			# faults: #DE
	UNREACHED
