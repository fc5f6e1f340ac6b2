# UD2 raises #UD, delivered as SIGILL. A short checksum loop runs first so
# that the fault comes after real work; the program must die with signal 4
# at the marked instruction and never reach the exit below it.
#include "common/fault.inc"

	WARMUP
	ud2				# faults: #UD, SIGILL
	UNREACHED
