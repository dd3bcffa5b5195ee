/* sigs MODE [ARGS...]: signals in a WASM program.
 *
 *   raise SIG     raise(SIG) with its default action, then say so
 *   children      children that die in different ways, as their parent's
 *                 waitpid sees them
 *   ignore        SIG_IGN survives; an ignored signal stays ignored
 *                 across exec
 *   restart       a handler with SA_RESTART: the blocked read goes on
 *   eintr         a handler without SA_RESTART: the blocked read fails
 *   mask          sigprocmask blocks, sigpending shows, unblocking delivers
 *   chld          a SIGCHLD handler, and one with SA_SIGINFO
 *   alarm         alarm and pause
 *   suspend       sigsuspend until a child signals
 *   exit          a handler that calls _exit
 *   block         block in read(2) of a pipe nobody writes, forever
 *   handleblock   the same with a SIGTERM handler that reports and exits
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught, count, info_signo;

static void on_signal(int sig) {
	caught = sig;
	count++;
}

static void on_info(int sig, siginfo_t *info, void *ctx) {
	(void)ctx;
	caught = sig;
	info_signo = info ? info->si_signo : -1;
}

static void on_term_exit(int sig) {
	(void)sig;
	write(1, "handler: exiting\n", 17);
	_exit(7);
}

static void catch(int sig, int flags) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static const char *errname(int e) {
	switch (e) {
	case EINTR: return "EINTR";
	case EINVAL: return "EINVAL";
	case ECHILD: return "ECHILD";
	case 0: return "0";
	}
	return strerror(e);
}

static void report(const char *what, int st) {
	if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by signal %d\n", what, WSTOPSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

/* a child that signals its parent ms milliseconds after it reads a
 * byte from ready (if ready >= 0), then writes to fd if fd >= 0 after ms
 * more */
static pid_t signal_later(int sig, int ms, int ready, int fd) {
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (ready >= 0)
			read(ready, &c, 1);
		usleep(ms * 1000);
		kill(parent, sig);
		if (fd >= 0) {
			usleep(ms * 1000);
			write(fd, "data", 4);
		}
		_exit(0);
	}
	return pid;
}

static volatile int zero;

static void blocked_read(int restart) {
	catch(SIGUSR1, restart ? SA_RESTART : 0);
	int p[2], ready[2];
	pipe(p);
	pipe(ready);
	pid_t pid = signal_later(SIGUSR1, 50, ready[0], p[1]);
	char buf[8] = {0};
	write(ready[1], "r", 1); /* the signal comes 50 ms after this */
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	int e = errno;
	printf("handler ran: %d; read: %zd %s\n", caught == SIGUSR1, n, n < 0 ? errname(e) : buf);
	if (n < 0) {
		n = read(p[0], buf, sizeof buf - 1);
		printf("read again: %zd %s\n", n, buf);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "raise") == 0 && argc > 2) {
		int sig = atoi(argv[2]);
		printf("raising %d\n", sig);
		int r = raise(sig);
		printf("raise returned %d\n", r);
		return 0;
	}
	if (strcmp(mode, "children") == 0) {
		struct { const char *what; int how; } cases[] = {
			{"raise(SIGTERM)", 0}, {"kill(getpid(), SIGKILL)", 1}, {"exit(3)", 2}, {"abort()", 3},
			{"write to a pipe without readers", 4}, {"divide by zero", 5}, {"out-of-bounds store", 6},
			{"SIGTERM from the parent while blocked in read", 7}, {"SIGKILL though SIGTERM is ignored", 8},
			{"SIGUSR1 from the parent while in pause", 9},
		};
		for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			int p[2];
			pipe(p);
			pid_t pid = fork();
			if (pid == 0) {
				int q[2];
				switch (cases[i].how) {
				case 0: raise(SIGTERM); break;
				case 1: kill(getpid(), SIGKILL); break;
				case 2: exit(3);
				case 3: abort();
				case 4:
					pipe(q);
					close(q[0]);
					write(q[1], "x", 1);
					break;
				case 5: printf("%d\n", 100 / zero); break;
				case 6: *(volatile int *)(uintptr_t)(0xFFFFFFF0u + zero) = 1; break;
				case 7: case 8: case 9: {
					if (cases[i].how == 8)
						signal(SIGTERM, SIG_IGN);
					close(p[0]);
					write(p[1], "r", 1); /* ready */
					if (cases[i].how == 9) {
						pause();
						break;
					}
					char c;
					pipe(q);
					read(q[0], &c, 1);
					break;
				}
				}
				_exit(100);
			}
			close(p[1]);
			char c;
			if (cases[i].how >= 7) {
				read(p[0], &c, 1);
				usleep(20000);
				kill(pid, cases[i].how == 7 ? SIGTERM : cases[i].how == 8 ? SIGTERM : SIGUSR1);
				if (cases[i].how == 8) {
					usleep(20000);
					kill(pid, SIGKILL);
				}
			}
			close(p[0]);
			int st;
			if (waitpid(pid, &st, 0) != pid) {
				perror("waitpid");
				return 1;
			}
			report(cases[i].what, st);
		}
		return 0;
	}
	if (strcmp(mode, "ignore") == 0) {
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGUSR1, SIG_IGN);
		raise(SIGTERM);
		kill(getpid(), SIGINT);
		kill(getpid(), SIGUSR1);
		struct sigaction old;
		sigaction(SIGTERM, NULL, &old);
		printf("survived; SIGTERM's handler is SIG_IGN: %d\n", old.sa_handler == SIG_IGN);
		fflush(stdout);
		execl("/bin/sigs", "sigs", "raise", "10", (char *)0);
		perror("execl");
		return 1;
	}
	if (strcmp(mode, "restart") == 0 || strcmp(mode, "eintr") == 0) {
		blocked_read(strcmp(mode, "restart") == 0);
		return 0;
	}
	if (strcmp(mode, "mask") == 0) {
		catch(SIGUSR1, SA_RESTART);
		sigset_t set, old, pending;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGKILL);
		printf("sigprocmask SIG_BLOCK: %d\n", sigprocmask(SIG_BLOCK, &set, &old));
		printf("old mask had SIGUSR1: %d\n", sigismember(&old, SIGUSR1));
		raise(SIGUSR1);
		raise(SIGUSR1);
		sigpending(&pending);
		printf("after raise: caught %d, pending SIGUSR1 %d, pending SIGUSR2 %d\n", (int)count, sigismember(&pending, SIGUSR1),
			sigismember(&pending, SIGUSR2));
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		printf("mask has SIGUSR1 %d, SIGKILL %d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGKILL));
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		printf("after unblock: caught %d (signals do not queue)\n", (int)count);
		sigpending(&pending);
		printf("pending SIGUSR1: %d\n", sigismember(&pending, SIGUSR1));
		int r = sigprocmask(99, &set, NULL);
		printf("sigprocmask bad how: %d %s\n", r, errname(errno));
		/* SIG_SETMASK, then a signal blocked across fork stays pending in
		 * the parent only */
		sigprocmask(SIG_SETMASK, &set, NULL);
		raise(SIGUSR1);
		pid_t pid = fork();
		if (pid == 0) {
			sigpending(&pending);
			_exit(sigismember(&pending, SIGUSR1));
		}
		int st;
		waitpid(pid, &st, 0);
		printf("the child of a process with SIGUSR1 pending has it pending: %d\n", WEXITSTATUS(st));
		count = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		printf("after SIG_SETMASK: caught %d\n", (int)count);
		return 0;
	}
	if (strcmp(mode, "chld") == 0) {
		catch(SIGCHLD, SA_RESTART);
		pid_t pids[5];
		for (int i = 0; i < 5; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				_exit(i);
		}
		for (int i = 0; i < 5; i++)
			waitpid(pids[i], NULL, 0);
		printf("SIGCHLD caught: %d\n", caught == SIGCHLD && count >= 1);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_info;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigaction(SIGCHLD, &sa, NULL);
		caught = 0;
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		printf("SA_SIGINFO handler: caught %d, si_signo %d\n", (int)caught, (int)info_signo);
		signal(SIGCHLD, SIG_IGN); /* children are reaped at once */
		pid = fork();
		if (pid == 0)
			_exit(0);
		int st;
		pid_t r = waitpid(pid, &st, 0);
		printf("with SIGCHLD ignored, waitpid: %d %s\n", r, r < 0 ? errname(errno) : "");
		return 0;
	}
	if (strcmp(mode, "alarm") == 0) {
		catch(SIGALRM, 0);
		printf("alarm(5): %u\n", alarm(5));
		printf("alarm(1): %u\n", alarm(1));
		int r = pause();
		printf("pause: %d %s, SIGALRM caught %d\n", r, errname(errno), caught == SIGALRM);
		printf("alarm(0): %u\n", alarm(0));
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		printf("waiting for the default SIGALRM\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (strcmp(mode, "suspend") == 0) {
		catch(SIGUSR1, 0);
		sigset_t set, old, wait;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, &old);
		pid_t pid = signal_later(SIGUSR1, 50, -1, -1);
		wait = old;
		int r = sigsuspend(&wait);
		printf("sigsuspend: %d %s, caught %d\n", r, errname(errno), caught == SIGUSR1);
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		printf("the mask is back: SIGUSR1 blocked %d\n", sigismember(&now, SIGUSR1));
		waitpid(pid, NULL, 0);
		return 0;
	}
	if (strcmp(mode, "exit") == 0) {
		signal(SIGUSR1, on_term_exit);
		raise(SIGUSR1);
		printf("not reached\n");
		return 0;
	}
	if (strcmp(mode, "block") == 0 || strcmp(mode, "handleblock") == 0) {
		if (strcmp(mode, "handleblock") == 0)
			signal(SIGTERM, on_term_exit);
		int p[2];
		pipe(p);
		printf("blocking\n");
		char c;
		ssize_t n = read(p[0], &c, 1);
		printf("read returned %zd\n", n);
		return 1;
	}
	fprintf(stderr, "usage: sigs MODE\n");
	return 2;
}
