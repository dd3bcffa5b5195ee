/* signals: a signal handler demo. SIGUSR1 is caught and counted, SIGINT
 * ignored, SIGCHLD reported; a child kills its parent's handlers' patience
 * with three SIGUSR1s, then the parent waits for it and exits with the
 * count. A blocked read is interrupted by SIGALRM (EINTR: no SA_RESTART).
 *
 *   gocage cc -O2 -o signals.wasm signals.c && gocage run --mount "$PWD:/w" -- /w/signals.wasm
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, chld, alrm;

static void on_usr1(int sig) { usr1++; }
static void on_chld(int sig) { chld++; }
static void on_alrm(int sig) { alrm++; }

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGCHLD, on_chld);
	signal(SIGINT, SIG_IGN);

	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			kill(parent, SIGUSR1);
		kill(parent, SIGINT); /* ignored */
		_exit(7);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	printf("child exited %d; SIGUSR1 blocked, caught %d so far\n", WEXITSTATUS(status), (int)usr1);
	sigset_t pending;
	sigpending(&pending);
	printf("SIGUSR1 pending: %d\n", sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL); /* delivered now, once */
	printf("after unblocking: caught %d, SIGCHLD %d\n", (int)usr1, (int)chld);

	struct sigaction al;
	memset(&al, 0, sizeof al);
	al.sa_handler = on_alrm; /* no SA_RESTART: read fails with EINTR */
	sigaction(SIGALRM, &al, NULL);
	int fd[2];
	pipe(fd);
	alarm(1);
	char c;
	ssize_t n = read(fd[0], &c, 1);
	printf("read: %zd (%s), SIGALRM %d\n", n, n < 0 ? strerror(errno) : "data", (int)alrm);
	return usr1;
}
