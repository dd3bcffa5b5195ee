/* forks MODE [N]: fork in hard places.
 *
 *   deep N     fork at the bottom of a recursion N frames deep; every frame
 *              checks its locals and a local in linear memory (the shadow
 *              stack) on the way back up, in the child and in the parent
 *   loop N     N children, child i exiting with status i+1, all reaped
 *   bomb       every process forks until fork fails (EAGAIN under the
 *              cage limit), then all wait for their children and exit
 *   toodeep N  fork N frames deep, where the saved stack cannot fit:
 *              the program must die with a clear message, not go on
 *   cstack N   recurse N frames of 1 KiB: past the 1 MiB C stack, the
 *              program must die (SIGSEGV), not overwrite its data
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int sink;
static pid_t forked = -2;

/* opaque keeps a local in linear memory: its address escapes. */
__attribute__((noinline)) static void opaque(volatile long *p) { sink += (int)*p; }

/* deep recurses n frames, forks at the bottom, and returns the sum of
 * every frame's value; a frame whose values changed across the fork
 * exits 3. */
__attribute__((noinline)) static long deep(int n) {
	long reg = (long)n * 7 + 3;    /* a wasm local, saved by Asyncify */
	volatile long mem = n * 13L;   /* on the shadow stack, in the memory copy */
	opaque(&mem);
	if (n == 0) {
		forked = fork();
		if (forked < 0) {
			perror("fork");
			exit(1);
		}
		return 0;
	}
	long r = deep(n - 1);
	sink = n; /* no tail call */
	if (reg != (long)n * 7 + 3 || mem != n * 13L) {
		printf("%s: frame %d corrupted\n", forked == 0 ? "child" : "parent", n);
		exit(3);
	}
	return r + reg + mem;
}

__attribute__((noinline)) static void announce_and_fork(void) {
	printf("forking %d frames deep\n", sink);
	forked = fork();
	if (forked < 0) {
		perror("fork");
		exit(1);
	}
}

/* plain recurses without a local in memory: only Asyncify's buffer grows
 * with n, not the shadow stack. */
__attribute__((noinline)) static long plain(int n) {
	long reg = (long)n * 7 + 3;
	if (n == 0) {
		announce_and_fork();
		return 0;
	}
	long r = plain(n - 1);
	sink = n;
	return r + reg;
}

/* big recurses n frames of 1 KiB of C stack each. */
__attribute__((noinline)) static void touch(char *p) { p[0] = (char)sink; p[1023] = 1; }

__attribute__((noinline)) static int big(int n) {
	char buf[1024];
	touch(buf);
	if (n == 0)
		return buf[1023];
	int r = big(n - 1);
	touch(buf);
	return r + buf[1023];
}

static int loop(int n) {
	pid_t pids[256];
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0)
			_exit(i + 1);
	}
	int ok = 0;
	for (int k = 0; k < n; k++) {
		int st;
		pid_t pid = wait(&st);
		for (int i = 0; i < n; i++)
			if (pids[i] == pid && WIFEXITED(st) && WEXITSTATUS(st) == i + 1) {
				pids[i] = 0;
				ok++;
			}
	}
	int st;
	printf("reaped %d of %d children with their statuses; then wait: %s\n", ok, n,
		wait(&st) < 0 && errno == ECHILD ? "ECHILD" : "?");
	return ok == n ? 0 : 1;
}

/* bomb: each process forks until fork fails, at most 64 times; a child
 * goes on forking. Every process then reaps its children and exits 0 if
 * its fork failed with EAGAIN and its children all exited 0. */
static int bomb(void) {
	int top = 1, children = 0, failed = 0, err = 0;
	for (int i = 0; i < 64; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			top = 0;
			children = 0;
			continue;
		}
		if (pid < 0) {
			failed = 1;
			err = errno;
			break;
		}
		children++;
	}
	int bad = failed && err == EAGAIN ? 0 : 1;
	for (int i = 0; i < children; i++) {
		int st;
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	if (top) {
		if (failed)
			printf("bomb: fork failed: %s\n", err == EAGAIN ? "EAGAIN" : strerror(err));
		printf("bomb: every process's fork failed with EAGAIN and all were reaped: %s\n", bad ? "no" : "yes");
	}
	return bad;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;
	if (strcmp(mode, "deep") == 0) {
		long want = 0;
		for (int i = 1; i <= n; i++)
			want += (long)i * 7 + 3 + i * 13L;
		long got = deep(n);
		if (forked == 0) {
			printf("child: %d frames unwound, sum %s\n", n, got == want ? "right" : "WRONG");
			return got == want ? 0 : 1;
		}
		int st;
		if (waitpid(forked, &st, 0) != forked) {
			perror("waitpid");
			return 1;
		}
		printf("parent: %d frames unwound, sum %s; child status %d\n", n, got == want ? "right" : "WRONG", WEXITSTATUS(st));
		return got == want ? 0 : 1;
	}
	if (strcmp(mode, "loop") == 0)
		return loop(n > 256 ? 256 : n);
	if (strcmp(mode, "bomb") == 0)
		return bomb();
	if (strcmp(mode, "toodeep") == 0) {
		sink = n;
		plain(n);
		printf("%s: returned from fork %d frames deep\n", forked == 0 ? "child" : "parent", n);
		if (forked > 0)
			waitpid(forked, NULL, 0);
		return 0;
	}
	if (strcmp(mode, "cstack") == 0) {
		printf("recursing\n");
		int r = big(n);
		printf("survived, %d\n", r);
		return 0;
	}
	fprintf(stderr, "usage: forks deep|loop|bomb|toodeep|cstack [N]\n");
	return 2;
}
