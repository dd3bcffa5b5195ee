package cages

import (
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// waitReady is the wait of poll, ppoll, select and pselect6: it calls
// scan, which reports how many of its descriptors are ready, until that is
// not zero, timeout has passed (negative: never), or a signal interrupts
// (EINTR). It sleeps on the readiness queues of descs (nil entries are
// skipped) and returns scan's count and the time left of the timeout.
func (c *Cage) waitReady(descs []*fdtable.Description, scan func() int64, timeout time.Duration) (int64, time.Duration, posix.Errno) {
	if n := scan(); n > 0 || timeout == 0 {
		return n, timeout, 0
	}
	w := fdtable.NewWaiter()
	for _, d := range descs {
		if d != nil {
			if q := d.File().Queue(); q != nil {
				q.Register(w)
				defer q.Unregister(w)
			}
		}
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
		t := time.AfterFunc(timeout, w.Wake)
		defer t.Stop()
	}
	left := func() time.Duration {
		if timeout < 0 {
			return timeout
		}
		return max(time.Until(deadline), 0)
	}
	for {
		if n := scan(); n > 0 {
			return n, left(), 0
		}
		if timeout > 0 && !time.Now().Before(deadline) {
			return 0, 0, 0
		}
		w.Mu.Lock()
		for !w.Ready {
			if err := c.Block(&w.Cond); err != 0 {
				w.Mu.Unlock()
				return -1, left(), err
			}
		}
		w.Ready = false
		w.Mu.Unlock()
	}
}

// getDescs returns the descriptions of fds (nil where an fd is negative
// or not open), each with a reference; release drops them.
func (c *Cage) getDescs(fds []int) []*fdtable.Description {
	descs := make([]*fdtable.Description, len(fds))
	for i, fd := range fds {
		if fd >= 0 {
			if d, err := c.fds.Get(fd); err == 0 {
				descs[i] = d
			}
		}
	}
	return descs
}

// release drops the references getDescs took.
func release(descs []*fdtable.Description) {
	for _, d := range descs {
		if d != nil {
			d.DecRef()
		}
	}
}

// pollFor is poll(2)'s heart: it fills fds' revents and waits up to
// timeout (negative: forever) for one to be ready.
func (c *Cage) pollFor(fds []posix.PollFd, timeout time.Duration) (int64, time.Duration, posix.Errno) {
	nums := make([]int, len(fds))
	for i := range fds {
		nums[i] = int(fds[i].Fd)
	}
	descs := c.getDescs(nums)
	defer release(descs)
	scan := func() int64 {
		n := int64(0)
		for i := range fds {
			fds[i].Revents = 0
			if fds[i].Fd < 0 {
				continue
			}
			d := descs[i]
			if d == nil {
				fds[i].Revents = posix.POLLNVAL
			} else {
				mask := fds[i].Events | posix.POLLERR | posix.POLLHUP
				fds[i].Revents = d.File().Readiness(d, mask) & mask
			}
			if fds[i].Revents != 0 {
				n++
			}
		}
		return n
	}
	return c.waitReady(descs, scan, timeout)
}

// sigmaskDuring installs mask as the signal mask for a ppoll or pselect6
// wait, keeping the caller's mask to come back as sigsuspend's does: at
// once after the call (restoreSigmask), or, when a signal interrupted it,
// after the handler has run, so that a signal the mask unblocked is
// delivered with it in place (set_user_sigmask and
// restore_saved_sigmask_unless).
func (c *Cage) sigmaskDuring(mask posix.Sigset) {
	c.sigMu.Lock()
	c.savedMask = posix.Sigset(c.blocked.Load())
	c.hasSavedMask = true
	c.setBlockedLocked(mask)
	c.sigMu.Unlock()
}

// restoreSigmask ends a sigmaskDuring wait that returns err: the old mask
// comes back now unless a signal interrupted the call (then delivery
// restores it).
func (c *Cage) restoreSigmask(err posix.Errno) {
	if err == posix.EINTR && c.interrupted() {
		return
	}
	c.sigMu.Lock()
	if c.hasSavedMask {
		c.hasSavedMask = false
		c.setBlockedLocked(c.savedMask)
	}
	c.sigMu.Unlock()
}

// sigmaskArg returns the signal mask of a ppoll or pselect6 call: nil for
// none.
//
// # Errors
//
//   - EINVAL: a mask whose sigsetsize is not 8.
func sigmaskArg(set *posix.Sigset, size uint64) (*posix.Sigset, posix.Errno) {
	if set == nil {
		return nil, 0
	}
	if size != sigsetSize {
		return nil, posix.EINVAL
	}
	return set, 0
}

// timespecTimeout returns the timeout of a ppoll or pselect6 call:
// negative (forever) for none.
//
// # Errors
//
//   - EINVAL: tv_nsec outside 0..999999999, or tv_sec negative.
func timespecTimeout(ts *posix.Timespec) (time.Duration, posix.Errno) {
	if ts == nil {
		return -1, 0
	}
	if !ts.Valid() || ts.Sec < 0 {
		return 0, posix.EINVAL
	}
	return sleepDuration(*ts), 0
}

// sysPpoll implements ppoll(2): the pollfd array ([]posix.PollFd) and its
// count, a *posix.Timespec timeout (nil: forever), a *posix.Sigset mask
// installed for the wait (nil: the mask stays), and sigsetsize. As the
// system call does, it stores the time left in the timeout when it
// returns (unless the timeout was zero); the C library's ppoll passes a
// copy. It is never restarted after a handler.
//
// # Errors
//
//   - EINVAL: an invalid timeout (checked first); a mask with sigsetsize
//     not 8; nfds above RLIMIT_NOFILE.
//   - EFAULT: nfds above the array's length.
//   - EINTR: a signal arrived first.
func sysPpoll(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	ts, _ := call.Args[2].Ptr.(*posix.Timespec)
	timeout, err := timespecTimeout(ts)
	if err != 0 {
		return -1, err
	}
	set, _ := call.Args[3].Ptr.(*posix.Sigset)
	mask, err := sigmaskArg(set, call.Args[4].Val)
	if err != 0 {
		return -1, err
	}
	nfds := call.Args[1].Val
	if nfds > uint64(c.fds.Limit()) {
		return -1, posix.EINVAL
	}
	fds, _ := call.Args[0].Ptr.([]posix.PollFd)
	if uint64(len(fds)) < nfds {
		return -1, posix.EFAULT
	}
	if mask != nil {
		c.sigmaskDuring(*mask)
	}
	n, left, err := c.pollFor(fds[:nfds], timeout)
	if mask != nil {
		c.restoreSigmask(err)
	}
	if ts != nil && (ts.Sec != 0 || ts.Nsec != 0) {
		*ts = posix.NsecToTimespec(int64(left))
	}
	if err != 0 {
		return -1, err
	}
	return n, 0
}

// The poll events select(2) maps its three sets to, as fs/select.c.
const (
	pollInSet  = posix.POLLRDNORM | posix.POLLRDBAND | posix.POLLIN | posix.POLLHUP | posix.POLLERR
	pollOutSet = posix.POLLWRBAND | posix.POLLWRNORM | posix.POLLOUT | posix.POLLERR
	pollExSet  = posix.POLLPRI
)

// fdSetArg returns a select set argument as a bitmap: a *posix.FdSet, or a
// []uint64 for sets larger than FD_SETSIZE; nil for none.
func fdSetArg(a *threei.Arg) []uint64 {
	switch s := a.Ptr.(type) {
	case *posix.FdSet:
		if s != nil {
			return s.Bits[:]
		}
	case []uint64:
		return s
	}
	return nil
}

// maxFds is the size of the caller's descriptor table as Linux would have
// it (fdt->max_fds): at least 64, grown in steps of 128 (1024 bytes of
// pointers) to hold the highest open descriptor. select(2) ignores the
// bits at or above it.
func (c *Cage) maxFds() int {
	fds := c.fds.Fds()
	if len(fds) == 0 || fds[len(fds)-1] < 64 {
		return 64
	}
	n := fds[len(fds)-1]/128 + 1
	return n * 128
}

// selectFds is core_sys_select: it checks and waits for the descriptors
// of the three sets (the first n bits of each), then leaves in them only
// the ready ones.
func (c *Cage) selectFds(n int, sets [3][]uint64, timeout time.Duration) (int64, time.Duration, posix.Errno) {
	if n > 64 {
		n = min(n, c.maxFds())
	}
	words := (n + 63) / 64
	for _, s := range sets {
		if s != nil && len(s) < words {
			return -1, timeout, posix.EFAULT
		}
	}
	bit := func(s []uint64, fd int) bool { return s != nil && s[fd/64]&(1<<uint(fd%64)) != 0 }
	type entry struct {
		fd           int
		in, out, exc bool
	}
	var ents []entry
	for fd := 0; fd < n; fd++ {
		e := entry{fd: fd, in: bit(sets[0], fd), out: bit(sets[1], fd), exc: bit(sets[2], fd)}
		if e.in || e.out || e.exc {
			ents = append(ents, e)
		}
	}
	nums := make([]int, len(ents))
	for i, e := range ents {
		nums[i] = e.fd
	}
	descs := c.getDescs(nums)
	defer release(descs)
	for i := range ents {
		if descs[i] == nil {
			return -1, timeout, posix.EBADF
		}
	}
	res := make([][3]bool, len(ents))
	scan := func() int64 {
		count := int64(0)
		for i, e := range ents {
			d := descs[i]
			r := d.File().Readiness(d, pollInSet|pollOutSet|pollExSet)
			res[i] = [3]bool{e.in && r&pollInSet != 0, e.out && r&pollOutSet != 0, e.exc && r&pollExSet != 0}
			for _, b := range res[i] {
				if b {
					count++
				}
			}
		}
		return count
	}
	cnt, left, err := c.waitReady(descs, scan, timeout)
	if err != 0 {
		return -1, left, err
	}
	for _, s := range sets {
		if s != nil {
			clear(s[:words])
		}
	}
	for i, e := range ents {
		for k, s := range sets {
			if res[i][k] {
				s[e.fd/64] |= 1 << uint(e.fd%64)
			}
		}
	}
	return cnt, left, 0
}

// sysSelect implements select(2): nfds, then the read, write and except
// sets (each a *posix.FdSet or a []uint64 bitmap, nil for none), and a
// *posix.Timeval timeout (nil: forever), which it updates to the time
// left, as Linux does. Readiness is poll's: a set's bit stays set when
// the descriptor is ready for reading (POLLIN, POLLHUP, POLLERR), writing
// (POLLOUT, POLLERR) or has an exceptional condition (POLLPRI). nfds
// above the size of the descriptor table is cut to it, as on Linux
// (where the man page's EINVAL for nfds above RLIMIT_NOFILE no longer
// holds). It is never restarted after a handler.
//
// # Errors
//
//   - EINVAL: a timeout that is negative once its whole seconds of
//     tv_usec are moved to tv_sec (a tv_usec of 1500000 is 1.5s, as in
//     kern_select; checked first); nfds negative.
//   - EFAULT: a set shorter than nfds bits.
//   - EBADF: a set names a descriptor that is not open.
//   - EINTR: a signal arrived first; the sets are left as they were.
func sysSelect(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	tv, _ := call.Args[4].Ptr.(*posix.Timeval)
	timeout := time.Duration(-1)
	if tv != nil {
		// As kern_select: whole seconds of tv_usec move to tv_sec, and
		// only then must both be in range.
		norm := posix.Timeval{Sec: tv.Sec + tv.Usec/1e6, Usec: tv.Usec % 1e6}
		if !norm.Valid() {
			return -1, posix.EINVAL
		}
		timeout = timevalDuration(norm)
	}
	n := call.Args[0].Int32()
	if n < 0 {
		return -1, posix.EINVAL
	}
	sets := [3][]uint64{fdSetArg(&call.Args[1]), fdSetArg(&call.Args[2]), fdSetArg(&call.Args[3])}
	cnt, left, err := c.selectFds(n, sets, timeout)
	if tv != nil && (tv.Sec != 0 || tv.Usec != 0) {
		*tv = posix.NsecToTimeval(int64(left))
	}
	if err != 0 {
		return -1, err
	}
	return cnt, 0
}

// sysPselect6 implements pselect6(2): select with a *posix.Timespec
// timeout and, in the sixth argument, a *posix.Sigset mask installed for
// the wait (nil: none) whose Val is its sigsetsize. As the system call
// does, it stores the time left in the timeout (the C library's
// pselect(3) passes a copy, so the caller's is unchanged).
//
// # Errors
//
//   - EINVAL: an invalid timeout (checked first); a mask whose sigsetsize
//     is not 8; nfds negative.
//   - EFAULT, EBADF, EINTR: as select.
func sysPselect6(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	ts, _ := call.Args[4].Ptr.(*posix.Timespec)
	timeout, err := timespecTimeout(ts)
	if err != 0 {
		return -1, err
	}
	set, _ := call.Args[5].Ptr.(*posix.Sigset)
	mask, err := sigmaskArg(set, call.Args[5].Val)
	if err != 0 {
		return -1, err
	}
	n := call.Args[0].Int32()
	if n < 0 {
		return -1, posix.EINVAL
	}
	sets := [3][]uint64{fdSetArg(&call.Args[1]), fdSetArg(&call.Args[2]), fdSetArg(&call.Args[3])}
	if mask != nil {
		c.sigmaskDuring(*mask)
	}
	cnt, left, err := c.selectFds(n, sets, timeout)
	if mask != nil {
		c.restoreSigmask(err)
	}
	if ts != nil && (ts.Sec != 0 || ts.Nsec != 0) {
		*ts = posix.NsecToTimespec(int64(left))
	}
	if err != 0 {
		return -1, err
	}
	return cnt, 0
}
