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
		Note: "F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETPIPE_SZ, F_SETPIPE_SZ; no locks, leases or owners"},
	{Num: posix.SYS_IOCTL, Name: "ioctl", Args: sig("fd:fd request:int argp:struct-inout"), Handler: sysIoctl, Support: threei.Partial,
		Note: "FIONREAD, FIONBIO, FIOCLEX, FIONCLEX; others ENOTTY"},
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
