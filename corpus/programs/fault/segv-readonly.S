# A store to a read-only .rodata page raises SIGSEGV. A short checksum loop
# runs first so that the fault comes after real work; the program must die
# with signal 11 at the marked instruction and never reach the exit below
# it.
#include "common/fault.inc"

	.section .rodata
	.balign 4096
rodata:	.quad 0

	WARMUP
	movq	%rax, rodata(%rip)	# faults: the page is read-only
	UNREACHED
