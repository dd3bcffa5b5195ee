/* setjmp/longjmp, sigsetjmp/siglongjmp with the signal mask. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static sigjmp_buf senv;
static int depth;

static void down(int n)
{
	char pad[64];
	memset(pad, n, sizeof pad);
	depth = n;
	if (n == 500) longjmp(env, n + pad[0] - (n & 0xff));
	down(n + 1);
}

static void h(int sig)
{
	siglongjmp(senv, sig);
}

int main(void)
{
	volatile int count = 0;
	int r = setjmp(env);
	printf("setjmp returned %d (count %d)\n", r, count);
	if (count++ < 3) longjmp(env, count * 10);
	r = setjmp(env);
	if (r == 0) down(1);
	printf("back from depth %d with %d\n", depth, r);
	r = setjmp(env);
	if (r == 0) longjmp(env, 0);
	printf("longjmp(env, 0) gives %d\n", r);

	signal(SIGUSR1, h);
	sigset_t set;
	r = sigsetjmp(senv, 1);
	sigprocmask(SIG_BLOCK, 0, &set);
	printf("sigsetjmp(1) returned %d, SIGUSR1 blocked: %d\n", r, sigismember(&set, SIGUSR1));
	if (r == 0) raise(SIGUSR1);
	r = sigsetjmp(senv, 0);
	sigprocmask(SIG_BLOCK, 0, &set);
	printf("sigsetjmp(0) returned %d, SIGUSR1 blocked: %d\n", r, sigismember(&set, SIGUSR1));
	if (r == 0) raise(SIGUSR1);
	return 0;
}
