/* Calls glibc has and musl 1.2.3 lacked, or answered otherwise:
 * renameat2 with its flags, sync_file_range, sysconf(_SC_MINSIGSTKSZ),
 * setlocale refusing a locale that does not exist. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SHOW(call) do { errno = 0; long r_ = (long)(call); printf("%s = %ld %s\n", #call, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

int main(void)
{
	int fd = open("a", O_CREAT | O_RDWR, 0644);
	write(fd, "a", 1);
	close(fd);
	close(open("b", O_CREAT | O_RDWR, 0644));
	SHOW(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE));
	SHOW(renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE));
	SHOW(renameat2(AT_FDCWD, "c", AT_FDCWD, "b", 0));
	SHOW(access("b", F_OK));
	SHOW(renameat2(AT_FDCWD, "b", AT_FDCWD, "nope", RENAME_EXCHANGE));
	SHOW(renameat2(AT_FDCWD, "b", AT_FDCWD, "d", 8));

	fd = open("b", O_RDWR);
	SHOW(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	SHOW(sync_file_range(fd, 0, 100, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER));
	SHOW(sync_file_range(fd, 0, 0, 8));
	SHOW(sync_file_range(fd, -1, 0, 0));
	SHOW(sync_file_range(fd, 0, -1, 0));
	SHOW(sync_file_range(fd, 0x7fffffffffffffffLL, 1, 0));
	SHOW(sync_file_range(99, 0, 0, 8));
	close(fd);
	int p[2];
	pipe(p);
	SHOW(sync_file_range(p[0], 0, 0, 0));
	SHOW(sync_file_range(p[0], -1, 0, 0));
	fd = open("/dev/null", O_RDONLY);
	SHOW(sync_file_range(fd, 0, 0, 0));
	fd = open(".", O_RDONLY);
	SHOW(sync_file_range(fd, 0, 0, 0));
	fd = open("b", O_PATH);
	SHOW(sync_file_range(fd, 0, 0, 0));

	SHOW(sysconf(_SC_MINSIGSTKSZ) >= 2048);
	SHOW(sysconf(_SC_SIGSTKSZ) >= 8192);

	printf("%s\n", setlocale(LC_ALL, "C"));
	printf("%s\n", setlocale(LC_ALL, "POSIX"));
	printf("%s\n", setlocale(LC_ALL, "C.UTF-8"));
	printf("%s\n", setlocale(LC_ALL, "C"));
	const char *l = setlocale(LC_ALL, "xx_XX.FAKE-42");
	printf("%s\n", l ? l : "refused");
	l = setlocale(LC_CTYPE, "xx_XX");
	printf("%s\n", l ? l : "refused");
	printf("%s\n", setlocale(LC_ALL, NULL));
	return 0;
}
