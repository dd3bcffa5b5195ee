/* bench_fork N: N times fork, _exit in the child, waitpid in the parent.
 * Linked with a 1 MiB linear memory (see bench_test.go). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		int st;
		if (waitpid(pid, &st, 0) != pid || st != 0) {
			perror("waitpid");
			return 1;
		}
	}
	return 0;
}
