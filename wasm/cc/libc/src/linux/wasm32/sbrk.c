/* sbrk for gocage's wasm32, on the break that __gocage_mem keeps
 * (musl refuses to move the break, as a threaded process cannot do it
 * safely; a cage has one thread, and programs such as Linux's expect it
 * to move). brk is in brk.c, replacing musl's. */
#define _BSD_SOURCE
#include <unistd.h>
#include <stdint.h>
#include <errno.h>
#include "syscall.h"

uintptr_t __gocage_sbrk(intptr_t);

void *sbrk(intptr_t inc)
{
	uintptr_t r = __gocage_sbrk(inc);
	if (r == (uintptr_t)-1) errno = ENOMEM;
	return (void *)r;
}
