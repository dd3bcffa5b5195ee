package wasm

// This file decodes gocage.syscall for the calls the kernel serves: a
// module of gocage's C library (musl for wasm32) makes every system call
// as one import, (n, a1..a6) -> value or -errno, and linuxSyscall turns
// the raw arguments into a Proc method call and the method's answer back
// into memory. It is a decoder and nothing more: each call's semantics
// are the kernel's, reached through the cage's 3i table as every other
// cage's are.
//
// Conventions (those of Linux x32, which the C library's wasm32 arch
// follows):
//
//   - an int argument arrives sign-extended: its low 32 bits are the
//     value (lxInt); an unsigned int, mode_t, uid_t or gid_t is the low
//     32 bits unsigned;
//   - a pointer or size_t arrives zero-extended: a pointer with any of
//     its high 32 bits set is EFAULT (lxAddr), as is NULL where Linux
//     would fault on it (address 0 is inside a linear memory, but the C
//     library never means it);
//   - an off_t or loff_t arrives whole, as an int64 (but preadv and
//     pwritev take theirs as two unsigned longs, as the system calls do:
//     lxHiLo);
//   - the result is the value, or -errno with Linux's numbers: nothing is
//     translated.
//
// Structures are what the C library hands the kernel: its wasm32 layouts
// (ILP32, 64-bit integers 8-byte aligned, little-endian), and where musl
// passes a structure of its own instead, that one: for the stat family
// the kernel's struct stat (struct kstat, of arch/x32/kstat.h); for wait4
// and getrusage the kernel's 64-bit struct rusage; for the time64 calls
// (clock_nanosleep, pselect6, ppoll, rt_sigtimedwait) a timespec as long
// long[2]; for getitimer and setitimer a long[4]. Their offsets, below,
// were taken from clang's layout of the installed headers and from musl's
// sources (src/), not guessed.
//
// Every pointer is checked against the linear memory; nothing here
// panics on a module's arguments, and no length makes the host allocate
// more than the memory holds (poll's array is bounded by fs.nr_open,
// setgroups' by NGROUPS_MAX). A buffer (read, write, pread64, pwrite64,
// readv, writev, preadv, pwritev, getdents64, readlink, readlinkat,
// getrandom) is a slice of the linear memory itself, handed to the kernel
// without a copy; a
// buffer that runs past the end of the memory is cut at the end (Linux
// copies up to the first fault and returns that count), and one that
// starts outside it is EFAULT. Structures are decoded into Go values
// before the call and encoded after it.
//
// One ordering differs from Linux: a pointer argument that is outside the
// memory is refused (EFAULT) before the kernel sees the call, so a call
// with both a bad pointer and, say, a bad fd answers EFAULT where Linux
// answers EBADF. wait4, waitid, rt_sigtimedwait and the calls that create
// fds (pipe, pipe2) check their output pointers first on purpose: Linux
// would reap the child, take the signal or create the fds, and then fail
// to report them.
//
// A call the table below does not hold answers ENOSYS without reaching
// the kernel (so no signal is delivered on its return).

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/tetratelabs/wazero/api"

	"github.com/gocage/gocage/posix"
)

// lxFunc decodes one system call: a holds the six raw arguments; the
// result is gocage.syscall's answer (a value, or -errno).
type lxFunc func(inst *instance, mem api.Memory, a *[6]uint64) int64

// lxCalls are the calls linuxSyscall decodes, by Linux x86-64 number: the
// kernel's system-call table (cages/syscalls.go) less the calls that
// concern the module itself (fork, vfork, execve, exit, exit_group,
// rt_sigaction, rt_sigreturn: inst.syscall serves them) and the memory
// calls (brk, mmap, munmap, mremap, mprotect, madvise), which the C
// library serves inside the module. A nil entry is ENOSYS.
var lxCalls = [posix.SyscallMax]lxFunc{
	// Files and descriptors.
	posix.SYS_READ:        lxRead,
	posix.SYS_WRITE:       lxWrite,
	posix.SYS_READV:       lxReadv,
	posix.SYS_WRITEV:      lxWritev,
	posix.SYS_PREAD64:     lxPread64,
	posix.SYS_PWRITE64:    lxPwrite64,
	posix.SYS_CLOSE:       lxClose,
	posix.SYS_CLOSE_RANGE: lxCloseRange,
	posix.SYS_PIPE:        lxPipe,
	posix.SYS_PIPE2:       lxPipe2,
	posix.SYS_DUP:         lxDup,
	posix.SYS_DUP2:        lxDup2,
	posix.SYS_DUP3:        lxDup3,
	posix.SYS_FCNTL:       lxFcntl,
	posix.SYS_IOCTL:       lxIoctl,
	posix.SYS_POLL:        lxPoll,
	posix.SYS_LSEEK:       lxLseek,
	posix.SYS_FTRUNCATE:   lxFtruncate,
	posix.SYS_FSTAT:       lxFstat,
	posix.SYS_GETDENTS64:  lxGetdents64,
	posix.SYS_FCHDIR:      lxFchdir,
	posix.SYS_FCHMOD:      lxFchmod,
	posix.SYS_FCHOWN:      lxFchown,
	posix.SYS_FSTATFS:     lxFstatfs,
	posix.SYS_FSYNC:       lxFsync,
	posix.SYS_FDATASYNC:   lxFdatasync,

	// Paths.
	posix.SYS_OPEN:       lxOpen,
	posix.SYS_OPENAT:     lxOpenat,
	posix.SYS_CREAT:      lxCreat,
	posix.SYS_TRUNCATE:   lxTruncate,
	posix.SYS_STAT:       lxStat,
	posix.SYS_LSTAT:      lxLstat,
	posix.SYS_NEWFSTATAT: lxNewfstatat,
	posix.SYS_MKDIR:      lxMkdir,
	posix.SYS_MKDIRAT:    lxMkdirat,
	posix.SYS_RMDIR:      lxRmdir,
	posix.SYS_UNLINK:     lxUnlink,
	posix.SYS_UNLINKAT:   lxUnlinkat,
	posix.SYS_RENAME:     lxRename,
	posix.SYS_RENAMEAT:   lxRenameat,
	posix.SYS_RENAMEAT2:  lxRenameat2,
	posix.SYS_LINK:       lxLink,
	posix.SYS_LINKAT:     lxLinkat,
	posix.SYS_SYMLINK:    lxSymlink,
	posix.SYS_SYMLINKAT:  lxSymlinkat,
	posix.SYS_READLINK:   lxReadlink,
	posix.SYS_READLINKAT: lxReadlinkat,
	posix.SYS_CHDIR:      lxChdir,
	posix.SYS_GETCWD:     lxGetcwd,
	posix.SYS_CHMOD:      lxChmod,
	posix.SYS_FCHMODAT:   lxFchmodat,
	posix.SYS_CHOWN:      lxChown,
	posix.SYS_LCHOWN:     lxLchown,
	posix.SYS_FCHOWNAT:   lxFchownat,
	posix.SYS_ACCESS:     lxAccess,
	posix.SYS_FACCESSAT:  lxFaccessat,
	posix.SYS_FACCESSAT2: lxFaccessat2,
	posix.SYS_UTIMENSAT:  lxUtimensat,
	posix.SYS_MKNOD:      lxMknod,
	posix.SYS_MKNODAT:    lxMknodat,
	posix.SYS_STATFS:     lxStatfs,

	// Processes.
	posix.SYS_GETPID:  lxGetpid,
	posix.SYS_GETPPID: lxGetppid,
	posix.SYS_GETPGID: lxGetpgid,
	posix.SYS_GETPGRP: lxGetpgrp,
	posix.SYS_SETPGID: lxSetpgid,
	posix.SYS_GETSID:  lxGetsid,
	posix.SYS_SETSID:  lxSetsid,
	posix.SYS_WAIT4:   lxWait4,
	posix.SYS_KILL:    lxKill,

	// Signals and time.
	posix.SYS_RT_SIGPROCMASK: lxRtSigprocmask,
	posix.SYS_RT_SIGPENDING:  lxRtSigpending,
	posix.SYS_RT_SIGSUSPEND:  lxRtSigsuspend,
	posix.SYS_ALARM:          lxAlarm,
	posix.SYS_NANOSLEEP:      lxNanosleep,
	posix.SYS_CLOCK_GETTIME:  lxClockGettime,

	// Identity and limits.
	posix.SYS_GETUID:    lxGetuid,
	posix.SYS_GETEUID:   lxGeteuid,
	posix.SYS_GETGID:    lxGetgid,
	posix.SYS_GETEGID:   lxGetegid,
	posix.SYS_UNAME:     lxUname,
	posix.SYS_UMASK:     lxUmask,
	posix.SYS_GETRLIMIT: lxGetrlimit,
	posix.SYS_SETRLIMIT: lxSetrlimit,
	posix.SYS_PRLIMIT64: lxPrlimit64,

	// The calls a C library makes beyond those: more I/O.
	posix.SYS_SELECT:          lxSelect,
	posix.SYS_PSELECT6:        lxPselect6,
	posix.SYS_PPOLL:           lxPpoll,
	posix.SYS_PREADV:          lxPreadv,
	posix.SYS_PWRITEV:         lxPwritev,
	posix.SYS_SENDFILE:        lxSendfile,
	posix.SYS_COPY_FILE_RANGE: lxCopyFileRange,
	posix.SYS_FLOCK:           lxFlock,
	posix.SYS_FADVISE64:       lxFadvise64,
	posix.SYS_SYNC_FILE_RANGE: lxSyncFileRange,
	posix.SYS_FALLOCATE:       lxFallocate,
	posix.SYS_SYNC:            lxSync,
	posix.SYS_SYNCFS:          lxSyncfs,
	posix.SYS_GETRANDOM:       lxGetrandom,
	posix.SYS_SCHED_YIELD:     lxSchedYield,

	// Threads (one per cage), waiting and signals.
	posix.SYS_GETTID:          lxGettid,
	posix.SYS_SET_TID_ADDRESS: lxSetTidAddress,
	posix.SYS_TKILL:           lxTkill,
	posix.SYS_TGKILL:          lxTgkill,
	posix.SYS_WAITID:          lxWaitid,
	posix.SYS_RT_SIGTIMEDWAIT: lxRtSigtimedwait,
	posix.SYS_RT_SIGQUEUEINFO: lxRtSigqueueinfo,
	posix.SYS_SIGALTSTACK:     lxSigaltstack,
	posix.SYS_GETITIMER:       lxGetitimer,
	posix.SYS_SETITIMER:       lxSetitimer,
	posix.SYS_GETTIMEOFDAY:    lxGettimeofday,
	posix.SYS_TIME:            lxTime,
	posix.SYS_CLOCK_GETRES:    lxClockGetres,
	posix.SYS_CLOCK_NANOSLEEP: lxClockNanosleep,
	posix.SYS_TIMES:           lxTimes,
	posix.SYS_GETRUSAGE:       lxGetrusage,
	posix.SYS_SYSINFO:         lxSysinfo,

	// Credentials, priorities, prctl.
	posix.SYS_SETUID:      lxSetuid,
	posix.SYS_SETGID:      lxSetgid,
	posix.SYS_SETREUID:    lxSetreuid,
	posix.SYS_SETREGID:    lxSetregid,
	posix.SYS_SETRESUID:   lxSetresuid,
	posix.SYS_SETRESGID:   lxSetresgid,
	posix.SYS_GETRESUID:   lxGetresuid,
	posix.SYS_GETRESGID:   lxGetresgid,
	posix.SYS_GETGROUPS:   lxGetgroups,
	posix.SYS_SETGROUPS:   lxSetgroups,
	posix.SYS_GETPRIORITY: lxGetpriority,
	posix.SYS_SETPRIORITY: lxSetpriority,
	posix.SYS_PRCTL:       lxPrctl,
}

// linuxSyscall serves gocage.syscall for every call the kernel serves
// except those inst.syscall keeps (fork, vfork, execve, exit, exit_group,
// rt_sigaction, rt_sigreturn): it decodes call n's raw arguments a (Linux
// x32 conventions, the C library's wasm32 structures in mem), makes the
// call through the cage's Proc, and encodes the results into mem. It
// returns the call's value, or -errno with Linux's numbers; -ENOSYS for a
// number it does not decode.
func (inst *instance) linuxSyscall(mem api.Memory, n int, a *[6]uint64) int64 {
	if uint(n) >= uint(len(lxCalls)) || lxCalls[n] == nil {
		return -int64(posix.ENOSYS)
	}
	return lxCalls[n](inst, mem, a)
}

// Limits the decoder applies, as Linux does.
const (
	// lxPathMax is PATH_MAX: a path of this many bytes or more, NUL
	// included, is ENAMETOOLONG (getname).
	lxPathMax = 4096
	// lxMaxRW is MAX_RW_COUNT: the most one read or write moves.
	lxMaxRW = 0x7ffff000
	// lxUioMaxIov is UIO_MAXIOV: the most iovecs readv and writev take.
	lxUioMaxIov = 1024
	// lxNrOpen is fs.nr_open: no RLIMIT_NOFILE, and so no poll(2) nfds,
	// can exceed it (fdtable.MaxLimit).
	lxNrOpen = 1 << 20
	// lxSigsetSize is the kernel's sizeof(sigset_t), which the
	// rt_sig* calls want as their sigsetsize.
	lxSigsetSize = 8
)

// The C library's struct kstat (musl arch/x32/kstat.h, which is the x86-64
// kernel's struct stat), as clang lays it out for wasm32: 144 bytes.
// st_blksize and the *_nsec fields are 4-byte longs followed by 4 bytes
// of padding; they are stored as 8-byte values, as the kernel stores
// them, so the padding is zero.
const (
	lxStDev       = 0   // dev_t st_dev (8)
	lxStIno       = 8   // ino_t st_ino (8)
	lxStNlink     = 16  // nlink_t st_nlink (8)
	lxStMode      = 24  // mode_t st_mode (4)
	lxStUID       = 28  // uid_t st_uid (4)
	lxStGID       = 32  // gid_t st_gid (4); __pad0 (4) at 36
	lxStRdev      = 40  // dev_t st_rdev (8)
	lxStSize      = 48  // off_t st_size (8)
	lxStBlksize   = 56  // blksize_t st_blksize (4, then 4 of padding)
	lxStBlocks    = 64  // blkcnt_t st_blocks (8)
	lxStAtime     = 72  // long long st_atime_sec (8); st_atime_nsec (4+4) at 80
	lxStMtime     = 88  // long long st_mtime_sec (8); st_mtime_nsec (4+4) at 96
	lxStCtime     = 104 // long long st_ctime_sec (8); st_ctime_nsec (4+4) at 112
	lxStatSize    = 144 // __unused[3] (24) at 120
	lxTimespecLen = 16  // struct timespec: tv_sec (8) at 0, long tv_nsec (4) at 8, 4 of padding
)

// The C library's struct statfs (bits/statfs.h), which musl passes to
// statfs(2) and fstatfs(2) as it is: 120 bytes, each unsigned long field
// followed by a 4-byte pad (stored as 8-byte values, as the x86-64 kernel
// stores them).
const (
	lxFType    = 0   // f_type (4) and __pad0 (4)
	lxFBsize   = 8   // f_bsize (4) and __pad1 (4)
	lxFBlocks  = 16  // fsblkcnt_t f_blocks (8)
	lxFBfree   = 24  // fsblkcnt_t f_bfree (8)
	lxFBavail  = 32  // fsblkcnt_t f_bavail (8)
	lxFFiles   = 40  // fsfilcnt_t f_files (8)
	lxFFfree   = 48  // fsfilcnt_t f_ffree (8)
	lxFFsid    = 56  // fsid_t f_fsid: int __val[2] (8)
	lxFNamelen = 64  // f_namelen (4) and __pad2 (4)
	lxFFrsize  = 72  // f_frsize (4) and __pad3 (4)
	lxFFlags   = 80  // f_flags (4) and __pad4 (4)
	lxStatfsSz = 120 // f_spare[4] (32) at 88
)

// Sizes of the other structures the calls exchange.
const (
	// lxRusageSize is the rusage wait4 and getrusage fill: the x86-64
	// kernel's struct rusage, 18 64-bit slots (ru_utime's tv_sec and
	// tv_usec, ru_stime's, then ru_maxrss ... ru_nivcsw), which is what
	// musl's wait4 and getrusage pass (long long kru64[18], as
	// SYS_wait4_time64 and SYS_getrusage_time64 are the plain calls on
	// wasm32); the C library's own struct rusage (152 bytes, with 4-byte
	// longs) is never handed to the kernel.
	lxRusageSize = 144
	// lxUtsLen is one field of struct utsname; six make the structure
	// (sysname 0, nodename 65, release 130, version 195, machine 260,
	// domainname 325: 390 bytes).
	lxUtsLen = 65
	// lxPollfdSize is struct pollfd: int fd at 0, short events at 4,
	// short revents at 6.
	lxPollfdSize = 8
	// lxIovecSize is struct iovec: void *iov_base at 0, size_t iov_len
	// at 4.
	lxIovecSize = 8
	// lxRlimitSize is struct rlimit: rlim_cur at 0, rlim_max at 8, both
	// 64-bit.
	lxRlimitSize = 16
	// lxTermiosSize is the kernel's struct termios, which TCGETS and
	// TCSETS exchange: c_iflag 0, c_oflag 4, c_cflag 8, c_lflag 12 (4
	// each), c_line 16, c_cc[19] 17. The C library's struct termios (60
	// bytes) starts with it (its c_cc has 32 entries, at 17 too).
	lxTermiosSize = 36
	// lxWinsizeSize is struct winsize: ws_row 0, ws_col 2, ws_xpixel 4,
	// ws_ypixel 6 (unsigned short each).
	lxWinsizeSize = 8
	// lxTimevalSize is struct timeval: tv_sec (8) at 0, suseconds_t
	// tv_usec (8) at 8.
	lxTimevalSize = 16
	// lxFdSetSize is fd_set: 32 unsigned longs (4 bytes each), a bitmap
	// of FD_SETSIZE descriptors, descriptor fd at bit fd%8 of byte fd/8.
	lxFdSetSize = 128
	// lxItimerval32Size is the itimerval musl's getitimer and setitimer
	// pass when time_t is wider than long, as on wasm32: long[4], the
	// interval's tv_sec and tv_usec, then the value's (4 bytes each),
	// which is the layout of Linux's 32-bit struct itimerval.
	lxItimerval32Size = 16
	// lxTmsSize is struct tms: tms_utime 0, tms_stime 4, tms_cutime 8,
	// tms_cstime 12 (clock_t, a 4-byte long).
	lxTmsSize = 16
	// lxStackSize is stack_t: void *ss_sp 0, int ss_flags 4, size_t
	// ss_size 8.
	lxStackSize = 12
	// lxSysinfoSize is the part of struct sysinfo the kernel fills, as a
	// 32-bit Linux does (compat_sysinfo): uptime 0, loads[3] 4, totalram
	// 16, freeram 20, sharedram 24, bufferram 28, totalswap 32, freeswap
	// 36 (unsigned long, 4 bytes each), unsigned short procs 40 and pad
	// 42, totalhigh 44, freehigh 48, unsigned mem_unit 52, then 8 bytes of
	// padding. The C library's struct sysinfo (312 bytes) starts with it.
	lxSysinfoSize = 64
	// lxSiginfoSize is siginfo_t: 128 bytes. The fields the kernel fills
	// are si_signo 0, si_errno 4, si_code 8, si_pid 12, si_uid 16, and
	// then either si_status 20, si_utime 24, si_stime 28 (SIGCHLD; clock_t
	// is 4 bytes) or si_value 20 (union sigval, 4 bytes).
	lxSiginfoSize = 128
	// lxNgroupsMax is NGROUPS_MAX: the most groups setgroups takes.
	lxNgroupsMax = 65536
	// lxTaskCommLen is TASK_COMM_LEN: a process name with its NUL.
	lxTaskCommLen = 16
)

// lxStatfsFields mirrors the statfs value the kernel returns (vfs.Statfs,
// which this package may not name): the conversion from it fails to
// compile if the two drift apart.
type lxStatfsFields struct {
	Type    int64
	Bsize   int64
	Blocks  uint64
	Bfree   uint64
	Bavail  uint64
	Files   uint64
	Ffree   uint64
	Fsid    [2]int32
	Namelen int64
	Frsize  int64
	Flags   int64
}

// lxInt is an int argument: its low 32 bits, sign-extended.
func lxInt(v uint64) int { return int(int32(uint32(v))) }

// lxAddr is a pointer argument: false for NULL and for a value with any
// of its high 32 bits set (it cannot be a wasm32 pointer).
func lxAddr(v uint64) (uint32, bool) { return uint32(v), v != 0 && v>>32 == 0 }

// lxErr is errno e as a result.
func lxErr(e posix.Errno) int64 { return -int64(e) }

// lxErrno returns the Linux errno of a Proc method's error; EIO for an
// error that carries none.
func lxErrno(err error) posix.Errno {
	if e, ok := err.(posix.Errno); ok {
		return e
	}
	var e posix.Errno
	if errors.As(err, &e) {
		return e
	}
	return posix.EIO
}

// lxRet is a call's answer: v, or -errno if err is set.
func lxRet(v int64, err error) int64 {
	if err != nil {
		return -int64(lxErrno(err))
	}
	return v
}

// lxRetInt is lxRet for a method that answers an int.
func lxRetInt(v int, err error) int64 { return lxRet(int64(v), err) }

// lxZero is a call that answers 0 or -errno.
func lxZero(err error) int64 { return lxRet(0, err) }

// lxBuf returns the buffer (ptr, n) as a slice of the linear memory,
// without copying: at most lxMaxRW bytes and cut at the end of the memory
// (the bytes in range, as Linux moves bytes up to the first fault). An
// empty buffer is valid wherever it points; a non-empty one that starts
// outside the memory is EFAULT.
func lxBuf(mem api.Memory, ptr, n uint64) ([]byte, posix.Errno) {
	if n == 0 {
		return nil, 0
	}
	p, ok := lxAddr(ptr)
	size := mem.Size()
	if !ok || p >= size {
		return nil, posix.EFAULT
	}
	n = min(n, lxMaxRW, uint64(size-p))
	b, ok := mem.Read(p, uint32(n))
	if !ok {
		return nil, posix.EFAULT
	}
	return b, 0
}

// lxIn returns the n-byte structure at ptr, aliasing the memory; false if
// ptr is NULL or the structure is not wholly inside the memory.
func lxIn(mem api.Memory, ptr uint64, n uint32) ([]byte, bool) {
	p, ok := lxAddr(ptr)
	if !ok {
		return nil, false
	}
	return mem.Read(p, n)
}

// lxOutOK reports whether an n-byte structure can be stored at ptr.
func lxOutOK(mem api.Memory, ptr uint64, n uint32) bool {
	_, ok := lxIn(mem, ptr, n)
	return ok
}

// lxOut stores b at ptr; false (EFAULT) if ptr is NULL or b does not fit.
func lxOut(mem api.Memory, ptr uint64, b []byte) bool {
	p, ok := lxAddr(ptr)
	return ok && mem.Write(p, b)
}

// lxPath reads a path argument as Linux's getname does: a NUL-terminated
// string of fewer than PATH_MAX bytes. A path that reaches PATH_MAX bytes
// without its NUL is ENAMETOOLONG; NULL, or one that runs off the end of
// the memory first, is EFAULT. An empty path is left to the call.
func lxPath(mem api.Memory, v uint64) (string, posix.Errno) {
	p, ok := lxAddr(v)
	size := mem.Size()
	if !ok || p >= size {
		return "", posix.EFAULT
	}
	n := min(size-p, lxPathMax)
	b, ok := mem.Read(p, n)
	if !ok {
		return "", posix.EFAULT
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i]), 0
	}
	if n == lxPathMax {
		return "", posix.ENAMETOOLONG
	}
	return "", posix.EFAULT
}

// lxTimespec reads the struct timespec at ptr (tv_sec 64-bit, tv_nsec a
// 32-bit long; the padding after it is ignored, as x32's kernel ignores
// it).
func lxTimespec(mem api.Memory, ptr uint64) (posix.Timespec, bool) {
	b, ok := lxIn(mem, ptr, lxTimespecLen)
	if !ok {
		return posix.Timespec{}, false
	}
	return posix.Timespec{
		Sec:  int64(binary.LittleEndian.Uint64(b)),
		Nsec: int64(int32(binary.LittleEndian.Uint32(b[8:]))),
	}, true
}

// lxPutTimespec encodes ts as a struct timespec into b (16 bytes): the
// nanoseconds as 8 bytes, so the padding is zero, as the kernel's
// __kernel_timespec stores it.
func lxPutTimespec(b []byte, ts posix.Timespec) {
	binary.LittleEndian.PutUint64(b, uint64(ts.Sec))
	binary.LittleEndian.PutUint64(b[8:], uint64(ts.Nsec))
}

// lxPutStat stores st as the C library's struct kstat at ptr; false
// (EFAULT) if it does not fit.
func lxPutStat(mem api.Memory, ptr uint64, st *posix.Stat) bool {
	var b [lxStatSize]byte
	le := binary.LittleEndian
	le.PutUint64(b[lxStDev:], st.Dev)
	le.PutUint64(b[lxStIno:], st.Ino)
	le.PutUint64(b[lxStNlink:], st.Nlink)
	le.PutUint32(b[lxStMode:], st.Mode)
	le.PutUint32(b[lxStUID:], st.Uid)
	le.PutUint32(b[lxStGID:], st.Gid)
	le.PutUint64(b[lxStRdev:], st.Rdev)
	le.PutUint64(b[lxStSize:], uint64(st.Size))
	le.PutUint64(b[lxStBlksize:], uint64(st.Blksize))
	le.PutUint64(b[lxStBlocks:], uint64(st.Blocks))
	lxPutTimespec(b[lxStAtime:], st.Atim)
	lxPutTimespec(b[lxStMtime:], st.Mtim)
	lxPutTimespec(b[lxStCtime:], st.Ctim)
	return lxOut(mem, ptr, b[:])
}

// lxStatResult answers a stat-family call: the structure stored at ptr,
// or the call's errno, or EFAULT.
func lxStatResult(mem api.Memory, ptr uint64, st posix.Stat, err error) int64 {
	if err != nil {
		return lxZero(err)
	}
	if !lxPutStat(mem, ptr, &st) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxStatfsResult answers statfs and fstatfs: the C library's struct
// statfs stored at ptr, or the call's errno, or EFAULT.
func lxStatfsResult(mem api.Memory, ptr uint64, st lxStatfsFields, err error) int64 {
	if err != nil {
		return lxZero(err)
	}
	var b [lxStatfsSz]byte
	le := binary.LittleEndian
	le.PutUint64(b[lxFType:], uint64(st.Type))
	le.PutUint64(b[lxFBsize:], uint64(st.Bsize))
	le.PutUint64(b[lxFBlocks:], st.Blocks)
	le.PutUint64(b[lxFBfree:], st.Bfree)
	le.PutUint64(b[lxFBavail:], st.Bavail)
	le.PutUint64(b[lxFFiles:], st.Files)
	le.PutUint64(b[lxFFfree:], st.Ffree)
	le.PutUint32(b[lxFFsid:], uint32(st.Fsid[0]))
	le.PutUint32(b[lxFFsid+4:], uint32(st.Fsid[1]))
	le.PutUint64(b[lxFNamelen:], uint64(st.Namelen))
	le.PutUint64(b[lxFFrsize:], uint64(st.Frsize))
	le.PutUint64(b[lxFFlags:], uint64(st.Flags))
	if !lxOut(mem, ptr, b[:]) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxRead implements read(2): read(int fd, void *buf, size_t count).
func lxRead(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Read(lxInt(a[0]), b))
}

// lxWrite implements write(2): write(int fd, const void *buf, size_t
// count).
func lxWrite(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Write(lxInt(a[0]), b))
}

// lxPread64 implements pread64(2): pread64(int fd, void *buf, size_t
// count, off_t offset).
func lxPread64(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Pread(lxInt(a[0]), b, int64(a[3])))
}

// lxPwrite64 implements pwrite64(2): pwrite64(int fd, const void *buf,
// size_t count, off_t offset).
func lxPwrite64(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Pwrite(lxInt(a[0]), b, int64(a[3])))
}

// lxIovec decodes readv's and writev's (const struct iovec *iov, int
// iovcnt) into slices of the memory, as Linux's import_iovec: EINVAL for
// a count below 0 or above UIO_MAXIOV, or a length that is negative as a
// ssize_t; EFAULT if the array is not in memory. The total stops at
// MAX_RW_COUNT. Like Linux's copy, which stops at the first fault, the
// vector ends at the first buffer that leaves the memory (cut at its
// end); if nothing is left before it, EFAULT.
func lxIovec(mem api.Memory, ptr, cnt uint64) ([][]byte, posix.Errno) {
	n := lxInt(cnt)
	if n < 0 || n > lxUioMaxIov {
		return nil, posix.EINVAL
	}
	if n == 0 {
		return nil, 0
	}
	raw, ok := lxIn(mem, ptr, uint32(n)*lxIovecSize)
	if !ok {
		return nil, posix.EFAULT
	}
	for i := range n {
		if int32(binary.LittleEndian.Uint32(raw[i*lxIovecSize+4:])) < 0 {
			return nil, posix.EINVAL
		}
	}
	iov := make([][]byte, 0, n)
	size := uint64(mem.Size())
	total := uint64(0)
	for i := range n {
		base := uint64(binary.LittleEndian.Uint32(raw[i*lxIovecSize:]))
		l := uint64(binary.LittleEndian.Uint32(raw[i*lxIovecSize+4:]))
		l = min(l, lxMaxRW-total)
		if l == 0 {
			iov = append(iov, nil)
			continue
		}
		if base == 0 || base >= size {
			if total == 0 {
				return nil, posix.EFAULT
			}
			break
		}
		cut := base+l > size
		b, _ := mem.Read(uint32(base), uint32(min(l, size-base)))
		iov = append(iov, b)
		total += uint64(len(b))
		if cut || total == lxMaxRW {
			break
		}
	}
	return iov, 0
}

// lxReadv implements readv(2): readv(int fd, const struct iovec *iov, int
// iovcnt).
func lxReadv(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	iov, e := lxIovec(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Readv(lxInt(a[0]), iov))
}

// lxWritev implements writev(2): writev(int fd, const struct iovec *iov,
// int iovcnt).
func lxWritev(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	iov, e := lxIovec(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Writev(lxInt(a[0]), iov))
}

// lxClose implements close(2): close(int fd).
func lxClose(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Close(lxInt(a[0])))
}

// lxCloseRange implements close_range(2): close_range(unsigned int first,
// unsigned int last, unsigned int flags).
func lxCloseRange(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.CloseRange(uint(uint32(a[0])), uint(uint32(a[1])), int(uint32(a[2]))))
}

// lxPipe implements pipe(2): pipe(int pipefd[2]).
func lxPipe(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	return lxPipeFds(inst, mem, a[0], 0, false)
}

// lxPipe2 implements pipe2(2): pipe2(int pipefd[2], int flags).
func lxPipe2(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	return lxPipeFds(inst, mem, a[0], lxInt(a[1]), true)
}

// lxPipeFds makes a pipe (with pipe2's flags if two) and stores its fds
// in the int[2] at ptr, which is checked first: a pipe whose fds cannot
// be reported is not made (EFAULT).
func lxPipeFds(inst *instance, mem api.Memory, ptr uint64, flags int, two bool) int64 {
	if !lxOutOK(mem, ptr, 8) {
		return lxErr(posix.EFAULT)
	}
	var r, w int
	var err error
	if two {
		r, w, err = inst.p.Pipe2(flags)
	} else {
		r, w, err = inst.p.Pipe()
	}
	if err != nil {
		return lxZero(err)
	}
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:], uint32(int32(r)))
	binary.LittleEndian.PutUint32(b[4:], uint32(int32(w)))
	if !lxOut(mem, ptr, b[:]) {
		inst.p.Close(r)
		inst.p.Close(w)
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxDup implements dup(2): dup(int oldfd).
func lxDup(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRetInt(inst.p.Dup(lxInt(a[0])))
}

// lxDup2 implements dup2(2): dup2(int oldfd, int newfd).
func lxDup2(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRetInt(inst.p.Dup2(lxInt(a[0]), lxInt(a[1])))
}

// lxDup3 implements dup3(2): dup3(int oldfd, int newfd, int flags).
func lxDup3(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRetInt(inst.p.Dup3(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxFcntl implements fcntl(2): fcntl(int fd, int cmd, int arg). The
// record-lock commands (F_GETLK, F_SETLK, F_SETLKW and their F_OFD_
// twins) take a struct flock *, which has Linux x86-64's 32-byte layout
// in the C library (l_type at 0, l_whence at 2, l_start at 8, l_len at
// 16, l_pid at 24): it is read, and F_GETLK's answer written back over
// the five fields. A pointer outside the memory goes to the kernel as
// NULL, so that a bad fd is EBADF before the EFAULT. Every other command
// the kernel serves takes an int (or nothing); musl passes the third
// argument as an unsigned long, whose low 32 bits are the int. A command
// that takes another pointer (owners) is refused by the kernel with
// EINVAL whatever its argument.
func lxFcntl(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	fd, cmd := lxInt(a[0]), lxInt(a[1])
	switch cmd {
	case posix.F_GETLK, posix.F_SETLK, posix.F_SETLKW, posix.F_OFD_GETLK, posix.F_OFD_SETLK, posix.F_OFD_SETLKW:
		return lxFcntlLock(inst, mem, fd, cmd, a[2])
	}
	return lxRetInt(inst.p.Fcntl(fd, cmd, lxInt(a[2])))
}

// lxFlockSize is the size of the C library's struct flock.
const lxFlockSize = 32

// lxFcntlLock performs record-lock command cmd on fd with the struct
// flock at ptr.
func lxFcntlLock(inst *instance, mem api.Memory, fd, cmd int, ptr uint64) int64 {
	p := inst.p
	le := binary.LittleEndian
	b, ok := lxIn(mem, ptr, lxFlockSize)
	if !ok {
		return lxZero(p.FcntlLock(fd, cmd, nil))
	}
	raw := append([]byte(nil), b...)
	lk := posix.Flock{
		Type:   int16(le.Uint16(raw[0:])),
		Whence: int16(le.Uint16(raw[2:])),
		Start:  int64(le.Uint64(raw[8:])),
		Len:    int64(le.Uint64(raw[16:])),
		Pid:    int32(le.Uint32(raw[24:])),
	}
	if err := p.FcntlLock(fd, cmd, &lk); err != nil {
		return lxZero(err)
	}
	if cmd != posix.F_GETLK && cmd != posix.F_OFD_GETLK {
		return 0
	}
	le.PutUint16(raw[0:], uint16(lk.Type))
	le.PutUint16(raw[2:], uint16(lk.Whence))
	le.PutUint64(raw[8:], uint64(lk.Start))
	le.PutUint64(raw[16:], uint64(lk.Len))
	le.PutUint32(raw[24:], uint32(lk.Pid))
	return lxOutResult(mem, ptr, raw, 0)
}

// lxIoctl implements ioctl(2): ioctl(int fd, unsigned long request, void
// *argp), for the requests the kernel serves, each with the argument it
// takes: FIONREAD and TIOCGPGRP fill an int; FIONBIO and TIOCSPGRP read
// one; FIOCLEX, FIONCLEX and TIOCSCTTY take none (TIOCSCTTY's int is not
// a pointer); TCGETS fills and TCSETS, TCSETSW and TCSETSF read the
// kernel's struct termios (36 bytes, the head of the C library's struct
// termios); TIOCGWINSZ fills and TIOCSWINSZ reads a struct winsize. An
// input argument that is not in memory is passed as NULL, so that the
// kernel answers what Linux does (EBADF for a closed fd, ENOTTY for a
// request the file does not know, else EFAULT; for TIOCSPGRP, whose int
// the kernel cannot be asked to fault on, a TIOCGPGRP answers the first
// two). Any other request goes to
// the kernel without an argument, and the kernel's answer (EBADF, ENOTTY)
// is the call's.
func lxIoctl(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	p := inst.p
	fd, req := lxInt(a[0]), uint32(a[1])
	le := binary.LittleEndian
	switch req {
	case posix.FIONBIO, posix.TIOCSPGRP:
		b, ok := lxIn(mem, a[2], 4)
		if !ok && req == posix.TIOCSPGRP {
			// The kernel reads TIOCSPGRP's int only after checking
			// that fd is the caller's terminal: ask it that with
			// TIOCGPGRP, which changes nothing.
			var v int32
			if err := p.Ioctl(fd, posix.TIOCGPGRP, &v); err != nil {
				return lxZero(err)
			}
			return lxErr(posix.EFAULT)
		}
		if !ok {
			return lxZero(p.Ioctl(fd, uint(req), nil))
		}
		v := int32(le.Uint32(b))
		return lxZero(p.Ioctl(fd, uint(req), &v))
	case posix.FIONREAD, posix.TIOCGPGRP:
		var v int32
		if err := p.Ioctl(fd, uint(req), &v); err != nil {
			return lxZero(err)
		}
		return lxOutResult(mem, a[2], le.AppendUint32(nil, uint32(v)), 0)
	case posix.TCGETS:
		var t posix.Termios
		if err := p.IoctlTermios(fd, uint(req), &t); err != nil {
			return lxZero(err)
		}
		var b [lxTermiosSize]byte
		le.PutUint32(b[0:], t.Iflag)
		le.PutUint32(b[4:], t.Oflag)
		le.PutUint32(b[8:], t.Cflag)
		le.PutUint32(b[12:], t.Lflag)
		b[16] = t.Line
		copy(b[17:], t.Cc[:])
		return lxOutResult(mem, a[2], b[:], 0)
	case posix.TCSETS, posix.TCSETSW, posix.TCSETSF:
		b, ok := lxIn(mem, a[2], lxTermiosSize)
		if !ok {
			return lxZero(p.IoctlTermios(fd, uint(req), nil))
		}
		t := posix.Termios{Iflag: le.Uint32(b[0:]), Oflag: le.Uint32(b[4:]), Cflag: le.Uint32(b[8:]), Lflag: le.Uint32(b[12:]), Line: b[16]}
		copy(t.Cc[:], b[17:])
		return lxZero(p.IoctlTermios(fd, uint(req), &t))
	case posix.TIOCGWINSZ:
		var ws posix.Winsize
		if err := p.IoctlWinsize(fd, uint(req), &ws); err != nil {
			return lxZero(err)
		}
		var b [lxWinsizeSize]byte
		le.PutUint16(b[0:], ws.Row)
		le.PutUint16(b[2:], ws.Col)
		le.PutUint16(b[4:], ws.Xpixel)
		le.PutUint16(b[6:], ws.Ypixel)
		return lxOutResult(mem, a[2], b[:], 0)
	case posix.TIOCSWINSZ:
		b, ok := lxIn(mem, a[2], lxWinsizeSize)
		if !ok {
			return lxZero(p.IoctlWinsize(fd, uint(req), nil))
		}
		ws := posix.Winsize{Row: le.Uint16(b[0:]), Col: le.Uint16(b[2:]), Xpixel: le.Uint16(b[4:]), Ypixel: le.Uint16(b[6:])}
		return lxZero(p.IoctlWinsize(fd, uint(req), &ws))
	}
	return lxZero(p.Ioctl(fd, uint(req), nil))
}

// lxOutResult answers a call whose result v is complete once b is stored
// at ptr: v, or EFAULT if b does not fit there.
func lxOutResult(mem api.Memory, ptr uint64, b []byte, v int64) int64 {
	if !lxOut(mem, ptr, b) {
		return lxErr(posix.EFAULT)
	}
	return v
}

// lxPollfds decodes the struct pollfd array (ptr, nfds) of poll and ppoll
// into Go values: at most fs.nr_open of them (more is EINVAL, as it is
// above any RLIMIT_NOFILE); EFAULT if the array is not in memory, unless
// nfds is above RLIMIT_NOFILE, which Linux checks first (EINVAL).
func lxPollfds(inst *instance, mem api.Memory, ptr, nfds uint64) ([]posix.PollFd, posix.Errno) {
	if nfds > lxNrOpen {
		return nil, posix.EINVAL
	}
	if nfds == 0 {
		return nil, 0
	}
	raw, ok := lxIn(mem, ptr, uint32(nfds)*lxPollfdSize)
	if !ok {
		if rl, err := inst.p.Getrlimit(posix.RLIMIT_NOFILE); err == nil && nfds > rl.Cur {
			return nil, posix.EINVAL
		}
		return nil, posix.EFAULT
	}
	fds := make([]posix.PollFd, nfds)
	for i := range fds {
		e := raw[i*lxPollfdSize:]
		fds[i] = posix.PollFd{
			Fd:     int32(binary.LittleEndian.Uint32(e)),
			Events: int16(binary.LittleEndian.Uint16(e[4:])),
		}
	}
	return fds, 0
}

// lxPutRevents stores each entry's revents back into the array at ptr,
// as Linux stores them (only revents), after a wait that ran (success or
// EINTR); false if the array has left the memory.
func lxPutRevents(mem api.Memory, ptr uint64, fds []posix.PollFd) bool {
	for i := range fds {
		if !mem.WriteUint16Le(uint32(ptr)+uint32(i)*lxPollfdSize+6, uint16(fds[i].Revents)) {
			return false
		}
	}
	return true
}

// lxWaited reports whether a blocking call's outputs are stored: on
// success, and when a signal interrupted it (EINTR), as Linux stores
// poll's revents and select's time left.
func lxWaited(err error) bool { return err == nil || lxErrno(err) == posix.EINTR }

// lxPoll implements poll(2): poll(struct pollfd *fds, nfds_t nfds, int
// timeout), timeout in milliseconds, negative for none.
func lxPoll(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	fds, e := lxPollfds(inst, mem, a[0], uint64(uint32(a[1])))
	if e != 0 {
		return lxErr(e)
	}
	n, err := inst.p.Poll(fds, lxInt(a[2]))
	if lxWaited(err) && !lxPutRevents(mem, a[0], fds) {
		return lxErr(posix.EFAULT)
	}
	return lxRetInt(n, err)
}

// lxLseek implements lseek(2): lseek(int fd, off_t offset, int whence).
func lxLseek(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRet(inst.p.Lseek(lxInt(a[0]), int64(a[1]), lxInt(a[2])))
}

// lxFtruncate implements ftruncate(2): ftruncate(int fd, off_t length).
func lxFtruncate(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Ftruncate(lxInt(a[0]), int64(a[1])))
}

// lxFstat implements fstat(2): fstat(int fd, struct kstat *statbuf).
func lxFstat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	st, err := inst.p.Fstat(lxInt(a[0]))
	return lxStatResult(mem, a[1], st, err)
}

// lxGetdents64 implements getdents64(2): getdents64(int fd, void *dirp,
// unsigned int count). The buffer is filled by the kernel with
// linux_dirent64 records, the format the C library reads.
func lxGetdents64(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[1], uint64(uint32(a[2])))
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Getdents64(lxInt(a[0]), b))
}

// lxFchdir implements fchdir(2): fchdir(int fd).
func lxFchdir(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fchdir(lxInt(a[0])))
}

// lxFchmod implements fchmod(2): fchmod(int fd, mode_t mode).
func lxFchmod(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fchmod(lxInt(a[0]), uint32(a[1])))
}

// lxFchown implements fchown(2): fchown(int fd, uid_t owner, gid_t
// group); (uid_t)-1 keeps one.
func lxFchown(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fchown(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxFstatfs implements fstatfs(2): fstatfs(int fd, struct statfs *buf).
func lxFstatfs(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	st, err := inst.p.Fstatfs(lxInt(a[0]))
	return lxStatfsResult(mem, a[1], lxStatfsFields(st), err)
}

// lxFsync implements fsync(2): fsync(int fd).
func lxFsync(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fsync(lxInt(a[0])))
}

// lxFdatasync implements fdatasync(2): fdatasync(int fd).
func lxFdatasync(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fdatasync(lxInt(a[0])))
}

// lxOpen implements open(2): open(const char *pathname, int flags, mode_t
// mode).
func lxOpen(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Open(path, lxInt(a[1]), uint32(a[2])))
}

// lxOpenat implements openat(2): openat(int dirfd, const char *pathname,
// int flags, mode_t mode).
func lxOpenat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Openat(lxInt(a[0]), path, lxInt(a[2]), uint32(a[3])))
}

// lxCreat implements creat(2): creat(const char *pathname, mode_t mode).
func lxCreat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Creat(path, uint32(a[1])))
}

// lxTruncate implements truncate(2): truncate(const char *path, off_t
// length).
func lxTruncate(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Truncate(path, int64(a[1])))
}

// lxStat implements stat(2): stat(const char *pathname, struct kstat
// *statbuf).
func lxStat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	st, err := inst.p.Stat(path)
	return lxStatResult(mem, a[1], st, err)
}

// lxLstat implements lstat(2): lstat(const char *pathname, struct kstat
// *statbuf).
func lxLstat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	st, err := inst.p.Lstat(path)
	return lxStatResult(mem, a[1], st, err)
}

// lxNewfstatat implements newfstatat(2) (fstatat): newfstatat(int dirfd,
// const char *pathname, struct kstat *statbuf, int flags).
func lxNewfstatat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	st, err := inst.p.Fstatat(lxInt(a[0]), path, lxInt(a[3]))
	return lxStatResult(mem, a[2], st, err)
}

// lxMkdir implements mkdir(2): mkdir(const char *pathname, mode_t mode).
func lxMkdir(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Mkdir(path, uint32(a[1])))
}

// lxMkdirat implements mkdirat(2): mkdirat(int dirfd, const char
// *pathname, mode_t mode).
func lxMkdirat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Mkdirat(lxInt(a[0]), path, uint32(a[2])))
}

// lxRmdir implements rmdir(2): rmdir(const char *pathname).
func lxRmdir(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Rmdir(path))
}

// lxUnlink implements unlink(2): unlink(const char *pathname).
func lxUnlink(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Unlink(path))
}

// lxUnlinkat implements unlinkat(2): unlinkat(int dirfd, const char
// *pathname, int flags).
func lxUnlinkat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Unlinkat(lxInt(a[0]), path, lxInt(a[2])))
}

// lxPaths reads the two path arguments of rename and link, in order.
func lxPaths(mem api.Memory, p1, p2 uint64) (string, string, posix.Errno) {
	a, e := lxPath(mem, p1)
	if e != 0 {
		return "", "", e
	}
	b, e := lxPath(mem, p2)
	if e != 0 {
		return "", "", e
	}
	return a, b, 0
}

// lxRename implements rename(2): rename(const char *oldpath, const char
// *newpath).
func lxRename(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	oldp, newp, e := lxPaths(mem, a[0], a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Rename(oldp, newp))
}

// lxRenameat implements renameat(2): renameat(int olddirfd, const char
// *oldpath, int newdirfd, const char *newpath).
func lxRenameat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	oldp, newp, e := lxPaths(mem, a[1], a[3])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Renameat2(lxInt(a[0]), oldp, lxInt(a[2]), newp, 0))
}

// lxRenameat2 implements renameat2(2): renameat2(int olddirfd, const char
// *oldpath, int newdirfd, const char *newpath, unsigned int flags).
func lxRenameat2(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	oldp, newp, e := lxPaths(mem, a[1], a[3])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Renameat2(lxInt(a[0]), oldp, lxInt(a[2]), newp, int(uint32(a[4]))))
}

// lxLink implements link(2): link(const char *oldpath, const char
// *newpath).
func lxLink(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	oldp, newp, e := lxPaths(mem, a[0], a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Link(oldp, newp))
}

// lxLinkat implements linkat(2): linkat(int olddirfd, const char *oldpath,
// int newdirfd, const char *newpath, int flags).
func lxLinkat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	oldp, newp, e := lxPaths(mem, a[1], a[3])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Linkat(lxInt(a[0]), oldp, lxInt(a[2]), newp, lxInt(a[4])))
}

// lxSymlink implements symlink(2): symlink(const char *target, const char
// *linkpath).
func lxSymlink(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	target, linkp, e := lxPaths(mem, a[0], a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Symlink(target, linkp))
}

// lxSymlinkat implements symlinkat(2): symlinkat(const char *target, int
// newdirfd, const char *linkpath).
func lxSymlinkat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	target, linkp, e := lxPaths(mem, a[0], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Symlinkat(target, lxInt(a[1]), linkp))
}

// lxReadlink implements readlink(2): readlink(const char *pathname, char
// *buf, int bufsiz) — the byte count, without a NUL.
func lxReadlink(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	return lxReadlinkAt(inst, mem, posix.AT_FDCWD, a[0], a[1], a[2])
}

// lxReadlinkat implements readlinkat(2): readlinkat(int dirfd, const char
// *pathname, char *buf, int bufsiz).
func lxReadlinkat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	return lxReadlinkAt(inst, mem, lxInt(a[0]), a[1], a[2], a[3])
}

// lxReadlinkAt is the heart of readlink and readlinkat: a bufsiz of 0 or
// less is EINVAL before anything else, as in do_readlinkat; the target is
// stored straight into the buffer.
func lxReadlinkAt(inst *instance, mem api.Memory, dirfd int, pathArg, bufArg, sizeArg uint64) int64 {
	size := lxInt(sizeArg)
	if size <= 0 {
		return lxErr(posix.EINVAL)
	}
	path, e := lxPath(mem, pathArg)
	if e != 0 {
		return lxErr(e)
	}
	b, e := lxBuf(mem, bufArg, uint64(size))
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Readlinkat(dirfd, path, b))
}

// lxChdir implements chdir(2): chdir(const char *path).
func lxChdir(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Chdir(path))
}

// lxGetcwd implements the getcwd system call: getcwd(char *buf, size_t
// size) stores the NUL-terminated directory and returns its length with
// the NUL (ERANGE if size is smaller). It is the one buffer that is
// copied: Proc.Getcwd answers a string.
func lxGetcwd(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	dir, err := inst.p.Getcwd()
	if err != nil {
		return lxZero(err)
	}
	n := uint64(len(dir)) + 1
	if n > a[1] {
		return lxErr(posix.ERANGE)
	}
	b := make([]byte, n)
	copy(b, dir)
	if !lxOut(mem, a[0], b) {
		return lxErr(posix.EFAULT)
	}
	return int64(n)
}

// lxChmod implements chmod(2): chmod(const char *pathname, mode_t mode).
func lxChmod(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Chmod(path, uint32(a[1])))
}

// lxFchmodat implements fchmodat(2): fchmodat(int dirfd, const char
// *pathname, mode_t mode). The system call has no flags (that is
// fchmodat2's); a fourth argument is ignored, as Linux ignores it.
func lxFchmodat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Fchmodat(lxInt(a[0]), path, uint32(a[2]), 0))
}

// lxChown implements chown(2): chown(const char *pathname, uid_t owner,
// gid_t group); (uid_t)-1 keeps one.
func lxChown(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Chown(path, lxInt(a[1]), lxInt(a[2])))
}

// lxLchown implements lchown(2): lchown(const char *pathname, uid_t
// owner, gid_t group).
func lxLchown(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Lchown(path, lxInt(a[1]), lxInt(a[2])))
}

// lxFchownat implements fchownat(2): fchownat(int dirfd, const char
// *pathname, uid_t owner, gid_t group, int flags).
func lxFchownat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Fchownat(lxInt(a[0]), path, lxInt(a[2]), lxInt(a[3]), lxInt(a[4])))
}

// lxAccess implements access(2): access(const char *pathname, int mode).
func lxAccess(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Access(path, lxInt(a[1])))
}

// lxFaccessat implements faccessat(2), the system call without flags:
// faccessat(int dirfd, const char *pathname, int mode).
func lxFaccessat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Faccessat(lxInt(a[0]), path, lxInt(a[2]), 0))
}

// lxFaccessat2 implements faccessat2(2): faccessat2(int dirfd, const char
// *pathname, int mode, int flags).
func lxFaccessat2(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Faccessat(lxInt(a[0]), path, lxInt(a[2]), lxInt(a[3])))
}

// lxUtimensat implements utimensat(2): utimensat(int dirfd, const char
// *pathname, const struct timespec times[2], int flags). times NULL
// means now. A NULL pathname sets the times of dirfd's file, as
// futimens(3) asks (musl: utimensat(fd, NULL, times, 0)); Linux's
// do_utimes then wants flags 0 (else EINVAL), and with AT_FDCWD faults
// on the NULL name (EFAULT).
func lxUtimensat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	dirfd, flags := lxInt(a[0]), lxInt(a[3])
	var times *[2]posix.Timespec
	if a[2] != 0 {
		var ts [2]posix.Timespec
		var ok bool
		if ts[0], ok = lxTimespec(mem, a[2]); !ok {
			return lxErr(posix.EFAULT)
		}
		if ts[1], ok = lxTimespec(mem, a[2]+lxTimespecLen); !ok {
			return lxErr(posix.EFAULT)
		}
		times = &ts
	}
	if a[1] == 0 {
		if dirfd == posix.AT_FDCWD {
			if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
				return lxErr(posix.EINVAL)
			}
			return lxErr(posix.EFAULT)
		}
		if flags != 0 {
			return lxErr(posix.EINVAL)
		}
		return lxZero(inst.p.Futimens(dirfd, times))
	}
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Utimensat(dirfd, path, times, flags))
}

// lxMknod implements mknod(2): mknod(const char *pathname, mode_t mode,
// unsigned int dev).
func lxMknod(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Mknodat(posix.AT_FDCWD, path, uint32(a[1]), uint64(uint32(a[2]))))
}

// lxMknodat implements mknodat(2): mknodat(int dirfd, const char
// *pathname, mode_t mode, unsigned int dev).
func lxMknodat(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxZero(inst.p.Mknodat(lxInt(a[0]), path, uint32(a[2]), uint64(uint32(a[3]))))
}

// lxStatfs implements statfs(2): statfs(const char *path, struct statfs
// *buf).
func lxStatfs(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	st, err := inst.p.Statfs(path)
	return lxStatfsResult(mem, a[1], lxStatfsFields(st), err)
}

// lxGetpid implements getpid(2).
func lxGetpid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getpid()) }

// lxGetppid implements getppid(2).
func lxGetppid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getppid()) }

// lxGetpgrp implements getpgrp(2).
func lxGetpgrp(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getpgrp()) }

// lxGetpgid implements getpgid(2): getpgid(pid_t pid).
func lxGetpgid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRetInt(inst.p.Getpgid(lxInt(a[0])))
}

// lxSetpgid implements setpgid(2): setpgid(pid_t pid, pid_t pgid).
func lxSetpgid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setpgid(lxInt(a[0]), lxInt(a[1])))
}

// lxGetsid implements getsid(2): getsid(pid_t pid).
func lxGetsid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxRetInt(inst.p.Getsid(lxInt(a[0])))
}

// lxSetsid implements setsid(2).
func lxSetsid(inst *instance, _ api.Memory, _ *[6]uint64) int64 {
	return lxRetInt(inst.p.Setsid())
}

// lxWait4 implements wait4(2): wait4(pid_t pid, int *wstatus, int
// options, struct rusage *rusage). Both pointers may be NULL; given, they
// are checked before the wait, so that a child is never reaped without
// being reported. The kernel keeps no resource usage: the rusage (the
// kernel's 144 bytes) is zero-filled. Like Linux, neither is written when
// no child was reaped (WNOHANG's 0).
func lxWait4(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[1] != 0 && !lxOutOK(mem, a[1], 4) {
		return lxErr(posix.EFAULT)
	}
	if a[3] != 0 && !lxOutOK(mem, a[3], lxRusageSize) {
		return lxErr(posix.EFAULT)
	}
	pid, st, err := inst.p.Wait4(lxInt(a[0]), lxInt(a[2]))
	if err != nil {
		return lxZero(err)
	}
	if pid > 0 {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(st))
		if a[1] != 0 && !lxOut(mem, a[1], b[:]) {
			return lxErr(posix.EFAULT)
		}
		if a[3] != 0 && !lxOut(mem, a[3], lxZeroRusage[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return int64(pid)
}

// lxZeroRusage is the resource usage wait4 reports: none. Read only.
var lxZeroRusage [lxRusageSize]byte

// lxKill implements kill(2): kill(pid_t pid, int sig).
func lxKill(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Kill(lxInt(a[0]), lxInt(a[1])))
}

// lxRtSigprocmask implements rt_sigprocmask(2): rt_sigprocmask(int how,
// const sigset_t *set, sigset_t *oldset, size_t sigsetsize), with the
// kernel's 8-byte sigset (EINVAL for another sigsetsize). oldset is
// checked before the mask changes.
func lxRtSigprocmask(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[3] != lxSigsetSize {
		return lxErr(posix.EINVAL)
	}
	var set *posix.Sigset
	if a[1] != 0 {
		b, ok := lxIn(mem, a[1], lxSigsetSize)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		s := posix.Sigset(binary.LittleEndian.Uint64(b))
		set = &s
	}
	if a[2] != 0 && !lxOutOK(mem, a[2], lxSigsetSize) {
		return lxErr(posix.EFAULT)
	}
	old, err := inst.p.Sigprocmask(lxInt(a[0]), set)
	if err != nil {
		return lxZero(err)
	}
	if a[2] != 0 {
		var b [lxSigsetSize]byte
		binary.LittleEndian.PutUint64(b[:], uint64(old))
		if !lxOut(mem, a[2], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return 0
}

// lxRtSigpending implements rt_sigpending(2): rt_sigpending(sigset_t
// *set, size_t sigsetsize), which stores sigsetsize bytes of the pending
// set (EINVAL above the kernel's 8).
func lxRtSigpending(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[1] > lxSigsetSize {
		return lxErr(posix.EINVAL)
	}
	set, err := inst.p.Sigpending()
	if err != nil {
		return lxZero(err)
	}
	var b [lxSigsetSize]byte
	binary.LittleEndian.PutUint64(b[:], uint64(set))
	if a[1] > 0 && !lxOut(mem, a[0], b[:a[1]]) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxRtSigsuspend implements rt_sigsuspend(2): rt_sigsuspend(const
// sigset_t *mask, size_t sigsetsize); it answers -EINTR once a handler
// has run.
func lxRtSigsuspend(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[1] != lxSigsetSize {
		return lxErr(posix.EINVAL)
	}
	b, ok := lxIn(mem, a[0], lxSigsetSize)
	if !ok {
		return lxErr(posix.EFAULT)
	}
	return lxZero(inst.p.Sigsuspend(posix.Sigset(binary.LittleEndian.Uint64(b))))
}

// lxAlarm implements alarm(2): alarm(unsigned int seconds).
func lxAlarm(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return int64(inst.p.Alarm(uint(uint32(a[0]))))
}

// lxNanosleep implements nanosleep(2): nanosleep(const struct timespec
// *req, struct timespec *rem). rem may be NULL; it is written only when a
// signal interrupts the sleep (EINTR), as Linux writes it.
func lxNanosleep(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	req, ok := lxTimespec(mem, a[0])
	if !ok {
		return lxErr(posix.EFAULT)
	}
	var rem posix.Timespec
	var remp *posix.Timespec
	if a[1] != 0 {
		remp = &rem
	}
	err := inst.p.Nanosleep(req, remp)
	if err != nil && remp != nil && lxErrno(err) == posix.EINTR {
		var b [lxTimespecLen]byte
		lxPutTimespec(b[:], rem)
		if !lxOut(mem, a[1], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return lxZero(err)
}

// lxClockGettime implements clock_gettime(2): clock_gettime(clockid_t
// clockid, struct timespec *tp).
func lxClockGettime(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	ts, err := inst.p.ClockGettime(lxInt(a[0]))
	if err != nil {
		return lxZero(err)
	}
	var b [lxTimespecLen]byte
	lxPutTimespec(b[:], ts)
	if !lxOut(mem, a[1], b[:]) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxGetuid implements getuid(2).
func lxGetuid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getuid()) }

// lxGeteuid implements geteuid(2).
func lxGeteuid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Geteuid()) }

// lxGetgid implements getgid(2).
func lxGetgid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getgid()) }

// lxGetegid implements getegid(2).
func lxGetegid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Getegid()) }

// lxUname implements uname(2): uname(struct utsname *buf), six 65-byte
// fields.
func lxUname(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	u, err := inst.p.Uname()
	if err != nil {
		return lxZero(err)
	}
	var b [6 * lxUtsLen]byte
	for i, f := range [...]*[lxUtsLen]byte{&u.Sysname, &u.Nodename, &u.Release, &u.Version, &u.Machine, &u.Domainname} {
		copy(b[i*lxUtsLen:], f[:])
	}
	if !lxOut(mem, a[0], b[:]) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxUmask implements umask(2): umask(mode_t mask).
func lxUmask(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return int64(inst.p.Umask(int(uint32(a[0]))))
}

// lxRlimit reads the struct rlimit at ptr.
func lxRlimit(mem api.Memory, ptr uint64) (posix.Rlimit, bool) {
	b, ok := lxIn(mem, ptr, lxRlimitSize)
	if !ok {
		return posix.Rlimit{}, false
	}
	return posix.Rlimit{Cur: binary.LittleEndian.Uint64(b), Max: binary.LittleEndian.Uint64(b[8:])}, true
}

// lxPutRlimit stores rl as a struct rlimit at ptr; false if it does not
// fit.
func lxPutRlimit(mem api.Memory, ptr uint64, rl posix.Rlimit) bool {
	var b [lxRlimitSize]byte
	binary.LittleEndian.PutUint64(b[:], rl.Cur)
	binary.LittleEndian.PutUint64(b[8:], rl.Max)
	return lxOut(mem, ptr, b[:])
}

// lxGetrlimit implements getrlimit(2): getrlimit(unsigned int resource,
// struct rlimit *rlim).
func lxGetrlimit(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	rl, err := inst.p.Getrlimit(int(uint32(a[0])))
	if err != nil {
		return lxZero(err)
	}
	if !lxPutRlimit(mem, a[1], rl) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxSetrlimit implements setrlimit(2): setrlimit(unsigned int resource,
// const struct rlimit *rlim).
func lxSetrlimit(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	rl, ok := lxRlimit(mem, a[1])
	if !ok {
		return lxErr(posix.EFAULT)
	}
	return lxZero(inst.p.Setrlimit(int(uint32(a[0])), rl))
}

// lxPrlimit64 implements prlimit64(2): prlimit64(pid_t pid, unsigned int
// resource, const struct rlimit *new_limit, struct rlimit *old_limit),
// either pointer NULL, for the caller (pid 0 or its own pid): the old
// limits are read, then the new set, and the old stored only if that
// succeeded, as do_prlimit does. Another cage's limits have no Proc
// method yet: EPERM, as for a process the caller may not change.
func lxPrlimit64(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	pid, res := lxInt(a[0]), int(uint32(a[1]))
	var newp *posix.Rlimit
	if a[2] != 0 {
		rl, ok := lxRlimit(mem, a[2])
		if !ok {
			return lxErr(posix.EFAULT)
		}
		newp = &rl
	}
	if a[3] != 0 && !lxOutOK(mem, a[3], lxRlimitSize) {
		return lxErr(posix.EFAULT)
	}
	if pid < 0 {
		return lxErr(posix.ESRCH)
	}
	if pid != 0 && pid != inst.p.Cage().Pid() {
		return lxErr(posix.EPERM)
	}
	var old posix.Rlimit
	if a[3] != 0 || newp == nil {
		var err error
		if old, err = inst.p.Getrlimit(res); err != nil {
			return lxZero(err)
		}
	}
	if newp != nil {
		if err := inst.p.Setrlimit(res, *newp); err != nil {
			return lxZero(err)
		}
	}
	if a[3] != 0 && !lxPutRlimit(mem, a[3], old) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxOptTimespec reads an optional struct timespec argument (nil for
// NULL). musl passes its time64 calls' timeouts as long long[2], whose
// tv_nsec is 8 bytes; its low 4 bytes are the C library's long tv_nsec,
// which is what is read, as x32's kernel masks tv_nsec to 32 bits.
func lxOptTimespec(mem api.Memory, ptr uint64) (*posix.Timespec, posix.Errno) {
	if ptr == 0 {
		return nil, 0
	}
	ts, ok := lxTimespec(mem, ptr)
	if !ok {
		return nil, posix.EFAULT
	}
	return &ts, 0
}

// lxPutTimespecAt stores ts at ptr (16 bytes); false if it does not fit.
func lxPutTimespecAt(mem api.Memory, ptr uint64, ts posix.Timespec) bool {
	var b [lxTimespecLen]byte
	lxPutTimespec(b[:], ts)
	return lxOut(mem, ptr, b[:])
}

// lxSigset reads the kernel's 8-byte sigset_t at ptr.
func lxSigset(mem api.Memory, ptr uint64) (posix.Sigset, bool) {
	b, ok := lxIn(mem, ptr, lxSigsetSize)
	if !ok {
		return 0, false
	}
	return posix.Sigset(binary.LittleEndian.Uint64(b)), true
}

// lxFdSets decodes select's three fd_set arguments (NULL: nil) for nfds
// descriptors: as Linux reads them, only the unsigned longs that hold the
// first nfds bits (at most FD_SETSIZE), EFAULT if they are not in memory.
// It also returns how many bytes each holds.
func lxFdSets(mem api.Memory, nfds int, ptrs ...uint64) ([3]*posix.FdSet, uint32, posix.Errno) {
	var sets [3]*posix.FdSet
	nb := uint32(0)
	if nfds > 0 {
		nb = uint32(min(nfds, posix.FD_SETSIZE)+31) / 32 * 4
	}
	for i, ptr := range ptrs {
		if ptr == 0 {
			continue
		}
		b, ok := lxIn(mem, ptr, nb)
		if !ok {
			return sets, 0, posix.EFAULT
		}
		s := new(posix.FdSet)
		for j, c := range b {
			s.Bits[j/8] |= uint64(c) << (8 * (j % 8))
		}
		sets[i] = s
	}
	return sets, nb, 0
}

// lxPutFdSets stores the sets lxFdSets decoded back where they came from
// (nb bytes each); false if one has left the memory.
func lxPutFdSets(mem api.Memory, sets [3]*posix.FdSet, nb uint32, ptrs ...uint64) bool {
	for i, s := range sets {
		if s == nil {
			continue
		}
		b := make([]byte, nb)
		for j := range b {
			b[j] = byte(s.Bits[j/8] >> (8 * (j % 8)))
		}
		if !lxOut(mem, ptrs[i], b) {
			return false
		}
	}
	return true
}

// lxSelect implements select(2): select(int nfds, fd_set *readfds, fd_set
// *writefds, fd_set *exceptfds, struct timeval *timeout). The sets are
// stored back on success (only the ready descriptors left), the time left
// into timeout on success and on EINTR, as Linux does. (musl's select(3)
// makes pselect6 instead.)
func lxSelect(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	n := lxInt(a[0])
	var tv *posix.Timeval
	var orig posix.Timeval
	if a[4] != 0 {
		b, ok := lxIn(mem, a[4], lxTimevalSize)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		orig = posix.Timeval{Sec: int64(binary.LittleEndian.Uint64(b)), Usec: int64(binary.LittleEndian.Uint64(b[8:]))}
		t := orig
		tv = &t
	}
	sets, nb, e := lxFdSets(mem, n, a[1], a[2], a[3])
	if e != 0 {
		return lxErr(e)
	}
	cnt, err := inst.p.Select(n, sets[0], sets[1], sets[2], tv)
	if err == nil && !lxPutFdSets(mem, sets, nb, a[1], a[2], a[3]) {
		return lxErr(posix.EFAULT)
	}
	if lxWaited(err) && tv != nil && *tv != orig {
		var b [lxTimevalSize]byte
		binary.LittleEndian.PutUint64(b[:], uint64(tv.Sec))
		binary.LittleEndian.PutUint64(b[8:], uint64(tv.Usec))
		if !lxOut(mem, a[4], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return lxRetInt(cnt, err)
}

// lxPselect6 implements the pselect6 system call: pselect6(int nfds,
// fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timespec
// *timeout, void *sigmask), whose sixth argument points to a pair of
// 64-bit words (musl's syscall_arg_t[2], Linux's sigset_argpack): the
// address of the mask for the wait (0: none) and its size (8, else
// EINVAL). As the system call does, it stores the time left into timeout.
func lxPselect6(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	n := lxInt(a[0])
	ts, e := lxOptTimespec(mem, a[4])
	if e != 0 {
		return lxErr(e)
	}
	var orig posix.Timespec
	if ts != nil {
		orig = *ts
	}
	var mask *posix.Sigset
	if a[5] != 0 {
		pk, ok := lxIn(mem, a[5], 16)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		if mp := binary.LittleEndian.Uint64(pk); mp != 0 {
			if binary.LittleEndian.Uint64(pk[8:]) != lxSigsetSize {
				return lxErr(posix.EINVAL)
			}
			m, ok := lxSigset(mem, mp)
			if !ok {
				return lxErr(posix.EFAULT)
			}
			mask = &m
		}
	}
	sets, nb, e := lxFdSets(mem, n, a[1], a[2], a[3])
	if e != 0 {
		return lxErr(e)
	}
	cnt, err := inst.p.Pselect6(n, sets[0], sets[1], sets[2], ts, mask)
	if err == nil && !lxPutFdSets(mem, sets, nb, a[1], a[2], a[3]) {
		return lxErr(posix.EFAULT)
	}
	if lxWaited(err) && ts != nil && *ts != orig && !lxPutTimespecAt(mem, a[4], *ts) {
		return lxErr(posix.EFAULT)
	}
	return lxRetInt(cnt, err)
}

// lxPpoll implements the ppoll system call: ppoll(struct pollfd *fds,
// nfds_t nfds, struct timespec *tmo_p, const sigset_t *sigmask, size_t
// sigsetsize): poll with a timespec timeout (NULL: none), which it
// updates to the time left, and a mask for the wait (sigsetsize must be
// 8).
func lxPpoll(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	ts, e := lxOptTimespec(mem, a[2])
	if e != 0 {
		return lxErr(e)
	}
	var orig posix.Timespec
	if ts != nil {
		orig = *ts
	}
	var mask *posix.Sigset
	if a[3] != 0 {
		if a[4] != lxSigsetSize {
			return lxErr(posix.EINVAL)
		}
		m, ok := lxSigset(mem, a[3])
		if !ok {
			return lxErr(posix.EFAULT)
		}
		mask = &m
	}
	fds, e := lxPollfds(inst, mem, a[0], uint64(uint32(a[1])))
	if e != 0 {
		return lxErr(e)
	}
	n, err := inst.p.Ppoll(fds, ts, mask)
	if lxWaited(err) {
		if !lxPutRevents(mem, a[0], fds) {
			return lxErr(posix.EFAULT)
		}
		if ts != nil && *ts != orig && !lxPutTimespecAt(mem, a[2], *ts) {
			return lxErr(posix.EFAULT)
		}
	}
	return lxRetInt(n, err)
}

// lxHiLo is the offset of preadv and pwritev, which the system calls take
// as two unsigned longs, pos_l and pos_h (preadv(2), NOTES): with wasm32's
// 4-byte long, pos_h<<32 | pos_l, as Linux's pos_from_hilo makes it on a
// 32-bit ABI (musl passes (long)ofs, (long)(ofs>>32)).
func lxHiLo(lo, hi uint64) int64 { return int64(uint64(uint32(hi))<<32 | uint64(uint32(lo))) }

// lxPreadv implements preadv(2): preadv(int fd, const struct iovec *iov,
// int iovcnt, unsigned long pos_l, unsigned long pos_h).
func lxPreadv(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	iov, e := lxIovec(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Preadv(lxInt(a[0]), iov, lxHiLo(a[3], a[4])))
}

// lxPwritev implements pwritev(2): pwritev(int fd, const struct iovec
// *iov, int iovcnt, unsigned long pos_l, unsigned long pos_h).
func lxPwritev(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	iov, e := lxIovec(mem, a[1], a[2])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Pwritev(lxInt(a[0]), iov, lxHiLo(a[3], a[4])))
}

// lxOptOff reads an optional off_t or loff_t pointer argument (nil for
// NULL).
func lxOptOff(mem api.Memory, ptr uint64) (*int64, posix.Errno) {
	if ptr == 0 {
		return nil, 0
	}
	b, ok := lxIn(mem, ptr, 8)
	if !ok {
		return nil, posix.EFAULT
	}
	v := int64(binary.LittleEndian.Uint64(b))
	return &v, 0
}

// lxSendfile implements sendfile(2): sendfile(int out_fd, int in_fd, off_t
// *offset, size_t count). The offset, if given, is stored back whatever
// the result, as Linux stores it.
func lxSendfile(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	off, e := lxOptOff(mem, a[2])
	if e != 0 {
		return lxErr(e)
	}
	n, err := inst.p.Sendfile(lxInt(a[0]), lxInt(a[1]), off, int(min(a[3], lxMaxRW)))
	if off != nil && !lxOut(mem, a[2], binary.LittleEndian.AppendUint64(nil, uint64(*off))) {
		return lxErr(posix.EFAULT)
	}
	return lxRetInt(n, err)
}

// lxCopyFileRange implements copy_file_range(2): copy_file_range(int
// fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len,
// unsigned int flags). The offsets given are stored back when something
// was copied.
func lxCopyFileRange(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	offIn, e := lxOptOff(mem, a[1])
	if e != 0 {
		return lxErr(e)
	}
	offOut, e := lxOptOff(mem, a[3])
	if e != 0 {
		return lxErr(e)
	}
	n, err := inst.p.CopyFileRange(lxInt(a[0]), offIn, lxInt(a[2]), offOut, int(min(a[4], lxMaxRW)), int(uint32(a[5])))
	if err == nil && n > 0 {
		for _, o := range [...]struct {
			ptr uint64
			v   *int64
		}{{a[1], offIn}, {a[3], offOut}} {
			if o.v != nil && !lxOut(mem, o.ptr, binary.LittleEndian.AppendUint64(nil, uint64(*o.v))) {
				return lxErr(posix.EFAULT)
			}
		}
	}
	return lxRetInt(n, err)
}

// lxFlock implements flock(2): flock(int fd, int operation).
func lxFlock(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Flock(lxInt(a[0]), lxInt(a[1])))
}

// lxFadvise64 implements fadvise64(2) (posix_fadvise(3)): fadvise64(int
// fd, off_t offset, off_t len, int advice).
func lxFadvise64(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fadvise(lxInt(a[0]), int64(a[1]), int64(a[2]), lxInt(a[3])))
}

// lxSyncFileRange implements sync_file_range(2): sync_file_range(int fd,
// off64_t offset, off64_t nbytes, unsigned int flags).
func lxSyncFileRange(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.SyncFileRange(lxInt(a[0]), int64(a[1]), int64(a[2]), int(uint32(a[3]))))
}

// lxFallocate implements fallocate(2): fallocate(int fd, int mode, off_t
// offset, off_t len).
func lxFallocate(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Fallocate(lxInt(a[0]), lxInt(a[1]), int64(a[2]), int64(a[3])))
}

// lxSync implements sync(2).
func lxSync(inst *instance, _ api.Memory, _ *[6]uint64) int64 {
	inst.p.Sync()
	return 0
}

// lxSyncfs implements syncfs(2): syncfs(int fd).
func lxSyncfs(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Syncfs(lxInt(a[0])))
}

// lxGetrandom implements getrandom(2): getrandom(void *buf, size_t
// buflen, unsigned int flags), into the memory itself.
func lxGetrandom(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, e := lxBuf(mem, a[0], a[1])
	if e != 0 {
		return lxErr(e)
	}
	return lxRetInt(inst.p.Getrandom(b, int(uint32(a[2]))))
}

// lxSchedYield implements sched_yield(2).
func lxSchedYield(inst *instance, _ api.Memory, _ *[6]uint64) int64 {
	return lxZero(inst.p.SchedYield())
}

// lxGettid implements gettid(2): a cage's one thread has the pid as tid.
func lxGettid(inst *instance, _ api.Memory, _ *[6]uint64) int64 { return int64(inst.p.Gettid()) }

// lxSetTidAddress implements set_tid_address(2): set_tid_address(int
// *tidptr), which musl makes at startup for the thread's tid. The address
// is only recorded by the kernel.
func lxSetTidAddress(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return int64(inst.p.SetTidAddress(a[0]))
}

// lxTkill implements tkill(2): tkill(pid_t tid, int sig), which musl's
// raise(3) and abort(3) make.
func lxTkill(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Tkill(lxInt(a[0]), lxInt(a[1])))
}

// lxTgkill implements tgkill(2): tgkill(pid_t tgid, pid_t tid, int sig).
func lxTgkill(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Tgkill(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxWaitidInfo is how much of siginfo_t waitid stores: si_signo, si_errno,
// si_code, si_pid, si_uid and si_status, as Linux's waitid stores them.
const lxWaitidInfo = 24

// lxWaitid implements waitid(2): waitid(idtype_t idtype, id_t id,
// siginfo_t *infop, int options, struct rusage *rusage). As for wait4, the
// pointers are checked before the wait (a child is never reaped unseen),
// and the rusage (the kernel's 144 bytes) is zero-filled.
func lxWaitid(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[2] != 0 && !lxOutOK(mem, a[2], lxWaitidInfo) {
		return lxErr(posix.EFAULT)
	}
	if a[4] != 0 && !lxOutOK(mem, a[4], lxRusageSize) {
		return lxErr(posix.EFAULT)
	}
	info, err := inst.p.Waitid(lxInt(a[0]), lxInt(a[1]), lxInt(a[3]))
	if err != nil {
		return lxZero(err)
	}
	if a[2] != 0 {
		b := lxSiginfoBytes(&info)
		if !lxOut(mem, a[2], b[:lxWaitidInfo]) {
			return lxErr(posix.EFAULT)
		}
	}
	if a[4] != 0 && !lxOut(mem, a[4], lxZeroRusage[:]) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxSiginfoBytes encodes info as the C library's siginfo_t (see
// lxSiginfoSize): si_status, si_utime and si_stime for a SIGCHLD with a
// CLD_* code, si_value otherwise.
func lxSiginfoBytes(info *posix.Siginfo) [lxSiginfoSize]byte {
	var b [lxSiginfoSize]byte
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(info.Signo))
	le.PutUint32(b[4:], uint32(info.Errno))
	le.PutUint32(b[8:], uint32(info.Code))
	le.PutUint32(b[12:], uint32(info.Pid))
	le.PutUint32(b[16:], info.Uid)
	if info.Signo == posix.SIGCHLD && info.Code > 0 {
		le.PutUint32(b[20:], uint32(info.Status))
		le.PutUint32(b[24:], uint32(info.Utime))
		le.PutUint32(b[28:], uint32(info.Stime))
	} else {
		le.PutUint32(b[20:], uint32(info.Value))
	}
	return b
}

// lxRtSigtimedwait implements rt_sigtimedwait(2): rt_sigtimedwait(const
// sigset_t *set, siginfo_t *info, const struct timespec *timeout, size_t
// sigsetsize). It returns the signal taken; info, if given, is checked
// before the wait (a signal is never taken unseen) and gets the whole
// siginfo_t.
func lxRtSigtimedwait(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	if a[3] != lxSigsetSize {
		return lxErr(posix.EINVAL)
	}
	set, ok := lxSigset(mem, a[0])
	if !ok {
		return lxErr(posix.EFAULT)
	}
	ts, e := lxOptTimespec(mem, a[2])
	if e != 0 {
		return lxErr(e)
	}
	if a[1] != 0 && !lxOutOK(mem, a[1], lxSiginfoSize) {
		return lxErr(posix.EFAULT)
	}
	info, err := inst.p.Sigtimedwait(set, ts)
	if err != nil {
		return lxZero(err)
	}
	if a[1] != 0 {
		b := lxSiginfoBytes(&info)
		if !lxOut(mem, a[1], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return int64(info.Signo)
}

// lxRtSigqueueinfo implements rt_sigqueueinfo(2): rt_sigqueueinfo(pid_t
// tgid, int sig, siginfo_t *info), the siginfo_t as sigqueue(3) fills it
// (si_value at 20).
func lxRtSigqueueinfo(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	b, ok := lxIn(mem, a[2], lxSiginfoSize)
	if !ok {
		return lxErr(posix.EFAULT)
	}
	le := binary.LittleEndian
	info := posix.Siginfo{
		Signo: int32(le.Uint32(b[0:])),
		Errno: int32(le.Uint32(b[4:])),
		Code:  int32(le.Uint32(b[8:])),
		Pid:   int32(le.Uint32(b[12:])),
		Uid:   le.Uint32(b[16:]),
		Value: uint64(le.Uint32(b[20:])),
	}
	return lxZero(inst.p.Sigqueueinfo(lxInt(a[0]), lxInt(a[1]), info))
}

// lxSigaltstack implements sigaltstack(2): sigaltstack(const stack_t *ss,
// stack_t *old_ss), either NULL.
func lxSigaltstack(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	le := binary.LittleEndian
	var ss *posix.SignalStack
	if a[0] != 0 {
		b, ok := lxIn(mem, a[0], lxStackSize)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		ss = &posix.SignalStack{Sp: uint64(le.Uint32(b[0:])), Flags: le.Uint32(b[4:]), Size: uint64(le.Uint32(b[8:]))}
	}
	if a[1] != 0 && !lxOutOK(mem, a[1], lxStackSize) {
		return lxErr(posix.EFAULT)
	}
	old, err := inst.p.Sigaltstack(ss)
	if err != nil {
		return lxZero(err)
	}
	if a[1] != 0 {
		var b [lxStackSize]byte
		le.PutUint32(b[0:], uint32(old.Sp))
		le.PutUint32(b[4:], old.Flags)
		le.PutUint32(b[8:], uint32(old.Size))
		if !lxOut(mem, a[1], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	return 0
}

// lxItimerval reads the long[4] itimerval of getitimer and setitimer (see
// lxItimerval32Size).
func lxItimerval(b []byte) posix.Itimerval {
	f := func(i int) int64 { return int64(int32(binary.LittleEndian.Uint32(b[4*i:]))) }
	return posix.Itimerval{
		Interval: posix.Timeval{Sec: f(0), Usec: f(1)},
		Value:    posix.Timeval{Sec: f(2), Usec: f(3)},
	}
}

// lxItimervalBytes encodes v as that long[4].
func lxItimervalBytes(v posix.Itimerval) []byte {
	b := make([]byte, 0, lxItimerval32Size)
	for _, x := range [...]int64{v.Interval.Sec, v.Interval.Usec, v.Value.Sec, v.Value.Usec} {
		b = binary.LittleEndian.AppendUint32(b, uint32(int32(x)))
	}
	return b
}

// lxGetitimer implements getitimer(2): getitimer(int which, struct
// itimerval *curr_value), in the 32-bit layout musl passes.
func lxGetitimer(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	v, err := inst.p.Getitimer(lxInt(a[0]))
	if err != nil {
		return lxZero(err)
	}
	return lxOutResult(mem, a[1], lxItimervalBytes(v), 0)
}

// lxSetitimer implements setitimer(2): setitimer(int which, const struct
// itimerval *new_value, struct itimerval *old_value), in the 32-bit layout
// musl passes. A NULL new_value disarms the timer, as Linux still allows.
func lxSetitimer(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	var v posix.Itimerval
	if a[1] != 0 {
		b, ok := lxIn(mem, a[1], lxItimerval32Size)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		v = lxItimerval(b)
	}
	if a[2] != 0 && !lxOutOK(mem, a[2], lxItimerval32Size) {
		return lxErr(posix.EFAULT)
	}
	old, err := inst.p.Setitimer(lxInt(a[0]), v)
	if err != nil {
		return lxZero(err)
	}
	if a[2] != 0 {
		return lxOutResult(mem, a[2], lxItimervalBytes(old), 0)
	}
	return 0
}

// lxGettimeofday implements gettimeofday(2): gettimeofday(struct timeval
// *tv, struct timezone *tz), either NULL; the timezone is Linux's usual
// zeros. (musl's gettimeofday(3) reads clock_gettime instead.)
func lxGettimeofday(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	tv, err := inst.p.Gettimeofday()
	if err != nil {
		return lxZero(err)
	}
	if a[0] != 0 {
		var b [lxTimevalSize]byte
		binary.LittleEndian.PutUint64(b[:], uint64(tv.Sec))
		binary.LittleEndian.PutUint64(b[8:], uint64(tv.Usec))
		if !lxOut(mem, a[0], b[:]) {
			return lxErr(posix.EFAULT)
		}
	}
	if a[1] != 0 && !lxOut(mem, a[1], make([]byte, 8)) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxTime implements time(2): time(time_t *tloc), tloc a 64-bit time_t or
// NULL.
func lxTime(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	t := inst.p.Time()
	if a[0] != 0 {
		return lxOutResult(mem, a[0], binary.LittleEndian.AppendUint64(nil, uint64(t)), t)
	}
	return t
}

// lxClockGetres implements clock_getres(2): clock_getres(clockid_t
// clockid, struct timespec *res), res NULL to check the clock only.
func lxClockGetres(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	ts, err := inst.p.ClockGetres(lxInt(a[0]))
	if err != nil {
		return lxZero(err)
	}
	if a[1] != 0 && !lxPutTimespecAt(mem, a[1], ts) {
		return lxErr(posix.EFAULT)
	}
	return 0
}

// lxClockNanosleep implements clock_nanosleep(2): clock_nanosleep(clockid_t
// clockid, int flags, const struct timespec *request, struct timespec
// *remain), which musl's nanosleep(3), sleep(3) and usleep(3) make. The
// result is 0 or -errno, as for every system call (the C function returns
// the errno). remain, if given, gets the time left of an interrupted
// relative sleep (EINTR).
func lxClockNanosleep(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	req, ok := lxTimespec(mem, a[2])
	if !ok {
		return lxErr(posix.EFAULT)
	}
	flags := lxInt(a[1])
	var rem posix.Timespec
	var remp *posix.Timespec
	if a[3] != 0 {
		remp = &rem
	}
	err := inst.p.ClockNanosleep(lxInt(a[0]), flags, req, remp)
	if err != nil && remp != nil && flags&posix.TIMER_ABSTIME == 0 && lxErrno(err) == posix.EINTR &&
		!lxPutTimespecAt(mem, a[3], rem) {
		return lxErr(posix.EFAULT)
	}
	return lxZero(err)
}

// lxTimes implements times(2): times(struct tms *buf), buf NULL or four
// 4-byte clock_t; it returns the clock ticks since the kernel started.
func lxTimes(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	tms, ticks, err := inst.p.Times()
	if err != nil {
		return lxZero(err)
	}
	if a[0] != 0 {
		b := make([]byte, 0, lxTmsSize)
		for _, v := range [...]int64{tms.Utime, tms.Stime, tms.Cutime, tms.Cstime} {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
		return lxOutResult(mem, a[0], b, ticks)
	}
	return ticks
}

// lxGetrusage implements getrusage(2): getrusage(int who, struct rusage
// *usage), the usage in the kernel's 144-byte layout (see lxRusageSize).
func lxGetrusage(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	ru, err := inst.p.Getrusage(lxInt(a[0]))
	if err != nil {
		return lxZero(err)
	}
	b := make([]byte, 0, lxRusageSize)
	for _, v := range [...]int64{ru.Utime.Sec, ru.Utime.Usec, ru.Stime.Sec, ru.Stime.Usec,
		ru.Maxrss, ru.Ixrss, ru.Idrss, ru.Isrss, ru.Minflt, ru.Majflt, ru.Nswap, ru.Inblock,
		ru.Oublock, ru.Msgsnd, ru.Msgrcv, ru.Nsignals, ru.Nvcsw, ru.Nivcsw} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return lxOutResult(mem, a[1], b, 0)
}

// lxPageSize is the page size compat_sys_sysinfo scales mem_unit up to.
const lxPageSize = 4096

// lxSysinfo implements sysinfo(2): sysinfo(struct sysinfo *info), in the
// C library's layout of 4-byte longs (see lxSysinfoSize). Memory sizes
// that do not fit 32 bits are scaled, mem_unit growing to the page size,
// as Linux's compat_sys_sysinfo scales them for a 32-bit caller.
func lxSysinfo(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	si, err := inst.p.Sysinfo()
	if err != nil {
		return lxZero(err)
	}
	unit := si.Unit
	if unit == 0 {
		unit = 1
	}
	shift := uint(0)
	if si.Totalram>>32 != 0 || si.Totalswap>>32 != 0 {
		for unit < lxPageSize {
			unit <<= 1
			shift++
		}
	}
	var b [lxSysinfoSize]byte
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(si.Uptime))
	for i, l := range si.Loads {
		le.PutUint32(b[4+4*i:], uint32(l))
	}
	for i, v := range [...]uint64{si.Totalram, si.Freeram, si.Sharedram, si.Bufferram, si.Totalswap, si.Freeswap} {
		le.PutUint32(b[16+4*i:], uint32(v>>shift))
	}
	le.PutUint16(b[40:], si.Procs)
	le.PutUint32(b[44:], uint32(si.Totalhigh>>shift))
	le.PutUint32(b[48:], uint32(si.Freehigh>>shift))
	le.PutUint32(b[52:], unit)
	return lxOutResult(mem, a[0], b[:], 0)
}

// lxSetuid implements setuid(2): setuid(uid_t uid).
func lxSetuid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setuid(lxInt(a[0])))
}

// lxSetgid implements setgid(2): setgid(gid_t gid).
func lxSetgid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setgid(lxInt(a[0])))
}

// lxSetreuid implements setreuid(2): setreuid(uid_t ruid, uid_t euid);
// (uid_t)-1 keeps one.
func lxSetreuid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setreuid(lxInt(a[0]), lxInt(a[1])))
}

// lxSetregid implements setregid(2): setregid(gid_t rgid, gid_t egid).
func lxSetregid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setregid(lxInt(a[0]), lxInt(a[1])))
}

// lxSetresuid implements setresuid(2): setresuid(uid_t ruid, uid_t euid,
// uid_t suid).
func lxSetresuid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setresuid(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxSetresgid implements setresgid(2): setresgid(gid_t rgid, gid_t egid,
// gid_t sgid).
func lxSetresgid(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setresgid(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxPutIDs stores three ids (uid_t or gid_t, 4 bytes) at the three
// pointers, all checked first.
func lxPutIDs(mem api.Memory, ptrs []uint64, ids ...int) int64 {
	for _, p := range ptrs {
		if !lxOutOK(mem, p, 4) {
			return lxErr(posix.EFAULT)
		}
	}
	for i, p := range ptrs {
		lxOut(mem, p, binary.LittleEndian.AppendUint32(nil, uint32(ids[i])))
	}
	return 0
}

// lxGetresuid implements getresuid(2): getresuid(uid_t *ruid, uid_t
// *euid, uid_t *suid).
func lxGetresuid(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	r, e, s, err := inst.p.Getresuid()
	if err != nil {
		return lxZero(err)
	}
	return lxPutIDs(mem, a[:3], r, e, s)
}

// lxGetresgid implements getresgid(2): getresgid(gid_t *rgid, gid_t
// *egid, gid_t *sgid).
func lxGetresgid(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	r, e, s, err := inst.p.Getresgid()
	if err != nil {
		return lxZero(err)
	}
	return lxPutIDs(mem, a[:3], r, e, s)
}

// lxGetgroups implements getgroups(2): getgroups(int size, gid_t list[]):
// with size 0 the count only; EINVAL for a negative size or one below
// the count.
func lxGetgroups(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	size := lxInt(a[0])
	if size < 0 {
		return lxErr(posix.EINVAL)
	}
	gids, err := inst.p.Getgroups()
	if err != nil {
		return lxZero(err)
	}
	if size == 0 || len(gids) == 0 {
		return int64(len(gids))
	}
	if len(gids) > size {
		return lxErr(posix.EINVAL)
	}
	b := make([]byte, 0, 4*len(gids))
	for _, g := range gids {
		b = binary.LittleEndian.AppendUint32(b, uint32(g))
	}
	return lxOutResult(mem, a[1], b, int64(len(gids)))
}

// lxSetgroups implements setgroups(2): setgroups(int size, const gid_t
// *list): EINVAL above NGROUPS_MAX, EFAULT if the list is not in memory.
func lxSetgroups(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	size := uint32(a[0])
	if size > lxNgroupsMax {
		return lxErr(posix.EINVAL)
	}
	gids := make([]int, size)
	if size > 0 {
		b, ok := lxIn(mem, a[1], 4*size)
		if !ok {
			return lxErr(posix.EFAULT)
		}
		for i := range gids {
			gids[i] = int(binary.LittleEndian.Uint32(b[4*i:]))
		}
	}
	return lxZero(inst.p.Setgroups(gids))
}

// lxGetpriority implements the getpriority system call: getpriority(int
// which, id_t who), which returns 20-nice (1 to 40), as Linux's does; the
// C library turns it back.
func lxGetpriority(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	nice, err := inst.p.Getpriority(lxInt(a[0]), lxInt(a[1]))
	if err != nil {
		return lxZero(err)
	}
	return int64(20 - nice)
}

// lxSetpriority implements setpriority(2): setpriority(int which, id_t
// who, int prio).
func lxSetpriority(inst *instance, _ api.Memory, a *[6]uint64) int64 {
	return lxZero(inst.p.Setpriority(lxInt(a[0]), lxInt(a[1]), lxInt(a[2])))
}

// lxPrctl implements prctl(2): prctl(int option, unsigned long arg2, ...)
// for the options the kernel serves: PR_SET_NAME (arg2: the name, of
// which Linux reads at most 15 bytes), PR_GET_NAME (arg2: a 16-byte
// buffer), PR_SET_PDEATHSIG (arg2: the signal) and PR_GET_PDEATHSIG
// (arg2: an int *). Any other option is EINVAL, as the kernel answers it.
func lxPrctl(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	p := inst.p
	switch lxInt(a[0]) {
	case posix.PR_SET_NAME:
		ptr, ok := lxAddr(a[1])
		size := mem.Size()
		if !ok || ptr >= size {
			return lxErr(posix.EFAULT)
		}
		n := min(size-ptr, lxTaskCommLen-1)
		b, _ := mem.Read(ptr, n)
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		} else if n < lxTaskCommLen-1 {
			return lxErr(posix.EFAULT)
		}
		return lxZero(p.PrctlSetName(string(b)))
	case posix.PR_GET_NAME:
		if !lxOutOK(mem, a[1], lxTaskCommLen) {
			return lxErr(posix.EFAULT)
		}
		name, err := p.PrctlGetName()
		if err != nil {
			return lxZero(err)
		}
		var b [lxTaskCommLen]byte
		copy(b[:lxTaskCommLen-1], name)
		return lxOutResult(mem, a[1], b[:], 0)
	case posix.PR_SET_PDEATHSIG:
		return lxZero(p.PrctlSetPdeathsig(int(uint32(a[1]))))
	case posix.PR_GET_PDEATHSIG:
		if !lxOutOK(mem, a[1], 4) {
			return lxErr(posix.EFAULT)
		}
		sig, err := p.PrctlGetPdeathsig()
		if err != nil {
			return lxZero(err)
		}
		return lxOutResult(mem, a[1], binary.LittleEndian.AppendUint32(nil, uint32(sig)), 0)
	}
	return lxErr(posix.EINVAL)
}
