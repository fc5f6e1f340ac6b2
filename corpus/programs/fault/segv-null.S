# A store to the unmapped page at address 0 raises SIGSEGV. A short checksum
# loop runs first so that the fault comes after real work; the program must
# die with signal 11 at the marked instruction and never reach the exit
# below it.
#include "common/fault.inc"

	WARMUP
	movq	%rax, 0			# faults: store to address 0
	UNREACHED
