/* A chained hash table with FNV-1a hashing: insert words generated from a
 * counter, look them up (hits and misses), delete half, and print
 * statistics. Exercises malloc/free, string hashing and pointer chasing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	uint32_t hash;
	int value;
	char key[16];
};

enum { BUCKETS = 32, WORDS = 80 };
static struct node *table[BUCKETS];

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* word: the i-th key, "w" + hex digits of a scrambled i + "-" + i % 7,
 * formatted by hand (snprintf would dominate the run). */
static void word(int i, char *buf)
{
	unsigned v = i * 2654435761u % 4096u;
	char *p = buf;
	*p++ = 'w';
	do {
		*p++ = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*p++ = '-';
	*p++ = (char)('0' + i % 7);
	*p = '\0';
}

static struct node *find(const char *key, uint32_t h)
{
	for (struct node *n = table[h % BUCKETS]; n; n = n->next)
		if (n->hash == h && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

int main(void)
{
	char buf[16];
	int inserted = 0;
	for (int i = 0; i < WORDS; i++) {
		word(i, buf);
		uint32_t h = fnv1a(buf);
		if (find(buf, h))
			continue;
		struct node *n = malloc(sizeof *n);
		if (!n)
			return 1;
		n->hash = h;
		n->value = i;
		strcpy(n->key, buf);
		n->next = table[h % BUCKETS];
		table[h % BUCKETS] = n;
		inserted++;
	}
	int hits = 0, misses = 0;
	long total = 0;
	for (int i = 0; i < 2 * WORDS; i += 3) {
		word(i, buf);
		struct node *n = find(buf, fnv1a(buf));
		if (n) {
			hits++;
			total += n->value;
		} else {
			misses++;
		}
	}
	int deleted = 0;
	for (int b = 0; b < BUCKETS; b++) {
		struct node **p = &table[b];
		while (*p) {
			if ((*p)->value % 2) {
				struct node *dead = *p;
				*p = dead->next;
				free(dead);
				deleted++;
			} else {
				p = &(*p)->next;
			}
		}
	}
	int longest = 0;
	for (int b = 0; b < BUCKETS; b++) {
		int len = 0;
		for (struct node *n = table[b]; n; n = n->next)
			len++;
		if (len > longest)
			longest = len;
	}
	printf("inserted=%d hits=%d misses=%d total=%ld deleted=%d longest=%d\n",
	       inserted, hits, misses, total, deleted, longest);
	printf("fnv1a(\"lockstep\")=%08x\n", fnv1a("lockstep"));
	return 0;
}
