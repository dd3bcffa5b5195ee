/* gocage: wasi-libc's sys/stat.h, with mkfifo, mknod and umask. */
#ifndef _GOCAGE_SYS_STAT_H
#define _GOCAGE_SYS_STAT_H
#include_next <sys/stat.h>
#ifdef __cplusplus
extern "C" {
#endif
int mkfifo(const char *, mode_t);
int mknod(const char *, mode_t, dev_t);
mode_t umask(mode_t);
#ifdef __cplusplus
}
#endif
#endif
