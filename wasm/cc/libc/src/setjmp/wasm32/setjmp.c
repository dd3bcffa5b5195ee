/* setjmp and longjmp for gocage's wasm32. WebAssembly cannot save its
 * own call stack, so the host does it with Asyncify, as fork does: setjmp
 * unwinds the stack into the Asyncify buffer, the host keeps a copy under
 * the jmp_buf's address (with the C stack pointer) and rewinds; longjmp
 * asks the host to abandon the current stack and rewind the saved one
 * instead, setjmp then returning val. */
#include <setjmp.h>

__attribute__((__import_module__("gocage"), __import_name__("setjmp")))
int __gocage_setjmp(void *);
__attribute__((__import_module__("gocage"), __import_name__("longjmp")))
void __gocage_longjmp(void *, int);

int setjmp(jmp_buf env)
{
	return __gocage_setjmp(env);
}

int _setjmp(jmp_buf env)
{
	return __gocage_setjmp(env);
}

_Noreturn void longjmp(jmp_buf env, int val)
{
	__gocage_longjmp(env, val ? val : 1);
	__builtin_unreachable();
}

_Noreturn void _longjmp(jmp_buf env, int val)
{
	__gocage_longjmp(env, val ? val : 1);
	__builtin_unreachable();
}
