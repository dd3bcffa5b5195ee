/* bench_fork N: N times fork, _exit in the child, waitpid in the parent,
 * from a program with a 1 MiB heap in use (allocated and written). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1;
	char *heap = malloc(1 << 20);
	memset(heap, 1, 1 << 20);
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
	return heap[n % (1 << 20)] != 1;
}
