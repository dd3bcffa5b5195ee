/* gocage: wasi-libc's unistd.h, plus the process calls gocage provides. */
#ifndef _GOCAGE_UNISTD_H
#define _GOCAGE_UNISTD_H
#include_next <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif
int pipe(int [2]);
int pipe2(int [2], int);
int dup(int);
int dup2(int, int);
int dup3(int, int, int);
pid_t fork(void);
pid_t vfork(void);
int execve(const char *, char *const [], char *const []);
int execv(const char *, char *const []);
int execvp(const char *, char *const []);
int execvpe(const char *, char *const [], char *const []);
int execl(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
int execle(const char *, const char *, ...);
pid_t getppid(void);
pid_t getpgid(pid_t);
int setpgid(pid_t, pid_t);
pid_t getpgrp(void);
pid_t getsid(pid_t);
pid_t setsid(void);
unsigned alarm(unsigned);
int pause(void);
#ifdef __cplusplus
}
#endif
#endif
