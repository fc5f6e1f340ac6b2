# BMI2 PDEP at 32 and 64 bits over every pair of a table of sources and
# masks (register and memory masks). PDEP deposits the low-order bits of the
# first source at the positions of the set bits of the mask (the second
# source), lowest first. Flags are not affected: they are preset and
# recorded whole.
#include "common/pdep-pext.inc"

	PDEP_PEXT pdep
