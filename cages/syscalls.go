package cages

import (
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// syscallTable is the system-call table: every call the kernel serves,
// with its arguments' kinds and how completely it is implemented. The
// default 3i table, the tracer, the encasement layer and `gocage syscalls`
// all read it; a call not listed fails with ENOSYS.
var syscallTable = []threei.Syscall{
	{Num: posix.SYS_READ, Name: "read", Args: sig("fd:fd buf:outbuf count:size"), Handler: sysRead, Support: threei.Full},
	{Num: posix.SYS_WRITE, Name: "write", Args: sig("fd:fd buf:inbuf count:size"), Handler: sysWrite, Support: threei.Full},
	{Num: posix.SYS_READV, Name: "readv", Args: sig("fd:fd iov:struct-out iovcnt:size"), Handler: sysReadv, Support: threei.Full},
	{Num: posix.SYS_WRITEV, Name: "writev", Args: sig("fd:fd iov:struct-in iovcnt:size"), Handler: sysWritev, Support: threei.Full},
	{Num: posix.SYS_CLOSE, Name: "close", Args: sig("fd:fd"), Handler: sysClose, Support: threei.Full},
	{Num: posix.SYS_CLOSE_RANGE, Name: "close_range", Args: sig("first:fd last:fd flags:flags"), Handler: sysCloseRange, Support: threei.Full},
	{Num: posix.SYS_PIPE, Name: "pipe", Args: sig("pipefd:struct-out"), Handler: sysPipe, Support: threei.Full},
	{Num: posix.SYS_PIPE2, Name: "pipe2", Args: sig("pipefd:struct-out flags:flags"), Handler: sysPipe2, Support: threei.Full},
	{Num: posix.SYS_DUP, Name: "dup", Args: sig("oldfd:fd"), Handler: sysDup, Support: threei.Full},
	{Num: posix.SYS_DUP2, Name: "dup2", Args: sig("oldfd:fd newfd:fd"), Handler: sysDup2, Support: threei.Full},
	{Num: posix.SYS_DUP3, Name: "dup3", Args: sig("oldfd:fd newfd:fd flags:flags"), Handler: sysDup3, Support: threei.Full},
	{Num: posix.SYS_FCNTL, Name: "fcntl", Args: sig("fd:fd cmd:int arg:int"), Handler: sysFcntl, Support: threei.Partial,
		Note: "F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETPIPE_SZ, F_SETPIPE_SZ; record locks F_GETLK, F_SETLK, F_SETLKW " +
			"and F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW (kept by inode among the kernel's cages, a host file's among cages only); no leases, owners or seals"},
	{Num: posix.SYS_IOCTL, Name: "ioctl", Args: sig("fd:fd request:int argp:struct-inout"), Handler: sysIoctl, Support: threei.Partial,
		Note: "FIONREAD, FIONBIO, FIOCLEX, FIONCLEX; on a terminal TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCSCTTY " +
			"(a host terminal's termios and window size on Linux; otherwise recorded, with no line discipline: TCSETSF flushes nothing); others ENOTTY"},
	{Num: posix.SYS_POLL, Name: "poll", Args: sig("fds:struct-inout nfds:size timeout:int"), Handler: sysPoll, Support: threei.Full},

	{Num: posix.SYS_GETPID, Name: "getpid", Handler: sysGetpid, Support: threei.Full},
	{Num: posix.SYS_GETPPID, Name: "getppid", Handler: sysGetppid, Support: threei.Full},
	{Num: posix.SYS_GETPGID, Name: "getpgid", Args: sig("pid:pid"), Handler: sysGetpgid, Support: threei.Full},
	{Num: posix.SYS_GETPGRP, Name: "getpgrp", Handler: sysGetpgrp, Support: threei.Full},
	{Num: posix.SYS_SETPGID, Name: "setpgid", Args: sig("pid:pid pgid:pid"), Handler: sysSetpgid, Support: threei.Full},
	{Num: posix.SYS_GETSID, Name: "getsid", Args: sig("pid:pid"), Handler: sysGetsid, Support: threei.Full},
	{Num: posix.SYS_SETSID, Name: "setsid", Handler: sysSetsid, Support: threei.Full},
	{Num: posix.SYS_FORK, Name: "fork", Args: sig("child:func"), Handler: sysFork, Support: threei.Full,
		Note: "a Go program forks with a continuation; a WASM program with a copy of its memory"},
	{Num: posix.SYS_EXECVE, Name: "execve", Args: sig("pathname:path argv:struct-in envp:struct-in"), Handler: sysExecve, Support: threei.Full},
	{Num: posix.SYS_EXIT, Name: "exit", Args: sig("status:int"), Handler: sysExit, Support: threei.Full},
	{Num: posix.SYS_EXIT_GROUP, Name: "exit_group", Args: sig("status:int"), Handler: sysExit, Support: threei.Full},
	{Num: posix.SYS_WAIT4, Name: "wait4", Args: sig("pid:pid wstatus:struct-out options:flags rusage:struct-out"), Handler: sysWait4, Support: threei.Partial,
		Note: "no rusage; no stopped or continued children (job control is not modelled)"},
	{Num: posix.SYS_KILL, Name: "kill", Args: sig("pid:pid sig:signal"), Handler: sysKill, Support: threei.Partial,
		Note: "SIGSTOP is refused with EINVAL and other stop signals with the default action are discarded: job control is not modelled"},

	{Num: posix.SYS_RT_SIGACTION, Name: "rt_sigaction", Args: sig("signum:signal act:struct-in oldact:struct-out sigsetsize:size"), Handler: sysRtSigaction, Support: threei.Full},
	{Num: posix.SYS_RT_SIGPROCMASK, Name: "rt_sigprocmask", Args: sig("how:int set:struct-in oldset:struct-out sigsetsize:size"), Handler: sysRtSigprocmask, Support: threei.Full},
	{Num: posix.SYS_RT_SIGPENDING, Name: "rt_sigpending", Args: sig("set:struct-out sigsetsize:size"), Handler: sysRtSigpending, Support: threei.Full},
	{Num: posix.SYS_RT_SIGSUSPEND, Name: "rt_sigsuspend", Args: sig("mask:struct-in sigsetsize:size"), Handler: sysRtSigsuspend, Support: threei.Full},
	{Num: posix.SYS_ALARM, Name: "alarm", Args: sig("seconds:int"), Handler: sysAlarm, Support: threei.Full},
	{Num: posix.SYS_NANOSLEEP, Name: "nanosleep", Args: sig("req:struct-in rem:struct-out"), Handler: sysNanosleep, Support: threei.Full},
	{Num: posix.SYS_CLOCK_GETTIME, Name: "clock_gettime", Args: sig("clockid:int tp:struct-out"), Handler: sysClockGettime, Support: threei.Partial,
		Note: "CPU-time clocks report elapsed time since the kernel started"},

	{Num: posix.SYS_GETUID, Name: "getuid", Handler: sysGetuid, Support: threei.Full},
	{Num: posix.SYS_GETEUID, Name: "geteuid", Handler: sysGetuid, Support: threei.Full},
	{Num: posix.SYS_GETGID, Name: "getgid", Handler: sysGetgid, Support: threei.Full},
	{Num: posix.SYS_GETEGID, Name: "getegid", Handler: sysGetgid, Support: threei.Full},
	{Num: posix.SYS_UNAME, Name: "uname", Args: sig("buf:struct-out"), Handler: sysUname, Support: threei.Full},
	{Num: posix.SYS_UMASK, Name: "umask", Args: sig("mask:mode"), Handler: sysUmask, Support: threei.Full},
	{Num: posix.SYS_GETRLIMIT, Name: "getrlimit", Args: sig("resource:int rlim:struct-out"), Handler: sysGetrlimit, Support: threei.Partial,
		Note: "only RLIMIT_NOFILE is enforced"},
	{Num: posix.SYS_SETRLIMIT, Name: "setrlimit", Args: sig("resource:int rlim:struct-in"), Handler: sysSetrlimit, Support: threei.Partial,
		Note: "only RLIMIT_NOFILE is enforced"},
	{Num: posix.SYS_PRLIMIT64, Name: "prlimit64", Args: sig("pid:pid resource:int new_limit:struct-in old_limit:struct-out"), Handler: sysPrlimit64, Support: threei.Partial,
		Note: "only RLIMIT_NOFILE is enforced"},

	{Num: posix.SYS_OPEN, Name: "open", Args: sig("pathname:path flags:flags mode:mode"), Handler: sysOpen, Support: threei.Full},
	{Num: posix.SYS_OPENAT, Name: "openat", Args: sig("dirfd:fd pathname:path flags:flags mode:mode"), Handler: sysOpenat, Support: threei.Full},
	{Num: posix.SYS_CREAT, Name: "creat", Args: sig("pathname:path mode:mode"), Handler: sysCreat, Support: threei.Full},
	{Num: posix.SYS_LSEEK, Name: "lseek", Args: sig("fd:fd offset:offset whence:int"), Handler: sysLseek, Support: threei.Full},
	{Num: posix.SYS_PREAD64, Name: "pread64", Args: sig("fd:fd buf:outbuf count:size offset:offset"), Handler: sysPread64, Support: threei.Full},
	{Num: posix.SYS_PWRITE64, Name: "pwrite64", Args: sig("fd:fd buf:inbuf count:size offset:offset"), Handler: sysPwrite64, Support: threei.Full},
	{Num: posix.SYS_FTRUNCATE, Name: "ftruncate", Args: sig("fd:fd length:offset"), Handler: sysFtruncate, Support: threei.Full},
	{Num: posix.SYS_TRUNCATE, Name: "truncate", Args: sig("path:path length:offset"), Handler: sysTruncate, Support: threei.Full},
	{Num: posix.SYS_FSTAT, Name: "fstat", Args: sig("fd:fd statbuf:struct-out"), Handler: sysFstat, Support: threei.Full},
	{Num: posix.SYS_STAT, Name: "stat", Args: sig("pathname:path statbuf:struct-out"), Handler: sysStat, Support: threei.Full},
	{Num: posix.SYS_LSTAT, Name: "lstat", Args: sig("pathname:path statbuf:struct-out"), Handler: sysLstat, Support: threei.Full},
	{Num: posix.SYS_NEWFSTATAT, Name: "newfstatat", Args: sig("dirfd:fd pathname:path statbuf:struct-out flags:flags"), Handler: sysNewfstatat, Support: threei.Full},
	{Num: posix.SYS_MKDIR, Name: "mkdir", Args: sig("pathname:path mode:mode"), Handler: sysMkdir, Support: threei.Full},
	{Num: posix.SYS_MKDIRAT, Name: "mkdirat", Args: sig("dirfd:fd pathname:path mode:mode"), Handler: sysMkdirat, Support: threei.Full},
	{Num: posix.SYS_RMDIR, Name: "rmdir", Args: sig("pathname:path"), Handler: sysRmdir, Support: threei.Full},
	{Num: posix.SYS_UNLINK, Name: "unlink", Args: sig("pathname:path"), Handler: sysUnlink, Support: threei.Full},
	{Num: posix.SYS_UNLINKAT, Name: "unlinkat", Args: sig("dirfd:fd pathname:path flags:flags"), Handler: sysUnlinkat, Support: threei.Full},
	{Num: posix.SYS_RENAME, Name: "rename", Args: sig("oldpath:path newpath:path"), Handler: sysRename, Support: threei.Full},
	{Num: posix.SYS_RENAMEAT, Name: "renameat", Args: sig("olddirfd:fd oldpath:path newdirfd:fd newpath:path"), Handler: sysRenameat, Support: threei.Full},
	{Num: posix.SYS_RENAMEAT2, Name: "renameat2", Args: sig("olddirfd:fd oldpath:path newdirfd:fd newpath:path flags:flags"), Handler: sysRenameat2, Support: threei.Partial,
		Note: "RENAME_NOREPLACE; RENAME_EXCHANGE and RENAME_WHITEOUT are refused with EINVAL"},
	{Num: posix.SYS_LINK, Name: "link", Args: sig("oldpath:path newpath:path"), Handler: sysLink, Support: threei.Full},
	{Num: posix.SYS_LINKAT, Name: "linkat", Args: sig("olddirfd:fd oldpath:path newdirfd:fd newpath:path flags:flags"), Handler: sysLinkat, Support: threei.Full},
	{Num: posix.SYS_SYMLINK, Name: "symlink", Args: sig("target:path linkpath:path"), Handler: sysSymlink, Support: threei.Full},
	{Num: posix.SYS_SYMLINKAT, Name: "symlinkat", Args: sig("target:path newdirfd:fd linkpath:path"), Handler: sysSymlinkat, Support: threei.Full},
	{Num: posix.SYS_READLINK, Name: "readlink", Args: sig("pathname:path buf:outbuf bufsiz:size"), Handler: sysReadlink, Support: threei.Full},
	{Num: posix.SYS_READLINKAT, Name: "readlinkat", Args: sig("dirfd:fd pathname:path buf:outbuf bufsiz:size"), Handler: sysReadlinkat, Support: threei.Full},
	{Num: posix.SYS_GETDENTS64, Name: "getdents64", Args: sig("fd:fd dirp:outbuf count:size"), Handler: sysGetdents64, Support: threei.Full},
	{Num: posix.SYS_CHDIR, Name: "chdir", Args: sig("path:path"), Handler: sysChdir, Support: threei.Full},
	{Num: posix.SYS_FCHDIR, Name: "fchdir", Args: sig("fd:fd"), Handler: sysFchdir, Support: threei.Full},
	{Num: posix.SYS_GETCWD, Name: "getcwd", Args: sig("buf:outbuf size:size"), Handler: sysGetcwd, Support: threei.Full},
	{Num: posix.SYS_CHMOD, Name: "chmod", Args: sig("pathname:path mode:mode"), Handler: sysChmod, Support: threei.Full},
	{Num: posix.SYS_FCHMOD, Name: "fchmod", Args: sig("fd:fd mode:mode"), Handler: sysFchmod, Support: threei.Full},
	{Num: posix.SYS_FCHMODAT, Name: "fchmodat", Args: sig("dirfd:fd pathname:path mode:mode flags:flags"), Handler: sysFchmodat, Support: threei.Full},
	{Num: posix.SYS_CHOWN, Name: "chown", Args: sig("pathname:path owner:int group:int"), Handler: sysChown, Support: threei.Partial,
		Note: "cages are unprivileged: only the caller's own ids are accepted"},
	{Num: posix.SYS_FCHOWN, Name: "fchown", Args: sig("fd:fd owner:int group:int"), Handler: sysFchown, Support: threei.Partial,
		Note: "cages are unprivileged: only the caller's own ids are accepted"},
	{Num: posix.SYS_LCHOWN, Name: "lchown", Args: sig("pathname:path owner:int group:int"), Handler: sysLchown, Support: threei.Partial,
		Note: "cages are unprivileged: only the caller's own ids are accepted"},
	{Num: posix.SYS_FCHOWNAT, Name: "fchownat", Args: sig("dirfd:fd pathname:path owner:int group:int flags:flags"), Handler: sysFchownat, Support: threei.Partial,
		Note: "cages are unprivileged: only the caller's own ids are accepted"},
	{Num: posix.SYS_ACCESS, Name: "access", Args: sig("pathname:path mode:int"), Handler: sysAccess, Support: threei.Full},
	{Num: posix.SYS_FACCESSAT, Name: "faccessat", Args: sig("dirfd:fd pathname:path mode:int"), Handler: sysFaccessat2, Support: threei.Full},
	{Num: posix.SYS_FACCESSAT2, Name: "faccessat2", Args: sig("dirfd:fd pathname:path mode:int flags:flags"), Handler: sysFaccessat2, Support: threei.Full},
	{Num: posix.SYS_UTIMENSAT, Name: "utimensat", Args: sig("dirfd:fd pathname:path times:struct-in flags:flags"), Handler: sysUtimensat, Support: threei.Full},
	{Num: posix.SYS_MKNOD, Name: "mknod", Args: sig("pathname:path mode:mode dev:int"), Handler: sysMknod, Support: threei.Partial,
		Note: "FIFOs and regular files only; devices are EPERM, as for an unprivileged caller"},
	{Num: posix.SYS_MKNODAT, Name: "mknodat", Args: sig("dirfd:fd pathname:path mode:mode dev:int"), Handler: sysMknodat, Support: threei.Partial,
		Note: "FIFOs and regular files only; devices are EPERM, as for an unprivileged caller"},
	{Num: posix.SYS_STATFS, Name: "statfs", Args: sig("path:path buf:struct-out"), Handler: sysStatfs, Support: threei.Full},
	{Num: posix.SYS_FSTATFS, Name: "fstatfs", Args: sig("fd:fd buf:struct-out"), Handler: sysFstatfs, Support: threei.Full},
	{Num: posix.SYS_FSYNC, Name: "fsync", Args: sig("fd:fd"), Handler: sysFsync, Support: threei.Full},
	{Num: posix.SYS_FDATASYNC, Name: "fdatasync", Args: sig("fd:fd"), Handler: sysFsync, Support: threei.Full},

	// The calls a C library (musl) makes beyond the ones above.
	{Num: posix.SYS_SELECT, Name: "select", Args: sig("nfds:int readfds:struct-inout writefds:struct-inout exceptfds:struct-inout timeout:struct-inout"), Handler: sysSelect, Support: threei.Full},
	{Num: posix.SYS_PSELECT6, Name: "pselect6", Args: sig("nfds:int readfds:struct-inout writefds:struct-inout exceptfds:struct-inout timeout:struct-inout sigmask:struct-in"), Handler: sysPselect6, Support: threei.Full},
	{Num: posix.SYS_PPOLL, Name: "ppoll", Args: sig("fds:struct-inout nfds:size tmo_p:struct-inout sigmask:struct-in sigsetsize:size"), Handler: sysPpoll, Support: threei.Full},
	{Num: posix.SYS_PREADV, Name: "preadv", Args: sig("fd:fd iov:struct-out iovcnt:size offset:offset"), Handler: sysPreadv, Support: threei.Full,
		Note: "the offset is one 64-bit argument"},
	{Num: posix.SYS_PWRITEV, Name: "pwritev", Args: sig("fd:fd iov:struct-in iovcnt:size offset:offset"), Handler: sysPwritev, Support: threei.Full,
		Note: "the offset is one 64-bit argument"},
	{Num: posix.SYS_SENDFILE, Name: "sendfile", Args: sig("out_fd:fd in_fd:fd offset:struct-inout count:size"), Handler: sysSendfile, Support: threei.Full},
	{Num: posix.SYS_COPY_FILE_RANGE, Name: "copy_file_range", Args: sig("fd_in:fd off_in:struct-inout fd_out:fd off_out:struct-inout len:size flags:flags"), Handler: sysCopyFileRange, Support: threei.Full},
	{Num: posix.SYS_FLOCK, Name: "flock", Args: sig("fd:fd operation:flags"), Handler: sysFlock, Support: threei.Full,
		Note: "a file of a granted host directory is locked among the kernel's cages only, not against host processes"},
	{Num: posix.SYS_FADVISE64, Name: "fadvise64", Args: sig("fd:fd offset:offset len:offset advice:int"), Handler: sysFadvise64, Support: threei.Full,
		Note: "checked, then nothing to do"},
	{Num: posix.SYS_FALLOCATE, Name: "fallocate", Args: sig("fd:fd mode:flags offset:offset len:offset"), Handler: sysFallocate, Support: threei.Partial,
		Note: "mode 0 and FALLOC_FL_KEEP_SIZE; punching, zeroing, collapsing and inserting ranges are EOPNOTSUPP"},
	{Num: posix.SYS_SYNC, Name: "sync", Handler: sysSync, Support: threei.Full},
	{Num: posix.SYS_SYNCFS, Name: "syncfs", Args: sig("fd:fd"), Handler: sysSyncfs, Support: threei.Full},
	{Num: posix.SYS_SYNC_FILE_RANGE, Name: "sync_file_range", Args: sig("fd:fd offset:offset nbytes:offset flags:flags"), Handler: sysSyncFileRange, Support: threei.Full,
		Note: "checked, then nothing to do"},
	{Num: posix.SYS_GETRANDOM, Name: "getrandom", Args: sig("buf:outbuf buflen:size flags:flags"), Handler: sysGetrandom, Support: threei.Full,
		Note: "crypto/rand for every flag; it never blocks"},
	{Num: posix.SYS_SCHED_YIELD, Name: "sched_yield", Handler: sysSchedYield, Support: threei.Full},

	{Num: posix.SYS_GETTID, Name: "gettid", Handler: sysGettid, Support: threei.Full,
		Note: "one thread per cage: the tid is the pid"},
	{Num: posix.SYS_SET_TID_ADDRESS, Name: "set_tid_address", Args: sig("tidptr:int"), Handler: sysSetTidAddress, Support: threei.Full,
		Note: "the address is recorded; a cage's one thread never exits alone, so it is never written"},
	{Num: posix.SYS_TKILL, Name: "tkill", Args: sig("tid:pid sig:signal"), Handler: sysTkill, Support: threei.Partial,
		Note: "kill(2) of the cage whose pid is tid; SIGSTOP is refused with EINVAL, as by kill"},
	{Num: posix.SYS_TGKILL, Name: "tgkill", Args: sig("tgid:pid tid:pid sig:signal"), Handler: sysTgkill, Support: threei.Partial,
		Note: "as tkill, with tgid == tid; SIGSTOP is refused with EINVAL, as by kill"},
	{Num: posix.SYS_WAITID, Name: "waitid", Args: sig("idtype:int id:pid infop:struct-out options:flags rusage:struct-out"), Handler: sysWaitid, Support: threei.Partial,
		Note: "P_PID, P_PGID, P_ALL (no P_PIDFD); no rusage; no stopped or continued children (job control is not modelled)"},

	{Num: posix.SYS_RT_SIGTIMEDWAIT, Name: "rt_sigtimedwait", Args: sig("set:struct-in info:struct-out timeout:struct-in sigsetsize:size"), Handler: sysRtSigtimedwait, Support: threei.Full,
		Note: "si_pid and si_uid are known for signals sent by cages, the host, the kernel's SIGCHLD, SIGPIPE and SIGALRM"},
	{Num: posix.SYS_RT_SIGQUEUEINFO, Name: "rt_sigqueueinfo", Args: sig("tgid:pid sig:signal info:struct-in"), Handler: sysRtSigqueueinfo, Support: threei.Partial,
		Note: "real-time signals do not queue: one instance of each signal can be pending"},
	{Num: posix.SYS_SIGALTSTACK, Name: "sigaltstack", Args: sig("ss:struct-in old_ss:struct-out"), Handler: sysSigaltstack, Support: threei.Partial,
		Note: "recorded and reported; handlers do not run on the alternate stack (SS_ONSTACK is never reported)"},
	{Num: posix.SYS_GETITIMER, Name: "getitimer", Args: sig("which:int curr_value:struct-out"), Handler: sysGetitimer, Support: threei.Partial,
		Note: "ITIMER_REAL is alarm's timer; ITIMER_VIRTUAL and ITIMER_PROF report what was set and never run down"},
	{Num: posix.SYS_SETITIMER, Name: "setitimer", Args: sig("which:int new_value:struct-in old_value:struct-out"), Handler: sysSetitimer, Support: threei.Partial,
		Note: "ITIMER_REAL (SIGALRM, reloaded from its interval) is alarm's timer; ITIMER_VIRTUAL and ITIMER_PROF are recorded but never expire: CPU time is not measured"},
	{Num: posix.SYS_GETTIMEOFDAY, Name: "gettimeofday", Args: sig("tv:struct-out tz:struct-out"), Handler: sysGettimeofday, Support: threei.Full},
	{Num: posix.SYS_TIME, Name: "time", Args: sig("tloc:struct-out"), Handler: sysTime, Support: threei.Full},
	{Num: posix.SYS_CLOCK_GETRES, Name: "clock_getres", Args: sig("clockid:int res:struct-out"), Handler: sysClockGetres, Support: threei.Partial,
		Note: "1 ns for every clock, the coarse ones too (Linux: a jiffy); no CPU clocks of other processes"},
	{Num: posix.SYS_CLOCK_NANOSLEEP, Name: "clock_nanosleep", Args: sig("clockid:int flags:flags request:struct-in remain:struct-out"), Handler: sysClockNanosleep, Support: threei.Full,
		Note: "CLOCK_PROCESS_CPUTIME_ID sleeps in wall time"},
	{Num: posix.SYS_TIMES, Name: "times", Args: sig("buf:struct-out"), Handler: sysTimes, Support: threei.Partial,
		Note: "CPU time is approximate: user time is the wall time the cage has existed, system time 0"},
	{Num: posix.SYS_GETRUSAGE, Name: "getrusage", Args: sig("who:int usage:struct-out"), Handler: sysGetrusage, Support: threei.Partial,
		Note: "user time is the wall time the cage has existed; system time, memory and other counters are 0"},
	{Num: posix.SYS_SYSINFO, Name: "sysinfo", Args: sig("info:struct-out"), Handler: sysSysinfo, Support: threei.Partial,
		Note: "uptime and procs (the kernel's cages) are real; memory is a plausible 8 GiB machine, loads 0, no swap"},

	{Num: posix.SYS_SETUID, Name: "setuid", Args: sig("uid:int"), Handler: sysSetuid, Support: threei.Full,
		Note: "cages are unprivileged: only the caller's own uid is accepted"},
	{Num: posix.SYS_SETGID, Name: "setgid", Args: sig("gid:int"), Handler: sysSetgid, Support: threei.Full,
		Note: "cages are unprivileged: only the caller's own gid is accepted"},
	{Num: posix.SYS_SETREUID, Name: "setreuid", Args: sig("ruid:int euid:int"), Handler: sysSetreuid, Support: threei.Full},
	{Num: posix.SYS_SETREGID, Name: "setregid", Args: sig("rgid:int egid:int"), Handler: sysSetregid, Support: threei.Full},
	{Num: posix.SYS_SETRESUID, Name: "setresuid", Args: sig("ruid:int euid:int suid:int"), Handler: sysSetresuid, Support: threei.Full},
	{Num: posix.SYS_GETRESUID, Name: "getresuid", Args: sig("ruid:struct-out euid:struct-out suid:struct-out"), Handler: sysGetresuid, Support: threei.Full},
	{Num: posix.SYS_SETRESGID, Name: "setresgid", Args: sig("rgid:int egid:int sgid:int"), Handler: sysSetresgid, Support: threei.Full},
	{Num: posix.SYS_GETRESGID, Name: "getresgid", Args: sig("rgid:struct-out egid:struct-out sgid:struct-out"), Handler: sysGetresgid, Support: threei.Full},
	{Num: posix.SYS_GETGROUPS, Name: "getgroups", Args: sig("size:int list:struct-out"), Handler: sysGetgroups, Support: threei.Full,
		Note: "a cage has no supplementary groups"},
	{Num: posix.SYS_SETGROUPS, Name: "setgroups", Args: sig("size:int list:struct-in"), Handler: sysSetgroups, Support: threei.Full,
		Note: "cages are unprivileged: EPERM"},
	{Num: posix.SYS_GETPRIORITY, Name: "getpriority", Args: sig("which:int who:int"), Handler: sysGetpriority, Support: threei.Full,
		Note: "returns 20-nice, as the system call does"},
	{Num: posix.SYS_SETPRIORITY, Name: "setpriority", Args: sig("which:int who:int prio:int"), Handler: sysSetpriority, Support: threei.Partial,
		Note: "nice values are recorded per cage and do not change scheduling"},
	{Num: posix.SYS_PRCTL, Name: "prctl", Args: sig("option:int arg2:int arg3:int arg4:int arg5:int"), Handler: sysPrctl, Support: threei.Partial,
		Note: "PR_SET_NAME, PR_GET_NAME, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG; other options EINVAL"},
}

// sig is threei.Signature, short for the table above.
func sig(s string) []threei.ArgSpec { return threei.Signature(s) }

// Syscalls returns the kernel's system-call table, ordered by number. The
// caller must not modify the returned rows.
func Syscalls() []threei.Syscall {
	out := append([]threei.Syscall(nil), syscallTable...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Num < out[j-1].Num; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// defaultTable returns the 3i table that routes every implemented call to
// the kernel.
func defaultTable() *threei.Table {
	h := make(map[int]threei.Handler, len(syscallTable))
	for _, s := range syscallTable {
		h[s.Num] = s.Handler
	}
	return threei.NewTable(h)
}

// sysPipe implements pipe(2): pipe2 with no flags.
func sysPipe(call *threei.Call) (int64, posix.Errno) {
	c := *call
	c.Args[1] = threei.Arg{}
	return sysPipe2(&c)
}

// sysGetpgrp implements getpgrp(2).
func sysGetpgrp(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).Pgid()), 0
}
