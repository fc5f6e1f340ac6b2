/* glibc string functions, whose IFUNC-selected implementations use SSE2
 * (and SSE4.2 where the CPU model has it): strlen, strcpy, strcat, strcmp,
 * strncmp, strchr, strrchr, strstr, memcpy, memmove (overlapping), memset,
 * memcmp, memchr, on strings of many lengths and alignments. */
#include <stdio.h>
#include <string.h>

static char buf[512], buf2[512];

int main(void)
{
	const char *text = "The quick brown fox jumps over the lazy dog; "
			   "pack my box with five dozen liquor jugs.";
	unsigned long sum = 0;
	for (int align = 0; align < 8; align++) {
		for (size_t len = 0; len < 40; len += 3) {
			char *d = buf + align;
			memset(buf, 'x', sizeof buf);
			memcpy(d, text, len);
			d[len] = '\0';
			sum = sum * 33 + strlen(d);
			strcpy(buf2 + (7 - align), d);
			sum = sum * 33 + (unsigned)(strcmp(buf2 + (7 - align), d) == 0);
			sum = sum * 33 + (unsigned)(memcmp(d, text, len) == 0);
			char *c = strchr(d, 'o');
			sum = sum * 33 + (c ? (unsigned long)(c - d) : 99);
			c = strrchr(d, 'o');
			sum = sum * 33 + (c ? (unsigned long)(c - d) : 99);
			c = memchr(d, ' ', len);
			sum = sum * 33 + (c ? (unsigned long)(c - d) : 99);
		}
	}
	printf("sum=%lu\n", sum);
	strcpy(buf, "lock");
	strcat(buf, "step");
	printf("%s %zu %d %d\n", buf, strlen(buf), strncmp(buf, "locksmith", 5),
	       strncmp(buf, "lockstep", 8));
	const char *p = strstr(text, "five dozen");
	printf("strstr at %ld, miss %p\n", p ? (long)(p - text) : -1L,
	       (void *)strstr(text, "sixty"));
	memcpy(buf, text, 60);
	memmove(buf + 5, buf, 40);	/* overlapping, forwards */
	memmove(buf, buf + 9, 30);	/* overlapping, backwards */
	buf[60] = '\0';
	printf("%s\n", buf);
	return 0;
}
