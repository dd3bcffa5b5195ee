/* stdout for gocage's wasm32: musl's, with glibc's buffer size. glibc
 * buffers stdout by st_blksize, 4096 bytes for a pipe or a file, musl by
 * BUFSIZ (1024); how much output a program that forks, or dies of a
 * signal, has written before either is visible, so gocage takes glibc's. */
#include "stdio_impl.h"

#undef stdout

static unsigned char buf[4096+UNGET];
hidden FILE __stdout_FILE = {
	.buf = buf+UNGET,
	.buf_size = sizeof buf-UNGET,
	.fd = 1,
	.flags = F_PERM | F_NORD,
	.lbf = '\n',
	.write = __stdout_write,
	.seek = __stdio_seek,
	.close = __stdio_close,
	.lock = -1,
};
FILE *const stdout = &__stdout_FILE;
FILE *volatile __stdout_used = &__stdout_FILE;
