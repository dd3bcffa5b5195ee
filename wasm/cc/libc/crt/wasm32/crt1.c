/* gocage's start of a wasm32 program: the arguments and environment come
 * from the cage (through WASI's args and environ calls), laid out as
 * Linux lays them out for _start (argv, NULL, envp, NULL, auxv), and
 * musl's __libc_start_main takes it from there. The exports the bridge
 * needs live here, as every program links this file: the signal
 * trampoline and the Asyncify buffer that fork and setjmp save the stack
 * in. */
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <elf.h>

#define WASI(name) __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__(#name)))
WASI(args_sizes_get) int __wasi_args_sizes_get(size_t *, size_t *);
WASI(args_get) int __wasi_args_get(char **, char *);
WASI(environ_sizes_get) int __wasi_environ_sizes_get(size_t *, size_t *);
WASI(environ_get) int __wasi_environ_get(char **, char *);
WASI(random_get) int __wasi_random_get(void *, size_t);

uintptr_t __gocage_sbrk(intptr_t);
int __libc_start_main(int (*)(int, char **, char **), int, char **,
	void (*)(void), void (*)(void), void (*)(void));
void __wasm_call_ctors(void);
int __main_void(void);
_Noreturn void _Exit(int);

int __gocage_argc;
char **__gocage_argv;

/* _init runs the program's constructors: musl's __libc_start_init calls
 * it once the C library is ready. */
void _init(void)
{
	__wasm_call_ctors();
}

static int start_main(int argc, char **argv, char **envp)
{
	return __main_void();
}

/* The Asyncify data: where fork and setjmp unwind the stack to (some 20
 * bytes a frame, so a few thousand frames fit). Asyncify checks the end
 * only once the unwind is over, having written what did not fit beyond
 * it: the guard takes a modest overrun; a larger one runs over the data
 * that follows, and either way the host then ends the program with a
 * message, before anything reads that data. The position and the end
 * come first (Asyncify's layout), where no overrun can reach them. */
#define UNWIND_SIZE (64 * 1024)
#define UNWIND_GUARD (16 * 1024)
static struct {
	uint32_t cur, end;
	unsigned char data[UNWIND_SIZE + UNWIND_GUARD];
} __attribute__((aligned(16))) async_buf;

/* gocage_async_buf resets the buffer and returns it, before an unwind or
 * a rewind; gocage_async_buf_addr only returns it. */
__attribute__((export_name("gocage_async_buf"))) void *__gocage_async_buf(void)
{
	async_buf.cur = (uint32_t)(uintptr_t)async_buf.data;
	async_buf.end = (uint32_t)(uintptr_t)(async_buf.data + UNWIND_SIZE);
	return &async_buf;
}

__attribute__((export_name("gocage_async_buf_addr"))) void *__gocage_async_buf_addr(void)
{
	return &async_buf;
}

/* gocage_signal runs a signal handler: the bridge calls it when the
 * kernel delivers sig to a handler at table index h. */
__attribute__((export_name("gocage_signal"))) void __gocage_signal(int h, int sig, int siginfo, int code, int pid, int uid, int status)
{
	if (siginfo) {
		siginfo_t si = {0};
		ucontext_t uc = {0};
		si.si_signo = sig;
		si.si_code = code;
		si.si_pid = pid;
		si.si_uid = uid;
		si.si_status = status;
		((void (*)(int, siginfo_t *, void *))(uintptr_t)h)(sig, &si, &uc);
	} else {
		((void (*)(int))(uintptr_t)h)(sig);
	}
}

void _start(void)
{
	size_t argc, argsz, envc, envsz;
	if (__wasi_args_sizes_get(&argc, &argsz) || __wasi_environ_sizes_get(&envc, &envsz))
		_Exit(71);
	/* argv, NULL, envp, NULL, 4 auxv pairs, 16 random bytes, the strings */
	size_t words = argc + 1 + envc + 1 + 8;
	size_t size = words * sizeof(char *) + 16 + argsz + envsz;
	/* From the break, so that what the program maps later sits above
	 * it and sbrk stays contiguous until then. */
	uintptr_t mem = __gocage_sbrk((size + 15) & -16);
	if (mem == (uintptr_t)-1)
		_Exit(71);
	char **argv = (char **)mem;
	char **envp = argv + argc + 1;
	size_t *auxv = (size_t *)(envp + envc + 1);
	unsigned char *random = (unsigned char *)(auxv + 8);
	char *argbuf = (char *)(random + 16);
	char *envbuf = argbuf + argsz;
	if (__wasi_args_get(argv, argbuf) || __wasi_environ_get(envp, envbuf))
		_Exit(71);
	argv[argc] = 0;
	envp[envc] = 0;
	__wasi_random_get(random, 16);
	auxv[0] = AT_PAGESZ; auxv[1] = 4096;
	auxv[2] = AT_RANDOM; auxv[3] = (size_t)random;
	auxv[4] = AT_NULL; auxv[5] = 0;
	__gocage_argc = argc;
	__gocage_argv = argv;
	__libc_start_main(start_main, argc, argv, 0, 0, 0);
}
