/* Many setjmps: in frames that return (their saved stacks are dropped),
 * at varying depths, and longjmps out of nested ones. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf *cur;

static int leaf(int n)
{
	jmp_buf b;
	jmp_buf *prev = cur;
	cur = &b;
	int r = setjmp(b);
	cur = prev;
	if (r) return r;
	if (n % 3 == 0) longjmp(b, n + 1);
	return 0;
}

static int depth(int n, int i)
{
	char pad[32];
	pad[0] = (char)n;
	if (n > 0) return depth(n - 1, i) + pad[0] - (char)n;
	return leaf(i);
}

int main(void)
{
	long sum = 0;
	for (int i = 0; i < 20000; i++) sum += depth(i % 50, i);
	printf("sum %ld\n", sum);
	return 0;
}
