/* The C library over the kernel: temporary files, realpath, user
 * database, hostname, long double printf, mmap. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char t[] = "tmpXXXXXX";
	int fd = mkstemp(t);
	struct stat st;
	fstat(fd, &st);
	printf("mkstemp: fd %d mode %o name changed %d\n", fd, st.st_mode & 0777, strcmp(t, "tmpXXXXXX") != 0);
	unlink(t);
	char d[] = "dirXXXXXX";
	printf("mkdtemp: %d\n", mkdtemp(d) != 0);
	stat(d, &st);
	printf("mkdtemp mode %o\n", st.st_mode & 0777);
	FILE *f = tmpfile();
	fputs("tmpfile data", f);
	rewind(f);
	char buf[100] = {0};
	fgets(buf, sizeof buf, f);
	printf("tmpfile: %s\n", buf);
	mkdir("x", 0755);
	mkdir("x/y", 0755);
	symlink("x/y", "link");
	char rp[PATH_MAX], cwd[PATH_MAX];
	getcwd(cwd, sizeof cwd);
	realpath("link/../y/.", rp);
	printf("realpath relative to cwd: %s\n", strncmp(rp, cwd, strlen(cwd)) == 0 ? rp + strlen(cwd) : rp);
	errno = 0;
	char *none = realpath("missing/x", rp);
	printf("realpath of a missing file: %s errno %d\n", none ? "found" : "NULL", errno);
	struct passwd *pw = getpwuid(getuid());
	printf("getpwuid(getuid()): %d\n", pw != 0 && pw->pw_uid == getuid());
	pw = getpwnam("root");
	printf("getpwnam(root): uid %d dir %s\n", pw ? (int)pw->pw_uid : -1, pw ? pw->pw_dir : "-");
	struct group *gr = getgrgid(0);
	printf("getgrgid(0): %s\n", gr ? gr->gr_name : "-");
	char host[256];
	printf("gethostname: %d\n", gethostname(host, sizeof host));
	printf("long double: %Lf %.3Lg\n", 1.5L, 2.0L / 3);
	char *m = mmap(0, 100000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap anonymous: zeroed %d\n", m != MAP_FAILED && m[0] == 0 && m[99999] == 0);
	memset(m, 1, 100000);
	printf("munmap: %d\n", munmap(m, 100000));
	fd = open("mapped", O_CREAT | O_RDWR, 0644);
	write(fd, "mapped file contents", 20);
	char *fm = mmap(0, 20, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("mmap file: %.20s\n", fm);
	printf("strsignal: %s %s %s\n", strsignal(15), strsignal(SIGCHLD), strsignal(SIGFPE));
	printf("null pointer: %p, padded: [%10p], strerror(ENOTTY): %s, strerror(999): %s\n", (void *)0, (void *)0, strerror(ENOTTY), strerror(999));
	return 0;
}
