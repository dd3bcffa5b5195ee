/* lseek for gocage's wasm32: an offset is 64 bits, and musl's system-call
 * layer returns a 32-bit long, so lseek takes the import's whole 64-bit
 * answer (as x32's lseek takes rax). */
#include <unistd.h>
#include <errno.h>
#include "syscall.h"

off_t __lseek(int fd, off_t offset, int whence)
{
	long long r = __gocage_syscall(SYS_lseek, fd, offset, whence, 0, 0, 0);
	if (r < 0 && r > -4096) {
		errno = -r;
		return -1;
	}
	return r;
}

weak_alias(__lseek, lseek);
weak_alias(__lseek, lseek64);
