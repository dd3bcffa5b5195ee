/* errno values are Linux's, and strerror's messages are musl's (the
 * native build prints glibc's: only the numbers are compared). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRY(expr) do { errno = 0; long r_ = (long)(expr); printf("%-40s = %ld errno %d\n", #expr, r_, errno); } while (0)

int main(void)
{
	printf("ENOENT %d EISDIR %d EBADF %d EEXIST %d ENOTDIR %d EINVAL %d ERANGE %d EAGAIN %d EPIPE %d ENOSYS %d ENAMETOOLONG %d ELOOP %d\n",
		ENOENT, EISDIR, EBADF, EEXIST, ENOTDIR, EINVAL, ERANGE, EAGAIN, EPIPE, ENOSYS, ENAMETOOLONG, ELOOP);
	TRY(open("nope", O_RDONLY));
	TRY(open(".", O_WRONLY));
	TRY(close(99));
	TRY(mkdir(".", 0755));
	TRY(open("errno.c/x", O_RDONLY));
	TRY(lseek(0, -1, 99));
	errno = 0;
	long long v = strtoll("99999999999999999999999", 0, 10);
	printf("strtoll overflow: %lld errno %d\n", v, errno);
	TRY(symlink("loop", "loop"));
	TRY(open("loop", O_RDONLY));
	unlink("loop");
	return 0;
}
