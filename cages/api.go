package cages

import (
	"runtime"
	"time"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// fdBufLen fills the (fd, buf, count) arguments of read and write in
// place: the hot calls skip building argument values and copying them.
func fdBufLen(c *threei.Call, fd int, b []byte) {
	a := &c.Args
	a[0].Val, a[0].Buf, a[0].Ptr = uint64(int64(fd)), nil, nil
	a[1].Val, a[1].Buf, a[1].Ptr = uint64(len(b)), b, nil
	a[2].Val, a[2].Buf, a[2].Ptr = uint64(len(b)), nil, nil
}

// Getpid returns the cage's pid, as getpid(2).
func (p *Proc) Getpid() int {
	r, _ := p.call0(posix.SYS_GETPID)
	return int(r)
}

// Getppid returns the parent's pid, as getppid(2).
func (p *Proc) Getppid() int {
	r, _ := p.call0(posix.SYS_GETPPID)
	return int(r)
}

// Getpgid returns pid's process group (0: the caller), as getpgid(2).
func (p *Proc) Getpgid(pid int) (int, error) {
	r, err := p.call1(posix.SYS_GETPGID, val(pid))
	return int(r), errOf(err)
}

// Getpgrp returns the caller's process group, as getpgrp(2).
func (p *Proc) Getpgrp() int {
	r, _ := p.call0(posix.SYS_GETPGRP)
	return int(r)
}

// Setpgid moves pid (0: the caller) into process group pgid (0: pid), as
// setpgid(2).
func (p *Proc) Setpgid(pid, pgid int) error {
	_, err := p.call2(posix.SYS_SETPGID, val(pid), val(pgid))
	return errOf(err)
}

// Getsid returns pid's session (0: the caller), as getsid(2).
func (p *Proc) Getsid(pid int) (int, error) {
	r, err := p.call1(posix.SYS_GETSID, val(pid))
	return int(r), errOf(err)
}

// Setsid makes the caller the leader of a new session, as setsid(2).
func (p *Proc) Setsid() (int, error) {
	r, err := p.call0(posix.SYS_SETSID)
	return int(r), errOf(err)
}

// Pipe creates a pipe, as pipe(2), and returns its read and write fds.
func (p *Proc) Pipe() (r, w int, err error) {
	var fds [2]int32
	_, e := p.call1(posix.SYS_PIPE, ptr(&fds))
	if e != 0 {
		return -1, -1, e
	}
	return int(fds[0]), int(fds[1]), nil
}

// Pipe2 creates a pipe with O_NONBLOCK and/or O_CLOEXEC, as pipe2(2).
func (p *Proc) Pipe2(flags int) (r, w int, err error) {
	var fds [2]int32
	_, e := p.call2(posix.SYS_PIPE2, ptr(&fds), val(flags))
	if e != 0 {
		return -1, -1, e
	}
	return int(fds[0]), int(fds[1]), nil
}

// Read reads from fd into b, as read(2).
func (p *Proc) Read(fd int, b []byte) (int, error) {
	c := p.begin(posix.SYS_READ)
	fdBufLen(c, fd, b)
	r, err := p.do(c)
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Write writes b to fd, as write(2).
func (p *Proc) Write(fd int, b []byte) (int, error) {
	c := p.begin(posix.SYS_WRITE)
	fdBufLen(c, fd, b)
	r, err := p.do(c)
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Readv reads from fd into the buffers in order, as readv(2).
func (p *Proc) Readv(fd int, iov [][]byte) (int, error) {
	r, err := p.call3(posix.SYS_READV, val(fd), ptr(iov), val(len(iov)))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Writev writes the buffers to fd in order, as writev(2).
func (p *Proc) Writev(fd int, iov [][]byte) (int, error) {
	r, err := p.call3(posix.SYS_WRITEV, val(fd), ptr(iov), val(len(iov)))
	if err != 0 {
		return 0, err
	}
	return int(r), nil
}

// Close closes fd, as close(2).
func (p *Proc) Close(fd int) error {
	_, err := p.call1(posix.SYS_CLOSE, val(fd))
	return errOf(err)
}

// CloseRange closes (or with CLOSE_RANGE_CLOEXEC marks) fds first..last,
// as close_range(2).
func (p *Proc) CloseRange(first, last uint, flags int) error {
	_, err := p.call3(posix.SYS_CLOSE_RANGE, val(int(first)), val(int(last)), val(flags))
	return errOf(err)
}

// Dup duplicates fd onto the lowest free fd, as dup(2).
func (p *Proc) Dup(fd int) (int, error) {
	r, err := p.call1(posix.SYS_DUP, val(fd))
	return int(r), errOf(err)
}

// Dup2 duplicates oldfd onto newfd, as dup2(2).
func (p *Proc) Dup2(oldfd, newfd int) (int, error) {
	r, err := p.call2(posix.SYS_DUP2, val(oldfd), val(newfd))
	return int(r), errOf(err)
}

// Dup3 duplicates oldfd onto newfd with O_CLOEXEC or 0, as dup3(2).
func (p *Proc) Dup3(oldfd, newfd, flags int) (int, error) {
	r, err := p.call3(posix.SYS_DUP3, val(oldfd), val(newfd), val(flags))
	return int(r), errOf(err)
}

// Fcntl performs cmd on fd with arg, as fcntl(2).
func (p *Proc) Fcntl(fd, cmd, arg int) (int, error) {
	r, err := p.call3(posix.SYS_FCNTL, val(fd), val(cmd), val(arg))
	return int(r), errOf(err)
}

// Ioctl performs request req on fd; arg is the int the request reads
// (FIONBIO) or fills (FIONREAD), as ioctl(2).
func (p *Proc) Ioctl(fd int, req uint, arg *int32) error {
	var a = ptr(nil)
	if arg != nil {
		a = ptr(arg)
	}
	_, err := p.call3(posix.SYS_IOCTL, val(fd), val(int(req)), a)
	return errOf(err)
}

// Poll waits for events on fds, as poll(2); timeout is in milliseconds,
// negative for none. It returns how many entries have events.
func (p *Proc) Poll(fds []posix.PollFd, timeout int) (int, error) {
	r, err := p.call3(posix.SYS_POLL, ptr(fds), val(len(fds)), val(timeout))
	return int(r), errOf(err)
}

// Fork creates a child cage, as fork(2). The child runs fn with its own
// Proc (a copy of the caller's argv and environment) and exits with fn's
// result; the parent gets the child's pid. Go cannot copy a goroutine's
// stack, so the child starts at fn rather than returning from Fork.
func (p *Proc) Fork(fn func(child *Proc) int) (int, error) {
	args, env := p.args, append([]string(nil), p.env...)
	cont := Continuation(func(child *Cage) (Program, *Proc) {
		return Program(fn), newProc(child, args, env)
	})
	r, err := p.call1(posix.SYS_FORK, ptr(cont))
	if err != 0 {
		return -1, err
	}
	return int(r), nil
}

// ForkPrepared is Fork for a program whose child must be set up while
// the parent is stopped in fork: prepare runs on the parent's goroutine,
// inside the fork, with the child cage (its fd table already a copy of
// the parent's), and returns the child's program, which then runs on the
// child's goroutine with its own Proc. The WASM bridge uses it to copy a
// module's memory straight into the child's instance.
func (p *Proc) ForkPrepared(prepare func(child *Cage) Program) (int, error) {
	args, env := p.args, append([]string(nil), p.env...)
	cont := Continuation(func(child *Cage) (Program, *Proc) {
		return prepare(child), newProc(child, args, env)
	})
	r, err := p.call1(posix.SYS_FORK, ptr(cont))
	if err != 0 {
		return -1, err
	}
	return int(r), nil
}

// Execve replaces the cage's program with the one at path, as execve(2).
// It returns only on failure; on success the caller's goroutine ends and
// the new program starts in the same cage.
func (p *Proc) Execve(path string, argv, env []string) error {
	_, err := p.call3(posix.SYS_EXECVE, buf([]byte(path)), ptr(argv), ptr(env))
	if err != 0 {
		return err
	}
	runtime.Goexit()
	return nil
}

// Exec is Execve for a program that cannot end its goroutine where it
// calls it (the WASM bridge calls it inside a module): on success it
// returns nil, and the caller must then end its program with
// runtime.Goexit — not by returning, which would be an exit — after which
// the new program starts in the same cage.
func (p *Proc) Exec(path string, argv, env []string) error {
	_, err := p.call3(posix.SYS_EXECVE, buf([]byte(path)), ptr(argv), ptr(env))
	return errOf(err)
}

// Exit ends the program with status code, as _exit(2). It does not return.
func (p *Proc) Exit(code int) {
	p.call1(posix.SYS_EXIT_GROUP, val(code))
	runtime.Goexit()
}

// Wait4 waits for a child to change state, as wait4(2) (without rusage);
// pid selects as waitpid does (> 0 that child, -1 any, 0 the caller's
// group, < -1 group -pid). It returns the child's pid and status; with
// WNOHANG and no child ready, pid 0.
func (p *Proc) Wait4(pid, options int) (int, posix.WaitStatus, error) {
	var st posix.WaitStatus
	r, err := p.call4(posix.SYS_WAIT4, val(pid), ptr(&st), val(options), ptr(nil))
	if err != 0 {
		return -1, 0, err
	}
	return int(r), st, nil
}

// Waitpid is Wait4.
func (p *Proc) Waitpid(pid, options int) (int, posix.WaitStatus, error) {
	return p.Wait4(pid, options)
}

// Kill sends sig to pid as kill(2) selects it.
func (p *Proc) Kill(pid, sig int) error {
	_, err := p.call2(posix.SYS_KILL, val(pid), val(sig))
	return errOf(err)
}

// Sigaction reads (into old) and sets (from act) sig's disposition, as
// sigaction(2); either may be nil.
func (p *Proc) Sigaction(sig int, act, old *SigAction) error {
	a0, a1 := ptr(nil), ptr(nil)
	if act != nil {
		a0 = ptr(act)
	}
	if old != nil {
		a1 = ptr(old)
	}
	_, err := p.call4(posix.SYS_RT_SIGACTION, val(sig), a0, a1, val(sigsetSize))
	return errOf(err)
}

// Signal installs handler for sig with SA_RESTART, as BSD signal(3) and
// glibc's signal do. A nil handler restores the default action.
func (p *Proc) Signal(sig int, handler func(sig int)) error {
	act := SigAction{Disposition: SigCatch, Handler: handler, Flags: posix.SA_RESTART}
	if handler == nil {
		act = SigAction{}
	}
	return p.Sigaction(sig, &act, nil)
}

// Ignore sets sig to be ignored (SIG_IGN).
func (p *Proc) Ignore(sig int) error {
	return p.Sigaction(sig, &SigAction{Disposition: SigIgnore}, nil)
}

// Sigprocmask changes the signal mask as how says (SIG_BLOCK, SIG_UNBLOCK,
// SIG_SETMASK) and returns the previous mask, as sigprocmask(2). A nil set
// only reads the mask.
func (p *Proc) Sigprocmask(how int, set *posix.Sigset) (posix.Sigset, error) {
	var old posix.Sigset
	a := ptr(nil)
	if set != nil {
		a = ptr(set)
	}
	_, err := p.call4(posix.SYS_RT_SIGPROCMASK, val(how), a, ptr(&old), val(sigsetSize))
	return old, errOf(err)
}

// Sigpending returns the blocked signals that are pending, as sigpending(2).
func (p *Proc) Sigpending() (posix.Sigset, error) {
	var set posix.Sigset
	_, err := p.call2(posix.SYS_RT_SIGPENDING, ptr(&set), val(sigsetSize))
	return set, errOf(err)
}

// Sigsuspend waits with mask as the signal mask until a signal is
// delivered, as sigsuspend(2); it always fails with EINTR.
func (p *Proc) Sigsuspend(mask posix.Sigset) error {
	_, err := p.call2(posix.SYS_RT_SIGSUSPEND, ptr(&mask), val(sigsetSize))
	return errOf(err)
}

// Pause waits until a signal is delivered, as pause(2).
func (p *Proc) Pause() error {
	mask, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
	return p.Sigsuspend(mask)
}

// Alarm arranges SIGALRM in secs seconds (0 cancels) and returns the
// seconds left on the previous alarm, as alarm(2).
func (p *Proc) Alarm(secs uint) uint {
	r, _ := p.call1(posix.SYS_ALARM, val(int(secs)))
	return uint(r)
}

// Nanosleep sleeps for req, as nanosleep(2); interrupted by a signal it
// fails with EINTR and stores the time left in rem, if not nil.
func (p *Proc) Nanosleep(req posix.Timespec, rem *posix.Timespec) error {
	a := ptr(nil)
	if rem != nil {
		a = ptr(rem)
	}
	_, err := p.call2(posix.SYS_NANOSLEEP, ptr(&req), a)
	return errOf(err)
}

// Sleep sleeps for d through nanosleep(2).
func (p *Proc) Sleep(d time.Duration) error {
	return p.Nanosleep(posix.NsecToTimespec(int64(d)), nil)
}

// ClockGettime reads clock clk, as clock_gettime(2).
func (p *Proc) ClockGettime(clk int) (posix.Timespec, error) {
	var ts posix.Timespec
	_, err := p.call2(posix.SYS_CLOCK_GETTIME, val(clk), ptr(&ts))
	return ts, errOf(err)
}

// Getuid returns the real user id, as getuid(2).
func (p *Proc) Getuid() int { r, _ := p.call0(posix.SYS_GETUID); return int(r) }

// Geteuid returns the effective user id, as geteuid(2).
func (p *Proc) Geteuid() int { r, _ := p.call0(posix.SYS_GETEUID); return int(r) }

// Getgid returns the real group id, as getgid(2).
func (p *Proc) Getgid() int { r, _ := p.call0(posix.SYS_GETGID); return int(r) }

// Getegid returns the effective group id, as getegid(2).
func (p *Proc) Getegid() int { r, _ := p.call0(posix.SYS_GETEGID); return int(r) }

// Uname describes the system, as uname(2).
func (p *Proc) Uname() (posix.Utsname, error) {
	var u posix.Utsname
	_, err := p.call1(posix.SYS_UNAME, ptr(&u))
	return u, errOf(err)
}

// Umask sets the file-mode creation mask and returns the old one, as
// umask(2).
func (p *Proc) Umask(mask int) int {
	r, _ := p.call1(posix.SYS_UMASK, val(mask))
	return int(r)
}

// Getrlimit reads resource res's limits, as getrlimit(2).
func (p *Proc) Getrlimit(res int) (posix.Rlimit, error) {
	var rl posix.Rlimit
	_, err := p.call2(posix.SYS_GETRLIMIT, val(res), ptr(&rl))
	return rl, errOf(err)
}

// Setrlimit sets resource res's limits, as setrlimit(2).
func (p *Proc) Setrlimit(res int, rl posix.Rlimit) error {
	_, err := p.call2(posix.SYS_SETRLIMIT, val(res), ptr(&rl))
	return errOf(err)
}
