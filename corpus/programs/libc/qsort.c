/* qsort(3) of pseudo-random integers and of strings, checked for order
 * and printed with a checksum: glibc start-up (CPUID, IFUNC resolution,
 * TLS set-up) plus a realistic call-heavy workload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
	enum { N = 120 };
	static int v[N];
	unsigned x = 12345;
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = (int)(x >> 8) % 10000 - 5000;
	}
	qsort(v, N, sizeof v[0], cmp_int);
	unsigned long sum = 0;
	int sorted = 1;
	for (int i = 0; i < N; i++) {
		sum = sum * 31 + (unsigned)v[i];
		if (i > 0 && v[i - 1] > v[i])
			sorted = 0;
	}
	printf("ints: sorted=%d min=%d max=%d median=%d sum=%lu\n",
	       sorted, v[0], v[N - 1], v[N / 2], sum);

	const char *words[] = {"pear", "apple", "fig", "banana", "kiwi",
			       "cherry", "date", "elderberry", "grape", "lime",
			       "apricot", "Zucchini", "", "apple pie"};
	size_t n = sizeof words / sizeof words[0];
	qsort(words, n, sizeof words[0], cmp_str);
	for (size_t i = 0; i < n; i++)
		printf("%zu:%s%c", i, words[i], i + 1 < n ? ' ' : '\n');
	return 0;
}
