/* gocage: wasi-libc's sys/resource.h, with Linux's resource numbers. */
#ifndef _GOCAGE_SYS_RESOURCE_H
#define _GOCAGE_SYS_RESOURCE_H
#include_next <sys/resource.h>
#ifdef __cplusplus
extern "C" {
#endif
/* What wasi-libc hides. */
typedef unsigned long long rlim_t;
struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};
int getrlimit(int, struct rlimit *);
int setrlimit(int, const struct rlimit *);
#ifdef __cplusplus
}
#endif
#ifndef RLIMIT_NOFILE
#define RLIMIT_CPU     0
#define RLIMIT_FSIZE   1
#define RLIMIT_DATA    2
#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_NPROC   6
#define RLIMIT_NOFILE  7
#define RLIMIT_AS      9
#endif
#ifndef RLIM_INFINITY
#define RLIM_INFINITY (~0ULL)
#endif
#endif
