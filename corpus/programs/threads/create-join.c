/* pthread_create and pthread_join: a thread sums a table and returns the
 * sum; main checks it. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t table[64];

static void *sum(void *arg)
{
	uint64_t s = 0;
	for (int i = 0; i < 64; i++)
		s = s * 31 + table[i];
	return (void *)(uintptr_t)s;
}

int main(void)
{
	for (int i = 0; i < 64; i++)
		table[i] = (uint64_t)i * i + 7;
	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, sum, NULL) != 0 || pthread_join(t, &ret) != 0)
		return 2;
	printf("%#llx\n", (unsigned long long)(uintptr_t)ret);
	return 0;
}
