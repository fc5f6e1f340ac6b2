# ADX at 32 bits: ADCX (carry in and out through CF only) and ADOX (through
# OF only) over pairs of edge operands with every combination of carry-in
# and the other flags. The carry out is that of the 32-bit sum, the upper
# half of the destination is cleared, and every flag but the instruction's
# own is left alone.
#include "common/adx.inc"

	ADX_TABLE
	OUTPUT	1 << 15

	START	rdi
	ADX_PAIRS "adcxl %r9d, %eax", "adoxl %r9d, %eax", \
		"adcxl vals(,%r13,8), %eax"

	FINISH
