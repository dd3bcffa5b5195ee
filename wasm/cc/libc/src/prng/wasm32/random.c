/* random, srandom, initstate, setstate, rand and srand as glibc's: the
 * same additive generator, state layouts and seeding, so that a program
 * seeded alike prints the same numbers as on Linux (musl's rand is a
 * different generator). Degrees 0, 7, 15, 31, 63 for state sizes from 8,
 * 32, 64, 128 and 256 bytes; 128 bytes (degree 31) by default, seeded as
 * by srandom(1) until the program seeds it. The word before the state
 * records its type and rear position, so setstate can return to it. */
#include <stdlib.h>
#include <stdint.h>
#include <errno.h>

#define NTYPES 5
static const int degrees[NTYPES] = {0, 7, 15, 31, 63};
static const int seps[NTYPES] = {0, 3, 1, 3, 1};

static int32_t deftbl[32];
static struct {
	int32_t *state, *fptr, *rptr, *end;
	int type, deg, sep;
	int seeded;
} g = {deftbl + 1, 0, 0, deftbl + 32, 3, 31, 3, 0};

static int32_t step(void)
{
	if (g.type == 0) {
		int32_t v = (int32_t)(((uint32_t)g.state[0] * 1103515245U + 12345U) & 0x7fffffff);
		g.state[0] = v;
		return v;
	}
	uint32_t v = (uint32_t)*g.fptr + (uint32_t)*g.rptr;
	*g.fptr = (int32_t)v;
	if (++g.fptr >= g.end) {
		g.fptr = g.state;
		++g.rptr;
	} else if (++g.rptr >= g.end) {
		g.rptr = g.state;
	}
	return (int32_t)(v >> 1);
}

static void seed(unsigned s)
{
	if (s == 0)
		s = 1;
	g.state[0] = (int32_t)s;
	if (g.type == 0)
		return;
	long w = s;
	for (int i = 1; i < g.deg; i++) {
		/* w = 16807 * w % 2147483647, without overflow */
		long hi = w / 127773, lo = w % 127773;
		w = 16807 * lo - 2836 * hi;
		if (w < 0)
			w += 2147483647;
		g.state[i] = (int32_t)w;
	}
	g.fptr = g.state + g.sep;
	g.rptr = g.state;
	for (int i = 0; i < 10 * g.deg; i++)
		step();
}

static void init(void)
{
	if (!g.seeded) {
		g.seeded = 1;
		seed(1);
	}
}

/* save records the current state's type and rear pointer before it. */
static void save(void)
{
	g.state[-1] = g.type == 0 ? 0 : (int32_t)((g.rptr - g.state) * NTYPES + g.type);
}

void srandom(unsigned s)
{
	g.seeded = 1;
	seed(s);
}

long random(void)
{
	init();
	return step();
}

void srand(unsigned s)
{
	srandom(s);
}

int rand(void)
{
	return (int)random();
}

char *initstate(unsigned s, char *state, size_t n)
{
	int type;
	if (n < 8) {
		errno = EINVAL;
		return 0;
	}
	type = n < 32 ? 0 : n < 64 ? 1 : n < 128 ? 2 : n < 256 ? 3 : 4;
	init();
	char *old = (char *)(g.state - 1);
	save();
	g.type = type;
	g.deg = degrees[type];
	g.sep = seps[type];
	g.state = (int32_t *)state + 1;
	g.end = g.state + g.deg;
	seed(s);
	save();
	return old;
}

char *setstate(char *state)
{
	int32_t *ns = (int32_t *)state + 1;
	int type = ns[-1] % NTYPES;
	if (type < 0 || type >= NTYPES) {
		errno = EINVAL;
		return 0;
	}
	init();
	char *old = (char *)(g.state - 1);
	save();
	g.type = type;
	g.deg = degrees[type];
	g.sep = seps[type];
	if (type != 0) {
		int rear = ns[-1] / NTYPES;
		g.rptr = ns + rear;
		g.fptr = ns + (rear + g.sep) % g.deg;
	}
	g.state = ns;
	g.end = ns + g.deg;
	return old;
}
