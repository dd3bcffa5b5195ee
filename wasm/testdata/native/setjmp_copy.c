/* A jmp_buf is a value, as natively: a copy made with memcpy longjmps
 * where the original does, and a jmp_buf saved, set again by an inner
 * frame and restored longjmps to the outer frame (an unwind-protect's
 * re-throw, as in lind-wasm's setjmp_edge test). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf protect;
static int inner_catches;

static void __attribute__((noinline)) deep_throw(int v) { longjmp(protect, v); }

static void __attribute__((noinline)) inner(void)
{
	jmp_buf saved;
	memcpy(saved, protect, sizeof saved);
	int v = setjmp(protect);
	if (v == 0) {
		deep_throw(1);
		return;
	}
	inner_catches++;
	printf("inner caught %d\n", v);
	if (inner_catches > 1) return;
	memcpy(protect, saved, sizeof protect);
	longjmp(protect, 2);
}

static jmp_buf a;

static void __attribute__((noinline)) via_copy(void)
{
	jmp_buf b;
	memcpy(b, a, sizeof b);
	longjmp(b, 7);
}

int main(void)
{
	int v = setjmp(protect);
	if (v == 0) {
		inner();
		printf("inner returned\n");
	} else {
		printf("outer caught %d, inner caught %d time(s)\n", v, inner_catches);
	}

	volatile int n = 0;
	v = setjmp(a);
	printf("setjmp(a) = %d\n", v);
	if (v == 0) via_copy();

	/* the same setjmp in a loop, many times */
	for (int i = 0; i < 10000; i++) {
		if (setjmp(a) == 0) {
			if (i % 2) longjmp(a, 1);
		} else {
			n++;
		}
	}
	printf("loop longjmps %d\n", n);
	return 0;
}
