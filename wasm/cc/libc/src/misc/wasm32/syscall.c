/* syscall(2) for gocage's wasm32. Its arguments come as the caller passed
 * them: ints, pointers and longs of 32 bits each (WebAssembly lays
 * variadic arguments out by their size, so they cannot be read as the
 * system-call layer's 64-bit words). Each is zero-extended: the kernel
 * reads an int argument's low 32 bits, and pointers and sizes are
 * unsigned; a 64-bit argument is passed in two halves, as on 32-bit
 * Linux. */
#define _BSD_SOURCE
#include <unistd.h>
#include <stdarg.h>
#include "syscall.h"

#undef syscall

long syscall(long n, ...)
{
	va_list ap;
	unsigned long a, b, c, d, e, f;
	va_start(ap, n);
	a = va_arg(ap, unsigned long);
	b = va_arg(ap, unsigned long);
	c = va_arg(ap, unsigned long);
	d = va_arg(ap, unsigned long);
	e = va_arg(ap, unsigned long);
	f = va_arg(ap, unsigned long);
	va_end(ap);
	if (n == SYS_fork || n == SYS_vfork)
		return __syscall_ret(__gocage_fork());
	return __syscall_ret(__syscall(n, a, b, c, d, e, f));
}
