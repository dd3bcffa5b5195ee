/* gocage_prelude.h: included first in every file `gocage cc` compiles.
   It turns on the parts of wasi-libc that gocage's runtime provides and
   gives sigset_t room for all 64 signals (wasi-libc's is one byte). */
#ifndef _GOCAGE_PRELUDE_H
#define _GOCAGE_PRELUDE_H
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#endif
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID
#endif
#ifndef _WASI_EMULATED_PROCESS_CLOCKS
#define _WASI_EMULATED_PROCESS_CLOCKS
#endif
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef unsigned long long sigset_t;
#endif
#define __GOCAGE__ 1
#endif
