/* __clone for gocage's wasm32. A cage has one thread, so a new thread
 * (CLONE_THREAD: pthread_create) fails with EAGAIN. A vfork-style clone
 * (posix_spawn, and through it popen and system) becomes a fork whose
 * child runs func: the child has a copy of the memory instead of the
 * parent's, which a vfork child may not observe the difference of, as
 * it only runs func until it execs or exits; and the parent does not
 * wait for that exec, which posix_spawn does itself through its pipe. */
#define _GNU_SOURCE
#include <sched.h>
#include <errno.h>
#include <unistd.h>
#include "syscall.h"

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	if (flags & CLONE_THREAD) return -EAGAIN;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) return -EINVAL;
	int pid = __gocage_fork();
	if (pid == 0) _exit(func(arg));
	return pid;
}
