/* gocage's wasm32 system-call layer. A system call is one import,
 * gocage.syscall, with Linux's x86-64 numbers and six 64-bit arguments
 * (ints sign-extended, pointers and sizes zero-extended; off_t whole, as
 * on x32); it returns the result or -errno, with Linux's errno numbers.
 * The structures it reads and writes are this libc's own (wasm32, ILP32,
 * 64-bit types 8-byte aligned, as musl's x32 defines them); gocage's
 * bridge decodes them. The memory calls (brk, mmap, munmap, mremap,
 * mprotect, madvise) never leave the module: the linear memory is the
 * program's own, and __gocage_mem serves them. fork and vfork are the
 * gocage.fork import, which Asyncify instruments: only programs that
 * fork import it. */

#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

#define __scc(X) ((long long)(X))
typedef long long syscall_arg_t;

__attribute__((__import_module__("gocage"), __import_name__("syscall")))
long long __gocage_syscall(int, long long, long long, long long, long long, long long, long long);

__attribute__((__import_module__("gocage"), __import_name__("fork")))
int __gocage_fork(void);

long __gocage_mem(long, long long, long long, long long, long long, long long, long long);

#define __GOCAGE_MEMCALL(n) ((n) == 12 || (n) == 9 || (n) == 11 || (n) == 25 || (n) == 10 || (n) == 28)

static __inline long __gocage_sc(long long n, long long a, long long b, long long c, long long d, long long e, long long f)
{
	if (__GOCAGE_MEMCALL(n)) return __gocage_mem(n, a, b, c, d, e, f);
	/* fork and vfork, where the number is known at compile time (musl's
	 * own calls): a call with a computed number (__syscall_cp's, under
	 * every read and write) must not reference the import, or every
	 * program would import fork and pay for Asyncify. syscall(2) checks
	 * its number itself. */
	if (__builtin_constant_p(n) && (n == 57 || n == 58)) return __gocage_fork();
	return (long)__gocage_syscall(n, a, b, c, d, e, f);
}

static __inline long __syscall0(long long n)
{
	return __gocage_sc(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long long n, long long a1)
{
	return __gocage_sc(n, a1, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long long n, long long a1, long long a2)
{
	return __gocage_sc(n, a1, a2, 0, 0, 0, 0);
}

static __inline long __syscall3(long long n, long long a1, long long a2, long long a3)
{
	return __gocage_sc(n, a1, a2, a3, 0, 0, 0);
}

static __inline long __syscall4(long long n, long long a1, long long a2, long long a3, long long a4)
{
	return __gocage_sc(n, a1, a2, a3, a4, 0, 0);
}

static __inline long __syscall5(long long n, long long a1, long long a2, long long a3, long long a4, long long a5)
{
	return __gocage_sc(n, a1, a2, a3, a4, a5, 0);
}

static __inline long __syscall6(long long n, long long a1, long long a2, long long a3, long long a4, long long a5, long long a6)
{
	return __gocage_sc(n, a1, a2, a3, a4, a5, a6);
}

#undef SYS_futimesat

#define SYS_clock_gettime64 SYS_clock_gettime
#define SYS_clock_settime64 SYS_clock_settime
#define SYS_clock_adjtime64 SYS_clock_adjtime
#define SYS_clock_nanosleep_time64 SYS_clock_nanosleep
#define SYS_timer_gettime64 SYS_timer_gettime
#define SYS_timer_settime64 SYS_timer_settime
#define SYS_timerfd_gettime64 SYS_timerfd_gettime
#define SYS_timerfd_settime64 SYS_timerfd_settime
#define SYS_utimensat_time64 SYS_utimensat
#define SYS_pselect6_time64 SYS_pselect6
#define SYS_ppoll_time64 SYS_ppoll
#define SYS_recvmmsg_time64 SYS_recvmmsg
#define SYS_mq_timedsend_time64 SYS_mq_timedsend
#define SYS_mq_timedreceive_time64 SYS_mq_timedreceive
#define SYS_semtimedop_time64 SYS_semtimedop
#define SYS_rt_sigtimedwait_time64 SYS_rt_sigtimedwait
#define SYS_futex_time64 SYS_futex
#define SYS_sched_rr_get_interval_time64 SYS_sched_rr_get_interval
#define SYS_getrusage_time64 SYS_getrusage
#define SYS_wait4_time64 SYS_wait4

#define IPC_64 0
