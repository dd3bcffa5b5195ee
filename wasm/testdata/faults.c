/* faults: bad pointers get EFAULT from the bridge; then a trap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
	__wasi_size_t n = 0;
	/* an iovec array outside linear memory */
	__wasi_errno_t e = __wasi_fd_write(1, (const __wasi_ciovec_t *)0xFFFFFFF0, 1, &n);
	printf("fd_write bad iovec: %d\n", e);
	/* an iovec whose buffer is outside memory */
	__wasi_ciovec_t iov = {(const uint8_t *)0xFFFFFF00, 1000};
	e = __wasi_fd_write(1, &iov, 1, &n);
	printf("fd_write bad buffer: %d\n", e);
	/* a result pointer outside memory */
	e = __wasi_fd_write(1, &iov, 0, (__wasi_size_t *)0xFFFFFFFC);
	printf("fd_write bad result: %d\n", e);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "abort") == 0)
		abort();
	return 0;
}
