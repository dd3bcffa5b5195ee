/* qsort and qsort_r as glibc's: a stable merge sort (top-down, the left
 * half first, the left element taken on ties), so that elements that
 * compare equal keep their order and the comparison function is called
 * on the same pairs in the same order as on Linux (musl's smoothsort is
 * not stable). The merge buffer is on the stack up to 1 KiB, else from
 * malloc; without memory, a stable insertion sort. */
#define _BSD_SOURCE
#include <stdlib.h>
#include <string.h>

typedef int (*cmpfun)(const void *, const void *, void *);

struct msort {
	size_t s;
	cmpfun cmp;
	void *arg;
	char *t;
};

static void msort(struct msort *p, char *b, size_t n)
{
	if (n <= 1)
		return;
	size_t n1 = n / 2, n2 = n - n1, s = p->s;
	char *b1 = b, *b2 = b + n1 * s, *tmp = p->t;
	msort(p, b1, n1);
	msort(p, b2, n2);
	while (n1 > 0 && n2 > 0) {
		if (p->cmp(b1, b2, p->arg) <= 0) {
			memcpy(tmp, b1, s);
			b1 += s;
			n1--;
		} else {
			memcpy(tmp, b2, s);
			b2 += s;
			n2--;
		}
		tmp += s;
	}
	if (n1 > 0)
		memcpy(tmp, b1, n1 * s);
	memcpy(b, p->t, (n - n2) * s);
}

static void insertion(char *b, size_t n, size_t s, cmpfun cmp, void *arg)
{
	char tmp[256];
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && cmp(b + (j - 1) * s, b + j * s, arg) > 0; j--) {
			/* swap elements j-1 and j, in chunks */
			char *x = b + (j - 1) * s, *y = b + j * s;
			for (size_t k = 0; k < s; k += sizeof tmp) {
				size_t c = s - k < sizeof tmp ? s - k : sizeof tmp;
				memcpy(tmp, x + k, c);
				memcpy(x + k, y + k, c);
				memcpy(y + k, tmp, c);
			}
		}
	}
}

void __qsort_r(void *base, size_t n, size_t s, cmpfun cmp, void *arg)
{
	if (n <= 1 || s == 0)
		return;
	if (n > (size_t)-1 / s) {
		insertion(base, n, s, cmp, arg);
		return;
	}
	char small[1024];
	size_t size = n * s;
	struct msort p = {s, cmp, arg, small};
	if (size > sizeof small && !(p.t = malloc(size))) {
		insertion(base, n, s, cmp, arg);
		return;
	}
	msort(&p, base, n);
	if (p.t != small)
		free(p.t);
}

weak_alias(__qsort_r, qsort_r);
