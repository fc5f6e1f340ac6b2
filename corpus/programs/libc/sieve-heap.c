// A prime sieve and a binary heap on malloc'd memory, in a static glibc
// program: loads, stores, branches and calls through the allocator, with
// the results printed so that a wrong answer is visible in the output too.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void heap_push(unsigned *h, int *n, unsigned v) {
	int i = (*n)++;
	h[i] = v;
	while (i > 0 && h[(i - 1) / 2] > h[i]) {
		unsigned t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static unsigned heap_pop(unsigned *h, int *n) {
	unsigned top = h[0];
	h[0] = h[--(*n)];
	for (int i = 0;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < *n && h[l] < h[m])
			m = l;
		if (r < *n && h[r] < h[m])
			m = r;
		if (m == i)
			break;
		unsigned t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
	return top;
}

int main(void) {
	enum { N = 2500 };
	unsigned char *composite = calloc(N, 1);
	unsigned *heap = malloc(N * sizeof *heap);
	int primes = 0, n = 0;
	for (int i = 2; i < N; i++) {
		if (composite[i])
			continue;
		primes++;
		for (int j = 2 * i; j < N; j += i)
			composite[j] = 1;
	}
	unsigned x = 12345;
	for (int i = 0; i < 250; i++) {
		x = x * 1103515245u + 12345u;
		heap_push(heap, &n, x >> 8);
	}
	unsigned prev = 0, sum = 0;
	int sorted = 1;
	while (n > 0) {
		unsigned v = heap_pop(heap, &n);
		sorted &= v >= prev;
		prev = v;
		sum += v;
	}
	printf("%d primes below %d; heap %s, sum %u\n", primes, N, sorted ? "sorted" : "NOT sorted", sum);
	free(heap);
	free(composite);
	return sorted ? 0 : 1;
}
