package cages

import (
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// uioMaxIov is the largest iovec count readv and writev take (UIO_MAXIOV).
const uioMaxIov = 1024

// cageOf returns the cage that made call.
func cageOf(call *threei.Call) *Cage { return call.Caller.(*Cage) }

// memBuf returns a buffer argument trimmed to its length argument, or
// EFAULT when the length claims more memory than the buffer has.
func memBuf(a *threei.Arg, length uint64) ([]byte, posix.Errno) {
	if length > uint64(len(a.Buf)) {
		return nil, posix.EFAULT
	}
	return a.Buf[:length], 0
}

// fdFor returns the description at fd, with a reference the caller must
// drop, if it is open for reading (write false) or writing (write true):
// EBADF otherwise, and for an O_PATH description.
func (c *Cage) fdFor(fd int, write bool) (*fdtable.Description, posix.Errno) {
	d, err := c.fds.Get(fd)
	if err != 0 {
		return nil, err
	}
	fl := d.Flags()
	acc := fl & posix.O_ACCMODE
	ok := acc == posix.O_RDWR || (write && acc == posix.O_WRONLY) || (!write && acc == posix.O_RDONLY)
	if !ok || fl&posix.O_PATH != 0 {
		d.DecRef()
		return nil, posix.EBADF
	}
	return d, 0
}

// sysRead implements read(2).
//
// # Errors
//
//   - EBADF: fd is not open, or not open for reading.
//   - EFAULT: count exceeds the buffer.
//   - EAGAIN: nothing to read and O_NONBLOCK is set.
//   - EINTR: a signal arrived before any data.
func sysRead(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFor(call.Args[0].Int32(), false)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	b, err := memBuf(&call.Args[1], call.Args[2].Val)
	if err != 0 {
		return -1, err
	}
	n, err := d.File().Read(c, d, b)
	if err != 0 && n == 0 {
		return -1, err
	}
	return int64(n), 0
}

// sysWrite implements write(2). A write to a pipe with no reader raises
// SIGPIPE in the caller and fails with EPIPE (or returns the count of a
// partial write).
func sysWrite(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFor(call.Args[0].Int32(), true)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	b, err := memBuf(&call.Args[1], call.Args[2].Val)
	if err != 0 {
		return -1, err
	}
	n, err := d.File().Write(c, d, b)
	return c.writeResult(n, err)
}

// writeResult turns a file's write answer into the call's: EPIPE raises
// SIGPIPE; a partial count wins over the errno.
func (c *Cage) writeResult(n int, err posix.Errno) (int64, posix.Errno) {
	if err == posix.EPIPE {
		c.noteSender(posix.SIGPIPE, c.userInfo(c, posix.SI_USER))
		c.queueSignal(posix.SIGPIPE)
	}
	if err != 0 && n == 0 {
		return -1, err
	}
	return int64(n), 0
}

// iovArg returns the iovec of a readv or writev call.
func iovArg(call *threei.Call) ([][]byte, posix.Errno) {
	cnt := call.Args[2].Val
	if int64(cnt) < 0 || cnt > uioMaxIov {
		return nil, posix.EINVAL
	}
	iov, _ := call.Args[1].Ptr.([][]byte)
	if uint64(len(iov)) < cnt {
		return nil, posix.EFAULT
	}
	return iov[:cnt], 0
}

// sysReadv implements readv(2).
func sysReadv(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFor(call.Args[0].Int32(), false)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	iov, err := iovArg(call)
	if err != 0 {
		return -1, err
	}
	n, err := d.File().Readv(c, d, iov)
	if err != 0 && n == 0 {
		return -1, err
	}
	return int64(n), 0
}

// sysWritev implements writev(2).
func sysWritev(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFor(call.Args[0].Int32(), true)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	iov, err := iovArg(call)
	if err != 0 {
		return -1, err
	}
	n, err := d.File().Writev(c, d, iov)
	return c.writeResult(n, err)
}

// sysClose implements close(2). Closing the last descriptor of an open
// file description releases its flock(2) and OFD locks; closing any
// descriptor of a file releases the cage's record locks on the file.
func sysClose(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	fd := call.Args[0].Int32()
	keys := c.k.reclocks.keysFor(c, []int{fd})
	err := c.fds.Close(fd)
	c.k.flocks.sweep()
	c.k.reclocks.release(c, keys, false)
	return 0, err
}

// sysCloseRange implements close_range(2).
func sysCloseRange(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	first, last := uint32(call.Args[0].Val), uint32(call.Args[1].Val)
	flags := int(call.Args[2].Val)
	var keys []flockKey
	if flags&posix.CLOSE_RANGE_CLOEXEC == 0 && first <= last {
		keys = c.k.reclocks.keysFor(c, c.closingFds(uint(first), uint(last)))
	}
	err := c.fds.CloseRange(uint(first), uint(last), flags)
	c.k.flocks.sweep()
	c.k.reclocks.release(c, keys, false)
	return 0, err
}

// pipeFlags are the flags pipe2(2) accepts.
const pipeFlags = posix.O_NONBLOCK | posix.O_CLOEXEC

// sysPipe2 implements pipe2(2) (and pipe(2), with flags 0): the two fds
// are stored in the int[2] the first argument points to.
//
// # Errors
//
//   - EINVAL: flags other than O_NONBLOCK and O_CLOEXEC.
//   - EFAULT: no place for the fds.
//   - EMFILE: fewer than two free descriptors.
func sysPipe2(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	flags := call.Args[1].Int32()
	if flags&^pipeFlags != 0 {
		return -1, posix.EINVAL
	}
	out, _ := call.Args[0].Ptr.(*[2]int32)
	if out == nil {
		return -1, posix.EFAULT
	}
	r, w := pipes.New().Ends(flags & posix.O_NONBLOCK)
	fr, fw, err := c.fds.AllocPair(r, w, flags&posix.O_CLOEXEC != 0)
	if err != 0 {
		r.DecRef()
		w.DecRef()
		return -1, err
	}
	out[0], out[1] = int32(fr), int32(fw)
	return 0, 0
}

// sysDup implements dup(2): the new fd shares the description and has
// FD_CLOEXEC clear.
func sysDup(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	fd, err := c.fds.Alloc(d, 0, false)
	if err != 0 {
		d.DecRef()
		if err == posix.EINVAL {
			err = posix.EMFILE // a zero limit
		}
		return -1, err
	}
	return int64(fd), 0
}

// sysDup2 implements dup2(2): dup2(fd, fd) checks fd and returns it.
func sysDup2(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	oldfd, newfd := call.Args[0].Int32(), call.Args[1].Int32()
	if oldfd == newfd {
		d, err := c.fds.Get(oldfd)
		if err != 0 {
			return -1, err
		}
		d.DecRef()
		return int64(newfd), 0
	}
	return dup3(c, oldfd, newfd, 0)
}

// sysDup3 implements dup3(2).
//
// # Errors
//
//   - EINVAL: flags other than O_CLOEXEC, or oldfd == newfd.
//   - EBADF: newfd is negative or at or above RLIMIT_NOFILE, or oldfd is
//     not open.
func sysDup3(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	return dup3(c, call.Args[0].Int32(), call.Args[1].Int32(), call.Args[2].Int32())
}

func dup3(c *Cage, oldfd, newfd, flags int) (int64, posix.Errno) {
	if flags&^posix.O_CLOEXEC != 0 || oldfd == newfd {
		return -1, posix.EINVAL
	}
	if uint(newfd) >= uint(c.fds.Limit()) {
		return -1, posix.EBADF
	}
	d, err := c.fds.Get(oldfd)
	if err != 0 {
		return -1, err
	}
	keys := c.k.reclocks.keysFor(c, []int{newfd}) // closing newfd releases them
	if err := c.fds.Set(newfd, d, flags&posix.O_CLOEXEC != 0); err != 0 {
		d.DecRef()
		return -1, err
	}
	c.k.flocks.sweep() // newfd's old description may be gone
	c.k.reclocks.release(c, keys, false)
	return int64(newfd), 0
}

// sysFcntl implements fcntl(2) for F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD,
// F_SETFD, F_GETFL, F_SETFL, F_GETPIPE_SZ and F_SETPIPE_SZ, and the
// record-lock commands F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK,
// F_OFD_SETLK and F_OFD_SETLKW, whose third argument is a *posix.Flock
// (see recLockTable).
//
// # Errors
//
//   - EBADF: fd is not open; a pipe-size command on a non-pipe; a lock
//     command on an O_PATH fd, or F_RDLCK (F_WRLCK) on an fd not open for
//     reading (writing).
//   - EFAULT: a lock command without a *posix.Flock.
//   - EINVAL: F_DUPFD's minimum is at or above RLIMIT_NOFILE (or
//     negative); an unknown command; a bad l_type or l_whence, a range
//     starting before 0, an F_OFD_ command with a nonzero l_pid.
//   - EOVERFLOW: a range ending beyond the largest offset.
//   - EAGAIN: F_SETLK or F_OFD_SETLK and another owner's lock conflicts.
//   - EDEADLK: F_SETLKW would wait for a cage that waits for the caller.
//   - EINTR: a signal arrived while F_SETLKW waited (restarted under
//     SA_RESTART).
//   - EMFILE: no free descriptor at or above the minimum.
//   - EBUSY, EPERM: F_SETPIPE_SZ below the queued data, above the maximum.
func sysFcntl(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	fd, cmd, arg := call.Args[0].Int32(), call.Args[1].Int32(), call.Args[2].Val
	d, err := c.fds.Get(fd)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	switch cmd {
	case posix.F_DUPFD, posix.F_DUPFD_CLOEXEC:
		if arg >= uint64(c.fds.Limit()) {
			return -1, posix.EINVAL
		}
		d.IncRef()
		nfd, err := c.fds.Alloc(d, int(arg), cmd == posix.F_DUPFD_CLOEXEC)
		if err != 0 {
			d.DecRef()
			return -1, err
		}
		return int64(nfd), 0
	case posix.F_GETFD:
		on, err := c.fds.Cloexec(fd)
		if err != 0 {
			return -1, err
		}
		if on {
			return posix.FD_CLOEXEC, 0
		}
		return 0, 0
	case posix.F_SETFD:
		return 0, c.fds.SetCloexec(fd, arg&posix.FD_CLOEXEC != 0)
	case posix.F_GETFL:
		return int64(d.Flags()), 0
	case posix.F_SETFL:
		d.SetFlags(int(int32(arg)))
		if q := d.File().Queue(); q != nil {
			q.Notify()
		}
		return 0, 0
	case posix.F_GETLK, posix.F_SETLK, posix.F_SETLKW, posix.F_OFD_GETLK, posix.F_OFD_SETLK, posix.F_OFD_SETLKW:
		lk, _ := call.Args[2].Ptr.(*posix.Flock)
		if err := c.fcntlLock(d, cmd, lk); err != 0 {
			return -1, err
		}
		return 0, 0
	case posix.F_GETPIPE_SZ, posix.F_SETPIPE_SZ:
		if _, ok := pipes.FromFile(d.File()); !ok {
			return -1, posix.EBADF
		}
		return d.File().Fcntl(d, cmd, int64(arg))
	}
	return -1, posix.EINVAL
}

// sysIoctl implements ioctl(2): FIONBIO, FIOCLEX and FIONCLEX for every
// fd; FIONREAD and device requests are the file's. On a terminal, TCGETS,
// TCSETS, TCSETSW and TCSETSF take a *posix.Termios, TIOCGWINSZ and
// TIOCSWINSZ a *posix.Winsize (see ttyIoctl); TIOCGPGRP and TIOCSPGRP an
// *int32. On anything else the terminal requests fail with ENOTTY.
func sysIoctl(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	fd, req := call.Args[0].Int32(), uint32(call.Args[1].Val)
	d, err := c.fds.Get(fd)
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	argp, _ := call.Args[2].Ptr.(*int32)
	switch req {
	case posix.TCGETS, posix.TCSETS, posix.TCSETSW, posix.TCSETSF, posix.TIOCGWINSZ, posix.TIOCSWINSZ, posix.TIOCSCTTY:
		if t := terminalOf(d.File()); t != nil {
			return t.ttyIoctl(c, d, req, &call.Args[2])
		}
	case posix.FIOCLEX, posix.FIONCLEX:
		return 0, c.fds.SetCloexec(fd, req == posix.FIOCLEX)
	case posix.FIONBIO:
		if argp == nil {
			return -1, posix.EFAULT
		}
		fl := d.Flags() &^ posix.O_NONBLOCK
		if *argp != 0 {
			fl |= posix.O_NONBLOCK
		}
		d.SetFlags(fl)
		return 0, 0
	}
	var v int64
	if argp != nil {
		v = int64(*argp)
	}
	if err := d.File().Ioctl(c, d, uint64(req), &v); err != 0 {
		return -1, err
	}
	if argp != nil {
		*argp = int32(v)
	} else if req == posix.FIONREAD {
		return -1, posix.EFAULT
	}
	return 0, 0
}

// sysPoll implements poll(2): the pollfd array travels in the first
// argument as a []posix.PollFd, the count in the second, the timeout in
// milliseconds (negative: forever) in the third.
//
// # Errors
//
//   - EINVAL: nfds above RLIMIT_NOFILE.
//   - EFAULT: nfds above the array's length.
//   - EINTR: a signal arrived first (poll is never restarted).
func sysPoll(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	nfds := call.Args[1].Val
	timeout := call.Args[2].Int32()
	if nfds > uint64(c.fds.Limit()) {
		return -1, posix.EINVAL
	}
	fds, _ := call.Args[0].Ptr.([]posix.PollFd)
	if uint64(len(fds)) < nfds {
		return -1, posix.EFAULT
	}
	return c.poll(fds[:nfds], timeout)
}

// poll checks fds, and unless something is ready or the timeout is zero,
// waits for a readiness change, the timeout (in milliseconds; negative:
// forever), or a signal.
func (c *Cage) poll(fds []posix.PollFd, timeout int) (int64, posix.Errno) {
	d := time.Duration(-1)
	if timeout >= 0 {
		d = time.Duration(timeout) * time.Millisecond
	}
	n, _, err := c.pollFor(fds, d)
	return n, err
}
