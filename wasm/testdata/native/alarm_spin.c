/* Signals reach a program that computes without system calls: alarm's
 * SIGALRM runs the handler in a busy loop, and a parent's signal reaches
 * a child that spins until it comes. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void h(int sig) { got = sig; }

int main(void)
{
	signal(SIGALRM, h);
	alarm(1);
	unsigned long n = 0;
	while (!got) n++;
	printf("handler ran in the busy loop: signal %d\n", (int)got);
	fflush(stdout);
	got = 0;
	signal(SIGUSR1, h);
	pid_t pid = fork();
	if (pid == 0) {
		while (!got) n++;
		printf("child got signal %d while spinning\n", (int)got);
		return 0;
	}
	usleep(100000);
	kill(pid, SIGUSR1);
	int st;
	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	pid = fork();
	if (pid == 0) for (;;) n++;
	usleep(100000);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	printf("spinning child killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}
