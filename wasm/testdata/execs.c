/* execs MODE [ARGS...]: execve from a WASM program.
 *
 *   run PROG ARGS...  execv PROG (a Go program, another module...)
 *   fds               open fds, some close-on-exec, then exec "execs check"
 *   check FD...       report which fds are open (F_GETFD) and read a line
 *                     from each open one
 *   path              execvp through a PATH with a missing directory and a
 *                     file that is not executable before the right one
 *   fail              exec what cannot be executed: each error, then go on
 *   chain N           exec itself N times, then report the lowest free fd
 *   pid               print getpid() and getppid()
 *   tty               print isatty of fds 0, 1 and 2
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int e) {
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	case ENOTDIR: return "ENOTDIR";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	}
	return strerror(e);
}

static int lowest_free_fd(void) {
	int fd = dup(0);
	close(fd);
	return fd;
}

/* put writes text to the file at path and opens it for reading. */
static int put(const char *path, const char *text) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, text, strlen(text));
	close(fd);
	return open(path, O_RDONLY);
}

int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "run") == 0 && argc > 2) {
		execv(argv[2], argv + 2);
		printf("execv %s: %s\n", argv[2], errname(errno));
		return 1;
	}
	if (strcmp(mode, "fds") == 0) {
		struct { const char *name; int fd; } fds[8];
		int n = 0;
		int kept = put("/tmp/kept", "kept line\n");
		fds[n].name = "plain", fds[n++].fd = kept;
		int setfd = put("/tmp/setfd", "setfd line\n");
		fcntl(setfd, F_SETFD, FD_CLOEXEC);
		fds[n].name = "F_SETFD FD_CLOEXEC", fds[n++].fd = setfd;
		close(put("/tmp/ocloexec", "ocloexec line\n"));
		fds[n].name = "open O_CLOEXEC", fds[n++].fd = open("/tmp/ocloexec", O_RDONLY | O_CLOEXEC);
		int p[2];
		pipe2(p, O_CLOEXEC);
		fds[n].name = "pipe2 O_CLOEXEC", fds[n++].fd = p[0];
		fds[n].name = "F_DUPFD_CLOEXEC", fds[n++].fd = fcntl(kept, F_DUPFD_CLOEXEC, 20);
		fds[n].name = "dup3 O_CLOEXEC", fds[n++].fd = dup3(kept, 30, O_CLOEXEC);
		fds[n].name = "dup of a FD_CLOEXEC fd", fds[n++].fd = dup(setfd);
		fds[n].name = "dup2 of a FD_CLOEXEC fd", fds[n++].fd = dup2(setfd, 31);
		char *args[16] = {"execs", "check"};
		char spec[8][64];
		for (int i = 0; i < n; i++) {
			printf("before exec: %s: FD_CLOEXEC %d\n", fds[i].name, fcntl(fds[i].fd, F_GETFD));
			snprintf(spec[i], sizeof spec[i], "%s=%d", fds[i].name, fds[i].fd);
			args[2 + i] = spec[i];
		}
		args[2 + n] = NULL;
		fflush(stdout);
		execv("/bin/execs", args);
		printf("execv: %s\n", errname(errno));
		return 1;
	}
	if (strcmp(mode, "check") == 0) {
		for (int i = 2; i < argc; i++) {
			char *eq = strrchr(argv[i], '=');
			int fd = atoi(eq + 1);
			*eq = 0;
			if (fcntl(fd, F_GETFD) < 0) {
				printf("after exec: %s: %s\n", argv[i], errname(errno));
				continue;
			}
			char buf[64] = {0};
			ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
			char *nl = n > 0 ? strchr(buf, '\n') : NULL;
			if (nl)
				*nl = 0;
			printf("after exec: %s: open%s%s\n", argv[i], n > 0 ? ", reads " : "", n > 0 ? buf : "");
		}
		return 0;
	}
	if (strcmp(mode, "path") == 0) {
		setenv("PATH", "/nonexistent:/tmp/noexec:/bin", 1);
		char *args[] = {"echo", "found", "through", "PATH", NULL};
		execvp("echo", args);
		printf("execvp: %s\n", errname(errno));
		return 1;
	}
	if (strcmp(mode, "fail") == 0) {
		char *args[] = {"x", NULL};
		struct { const char *what, *path; } cases[] = {
			{"a missing file", "/nonexistent"},
			{"a missing directory", "/nonexistent/x"},
			{"a directory", "/tmp"},
			{"under a file", "/tmp/noexec/echo/x"},
			{"a file without x", "/tmp/noexec/echo"},
			{"neither ELF, module nor script", "/tmp/garbage"},
		};
		for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			execv(cases[i].path, args);
			printf("execv %s: %s\n", cases[i].what, errname(errno));
		}
		execvp("no-such-command", args);
		printf("execvp no-such-command: %s\n", errname(errno));
		execvp("", args);
		printf("execvp \"\": %s\n", errname(errno));
		printf("still running, lowest free fd %d\n", lowest_free_fd());
		return 0;
	}
	if (strcmp(mode, "chain") == 0 && argc > 2) {
		int n = atoi(argv[2]);
		if (n > 0) {
			char next[16];
			snprintf(next, sizeof next, "%d", n - 1);
			execl("/bin/execs", "execs", "chain", next, (char *)0);
			printf("execl: %s\n", errname(errno));
			return 1;
		}
		printf("chain done, lowest free fd %d\n", lowest_free_fd());
		return 0;
	}
	if (strcmp(mode, "tty") == 0) {
		printf("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
		return 0;
	}
	if (strcmp(mode, "pid") == 0) {
		printf("pid %d ppid %d\n", getpid(), getppid());
		return 0;
	}
	fprintf(stderr, "usage: execs run|fds|check|path|fail|chain|pid|tty ...\n");
	return 2;
}
