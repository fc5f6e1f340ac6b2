# x87 FPREM1 (IEEE partial remainder, quotient rounded to nearest) over
# pairs of dividends and divisors, including large exponent differences that
# need several partial-remainder steps (C2 set until the reduction is
# complete; the loop repeats the instruction), negative operands, and the
# low three quotient bits in C0, C3 and C1. Remainders are exact, so no
# precision exception arises.
#include "common/x87.inc"

	PREM	fprem1
