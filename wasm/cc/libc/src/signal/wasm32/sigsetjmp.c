/* sigsetjmp for gocage's wasm32, on its setjmp (see setjmp.c). */
#include <setjmp.h>
#include <signal.h>
#include "syscall.h"

int sigsetjmp(sigjmp_buf buf, int save)
{
	buf->__fl = save != 0;
	if (save) __syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, buf->__ss, _NSIG/8);
	int r = setjmp(buf);
	if (r && buf->__fl) __syscall(SYS_rt_sigprocmask, SIG_SETMASK, buf->__ss, 0, _NSIG/8);
	return r;
}
