# SSE4.2 string compares: PCMPISTRI, PCMPESTRI, PCMPISTRM and PCMPESTRM over
# pairs of strings (implicit length: up to the first zero element; explicit:
# RAX and RDX, negative and over-long lengths included) with imm8 spanning
# the aggregations equal any, ranges and equal each (equal ordered is in
# pcmpstr-ordered), byte and word elements, signed and unsigned, every
# polarity, and least/most significant index or bit/byte mask. ECX or XMM0
# and the flags (CF ZF SF OF; AF and PF are cleared) are recorded.
#include "common/pcmpstr.inc"

	PCMPSTR	0x00, 0x04, 0x08, 0x01, 0x05, 0x09, 0x06, 0x14, \
		0x38, 0x44, 0x48, 0x70
