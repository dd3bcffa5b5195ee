/* linkall: every C library function issue 11 names links, and the
 * limits it names are Linux's. Each function's address is taken (a
 * missing one fails the link); the output is what both builds agree on. */
#define _GNU_SOURCE
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define F(f) {#f, (void (*)(void))f}
static const struct {
	const char *name;
	void (*fn)(void);
} fns[] = {
	/* item 3 */
	F(chmod), F(fchmod), F(fchmodat), F(mkstemp), F(mkdtemp), F(tmpfile),
	F(realpath), F(popen), F(pclose), F(system), F(getuid), F(geteuid),
	F(getgid), F(getegid), F(getgroups), F(setuid), F(setgid), F(getpwnam),
	F(getpwuid), F(getgrnam), F(getgrgid), F(getlogin), F(gethostname),
	F(getpagesize), F(longjmp), F(siglongjmp), F(mmap), F(munmap),
	F(tcgetattr), F(tcsetattr), F(tcgetpgrp), F(tcsetpgrp), F(ttyname),
	F(wait3), F(wait4), F(waitid), F(getrusage), F(times), F(err), F(warn),
	F(strsignal), F(psignal), F(sigwait), F(mkfifoat), F(chown), F(fchown),
	F(lchown), F(fchownat), F(fchdir), F(nice), F(sync),
	/* item 5 */
	F(clock), F(isatty),
	/* item 6 */
	F(statfs), F(fstatfs), F(renameat2), F(flock), F(ppoll), F(getrandom),
	F(copy_file_range), F(tzset), F(setitimer), F(sigaltstack), F(brk),
	F(sbrk), F(ftok),
};

int main(void) {
	int n = 0;
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (fns[i].fn)
			n++;
	printf("%d functions linked\n", n);
	/* setjmp and sigsetjmp may be macros: called, not taken. */
	jmp_buf jb;
	sigjmp_buf sjb;
	volatile int hops = 0;
	if (setjmp(jb) == 0)
		longjmp(jb, 1);
	hops++;
	if (sigsetjmp(sjb, 1) == 0)
		siglongjmp(sjb, 2);
	hops++;
	printf("setjmp/sigsetjmp: %d\n", hops);
	printf("PIPE_BUF %d PATH_MAX %d NAME_MAX %d\n", PIPE_BUF, PATH_MAX, NAME_MAX);
	printf("sysconf: OPEN_MAX>0 %d PAGESIZE %ld ARG_MAX>0 %d CLK_TCK %ld\n",
	       sysconf(_SC_OPEN_MAX) > 0, sysconf(_SC_PAGESIZE), sysconf(_SC_ARG_MAX) > 0, sysconf(_SC_CLK_TCK));
	printf("getpagesize %d\n", getpagesize());
	printf("%%Lf: %Lf\n", (long double)1.5);
	clock_t c = clock();
	struct tms t;
	printf("clock>=0 %d times!=-1 %d\n", c >= 0, times(&t) != (clock_t)-1);
	close(open("a", O_CREAT | O_WRONLY, 0600));
	close(open("b", O_CREAT | O_WRONLY, 0600));
	int r = renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE);
	printf("renameat2 NOREPLACE: %d %s\n", r, r ? strerror(errno) : "");
	r = renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE);
	printf("renameat2 NOREPLACE to a new name: %d, c exists %d\n", r, access("c", F_OK) == 0);
	return 0;
}
