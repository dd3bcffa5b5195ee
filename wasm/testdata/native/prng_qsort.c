/* prng_qsort: rand, random (every state size), rand_r and qsort print as
 * glibc's: the same generator and seeding, and a stable merge sort (the
 * order of equal keys and the number of comparisons). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct kv { int k; int v; };
static int ncmp;
static int cmpk(const void *a, const void *b) { ncmp++; return ((const struct kv *)a)->k - ((const struct kv *)b)->k; }
int main(void) {
	for (int i = 0; i < 3; i++) printf("%d ", rand());
	printf("\n");
	srand(42); for (int i = 0; i < 3; i++) printf("%d ", rand());
	srand(0); printf("%d ", rand());
	srandom(7); printf("%ld\n", random());
	static char st8[8], st32[32], st64[64], st256[256];
	char *def = initstate(5, st8, sizeof st8); { long x = random(); printf("t0 %ld %ld\n", x, random()); }
	initstate(5, st32, sizeof st32); { long x = random(); printf("t1 %ld %ld\n", x, random()); }
	initstate(5, st64, sizeof st64); { long x = random(); printf("t2 %ld %ld\n", x, random()); }
	initstate(5, st256, sizeof st256); { long x = random(); printf("t4 %ld %ld\n", x, random()); }
	setstate(st32); printf("back t1 %ld\n", random());
	setstate(def); printf("back def %ld\n", random());
	unsigned s = 99; int r1 = rand_r(&s); printf("rand_r %d %d\n", r1, rand_r(&s));
	struct kv a[200];
	srand(3);
	for (int i = 0; i < 200; i++) { a[i].k = rand() % 10; a[i].v = i; }
	qsort(a, 200, sizeof a[0], cmpk);
	unsigned h = 0; for (int i = 0; i < 200; i++) h = h * 31 + a[i].k * 1000 + a[i].v;
	printf("qsort %u cmps %d first %d/%d last %d/%d\n", h, ncmp, a[0].k, a[0].v, a[199].k, a[199].v);
	return 0;
}
