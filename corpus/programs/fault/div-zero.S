# DIV by zero raises #DE, delivered as SIGFPE. A short checksum loop runs
# first so that the fault comes after real work; the program must die with
# signal 8 at the marked instruction and never reach the exit below it.
#include "common/fault.inc"

	WARMUP
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	divq	%rcx			# faults: #DE, divisor 0
	UNREACHED
