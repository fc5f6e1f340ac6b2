/* A glibc program that makes many system calls: rounds (400, or argv[1])
 * of getuid, write to /dev/null and clock_gettime, with a little work
 * between. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 400;
	int fd = open("/dev/null", O_WRONLY);
	unsigned long h = 1469598103934665603UL;
	char buf[64];
	for (int i = 0; i < rounds; i++) {
		h = (h ^ (unsigned long)getuid() ^ (unsigned long)i) * 1099511628211UL;
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
