/* A handler installed before fork runs in the cage that takes the signal,
 * in that cage's own memory (issue: it ran in the parent's). */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int n;

static void h(int sig) { n++; }

int main(void)
{
	signal(SIGUSR1, h);
	pid_t pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGUSR1);
		printf("child n=%d\n", n);
		return 0;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("parent n=%d status=%d\n", n, WEXITSTATUS(st));
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	printf("parent after two n=%d\n", n);
	return 0;
}
