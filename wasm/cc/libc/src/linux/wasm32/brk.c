/* brk for gocage's wasm32, on the break that __gocage_mem keeps (see
 * sbrk.c): in its own file, as musl's brk.c is, so that it replaces
 * musl's (which refuses with ENOMEM) instead of clashing with it at
 * link time. */
#define _BSD_SOURCE
#include <unistd.h>
#include <stdint.h>
#include <errno.h>
#include "syscall.h"

int brk(void *end)
{
	if ((uintptr_t)__syscall(SYS_brk, end) != (uintptr_t)end) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
