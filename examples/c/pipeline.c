/* pipeline: a shell's work by hand. Runs the pipeline given as arguments
 * (stages separated by "|"), or "seq 1 20 | grep 1 | wc -l", with fork,
 * pipe, dup2, execvp and waitpid, and exits with the last stage's status.
 *
 *   gocage cc -O2 -o pipeline.wasm pipeline.c
 *   gocage run --mount "$PWD:/w" -- /w/pipeline.wasm ls / '|' wc -l
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXSTAGES 64

int main(int argc, char **argv) {
	static char *dflt[] = {"seq", "1", "20", "|", "grep", "1", "|", "wc", "-l", NULL};
	char **words = argc > 1 ? argv + 1 : dflt;
	char **stages[MAXSTAGES];
	int n = 0, in = -1;
	stages[n++] = words;
	for (char **w = words; *w; w++) {
		if (strcmp(*w, "|") == 0) {
			*w = NULL;
			if (n == MAXSTAGES) { fprintf(stderr, "pipeline: too many stages\n"); return 2; }
			stages[n++] = w + 1;
		}
	}
	pid_t pids[MAXSTAGES];
	for (int i = 0; i < n; i++) {
		int fd[2] = {-1, -1};
		if (i < n - 1 && pipe(fd) < 0) { perror("pipe"); return 1; }
		pid_t pid = fork();
		if (pid < 0) { perror("fork"); return 1; }
		if (pid == 0) {
			if (in >= 0) { dup2(in, 0); close(in); }
			if (fd[1] >= 0) { dup2(fd[1], 1); close(fd[1]); close(fd[0]); }
			execvp(stages[i][0], stages[i]);
			perror(stages[i][0]);
			_exit(127);
		}
		pids[i] = pid;
		if (in >= 0) close(in);
		if (fd[1] >= 0) close(fd[1]);
		in = fd[0];
	}
	int status = 0;
	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i]) { perror("waitpid"); return 1; }
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
