/* gocage.c: gocage's C runtime for programs built with `gocage cc`.
 *
 * Linked before wasi-libc, it provides the POSIX calls WASI lacks (pipe,
 * dup, fork, exec, wait, kill, signals, process groups, poll, fcntl's
 * descriptor commands...) on the "gocage" host module, translates
 * wasi-libc's constants (open flags, poll events, file types, errno) to
 * and from the Linux values the kernel uses, and replaces or wraps the
 * few parts of wasi-libc that get POSIX wrong (chdir; futimens and
 * utimensat; open's O_CLOEXEC). Host functions return a result >= 0 or a
 * negated WASI errno, which is what wasi-libc's errno values are.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("gocage"), import_name(#name)))

IMPORT(pipe2) int __gocage_pipe2(int *, int);
IMPORT(dup) int __gocage_dup(int);
IMPORT(dup2) int __gocage_dup2(int, int);
IMPORT(dup3) int __gocage_dup3(int, int, int);
IMPORT(fcntl) int __gocage_fcntl(int, int, int);
IMPORT(fionread) int __gocage_fionread(int, int *);
IMPORT(execve) int __gocage_execve(const char *, char *const *, char *const *);
IMPORT(wait4) int __gocage_wait4(int, int *, int);
IMPORT(kill) int __gocage_kill(int, int);
IMPORT(getpid) int __gocage_getpid(void);
IMPORT(getppid) int __gocage_getppid(void);
IMPORT(getpgid) int __gocage_getpgid(int);
IMPORT(setpgid) int __gocage_setpgid(int, int);
IMPORT(getsid) int __gocage_getsid(int);
IMPORT(setsid) int __gocage_setsid(void);
IMPORT(sigaction) int __gocage_sigaction(int, int, int, int, const sigset_t *);
IMPORT(sigprocmask) int __gocage_sigprocmask(int, const sigset_t *, sigset_t *);
IMPORT(sigpending) int __gocage_sigpending(sigset_t *);
IMPORT(sigsuspend) int __gocage_sigsuspend(const sigset_t *);
IMPORT(alarm) int __gocage_alarm(unsigned);
IMPORT(getrlimit) int __gocage_getrlimit(int, struct rlimit *);
IMPORT(setrlimit) int __gocage_setrlimit(int, const struct rlimit *);
IMPORT(mknod) int __gocage_mknod(const char *, unsigned, unsigned);
IMPORT(poll) int __gocage_poll(struct pollfd *, unsigned, int);
IMPORT(chdir) int __gocage_chdir(const char *, unsigned);
IMPORT(getcwd) int __gocage_getcwd(char *, unsigned);
IMPORT(umask) int __gocage_umask(unsigned);
IMPORT(fork) int __gocage_fork(void);

/* Linux's flag values, for the kernel. */
#define L_O_WRONLY   01
#define L_O_RDWR     02
#define L_O_APPEND   02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC    010000
#define L_O_SYNC     04010000
#define L_O_CLOEXEC  02000000

static int ret(int r) {
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

/* The working directory is the kernel's: chdir changes it there, and
 * wasi-libc's copy (__wasilibc_cwd, against which it resolves relative
 * paths from the preopened "/") is set to what the kernel's getcwd then
 * answers. wasi-libc's own chdir only joins strings, so that after
 * chdir("d") and chdir("..") its cwd was "/x/d/..", which stops working
 * once d is removed, and getcwd printed it. The two replace wasi-libc's
 * chdir.o. */
extern char *__wasilibc_cwd;
int __wasilibc_find_abspath(const char *, const char **, const char **);

static int set_cwd_from_kernel(void) {
	static char *mine;
	char buf[PATH_MAX];
	int r = __gocage_getcwd(buf, sizeof buf);
	if (r < 0)
		return ret(r);
	char *cwd = strdup(buf);
	if (cwd == NULL) {
		errno = ENOMEM;
		return -1;
	}
	__wasilibc_cwd = cwd;
	free(mine);
	mine = cwd;
	return 0;
}

int chdir(const char *path) {
	int r = __gocage_chdir(path, strlen(path));
	if (r < 0)
		return ret(r);
	return set_cwd_from_kernel();
}

/* wasi-libc's hook for relative paths: the cwd joined with path, split
 * into a preopen and the path relative to it (in *relative, grown if
 * can_realloc). */
int __wasilibc_find_relpath_alloc(const char *path, const char **prefix, char **relative,
		size_t *relative_len, int can_realloc) {
	static char *joined;
	static size_t joined_len;
	const char *abs = path;
	if (path[0] == 0) {
		errno = ENOENT;
		return -1;
	}
	if (path[0] != '/') {
		size_t cl = strlen(__wasilibc_cwd), pl = strlen(path);
		if (cl + pl + 2 > joined_len) {
			char *b = realloc(joined, cl + pl + 2);
			if (b == NULL) {
				errno = ENOMEM;
				return -1;
			}
			joined = b;
			joined_len = cl + pl + 2;
		}
		memcpy(joined, __wasilibc_cwd, cl);
		if (cl == 0 || joined[cl - 1] != '/')
			joined[cl++] = '/';
		memcpy(joined + cl, path, pl + 1);
		abs = joined;
	}
	const char *rel;
	int fd = __wasilibc_find_abspath(abs, prefix, &rel);
	if (fd == -1)
		return -1;
	size_t n = strlen(rel) + 1;
	if (*relative_len < n) {
		if (!can_realloc) {
			errno = ERANGE;
			return -1;
		}
		char *b = realloc(*relative, n);
		if (b == NULL) {
			errno = ENOMEM;
			return -1;
		}
		*relative = b;
		*relative_len = n;
	}
	memcpy(*relative, rel, n);
	return fd;
}

static struct sigaction actions[NSIG];

__attribute__((constructor)) static void gocage_init(void) {
	set_cwd_from_kernel(); /* the program starts in the kernel's cwd */
	/* Ignored signals stay ignored across exec. */
	for (int sig = 1; sig < NSIG; sig++)
		if (__gocage_sigaction(sig, 3, 0, 0, 0) == 1)
			actions[sig].sa_handler = SIG_IGN;
}

/* Descriptors. */

/* pipe2's and dup3's flags in Linux's encoding; a flag neither knows is
 * passed on as itself, for the kernel to refuse (EINVAL) as Linux does. */
static int linux_fdflags(int flags) {
	int l = flags & ~(O_CLOEXEC | O_NONBLOCK);
	if (flags & O_CLOEXEC)
		l |= L_O_CLOEXEC;
	if (flags & O_NONBLOCK)
		l |= L_O_NONBLOCK;
	return l;
}

int pipe2(int fd[2], int flags) { return ret(__gocage_pipe2(fd, linux_fdflags(flags))); }
int pipe(int fd[2]) { return pipe2(fd, 0); }
int dup(int fd) { return ret(__gocage_dup(fd)); }
int dup2(int fd, int to) { return ret(__gocage_dup2(fd, to)); }
int dup3(int fd, int to, int flags) { return ret(__gocage_dup3(fd, to, linux_fdflags(flags))); }

/* open's O_CLOEXEC: wasi-libc has none (its O_CLOEXEC is 0, gocage's
 * fcntl.h gives it a bit of its own) and would drop the flag. Every open
 * of wasi-libc (open, openat, creat, fopen, opendir...) ends in
 * __wasilibc_nocwd_openat_nomode, which the link wraps with this (see
 * cc.Toolchain.Args). */
int __real___wasilibc_nocwd_openat_nomode(int, const char *, int);

int __wrap___wasilibc_nocwd_openat_nomode(int dirfd, const char *path, int flags) {
	int fd = __real___wasilibc_nocwd_openat_nomode(dirfd, path, flags & ~O_CLOEXEC);
	if (fd >= 0 && (flags & O_CLOEXEC))
		__gocage_fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* F_GETFL's Linux flags in wasi-libc's encoding, and back for F_SETFL. */
static int wasi_oflags(int l) {
	int w;
	switch (l & 3) {
	case L_O_WRONLY: w = O_WRONLY; break;
	case L_O_RDWR: w = O_RDWR; break;
	default: w = O_RDONLY;
	}
	if (l & L_O_APPEND)
		w |= O_APPEND;
	if (l & L_O_NONBLOCK)
		w |= O_NONBLOCK;
	if ((l & L_O_SYNC) == L_O_SYNC)
		w |= O_SYNC;
	else if (l & L_O_DSYNC)
		w |= O_DSYNC;
	return w;
}

int fcntl(int fd, int cmd, ...) {
	va_list ap;
	va_start(ap, cmd);
	int arg = va_arg(ap, int);
	va_end(ap);
	switch (cmd) {
	case F_GETFL: {
		int r = __gocage_fcntl(fd, 3, 0);
		return r < 0 ? ret(r) : wasi_oflags(r);
	}
	case F_SETFL: {
		int l = 0;
		if (arg & O_APPEND)
			l |= L_O_APPEND;
		if (arg & O_NONBLOCK)
			l |= L_O_NONBLOCK;
		return ret(__gocage_fcntl(fd, 4, l));
	}
	}
	return ret(__gocage_fcntl(fd, cmd, arg));
}

int ioctl(int fd, int req, ...) {
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	switch (req) {
	case FIONREAD:
		return ret(__gocage_fionread(fd, (int *)arg));
	case FIONBIO: {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0)
			return -1;
		return fcntl(fd, F_SETFL, *(int *)arg ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
	}
	}
	errno = ENOTTY;
	return -1;
}

/* poll: wasi-libc's event bits to Linux's and back. */
static const struct { short w, l; } pollbits[] = {
	{POLLIN, 0x1}, {POLLOUT, 0x4}, {POLLERR, 0x8}, {POLLHUP, 0x10}, {POLLNVAL, 0x20},
#ifdef POLLPRI
	{POLLPRI, 0x2},
#endif
};

static short poll_to(short w, int linux) {
	short out = 0;
	for (unsigned i = 0; i < sizeof pollbits / sizeof pollbits[0]; i++)
		if (w & (linux ? pollbits[i].w : pollbits[i].l))
			out |= linux ? pollbits[i].l : pollbits[i].w;
	return out;
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
	for (nfds_t i = 0; i < n; i++)
		fds[i].events = poll_to(fds[i].events, 1);
	int r = __gocage_poll(fds, n, timeout);
	for (nfds_t i = 0; i < n; i++) {
		fds[i].events = poll_to(fds[i].events, 0);
		fds[i].revents = poll_to(fds[i].revents, 0);
	}
	return ret(r);
}

/* Processes. */

/* fork saves the call stack here (Asyncify unwinds into it, and the
 * child and the parent rewind from it): some 20 bytes a frame, so a few
 * thousand frames fit. Asyncify checks the end only once the unwind is
 * over, having written what did not fit beyond it: the guard takes a
 * modest overrun; a larger one runs over the data that follows, and
 * either way the host then ends the program with a message, before
 * anything reads that data (wasm.go, forkTooDeep). The position and the
 * end come first, where no overrun can reach them and defeat the check. */
#define UNWIND_SIZE (64 * 1024)
#define UNWIND_GUARD (16 * 1024)
static struct {
	char *pos, *end;
	char stack[UNWIND_SIZE + UNWIND_GUARD] __attribute__((aligned(16)));
} async_data;

/* The host reads Asyncify's data structure through this export. */
__attribute__((export_name("gocage_async_buf"))) void *gocage_async_buf(void) { return &async_data; }

pid_t fork(void) {
	async_data.pos = async_data.stack;
	async_data.end = async_data.stack + UNWIND_SIZE;
	return ret(__gocage_fork());
}

pid_t vfork(void) { return fork(); }

extern char **environ;

int execve(const char *path, char *const argv[], char *const envp[]) {
	return ret(__gocage_execve(path, argv, envp));
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

int execvpe(const char *file, char *const argv[], char *const envp[]) {
	if (*file == 0) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/'))
		return execve(file, argv, envp);
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/bin:/bin:/usr/bin";
	size_t k = strlen(file);
	int seen_eacces = 0;
	for (const char *p = path;; p++) {
		const char *z = strchr(p, ':');
		if (z == NULL)
			z = p + strlen(p);
		char buf[PATH_MAX];
		size_t l = z - p;
		if (l + k + 2 <= sizeof buf) {
			memcpy(buf, p, l);
			buf[l] = '/';
			memcpy(buf + l + !!l, file, k + 1);
			execve(buf, argv, envp);
			switch (errno) {
			case EACCES:
				seen_eacces = 1;
			case ENOENT:
			case ENOTDIR:
				break;
			default:
				return -1;
			}
		}
		if (*z == 0)
			break;
		p = z;
	}
	if (seen_eacces)
		errno = EACCES;
	return -1;
}

int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

#define ARGV_FROM_VA(first, ap, argv, n) do { \
	n = 1; \
	va_start(ap, first); \
	while (va_arg(ap, char *)) n++; \
	va_end(ap); \
} while (0)

int execl(const char *path, const char *arg0, ...) {
	va_list ap;
	int n;
	ARGV_FROM_VA(arg0, ap, argv, n);
	char *argv[n + 1];
	argv[0] = (char *)arg0;
	va_start(ap, arg0);
	for (int i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return execv(path, argv);
}

int execlp(const char *file, const char *arg0, ...) {
	va_list ap;
	int n;
	ARGV_FROM_VA(arg0, ap, argv, n);
	char *argv[n + 1];
	argv[0] = (char *)arg0;
	va_start(ap, arg0);
	for (int i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return execvp(file, argv);
}

int execle(const char *path, const char *arg0, ...) {
	va_list ap;
	int n;
	ARGV_FROM_VA(arg0, ap, argv, n);
	char *argv[n + 1];
	argv[0] = (char *)arg0;
	va_start(ap, arg0);
	for (int i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);
	char **envp = va_arg(ap, char **);
	va_end(ap);
	return execve(path, argv, envp);
}

pid_t waitpid(pid_t pid, int *status, int options) { return ret(__gocage_wait4(pid, status, options)); }
pid_t wait(int *status) { return waitpid(-1, status, 0); }
int kill(pid_t pid, int sig) { return ret(__gocage_kill(pid, sig)); }
int killpg(pid_t pgrp, int sig) {
	if (pgrp <= 1) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgrp, sig);
}
int raise(int sig) { return kill(__gocage_getpid(), sig); }
pid_t getpid(void) { return __gocage_getpid(); }
pid_t getppid(void) { return __gocage_getppid(); }
pid_t getpgid(pid_t pid) { return ret(__gocage_getpgid(pid)); }
pid_t getpgrp(void) { return __gocage_getpgid(0); }
int setpgid(pid_t pid, pid_t pgid) { return ret(__gocage_setpgid(pid, pgid)); }
pid_t getsid(pid_t pid) { return ret(__gocage_getsid(pid)); }
pid_t setsid(void) { return ret(__gocage_setsid()); }
unsigned alarm(unsigned secs) { return __gocage_alarm(secs); }
mode_t umask(mode_t mask) { return __gocage_umask(mask & 0777); }
int getrlimit(int res, struct rlimit *rl) { return ret(__gocage_getrlimit(res, rl)); }
int setrlimit(int res, const struct rlimit *rl) { return ret(__gocage_setrlimit(res, rl)); }

/* File times. wasi-libc's futimens and utimensat (its 2022 snapshot) read
 * the times even when they are NULL ("now": they set both to 0 instead)
 * and refuse UTIME_NOW; these replace futimens.o and utimensat.o. */
static int wasi_times(const struct timespec *t, __wasi_timestamp_t *atim, __wasi_timestamp_t *mtim,
		__wasi_fstflags_t *flags) {
	*atim = *mtim = 0;
	*flags = 0;
	if (t == NULL) {
		*flags = __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW;
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		if (t[i].tv_nsec == UTIME_OMIT)
			continue;
		if (t[i].tv_nsec == UTIME_NOW) {
			*flags |= i ? __WASI_FSTFLAGS_MTIM_NOW : __WASI_FSTFLAGS_ATIM_NOW;
			continue;
		}
		if (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000 || t[i].tv_sec < 0)
			return EINVAL;
		*(i ? mtim : atim) = (__wasi_timestamp_t)t[i].tv_sec * 1000000000 + t[i].tv_nsec;
		*flags |= i ? __WASI_FSTFLAGS_MTIM : __WASI_FSTFLAGS_ATIM;
	}
	return 0;
}

int futimens(int fd, const struct timespec t[2]) {
	__wasi_timestamp_t atim, mtim;
	__wasi_fstflags_t flags;
	int e = wasi_times(t, &atim, &mtim, &flags);
	if (e == 0)
		e = __wasi_fd_filestat_set_times(fd, atim, mtim, flags);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* wasi-libc's utimensat resolves the path to a preopen and this. */
int __wasilibc_nocwd_utimensat(int fd, const char *path, const struct timespec t[2], int at) {
	__wasi_timestamp_t atim, mtim;
	__wasi_fstflags_t flags;
	if (at & ~AT_SYMLINK_NOFOLLOW) {
		errno = EINVAL;
		return -1;
	}
	int e = wasi_times(t, &atim, &mtim, &flags);
	if (e == 0)
		e = __wasi_path_filestat_set_times(fd, at & AT_SYMLINK_NOFOLLOW ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
			path, atim, mtim, flags);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* wasi-libc's S_IFIFO is 0140000, Linux's S_IFSOCK (it has no FIFOs and
 * gives sockets and FIFOs one type); the other types have Linux's values. */
#define L_S_IFIFO 0010000

int mknod(const char *path, mode_t mode, dev_t dev) {
	unsigned l = mode & ~S_IFMT;
	if ((mode & S_IFMT) == S_IFIFO)
		l |= L_S_IFIFO;
	else
		l |= mode & S_IFMT;
	return ret(__gocage_mknod(path, l, dev));
}
int mkfifo(const char *path, mode_t mode) { return mknod(path, S_IFIFO | (mode & 07777), 0); }

/* Signals. */

void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

int sigemptyset(sigset_t *s) { *s = 0; return 0; }
int sigfillset(sigset_t *s) { *s = ~0ULL; return 0; }
static int sigbad(int sig) {
	if (sig < 1 || sig >= NSIG) {
		errno = EINVAL;
		return 1;
	}
	return 0;
}
int sigaddset(sigset_t *s, int sig) { if (sigbad(sig)) return -1; *s |= 1ULL << (sig - 1); return 0; }
int sigdelset(sigset_t *s, int sig) { if (sigbad(sig)) return -1; *s &= ~(1ULL << (sig - 1)); return 0; }
int sigismember(const sigset_t *s, int sig) { if (sigbad(sig)) return -1; return (*s >> (sig - 1)) & 1; }

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
	if (sigbad(sig))
		return -1;
	struct sigaction prev = actions[sig];
	int r;
	if (act) {
		int kind = act->sa_handler == SIG_DFL ? 0 : act->sa_handler == SIG_IGN ? 1 : 2;
		r = __gocage_sigaction(sig, kind, (int)(uintptr_t)act->sa_handler, act->sa_flags, &act->sa_mask);
	} else {
		r = __gocage_sigaction(sig, 3, 0, 0, 0);
	}
	if (r < 0)
		return ret(r);
	if (old) {
		*old = prev;
		if (r == 0)
			old->sa_handler = SIG_DFL;
		else if (r == 1)
			old->sa_handler = SIG_IGN;
	}
	if (act)
		actions[sig] = *act;
	return 0;
}

/* The host runs a caught signal's handler through this export. */
__attribute__((export_name("gocage_signal"))) void gocage_signal(int handler, int sig) {
	if (sig > 0 && sig < NSIG && (actions[sig].sa_flags & SA_SIGINFO)) {
		siginfo_t info;
		memset(&info, 0, sizeof info);
		info.si_signo = sig;
		((void (*)(int, siginfo_t *, void *))(uintptr_t)handler)(sig, &info, 0);
	}
	else
		((void (*)(int))(uintptr_t)handler)(sig);
}

void (*signal(int sig, void (*handler)(int)))(int) {
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int siginterrupt(int sig, int flag) {
	struct sigaction sa;
	if (sigaction(sig, 0, &sa) < 0)
		return -1;
	if (flag)
		sa.sa_flags &= ~SA_RESTART;
	else
		sa.sa_flags |= SA_RESTART;
	return sigaction(sig, &sa, 0);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) { return ret(__gocage_sigprocmask(how, set, old)); }
int sigpending(sigset_t *set) { return ret(__gocage_sigpending(set)); }
int sigsuspend(const sigset_t *mask) { return ret(__gocage_sigsuspend(mask)); }
int pause(void) {
	sigset_t mask;
	sigprocmask(SIG_BLOCK, 0, &mask);
	return sigsuspend(&mask);
}
