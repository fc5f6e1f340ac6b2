/* A glibc program that makes many system calls: 400 rounds of getpid,
 * write to /dev/null and clock_gettime, with a little work between. */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/dev/null", O_WRONLY);
	unsigned long h = 1469598103934665603UL;
	char buf[64];
	for (int i = 0; i < 400; i++) {
		h = (h ^ (unsigned long)getpid()) * 1099511628211UL;
		int n = snprintf(buf, sizeof buf, "%d %lx\n", i, h);
		if (write(fd, buf, n) != n)
			return 1;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		h ^= (unsigned long)n;
	}
	close(fd);
	printf("%lx\n", h);
	return 0;
}
