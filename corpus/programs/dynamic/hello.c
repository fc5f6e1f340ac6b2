/* A dynamically linked program: the dynamic loader maps libc.so, relocates
 * (lazy PLT binding through the resolver), runs constructors, and then
 * main calls into the shared library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int constructed;

__attribute__((constructor)) static void init(void)
{
	constructed = 42;
}

int main(int argc, char **argv)
{
	char buf[64];
	snprintf(buf, sizeof buf, "argc=%d constructed=%d", argc, constructed);
	puts(buf);
	for (int i = 1; i < argc; i++)
		printf("arg %d: %s (%zu)\n", i, argv[i], strlen(argv[i]));
	char *p = malloc(100);
	if (!p)
		return 1;
	strcpy(p, "heap");
	printf("%s %d\n", p, atoi("123") + 1);
	free(p);
	return 3;
}
