// A glibc program with a PDEP in main, which the Unicorn oracle computes
// with its operands swapped (gcc -O2 -static -mbmi2).
#include <immintrin.h>
#include <stdio.h>

int main(void) {
	volatile unsigned long long src = 0x4321, mask = 0xf0f0f0f0;
	unsigned long long s = src, m = mask;
	printf("pdep(%#llx, %#llx) = %#llx\n", s, m, (unsigned long long)_pdep_u64(s, m));
	return 0;
}
