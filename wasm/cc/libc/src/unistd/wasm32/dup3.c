/* dup3 as Linux's: the flags go to the kernel, which refuses any but
 * O_CLOEXEC with EINVAL (musl keeps only O_CLOEXEC and falls back to
 * dup2, accepting flags Linux refuses). */
#define _GNU_SOURCE
#include <unistd.h>
#include <errno.h>
#include "syscall.h"

int __dup3(int old, int new, int flags)
{
	int r;
	while ((r = __syscall(SYS_dup3, old, new, flags)) == -EBUSY);
	return __syscall_ret(r);
}

weak_alias(__dup3, dup3);
