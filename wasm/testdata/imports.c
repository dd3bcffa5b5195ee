/* imports efault|direct: calls gocage's host functions directly, past
 * the C library: Linux system calls through syscall(2) (gocage.syscall),
 * and the WASI functions as imports.
 *
 * efault: every pointer parameter of every function in turn is out of
 * the linear memory (0xFFFFFFF0), or starts inside it and runs past its
 * end; each call must answer EFAULT (Linux's 14 as -errno for the system
 * calls, WASI's 21 for WASI's functions), leak no fd, and leave the
 * program running. Lines are "function(parameter): errno".
 *
 * direct: the functions no libc call reaches (fd_tell, fd_renumber,
 * fd_fdstat_set_flags, fd_fdstat_set_rights, fd_advise, fd_allocate,
 * proc_raise, sched_yield, the sock_* stubs), with valid arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define W(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef uint32_t u32;
typedef uint64_t u64;

W(args_get) int w_args_get(u32, u32);
W(args_sizes_get) int w_args_sizes_get(u32, u32);
W(environ_get) int w_environ_get(u32, u32);
W(environ_sizes_get) int w_environ_sizes_get(u32, u32);
W(clock_res_get) int w_clock_res_get(u32, u32);
W(clock_time_get) int w_clock_time_get(u32, u64, u32);
W(fd_fdstat_get) int w_fd_fdstat_get(int, u32);
W(fd_filestat_get) int w_fd_filestat_get(int, u32);
W(fd_pread) int w_fd_pread(int, u32, u32, u64, u32);
W(fd_pwrite) int w_fd_pwrite(int, u32, u32, u64, u32);
W(fd_prestat_get) int w_fd_prestat_get(int, u32);
W(fd_prestat_dir_name) int w_fd_prestat_dir_name(int, u32, u32);
W(fd_read) int w_fd_read(int, u32, u32, u32);
W(fd_write) int w_fd_write(int, u32, u32, u32);
W(fd_readdir) int w_fd_readdir(int, u32, u32, u64, u32);
W(fd_seek) int w_fd_seek(int, int64_t, int, u32);
W(fd_tell) int w_fd_tell(int, u32);
W(path_create_directory) int w_path_create_directory(int, u32, u32);
W(path_filestat_get) int w_path_filestat_get(int, int, u32, u32, u32);
W(path_filestat_set_times) int w_path_filestat_set_times(int, int, u32, u32, u64, u64, int);
W(path_link) int w_path_link(int, int, u32, u32, int, u32, u32);
W(path_open) int w_path_open(int, int, u32, u32, int, u64, u64, int, u32);
W(path_readlink) int w_path_readlink(int, u32, u32, u32, u32, u32);
W(path_remove_directory) int w_path_remove_directory(int, u32, u32);
W(path_rename) int w_path_rename(int, u32, u32, int, u32, u32);
W(path_symlink) int w_path_symlink(u32, u32, int, u32, u32);
W(path_unlink_file) int w_path_unlink_file(int, u32, u32);
W(poll_oneoff) int w_poll_oneoff(u32, u32, u32, u32);
W(random_get) int w_random_get(u32, u32);
W(fd_renumber) int w_fd_renumber(int, int);
W(fd_fdstat_set_flags) int w_fd_fdstat_set_flags(int, int);
W(fd_fdstat_set_rights) int w_fd_fdstat_set_rights(int, u64, u64);
W(fd_advise) int w_fd_advise(int, u64, u64, int);
W(fd_allocate) int w_fd_allocate(int, u64, u64);
W(proc_raise) int w_proc_raise(int);
W(sched_yield) int w_sched_yield(void);
W(sock_accept) int w_sock_accept(int, int, u32);
W(sock_recv) int w_sock_recv(int, u32, u32, int, u32, u32);
W(sock_send) int w_sock_send(int, u32, u32, int, u32);
W(sock_shutdown) int w_sock_shutdown(int, int);

#define BAD 0xFFFFFFF0u
#define P(x) ((u32)(uintptr_t)(x))

static u32 edge; /* 2 bytes before the end of the memory */
static int root = -1; /* "/" (a program of gocage's C library has no preopen) */

#define E(label, call) printf("%s: %d\n", label, (int)(call))
#define S(label, ...) printf("%s: %d\n", label, syscall(__VA_ARGS__) < 0 ? -errno : 0)

static int lowest_free_fd(void) {
	int fd = dup(0);
	close(fd);
	return fd;
}

/* a valid filestat-sized buffer, and more */
static char buf[512];
static u32 n;

static void efault_gocage(void) {
	int p[2];
	pipe(p);
	S("pipe2(fds)", SYS_pipe2, BAD, 0);
	S("pipe2(fds at the end)", SYS_pipe2, edge, 0);
	S("fionread(count)", SYS_ioctl, p[0], FIONREAD, BAD);
	char *argv[] = {"true", NULL}, *badargv[] = {"true", (char *)BAD, NULL};
	char *envp[] = {"A=1", NULL};
	S("execve(path)", SYS_execve, BAD, argv, envp);
	S("execve(path, unterminated)", SYS_execve, edge, argv, envp);
	S("execve(argv)", SYS_execve, "/bin/true", BAD, envp);
	S("execve(argv[1])", SYS_execve, "/bin/true", badargv, envp);
	S("execve(envp)", SYS_execve, "/bin/true", argv, BAD);
	S("execve(envp[1])", SYS_execve, "/bin/true", argv, badargv);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	S("wait4(status)", SYS_wait4, pid, BAD, 0, 0);
	S("sigaction(act)", SYS_rt_sigaction, SIGUSR1, BAD, 0, 8);
	S("sigaction(old)", SYS_rt_sigaction, SIGUSR1, 0, BAD, 8);
	S("sigprocmask(set)", SYS_rt_sigprocmask, SIG_BLOCK, BAD, 0, 8);
	S("sigprocmask(old)", SYS_rt_sigprocmask, SIG_BLOCK, 0, BAD, 8);
	S("sigprocmask(set at the end)", SYS_rt_sigprocmask, SIG_BLOCK, edge, 0, 8);
	S("sigpending(set)", SYS_rt_sigpending, BAD, 8);
	S("sigsuspend(mask)", SYS_rt_sigsuspend, BAD, 8);
	S("getrlimit(rlim)", SYS_getrlimit, 7, BAD);
	S("getrlimit(rlim at the end)", SYS_getrlimit, 7, edge - 10);
	S("setrlimit(rlim)", SYS_setrlimit, 7, BAD);
	S("setrlimit(rlim at the end)", SYS_setrlimit, 7, edge - 10);
	S("mknod(path)", SYS_mknod, BAD, 010600, 0);
	S("mknod(path, unterminated)", SYS_mknod, edge, 010600, 0);
	S("poll(fds)", SYS_poll, BAD, 1, 0);
	S("poll(fds at the end)", SYS_poll, edge, 1, 0);
	S("chdir(path)", SYS_chdir, BAD);
	S("chdir(path, unterminated)", SYS_chdir, edge);
	S("getcwd(buf)", SYS_getcwd, BAD, 100);
	S("getcwd(buf at the end)", SYS_getcwd, edge + 1, 100);
	S("read(buf)", SYS_read, p[0], BAD, 10);
	S("write(buf)", SYS_write, p[1], BAD, 10);
	S("stat(statbuf)", SYS_stat, "/", BAD);
	S("fstat(statbuf at the end)", SYS_fstat, 0, edge);
	S("open(path)", SYS_open, BAD, O_RDONLY);
	close(p[0]);
	close(p[1]);
}

static void efault_wasi(void) {
	int fd = open("/tmp/imports.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "some data", 9);
	symlink("imports.txt", "/tmp/imports.lnk");
	struct { u32 base, len; } iov = {P(buf), 4}, badiov = {BAD, 4}, edgeiov = {edge, 4};
	E("args_get(argv)", w_args_get(BAD, P(buf)));
	E("args_get(buf)", w_args_get(P(buf), BAD));
	E("args_sizes_get(count)", w_args_sizes_get(BAD, P(&n)));
	E("args_sizes_get(size)", w_args_sizes_get(P(&n), BAD));
	E("environ_get(environ)", w_environ_get(BAD, P(buf)));
	E("environ_get(buf)", w_environ_get(P(buf), BAD));
	E("environ_sizes_get(count)", w_environ_sizes_get(BAD, P(&n)));
	E("environ_sizes_get(size)", w_environ_sizes_get(P(&n), BAD));
	E("clock_res_get(res)", w_clock_res_get(1, BAD));
	E("clock_time_get(time)", w_clock_time_get(1, 1, BAD));
	E("clock_time_get(time at the end)", w_clock_time_get(1, 1, edge));
	E("fd_fdstat_get(stat)", w_fd_fdstat_get(fd, BAD));
	E("fd_filestat_get(stat)", w_fd_filestat_get(fd, BAD));
	E("fd_filestat_get(stat at the end)", w_fd_filestat_get(fd, edge));
	E("fd_pread(iovs)", w_fd_pread(fd, BAD, 1, 0, P(&n)));
	E("fd_pread(iov buffer)", w_fd_pread(fd, P(&badiov), 1, 0, P(&n)));
	E("fd_pread(iov buffer at the end)", w_fd_pread(fd, P(&edgeiov), 1, 0, P(&n)));
	E("fd_pread(nread)", w_fd_pread(fd, P(&iov), 1, 0, BAD));
	E("fd_pwrite(iovs)", w_fd_pwrite(fd, BAD, 1, 0, P(&n)));
	E("fd_pwrite(iov buffer)", w_fd_pwrite(fd, P(&badiov), 1, 0, P(&n)));
	E("fd_pwrite(nwritten)", w_fd_pwrite(fd, P(&iov), 1, 0, BAD));
	E("fd_read(iovs)", w_fd_read(fd, BAD, 1, P(&n)));
	E("fd_read(iov buffer)", w_fd_read(fd, P(&badiov), 1, P(&n)));
	E("fd_read(nread)", w_fd_read(fd, P(&iov), 1, BAD));
	E("fd_write(iovs)", w_fd_write(fd, BAD, 1, P(&n)));
	E("fd_write(iov buffer)", w_fd_write(fd, P(&badiov), 1, P(&n)));
	E("fd_write(nwritten)", w_fd_write(fd, P(&iov), 0, BAD));
	E("fd_readdir(buf)", w_fd_readdir(root, BAD, 100, 0, P(&n)));
	E("fd_readdir(buf at the end)", w_fd_readdir(root, edge, 100, 0, P(&n)));
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	E("fd_readdir(bufused)", w_fd_readdir(dir, P(buf), sizeof buf, 0, BAD));
	close(dir);
	E("fd_seek(newoffset)", w_fd_seek(fd, 0, 0, BAD));
	E("fd_tell(offset)", w_fd_tell(fd, BAD));
	E("path_create_directory(path)", w_path_create_directory(root, BAD, 4));
	E("path_create_directory(path length)", w_path_create_directory(root, P("tmp/d"), 0x7FFFFFFF));
	E("path_filestat_get(path)", w_path_filestat_get(root, 1, BAD, 4, P(buf)));
	E("path_filestat_get(stat)", w_path_filestat_get(root, 1, P("tmp"), 3, BAD));
	E("path_filestat_set_times(path)", w_path_filestat_set_times(root, 1, BAD, 4, 0, 0, 10));
	E("path_link(old path)", w_path_link(root, 0, BAD, 4, root, P("tmp/l"), 5));
	E("path_link(new path)", w_path_link(root, 0, P("tmp/imports.txt"), 15, root, BAD, 5));
	int low = lowest_free_fd();
	E("path_open(path)", w_path_open(root, 1, BAD, 4, 0, ~0ULL, ~0ULL, 0, P(&n)));
	E("path_open(fd)", w_path_open(root, 1, P("tmp/imports.txt"), 15, 0, ~0ULL, ~0ULL, 0, BAD));
	E("path_open(fd at the end)", w_path_open(root, 1, P("tmp/imports.txt"), 15, 0, ~0ULL, ~0ULL, 0, edge));
	printf("path_open leaked no fd: %d\n", lowest_free_fd() == low);
	E("path_readlink(path)", w_path_readlink(root, BAD, 4, P(buf), sizeof buf, P(&n)));
	E("path_readlink(buf)", w_path_readlink(root, P("tmp/imports.lnk"), 15, BAD, 10, P(&n)));
	E("path_readlink(bufused)", w_path_readlink(root, P("tmp/imports.lnk"), 15, P(buf), sizeof buf, BAD));
	E("path_remove_directory(path)", w_path_remove_directory(root, BAD, 4));
	E("path_rename(old path)", w_path_rename(root, BAD, 4, root, P("tmp/x"), 5));
	E("path_rename(new path)", w_path_rename(root, P("tmp/imports.txt"), 15, root, BAD, 5));
	E("path_symlink(target)", w_path_symlink(BAD, 4, root, P("tmp/s"), 5));
	E("path_symlink(link path)", w_path_symlink(P("x"), 1, root, BAD, 5));
	E("path_unlink_file(path)", w_path_unlink_file(root, BAD, 4));
	/* a clock subscription of 1 ns */
	static unsigned char sub[48], ev[32];
	sub[8] = 0;
	sub[24] = 1;
	E("poll_oneoff(in)", w_poll_oneoff(BAD, P(ev), 1, P(&n)));
	E("poll_oneoff(out)", w_poll_oneoff(P(sub), BAD, 1, P(&n)));
	E("poll_oneoff(out at the end)", w_poll_oneoff(P(sub), edge, 1, P(&n)));
	E("poll_oneoff(nevents)", w_poll_oneoff(P(sub), P(ev), 1, BAD));
	E("random_get(buf)", w_random_get(BAD, 16));
	E("random_get(buf at the end)", w_random_get(edge, 16));
	struct stat st;
	printf("the file is intact: %d\n", stat("/tmp/imports.txt", &st) == 0 && st.st_size == 9);
	close(fd);
	unlink("/tmp/imports.txt");
	unlink("/tmp/imports.lnk");
}

static volatile sig_atomic_t caught;
static void on_signal(int sig) { caught = sig; }

static void direct(void) {
	int fd = open("/tmp/direct.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789", 10);
	u64 off = 99;
	E("fd_tell", w_fd_tell(fd, P(&off)));
	printf("fd_tell offset: %llu\n", (unsigned long long)off);
	E("fd_advise", w_fd_advise(fd, 0, 10, 1));
	E("fd_advise bad fd", w_fd_advise(999, 0, 10, 1));
	E("fd_allocate", w_fd_allocate(fd, 0, 100));
	struct stat st;
	fstat(fd, &st);
	printf("size after fd_allocate: %lld\n", (long long)st.st_size);
	E("fd_allocate bad fd", w_fd_allocate(999, 0, 1));
	E("fd_fdstat_set_flags append", w_fd_fdstat_set_flags(fd, 1));
	printf("F_GETFL O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	E("fd_fdstat_set_flags 0", w_fd_fdstat_set_flags(fd, 0));
	printf("F_GETFL O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	E("fd_fdstat_set_rights", w_fd_fdstat_set_rights(fd, 0, 0));
	E("fd_fdstat_set_rights bad fd", w_fd_fdstat_set_rights(999, 0, 0));
	int to = 30;
	E("fd_renumber", w_fd_renumber(fd, to));
	printf("old fd closed: %d\n", fcntl(fd, F_GETFD) == -1 && errno == EBADF);
	printf("new fd open: %d\n", fcntl(to, F_GETFD) >= 0);
	E("fd_renumber bad fd", w_fd_renumber(999, to));
	close(to);
	unlink("/tmp/direct.txt");
	E("sched_yield", w_sched_yield());
	E("sock_accept", w_sock_accept(0, 0, P(&n)));
	E("sock_recv", w_sock_recv(0, P(buf), 0, 0, P(&n), P(&n)));
	E("sock_send", w_sock_send(0, P(buf), 0, 0, P(&n)));
	E("sock_shutdown", w_sock_shutdown(0, 0));
	/* proc_raise takes WASI's signal numbers: 10 is SIGUSR1 in both,
	 * 16 is WASI's SIGCHLD (Linux's is 17; 16 is SIGSTKFLT). */
	signal(SIGUSR1, on_signal);
	signal(SIGCHLD, on_signal);
	E("proc_raise 10", w_proc_raise(10));
	printf("caught: %d\n", (int)caught);
	E("proc_raise 16", w_proc_raise(16));
	printf("caught: %d\n", (int)caught);
	E("proc_raise 99", w_proc_raise(99));
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	edge = __builtin_wasm_memory_size(0) * 65536 - 2;
	*(char *)(uintptr_t)edge = 'x';
	*(char *)(uintptr_t)(edge + 1) = 'x';
	root = open("/", O_RDONLY | O_DIRECTORY);
	if (argc > 1 && strcmp(argv[1], "efault") == 0) {
		efault_gocage();
		efault_wasi();
	} else if (argc > 1 && strcmp(argv[1], "direct") == 0) {
		direct();
	} else {
		fprintf(stderr, "usage: imports efault|direct\n");
		return 2;
	}
	printf("still running\n");
	return 0;
}
