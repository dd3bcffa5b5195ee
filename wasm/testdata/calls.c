/* calls DIR [ARGS...]: the POSIX calls gocage's runtime and WASI bridge
 * serve, each checked and reported on a line of its own. DIR is an
 * existing empty directory the program may fill. The output depends on
 * neither pids, fd numbers nor timing, so that the same program compiled
 * natively prints the same (hostfuncs_test.go compares them); errno
 * values are printed by name, as musl's and glibc's messages differ.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case ESPIPE: return "ESPIPE";
	case EISDIR: return "EISDIR";
	case ERANGE: return "ERANGE";
	case ECHILD: return "ECHILD";
	case EIO: return "EIO";
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* r prints what a call returned: the value, or -1 and errno's name. */
#define R(label, expr) do { errno = 0; long _r = (long)(expr); \
	if (_r < 0) printf("%s: -1 %s\n", label, errname(errno)); else printf("%s: %ld\n", label, _r); } while (0)
#define CHECK(label, cond) printf("%s: %s\n", label, (cond) ? "yes" : "NO")

static long long now_ns(clockid_t c) {
	struct timespec ts;
	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int lowest_free_fd(void) {
	int fd = dup(0);
	close(fd);
	return fd;
}

static void pipes(void) {
	int p[2];
	R("pipe2(O_CLOEXEC|O_NONBLOCK)", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	CHECK("pipe2 fds distinct and >= 3", p[0] >= 3 && p[1] >= 3 && p[0] != p[1]);
	R("F_GETFD read end", fcntl(p[0], F_GETFD));
	R("F_GETFD write end", fcntl(p[1], F_GETFD));
	CHECK("F_GETFL read end: O_NONBLOCK", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	CHECK("F_GETFL write end: O_WRONLY", (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK("F_GETFL read end: O_RDONLY", (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
	char buf[64];
	R("read empty nonblocking pipe", read(p[0], buf, sizeof buf));
	int n = -1;
	R("FIONREAD empty", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD empty value: %d\n", n);
	struct pollfd pf = {p[0], POLLIN, 0};
	long long t0 = now_ns(CLOCK_MONOTONIC);
	R("poll empty, 50 ms", poll(&pf, 1, 50));
	long long waited = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("poll waited >= 45 ms", waited >= 45000000LL);
	CHECK("poll waited < 2 s", waited < 2000000000LL);
	R("write 5", write(p[1], "hello", 5));
	R("FIONREAD", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD value: %d\n", n);
	pf.revents = 0;
	R("poll readable, 0 ms", poll(&pf, 1, 0));
	printf("poll revents POLLIN: %d\n", (pf.revents & POLLIN) != 0);
	struct pollfd pw = {p[1], POLLOUT, 0};
	R("poll writable", poll(&pw, 1, 0));
	printf("poll revents POLLOUT: %d\n", (pw.revents & POLLOUT) != 0);
	R("read", read(p[0], buf, sizeof buf));
	R("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	R("F_SETPIPE_SZ 100000", fcntl(p[1], F_SETPIPE_SZ, 100000));
	R("F_GETPIPE_SZ after", fcntl(p[0], F_GETPIPE_SZ));
	R("F_SETFL 0", fcntl(p[0], F_SETFL, 0));
	CHECK("F_GETFL read end: blocking", (fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
	R("F_SETFL O_NONBLOCK", fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK("F_GETFL read end: nonblocking again", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	R("F_SETFD 0", fcntl(p[0], F_SETFD, 0));
	R("F_GETFD after F_SETFD 0", fcntl(p[0], F_GETFD));
	R("F_SETFD FD_CLOEXEC", fcntl(p[0], F_SETFD, FD_CLOEXEC));
	R("F_GETFD after F_SETFD FD_CLOEXEC", fcntl(p[0], F_GETFD));
	close(p[1]);
	pf.revents = 0;
	R("poll after writer closed", poll(&pf, 1, 1000));
	printf("poll revents POLLHUP: %d\n", (pf.revents & POLLHUP) != 0);
	R("read at end of file", read(p[0], buf, sizeof buf));
	close(p[0]);

	/* a writer blocks in poll until a child reads */
	R("pipe", pipe(p));
	CHECK("pipe: no FD_CLOEXEC", fcntl(p[0], F_GETFD) == 0 && fcntl(p[1], F_GETFD) == 0);
	CHECK("pipe: blocking", (fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(30000);
		write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	pf.fd = p[0];
	pf.revents = 0;
	R("poll until the child writes", poll(&pf, 1, 5000));
	R("read the child's bytes", read(p[0], buf, sizeof buf));
	int st;
	R("waitpid", waitpid(pid, &st, 0) == pid ? 0 : -1);
	close(p[0]);
	struct pollfd bad = {999, POLLIN, 0};
	R("poll a closed fd", poll(&bad, 1, 0));
	printf("poll revents POLLNVAL: %d\n", (bad.revents & POLLNVAL) != 0);
}

static void dups(void) {
	int p[2];
	pipe(p);
	int low = lowest_free_fd();
	R("dup returns the lowest free fd", dup(p[0]) == low ? 0 : -1);
	close(low);
	R("dup2 to 40", dup2(p[0], 40));
	R("dup2 same fd", dup2(p[0], p[0]) == p[0] ? 0 : -1);
	R("dup2 bad fd", dup2(999, 41));
	R("dup3 O_CLOEXEC to 41", dup3(p[0], 41, O_CLOEXEC));
	R("F_GETFD 41", fcntl(41, F_GETFD));
	R("dup3 same fd", dup3(p[0], p[0], 0));
	R("dup3 bad flags", dup3(p[0], 42, 12345));
	R("F_DUPFD 50", fcntl(p[0], F_DUPFD, 50));
	R("F_DUPFD 50 again", fcntl(p[0], F_DUPFD, 50));
	R("F_GETFD 51", fcntl(51, F_GETFD));
	R("F_DUPFD_CLOEXEC 60", fcntl(p[0], F_DUPFD_CLOEXEC, 60));
	R("F_GETFD 60", fcntl(60, F_GETFD));
	R("F_DUPFD negative", fcntl(p[0], F_DUPFD, -1));
	R("fcntl bad fd", fcntl(999, F_GETFD));
	/* the duplicates share one pipe */
	write(p[1], "dup", 3);
	char buf[8] = {0};
	R("read through fd 60", read(60, buf, sizeof buf));
	printf("read through fd 60: %s\n", buf);
	R("close 40", close(40));
	R("close 40 again", close(40));
	close(41), close(50), close(51), close(60);
	close(p[0]), close(p[1]);
}

static void pids(void) {
	R("getpid positive", getpid() > 0 ? 0 : -1);
	R("getppid positive", getppid() > 0 ? 0 : -1);
	R("getpgid(0) is getpgrp()", getpgid(0) == getpgrp() ? 0 : -1);
	R("getpgid(getpid()) is getpgrp()", getpgid(getpid()) == getpgrp() ? 0 : -1);
	R("getsid(0) is getsid(getpid())", getsid(0) == getsid(getpid()) ? 0 : -1);
	R("getpgid no such pid", getpgid(2147483647));
	R("getsid no such pid", getsid(2147483647));
	R("kill(getpid(), 0)", kill(getpid(), 0));
	R("kill no such pid", kill(2147483647, 0));
	R("kill bad signal", kill(getpid(), 1000));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* a child is no group leader: it may lead a new group, then
		 * not a new session (EPERM), which its own child may */
		int ok = getppid() == parent && getpgrp() == getpgid(parent) && getsid(0) == getsid(parent);
		ok = ok && setpgid(0, 0) == 0 && getpgrp() == getpid();
		ok = ok && setsid() == -1 && errno == EPERM;
		pid_t g = fork();
		if (g == 0) {
			pid_t sid = setsid();
			_exit(sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
		}
		int st;
		ok = ok && waitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 0;
		_exit(ok ? 0 : 1);
	}
	int st;
	R("child: setpgid, setsid EPERM, grandchild setsid", waitpid(pid, &st, 0) == pid && st == 0 ? 0 : -1);
	R("setpgid of a child that is gone", setpgid(pid, pid));
	R("waitpid without children", waitpid(-1, &st, WNOHANG));
}

static void rlimits(void) {
	struct rlimit rl, saved;
	R("getrlimit RLIMIT_NOFILE", getrlimit(RLIMIT_NOFILE, &saved));
	CHECK("RLIMIT_NOFILE cur <= max", saved.rlim_cur <= saved.rlim_max);
	rl = saved;
	rl.rlim_cur = 16;
	R("setrlimit RLIMIT_NOFILE 16", setrlimit(RLIMIT_NOFILE, &rl));
	R("getrlimit", getrlimit(RLIMIT_NOFILE, &rl));
	printf("rlim_cur: %llu\n", (unsigned long long)rl.rlim_cur);
	int fds[32], n = 0, last = 0, maxfd = -1;
	for (; n < 32; n++) {
		fds[n] = open("/dev/null", O_RDONLY);
		if (fds[n] < 0) {
			last = errno;
			break;
		}
		if (fds[n] > maxfd)
			maxfd = fds[n];
	}
	printf("open until failure: %s\n", errname(last));
	CHECK("every fd below the limit, the last 15", maxfd == 15);
	R("dup at the limit", dup(0));
	R("dup2 to the limit", dup2(0, 16));
	R("F_DUPFD at the limit", fcntl(0, F_DUPFD, 16));
	int p[2];
	R("pipe at the limit", pipe(p));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	R("setrlimit back", setrlimit(RLIMIT_NOFILE, &saved));
	rl = saved;
	rl.rlim_cur = rl.rlim_max + 1;
	if (saved.rlim_max != RLIM_INFINITY)
		R("setrlimit cur above max", setrlimit(RLIMIT_NOFILE, &rl));
	else
		printf("setrlimit cur above max: -1 EINVAL\n");
}

static void files(const char *dir) {
	char path[4096], path2[4096];
	snprintf(path, sizeof path, "%s/data", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	R("open O_CREAT", fd >= 0 ? 0 : -1);
	R("write", write(fd, "0123456789", 10));
	R("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR));
	char buf[64] = {0};
	R("pread 3 at 4", pread(fd, buf, 3, 4));
	printf("pread: %s\n", buf);
	R("pwrite 2 at 8", pwrite(fd, "XY", 2, 8));
	R("lseek SEEK_CUR unchanged", lseek(fd, 0, SEEK_CUR));
	R("lseek SEEK_END -3", lseek(fd, -3, SEEK_END));
	memset(buf, 0, sizeof buf);
	R("read", read(fd, buf, sizeof buf));
	printf("read: %s\n", buf);
	R("lseek SEEK_SET 0", lseek(fd, 0, SEEK_SET));
	R("lseek negative", lseek(fd, -1, SEEK_SET));
	R("ftruncate 4", ftruncate(fd, 4));
	struct stat st;
	R("fstat", fstat(fd, &st));
	printf("fstat: size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	R("lseek 100", lseek(fd, 100, SEEK_SET));
	R("write past the end", write(fd, "!", 1));
	R("fstat", fstat(fd, &st));
	printf("fstat: size %lld\n", (long long)st.st_size);
	R("pread in the hole", pread(fd, buf, 4, 50));
	printf("the hole reads zeros: %d\n", buf[0] == 0 && buf[3] == 0);
	R("pread past the end", pread(fd, buf, 4, 200));
	struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cdefg", 5}};
	R("lseek 0", lseek(fd, 0, SEEK_SET));
	R("writev 3 buffers", writev(fd, wv, 3));
	char ra[3] = {0}, rb[8] = {0};
	struct iovec rv[2] = {{ra, 2}, {rb, 7}};
	R("lseek 0", lseek(fd, 0, SEEK_SET));
	R("readv 2 buffers", readv(fd, rv, 2));
	printf("readv: %s %.5s\n", ra, rb);
	R("ftruncate 0", ftruncate(fd, 0));
	R("close", close(fd));
	R("read a closed fd", read(fd, buf, 1));
	int p[2];
	pipe(p);
	R("lseek a pipe", lseek(p[0], 0, SEEK_CUR));
	R("pread a pipe", pread(p[0], buf, 1, 0));
	close(p[0]), close(p[1]);

	/* rename, links, symlinks */
	snprintf(path2, sizeof path2, "%s/renamed", dir);
	R("rename", rename(path, path2));
	R("stat the old name", stat(path, &st));
	R("stat the new name", stat(path2, &st));
	snprintf(path, sizeof path, "%s/hard", dir);
	R("link", link(path2, path));
	R("stat", stat(path, &st));
	printf("nlink: %ld\n", (long)st.st_nlink);
	R("link to an existing name", link(path2, path));
	snprintf(path, sizeof path, "%s/sym", dir);
	R("symlink", symlink("renamed", path));
	R("lstat", lstat(path, &st));
	printf("lstat: symlink %d size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
	R("stat follows", stat(path, &st));
	printf("stat: regular %d\n", S_ISREG(st.st_mode));
	memset(buf, 0, sizeof buf);
	R("readlink", readlink(path, buf, sizeof buf));
	printf("readlink: %s\n", buf);
	memset(buf, 0, sizeof buf);
	R("readlink short buffer", readlink(path, buf, 3));
	printf("readlink short buffer: %s\n", buf);
	R("readlink a regular file", readlink(path2, buf, sizeof buf));
	snprintf(path2, sizeof path2, "%s/dangling", dir);
	R("symlink dangling", symlink("nowhere", path2));
	R("stat dangling", stat(path2, &st));
	R("lstat dangling", lstat(path2, &st));
	R("unlink dangling", unlink(path2));

	/* directories */
	snprintf(path, sizeof path, "%s/sub", dir);
	R("mkdir", mkdir(path, 0755));
	R("mkdir again", mkdir(path, 0755));
	R("stat dir", stat(path, &st));
	printf("stat: dir %d\n", S_ISDIR(st.st_mode));
	const char *names[] = {"c", "a", "b"};
	for (int i = 0; i < 3; i++) {
		snprintf(path2, sizeof path2, "%s/sub/%s", dir, names[i]);
		close(open(path2, O_WRONLY | O_CREAT, 0644));
	}
	R("rmdir not empty", rmdir(path));
	R("unlink a dir", unlink(path));
	R("open a dir for writing", open(path, O_WRONLY));
	DIR *d = opendir(path);
	CHECK("opendir", d != NULL);
	char list[256] = "";
	int count = 0;
	struct dirent *e;
	char seen[8][64];
	while ((e = readdir(d)) != NULL && count < 8)
		snprintf(seen[count++], 64, "%.63s", e->d_name);
	closedir(d);
	/* sorted, as orders differ */
	for (int i = 0; i < count; i++)
		for (int j = i + 1; j < count; j++)
			if (strcmp(seen[i], seen[j]) > 0) {
				char t[64];
				strcpy(t, seen[i]), strcpy(seen[i], seen[j]), strcpy(seen[j], t);
			}
	for (int i = 0; i < count; i++)
		strcat(strcat(list, " "), seen[i]);
	printf("readdir:%s\n", list);
	int tdir = -1, treg = -1, tlnk = -1;
	d = opendir(dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, "sub") == 0)
			tdir = e->d_type == DT_DIR;
		if (strcmp(e->d_name, "renamed") == 0)
			treg = e->d_type == DT_REG;
		if (strcmp(e->d_name, "sym") == 0)
			tlnk = e->d_type == DT_LNK;
	}
	closedir(d);
	printf("readdir d_type: DT_DIR %d DT_REG %d DT_LNK %d\n", tdir, treg, tlnk);
	R("opendir a file", opendir(path2) ? 0 : -1);
	for (int i = 0; i < 3; i++) {
		snprintf(path2, sizeof path2, "%s/sub/%s", dir, names[i]);
		R("unlink", unlink(path2));
	}
	R("unlink missing", unlink(path2));
	R("rmdir", rmdir(path));
	R("rmdir missing", rmdir(path));
	R("open missing", open(path, O_RDONLY));
	snprintf(path, sizeof path, "%s/renamed/x", dir);
	R("open under a file", open(path, O_RDONLY));
	snprintf(path, sizeof path, "%s/excl", dir);
	R("open O_EXCL", (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0 ? 0 : -1);
	close(fd);
	R("open O_EXCL again", open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
	fd = open(path, O_WRONLY | O_APPEND);
	write(fd, "a", 1);
	lseek(fd, 0, SEEK_SET);
	write(fd, "b", 1);
	fstat(fd, &st);
	CHECK("F_GETFL O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	printf("O_APPEND writes at the end: size %lld\n", (long long)st.st_size);
	close(fd);
	unlink(path);
}

static void fifos(const char *dir) {
	char path[4096];
	snprintf(path, sizeof path, "%s/fifo", dir);
	R("mkfifo", mkfifo(path, 0600));
	R("mkfifo again", mkfifo(path, 0600));
	struct stat st;
	R("stat the fifo", stat(path, &st));
	printf("stat the fifo: S_ISFIFO %d\n", S_ISFIFO(st.st_mode));
	DIR *d = opendir(dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, "fifo") == 0)
			printf("readdir the fifo: DT_FIFO %d\n", e->d_type == DT_FIFO);
	closedir(d);
	int p[2];
	pipe(p);
	R("fstat a pipe", fstat(p[0], &st));
	printf("fstat a pipe: S_ISFIFO %d\n", S_ISFIFO(st.st_mode));
	close(p[0]), close(p[1]);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	R("open the fifo to read, nonblocking", r >= 0 ? 0 : -1);
	int w = open(path, O_WRONLY | O_NONBLOCK);
	R("open the fifo to write, nonblocking", w >= 0 ? 0 : -1);
	R("write the fifo", write(w, "fifo", 4));
	char buf[8] = {0};
	R("read the fifo", read(r, buf, sizeof buf));
	printf("read the fifo: %s\n", buf);
	R("lseek the fifo", lseek(r, 0, SEEK_SET));
	close(r), close(w);
	R("unlink the fifo", unlink(path));
}

static void umasks(const char *dir) {
	umask(027);
	printf("umask 027 again returns %03o\n", (unsigned)umask(027));
	printf("umask 022 returns %03o\n", (unsigned)umask(022));
	printf("umask 027 returns %03o\n", (unsigned)umask(027));
	/* the permission bits are checked outside (WASI's stat has none) */
	char path[4096];
	snprintf(path, sizeof path, "%s/masked", dir);
	R("create under umask 027", close(open(path, O_WRONLY | O_CREAT, 0666)));
	snprintf(path, sizeof path, "%s/maskeddir", dir);
	R("mkdir under umask 027", mkdir(path, 0777));
	umask(022);
}

static void cwd(const char *dir) {
	char buf[4096], here[4096];
	R("chdir", chdir(dir));
	CHECK("getcwd is the directory", getcwd(buf, sizeof buf) && strcmp(buf, dir) == 0);
	R("getcwd short buffer", getcwd(buf, 2) ? 0 : -1);
	int fd = open("rel.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	R("open relative", fd >= 0 ? 0 : -1);
	write(fd, "relative\n", 9);
	close(fd);
	snprintf(here, sizeof here, "%s/rel.txt", dir);
	struct stat st;
	R("stat it by absolute path", stat(here, &st));
	R("mkdir relative", mkdir("d", 0755));
	R("chdir relative", chdir("d"));
	R("stat ../rel.txt", stat("../rel.txt", &st));
	R("chdir ..", chdir(".."));
	R("rmdir relative", rmdir("d"));
	R("chdir missing", chdir("missing"));
	R("chdir a file", chdir("rel.txt"));
	CHECK("getcwd unchanged", getcwd(buf, sizeof buf) && strcmp(buf, dir) == 0);
	fflush(stdout);
	/* a child exec'd program sees the new working directory */
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "read line < rel.txt && echo \"child sh read: $line\"", (char *)0);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	R("child status", status);
	R("chdir /", chdir("/"));
	R("open relative after chdir /", open("rel.txt", O_RDONLY));
	unlink(here);
}

static void clocks(void) {
	struct timespec ts, res;
	R("clock_gettime CLOCK_REALTIME", clock_gettime(CLOCK_REALTIME, &ts));
	CHECK("after 2020", ts.tv_sec > 1577836800);
	R("clock_getres CLOCK_MONOTONIC", clock_getres(CLOCK_MONOTONIC, &res));
	CHECK("resolution at most 1 ms", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	time_t t = time(NULL);
	CHECK("time() near CLOCK_REALTIME", t - ts.tv_sec >= 0 && t - ts.tv_sec < 5);
	long long a = now_ns(CLOCK_MONOTONIC);
	struct timespec d = {0, 30000000};
	R("nanosleep 30 ms", nanosleep(&d, NULL));
	long long b = now_ns(CLOCK_MONOTONIC);
	CHECK("monotonic advanced >= 30 ms", b - a >= 30000000LL);
	R("usleep 10 ms", usleep(10000));
	R("sleep 0", sleep(0));
	long long c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK("CLOCK_PROCESS_CPUTIME_ID readable", c0 >= 0);
	struct timespec bad = {0, 2000000000};
	R("nanosleep bad nsec", nanosleep(&bad, NULL));
}

/* What remains of the WASI functions wasi-libc calls: fadvise, fallocate,
 * sync, the times, select (poll_oneoff on fds), yield, random. */
static void more(const char *dir) {
	char path[4096];
	snprintf(path, sizeof path, "%s/more", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	R("posix_fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
	R("posix_fallocate 1000", posix_fallocate(fd, 0, 1000));
	struct stat st;
	fstat(fd, &st);
	printf("size after posix_fallocate: %lld\n", (long long)st.st_size);
	R("posix_fallocate inside", posix_fallocate(fd, 10, 10));
	fstat(fd, &st);
	printf("size after posix_fallocate inside: %lld\n", (long long)st.st_size);
	R("fsync", fsync(fd));
	R("fdatasync", fdatasync(fd));
	struct timespec ts[2] = {{1000000000, 0}, {1200000000, 500}};
	R("futimens", futimens(fd, ts));
	fstat(fd, &st);
	printf("futimens: atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
	R("utimensat, atime omitted", utimensat(AT_FDCWD, path, omit, 0));
	stat(path, &st);
	printf("utimensat: atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
	R("utimensat now", utimensat(AT_FDCWD, path, NULL, 0));
	stat(path, &st);
	CHECK("utimensat now: mtime after 2020", st.st_mtim.tv_sec > 1577836800);
	R("utimensat missing", utimensat(AT_FDCWD, "/nonexistent/x", NULL, 0));
	R("futimens", futimens(fd, ts));
	R("futimens now", futimens(fd, NULL));
	fstat(fd, &st);
	CHECK("futimens now: atime and mtime after 2020", st.st_atim.tv_sec > 1577836800 && st.st_mtim.tv_sec > 1577836800);
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	R("futimens bad nsec", futimens(fd, bad));
	R("fsync a closed fd", fsync(999));
	close(fd);
	unlink(path);

	int p[2];
	pipe(p);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {0, 50000};
	long long t0 = now_ns(CLOCK_MONOTONIC);
	R("select empty pipe, 50 ms", select(p[0] + 1, &rd, NULL, NULL, &tv));
	CHECK("select waited >= 45 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 45000000LL);
	write(p[1], "s", 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv.tv_sec = 5, tv.tv_usec = 0;
	R("select readable pipe", select(p[0] + 1, &rd, NULL, NULL, &tv));
	printf("select FD_ISSET: %d\n", FD_ISSET(p[0], &rd) != 0);
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	R("select writable pipe", select(p[1] + 1, NULL, &wr, NULL, NULL));
	printf("select FD_ISSET writable: %d\n", FD_ISSET(p[1], &wr) != 0);
	close(p[0]), close(p[1]);
	R("sched_yield", sched_yield());
	unsigned char rnd[1000] = {0}, zero[64] = {0};
	R("getentropy", getentropy(rnd, 64));
	CHECK("getentropy filled the buffer", memcmp(rnd, zero, sizeof zero) != 0);
	R("getentropy too long", getentropy(rnd, 1000));
}

static void misc(int argc, char **argv) {
	printf("argc: %d\n", argc);
	for (int i = 2; i < argc; i++)
		printf("argv[%d]: %s\n", i, argv[i]);
	const char *v = getenv("CALLS_VAR");
	printf("getenv CALLS_VAR: %s\n", v ? v : "(unset)");
	printf("getenv CALLS_UNSET: %s\n", getenv("CALLS_UNSET") ? "set" : "(unset)");
	R("setenv", setenv("CALLS_NEW", "fresh", 1));
	printf("getenv CALLS_NEW: %s\n", getenv("CALLS_NEW"));
	int p[2];
	pipe(p);
	errno = 0;
	R("isatty a pipe", isatty(p[0]));
	printf("isatty errno: %s\n", errname(errno));
	int fd = open("/dev/null", O_RDWR);
	R("isatty /dev/null", isatty(fd));
	R("write /dev/null", write(fd, "x", 1));
	char c;
	R("read /dev/null", read(fd, &c, 1));
	close(fd), close(p[0]), close(p[1]);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: calls DIR [ARGS...]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *dir = argv[1];
	misc(argc, argv);
	pipes();
	dups();
	pids();
	rlimits();
	files(dir);
	fifos(dir);
	umasks(dir);
	cwd(dir);
	clocks();
	more(dir);
	printf("done\n");
	return 0;
}
