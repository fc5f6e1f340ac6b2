# BMI2 PEXT at 32 and 64 bits over every pair of a table of sources and
# masks (register and memory masks). PEXT gathers the bits of the first
# source at the positions of the set bits of the mask (the second source)
# into the low-order bits. Flags are not affected: they are preset and
# recorded whole.
#include "common/pdep-pext.inc"

	PDEP_PEXT pext
