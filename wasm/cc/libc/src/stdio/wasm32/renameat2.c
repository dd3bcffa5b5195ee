/* renameat2, which glibc has and musl 1.2.3 lacks (its declaration is
 * added to stdio.h by build.sh). */
#define _GNU_SOURCE
#include <stdio.h>
#include "syscall.h"

int renameat2(int oldfd, const char *old, int newfd, const char *new, unsigned flags)
{
	return syscall(SYS_renameat2, oldfd, old, newfd, new, flags);
}
