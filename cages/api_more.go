package cages

import (
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// The Proc methods of the calls a C library makes beyond the basic ones:
// threads and signals (gettid, tkill, rt_sigtimedwait, sigaltstack), time
// (gettimeofday, clock_getres, clock_nanosleep, itimers, times, getrusage,
// sysinfo), I/O (select, ppoll, preadv, sendfile, copy_file_range, flock,
// fallocate, getrandom), identity (set*id, getgroups, priorities, prctl),
// waitid and the terminal ioctls.

func (p *Proc) call5(num int, a0, a1, a2, a3, a4 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0], c.Args[1], c.Args[2], c.Args[3], c.Args[4] = a0, a1, a2, a3, a4
	return p.do(c)
}

func (p *Proc) call6(num int, a0, a1, a2, a3, a4, a5 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0], c.Args[1], c.Args[2], c.Args[3], c.Args[4], c.Args[5] = a0, a1, a2, a3, a4, a5
	return p.do(c)
}

// off64 is a 64-bit offset argument.
func off64(v int64) threei.Arg { return threei.Arg{Val: uint64(v)} }

// optPtr is a pointer argument that is nil (NULL) when v is a nil pointer.
func optPtr[T any](v *T) threei.Arg {
	if v == nil {
		return threei.Arg{}
	}
	return ptr(v)
}

// Gettid returns the caller's thread id, as gettid(2): a cage has one
// thread, so it is the pid.
func (p *Proc) Gettid() int {
	r, _ := p.call0(posix.SYS_GETTID)
	return int(r)
}

// SetTidAddress records the caller's clear_child_tid address and returns
// its thread id, as set_tid_address(2).
func (p *Proc) SetTidAddress(addr uint64) int {
	r, _ := p.call1(posix.SYS_SET_TID_ADDRESS, threei.Arg{Val: addr})
	return int(r)
}

// Tkill sends sig to thread tid, as tkill(2): to the cage whose pid is
// tid. Sent to the caller itself, as raise(3) does, the signal is
// delivered before Tkill returns.
func (p *Proc) Tkill(tid, sig int) error {
	_, err := p.call2(posix.SYS_TKILL, val(tid), val(sig))
	return errOf(err)
}

// Tgkill sends sig to thread tid of thread group tgid, as tgkill(2).
func (p *Proc) Tgkill(tgid, tid, sig int) error {
	_, err := p.call3(posix.SYS_TGKILL, val(tgid), val(tid), val(sig))
	return errOf(err)
}

// Sigtimedwait waits up to timeout (nil: forever) for a signal of set,
// which should be blocked, takes it off the pending set without running
// its handler, and returns its siginfo (Signo is the signal), as
// sigtimedwait(2). EAGAIN means the timeout passed; EINTR that another
// signal's handler ran.
func (p *Proc) Sigtimedwait(set posix.Sigset, timeout *posix.Timespec) (posix.Siginfo, error) {
	var info posix.Siginfo
	_, err := p.call4(posix.SYS_RT_SIGTIMEDWAIT, ptr(&set), ptr(&info), optPtr(timeout), val(sigsetSize))
	return info, errOf(err)
}

// Sigwaitinfo is Sigtimedwait with no timeout, as sigwaitinfo(2).
func (p *Proc) Sigwaitinfo(set posix.Sigset) (posix.Siginfo, error) {
	return p.Sigtimedwait(set, nil)
}

// Sigqueueinfo sends sig to pid with the siginfo info, as
// rt_sigqueueinfo(2): a cage may claim only SI_QUEUE and the other
// negative codes for a signal to another cage.
func (p *Proc) Sigqueueinfo(pid, sig int, info posix.Siginfo) error {
	_, err := p.call3(posix.SYS_RT_SIGQUEUEINFO, val(pid), val(sig), ptr(&info))
	return errOf(err)
}

// Sigqueue sends sig with value to pid, as sigqueue(3).
func (p *Proc) Sigqueue(pid, sig int, value uint64) error {
	info := posix.Siginfo{Code: posix.SI_QUEUE, Pid: int32(p.Getpid()), Uid: uint32(p.Getuid()), Value: value}
	return p.Sigqueueinfo(pid, sig, info)
}

// Sigaltstack sets the alternate signal stack to ss (nil: unchanged) and
// returns the previous one, as sigaltstack(2). Handlers never run on it.
func (p *Proc) Sigaltstack(ss *posix.SignalStack) (posix.SignalStack, error) {
	var old posix.SignalStack
	_, err := p.call2(posix.SYS_SIGALTSTACK, optPtr(ss), ptr(&old))
	return old, errOf(err)
}

// Getitimer reads interval timer which (ITIMER_REAL, ITIMER_VIRTUAL,
// ITIMER_PROF), as getitimer(2).
func (p *Proc) Getitimer(which int) (posix.Itimerval, error) {
	var v posix.Itimerval
	_, err := p.call2(posix.SYS_GETITIMER, val(which), ptr(&v))
	return v, errOf(err)
}

// Setitimer sets interval timer which to v and returns its previous
// setting, as setitimer(2). ITIMER_REAL is the timer of Alarm.
func (p *Proc) Setitimer(which int, v posix.Itimerval) (posix.Itimerval, error) {
	var old posix.Itimerval
	_, err := p.call3(posix.SYS_SETITIMER, val(which), ptr(&v), ptr(&old))
	return old, errOf(err)
}

// Gettimeofday returns the time of day, as gettimeofday(2).
func (p *Proc) Gettimeofday() (posix.Timeval, error) {
	var tv posix.Timeval
	_, err := p.call2(posix.SYS_GETTIMEOFDAY, ptr(&tv), threei.Arg{})
	return tv, errOf(err)
}

// Time returns the seconds since the epoch, as time(2).
func (p *Proc) Time() int64 {
	r, _ := p.call1(posix.SYS_TIME, threei.Arg{})
	return r
}

// ClockGetres returns the resolution of clock clk, as clock_getres(2).
func (p *Proc) ClockGetres(clk int) (posix.Timespec, error) {
	var ts posix.Timespec
	_, err := p.call2(posix.SYS_CLOCK_GETRES, val(clk), ptr(&ts))
	return ts, errOf(err)
}

// ClockNanosleep sleeps on clock clk for req, or until req with
// TIMER_ABSTIME in flags, as clock_nanosleep(2) (whose C function returns
// the errno rather than setting it); a relative sleep interrupted by a
// signal stores the time left in rem, if not nil.
func (p *Proc) ClockNanosleep(clk, flags int, req posix.Timespec, rem *posix.Timespec) error {
	_, err := p.call4(posix.SYS_CLOCK_NANOSLEEP, val(clk), val(flags), ptr(&req), optPtr(rem))
	return errOf(err)
}

// Times returns the CPU times of the cage and its waited-for children, in
// clock ticks, and the ticks elapsed since an arbitrary point, as
// times(2).
func (p *Proc) Times() (posix.Tms, int64, error) {
	var tms posix.Tms
	r, err := p.call1(posix.SYS_TIMES, ptr(&tms))
	return tms, r, errOf(err)
}

// Getrusage returns the resource usage of the cage (RUSAGE_SELF) or of its
// waited-for children (RUSAGE_CHILDREN), as getrusage(2).
func (p *Proc) Getrusage(who int) (posix.Rusage, error) {
	var ru posix.Rusage
	_, err := p.call2(posix.SYS_GETRUSAGE, val(who), ptr(&ru))
	return ru, errOf(err)
}

// Sysinfo returns system statistics, as sysinfo(2).
func (p *Proc) Sysinfo() (posix.Sysinfo, error) {
	var si posix.Sysinfo
	_, err := p.call1(posix.SYS_SYSINFO, ptr(&si))
	return si, errOf(err)
}

// SchedYield yields the processor, as sched_yield(2).
func (p *Proc) SchedYield() error {
	_, err := p.call0(posix.SYS_SCHED_YIELD)
	return errOf(err)
}

// Getrandom fills b with random bytes, as getrandom(2), and returns how
// many it filled.
func (p *Proc) Getrandom(b []byte, flags int) (int, error) {
	r, err := p.call3(posix.SYS_GETRANDOM, buf(b), val(len(b)), val(flags))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Sync flushes every filesystem, as sync(2).
func (p *Proc) Sync() { p.call0(posix.SYS_SYNC) }

// Syncfs flushes the filesystem holding fd's file, as syncfs(2).
func (p *Proc) Syncfs(fd int) error {
	_, err := p.call1(posix.SYS_SYNCFS, val(fd))
	return errOf(err)
}

// Fadvise gives advice about the use of fd's file from off for length
// bytes, as posix_fadvise(3) (fadvise64(2)), but returning the error.
func (p *Proc) Fadvise(fd int, off, length int64, advice int) error {
	_, err := p.call4(posix.SYS_FADVISE64, val(fd), off64(off), off64(length), val(advice))
	return errOf(err)
}

// SyncFileRange writes back the range off..off+n of fd's file, as
// sync_file_range(2).
func (p *Proc) SyncFileRange(fd int, off, n int64, flags int) error {
	_, err := p.call4(posix.SYS_SYNC_FILE_RANGE, val(fd), off64(off), off64(n), val(flags))
	return errOf(err)
}

// Fallocate allocates the range off..off+length of fd's file, as
// fallocate(2): with mode 0 the file grows to cover it.
func (p *Proc) Fallocate(fd, mode int, off, length int64) error {
	_, err := p.call4(posix.SYS_FALLOCATE, val(fd), val(mode), off64(off), off64(length))
	return errOf(err)
}

// Sendfile copies up to count bytes from inFd (at *off, which is updated,
// or at inFd's offset if off is nil) to outFd, as sendfile(2), and returns
// the count copied.
func (p *Proc) Sendfile(outFd, inFd int, off *int64, count int) (int, error) {
	r, err := p.call4(posix.SYS_SENDFILE, val(outFd), val(inFd), optPtr(off), val(count))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// CopyFileRange copies up to length bytes from fdIn to fdOut, at the
// offsets given (updated) or at the descriptions' offsets (nil), as
// copy_file_range(2), and returns the count copied.
func (p *Proc) CopyFileRange(fdIn int, offIn *int64, fdOut int, offOut *int64, length, flags int) (int, error) {
	r, err := p.call6(posix.SYS_COPY_FILE_RANGE, val(fdIn), optPtr(offIn), val(fdOut), optPtr(offOut), val(length), val(flags))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Flock applies or removes an advisory lock on fd's file, as flock(2):
// op is LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB not to wait.
func (p *Proc) Flock(fd, op int) error {
	_, err := p.call2(posix.SYS_FLOCK, val(fd), val(op))
	return errOf(err)
}

// FcntlLock performs record-lock command cmd (F_GETLK, F_SETLK, F_SETLKW,
// F_OFD_GETLK, F_OFD_SETLK or F_OFD_SETLKW) on fd with lk, as fcntl(2)
// with a struct flock: F_GETLK and F_OFD_GETLK fill lk with the first
// conflicting lock, or set its Type to F_UNLCK. A nil lk fails with EFAULT
// (once fd is found open).
func (p *Proc) FcntlLock(fd, cmd int, lk *posix.Flock) error {
	_, err := p.call3(posix.SYS_FCNTL, val(fd), val(cmd), optPtr(lk))
	return errOf(err)
}

// Preadv reads into the buffers from fd at off, as preadv(2).
func (p *Proc) Preadv(fd int, iov [][]byte, off int64) (int, error) {
	r, err := p.call4(posix.SYS_PREADV, val(fd), ptr(iov), val(len(iov)), off64(off))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Pwritev writes the buffers to fd at off, as pwritev(2).
func (p *Proc) Pwritev(fd int, iov [][]byte, off int64) (int, error) {
	r, err := p.call4(posix.SYS_PWRITEV, val(fd), ptr(iov), val(len(iov)), off64(off))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Ppoll waits for events on fds, as the ppoll(2) system call: timeout nil
// waits forever, sigmask (if not nil) is the signal mask during the wait.
// Like the system call, and unlike the C library's ppoll, it stores the
// time left in *timeout.
func (p *Proc) Ppoll(fds []posix.PollFd, timeout *posix.Timespec, sigmask *posix.Sigset) (int, error) {
	r, err := p.call5(posix.SYS_PPOLL, ptr(fds), val(len(fds)), optPtr(timeout), optPtr(sigmask), val(sigsetSize))
	return int(r), errOf(err)
}

// fdSet is a select set argument: NULL for a nil set.
func fdSet(s *posix.FdSet) threei.Arg { return optPtr(s) }

// Select waits until a descriptor below nfds in the read, write or except
// set (nil: none) is ready, as select(2), leaving in the sets only the
// ready ones; timeout nil waits forever, and is updated to the time left.
// It returns the number of bits left set.
func (p *Proc) Select(nfds int, r, w, e *posix.FdSet, timeout *posix.Timeval) (int, error) {
	n, err := p.call5(posix.SYS_SELECT, val(nfds), fdSet(r), fdSet(w), fdSet(e), optPtr(timeout))
	return int(n), errOf(err)
}

// Pselect6 is select with a Timespec timeout and a signal mask for the
// wait (nil: unchanged), as the pselect6(2) system call: like it, and
// unlike the C library's pselect, it stores the time left in *timeout.
func (p *Proc) Pselect6(nfds int, r, w, e *posix.FdSet, timeout *posix.Timespec, sigmask *posix.Sigset) (int, error) {
	m := optPtr(sigmask)
	if sigmask != nil {
		m.Val = sigsetSize
	}
	n, err := p.call6(posix.SYS_PSELECT6, val(nfds), fdSet(r), fdSet(w), fdSet(e), optPtr(timeout), m)
	return int(n), errOf(err)
}

// Setuid sets the user id, as setuid(2): a cage may only keep its own.
func (p *Proc) Setuid(uid int) error {
	_, err := p.call1(posix.SYS_SETUID, val(uid))
	return errOf(err)
}

// Setgid sets the group id, as setgid(2): a cage may only keep its own.
func (p *Proc) Setgid(gid int) error {
	_, err := p.call1(posix.SYS_SETGID, val(gid))
	return errOf(err)
}

// Setreuid sets the real and effective user ids (-1: unchanged), as
// setreuid(2).
func (p *Proc) Setreuid(ruid, euid int) error {
	_, err := p.call2(posix.SYS_SETREUID, val(ruid), val(euid))
	return errOf(err)
}

// Setregid sets the real and effective group ids (-1: unchanged), as
// setregid(2).
func (p *Proc) Setregid(rgid, egid int) error {
	_, err := p.call2(posix.SYS_SETREGID, val(rgid), val(egid))
	return errOf(err)
}

// Setresuid sets the real, effective and saved user ids (-1: unchanged),
// as setresuid(2).
func (p *Proc) Setresuid(ruid, euid, suid int) error {
	_, err := p.call3(posix.SYS_SETRESUID, val(ruid), val(euid), val(suid))
	return errOf(err)
}

// Setresgid sets the real, effective and saved group ids (-1: unchanged),
// as setresgid(2).
func (p *Proc) Setresgid(rgid, egid, sgid int) error {
	_, err := p.call3(posix.SYS_SETRESGID, val(rgid), val(egid), val(sgid))
	return errOf(err)
}

// Getresuid returns the real, effective and saved user ids, as
// getresuid(2).
func (p *Proc) Getresuid() (ruid, euid, suid int, err error) {
	var r, e, s uint32
	_, en := p.call3(posix.SYS_GETRESUID, ptr(&r), ptr(&e), ptr(&s))
	return int(r), int(e), int(s), errOf(en)
}

// Getresgid returns the real, effective and saved group ids, as
// getresgid(2).
func (p *Proc) Getresgid() (rgid, egid, sgid int, err error) {
	var r, e, s uint32
	_, en := p.call3(posix.SYS_GETRESGID, ptr(&r), ptr(&e), ptr(&s))
	return int(r), int(e), int(s), errOf(en)
}

// Getgroups returns the supplementary group ids, as getgroups(2): a cage
// has none.
func (p *Proc) Getgroups() ([]int, error) {
	n, err := p.call2(posix.SYS_GETGROUPS, val(0), threei.Arg{})
	if err != 0 {
		return nil, err
	}
	if n == 0 {
		return []int{}, nil
	}
	list := make([]uint32, n)
	n, err = p.call2(posix.SYS_GETGROUPS, val(len(list)), ptr(list))
	if err != 0 {
		return nil, err
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(list[i])
	}
	return out, nil
}

// Setgroups sets the supplementary group ids, as setgroups(2): a cage
// has not the privilege (EPERM).
func (p *Proc) Setgroups(gids []int) error {
	list := make([]uint32, len(gids))
	for i, g := range gids {
		list[i] = uint32(g)
	}
	_, err := p.call2(posix.SYS_SETGROUPS, val(len(list)), ptr(list))
	return errOf(err)
}

// Getpriority returns the nice value (-20..19) of the highest-priority
// process selected by which (PRIO_PROCESS, PRIO_PGRP, PRIO_USER) and who
// (0: the caller's), as getpriority(3): the system call returns 20-nice,
// which this method turns back, as the C library does.
func (p *Proc) Getpriority(which, who int) (int, error) {
	r, err := p.call2(posix.SYS_GETPRIORITY, val(which), val(who))
	if err != 0 {
		return 0, err
	}
	return 20 - int(r), nil
}

// Setpriority sets the nice value of the selected processes, as
// setpriority(2).
func (p *Proc) Setpriority(which, who, nice int) error {
	_, err := p.call3(posix.SYS_SETPRIORITY, val(which), val(who), val(nice))
	return errOf(err)
}

// PrctlSetName sets the cage's name (at most 15 bytes kept), as
// prctl(PR_SET_NAME).
func (p *Proc) PrctlSetName(name string) error {
	b := append([]byte(name), 0)
	_, err := p.call2(posix.SYS_PRCTL, val(posix.PR_SET_NAME), buf(b))
	return errOf(err)
}

// PrctlGetName returns the cage's name, as prctl(PR_GET_NAME).
func (p *Proc) PrctlGetName() (string, error) {
	var b [posix.TASK_COMM_LEN]byte
	_, err := p.call2(posix.SYS_PRCTL, val(posix.PR_GET_NAME), buf(b[:]))
	if err != 0 {
		return "", err
	}
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), nil
		}
	}
	return string(b[:]), nil
}

// PrctlSetPdeathsig asks for sig (0: none) when the parent exits, as
// prctl(PR_SET_PDEATHSIG).
func (p *Proc) PrctlSetPdeathsig(sig int) error {
	_, err := p.call2(posix.SYS_PRCTL, val(posix.PR_SET_PDEATHSIG), val(sig))
	return errOf(err)
}

// PrctlGetPdeathsig returns the parent-death signal, as
// prctl(PR_GET_PDEATHSIG).
func (p *Proc) PrctlGetPdeathsig() (int, error) {
	var sig int32
	_, err := p.call2(posix.SYS_PRCTL, val(posix.PR_GET_PDEATHSIG), ptr(&sig))
	return int(sig), errOf(err)
}

// Waitid waits for a child selected by idtype (P_PID, P_PGID, P_ALL) and
// id to change state as options say (WEXITED, with WNOHANG, WNOWAIT), as
// waitid(2), and returns its siginfo: Pid, Code (CLD_EXITED, CLD_KILLED,
// CLD_DUMPED) and Status. With WNOHANG and no child ready, the siginfo is
// all zero.
func (p *Proc) Waitid(idtype, id, options int) (posix.Siginfo, error) {
	var info posix.Siginfo
	_, err := p.call5(posix.SYS_WAITID, val(idtype), val(id), ptr(&info), val(options), threei.Arg{})
	return info, errOf(err)
}

// IoctlTermios performs a termios request on fd (TCGETS fills t; TCSETS,
// TCSETSW and TCSETSF read it), as ioctl(2); ENOTTY if fd is not a
// terminal.
func (p *Proc) IoctlTermios(fd int, req uint, t *posix.Termios) error {
	_, err := p.call3(posix.SYS_IOCTL, val(fd), val(int(req)), optPtr(t))
	return errOf(err)
}

// IoctlWinsize performs a window-size request on fd (TIOCGWINSZ fills ws,
// TIOCSWINSZ reads it), as ioctl(2); ENOTTY if fd is not a terminal.
func (p *Proc) IoctlWinsize(fd int, req uint, ws *posix.Winsize) error {
	_, err := p.call3(posix.SYS_IOCTL, val(fd), val(int(req)), optPtr(ws))
	return errOf(err)
}

// Isatty reports whether fd is a terminal, asking TIOCGWINSZ as musl's
// isatty(3) does.
func (p *Proc) Isatty(fd int) bool {
	var ws posix.Winsize
	return p.IoctlWinsize(fd, posix.TIOCGWINSZ, &ws) == nil
}
