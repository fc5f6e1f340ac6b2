# SSE4.2 string compares: PCMPISTRI, PCMPESTRI, PCMPISTRM and PCMPESTRM over
# pairs of strings (implicit length: up to the first zero element; explicit:
# RAX and RDX, negative and over-long lengths included) with imm8 selecting
# the equal-ordered aggregation (substring search: a partial match running
# off the end of the haystack counts as a match), byte and word elements,
# signed and unsigned, polarities, and least/most significant index or
# bit/byte mask. ECX or XMM0 and the flags (CF ZF SF OF; AF and PF are
# cleared) are recorded.
#include "common/pcmpstr.inc"

	PCMPSTR	0x0c, 0x0d, 0x0e, 0x3c, 0x4c, 0x7d
