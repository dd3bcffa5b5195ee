/* gocage: wasi-libc's fcntl.h, with the descriptor commands and the
   close-on-exec flag gocage provides (wasi-libc's O_CLOEXEC is 0). */
#ifndef _GOCAGE_FCNTL_H
#define _GOCAGE_FCNTL_H
#include_next <fcntl.h>
#undef O_CLOEXEC
#define O_CLOEXEC 0x20000000
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif
#ifndef FD_CLOEXEC
#define FD_CLOEXEC 1
#endif
#endif
