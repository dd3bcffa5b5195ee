package cages

import (
	"time"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// sigsetSize is the only sigsetsize the rt_sig* calls accept.
const sigsetSize = 8

// sysRtSigaction implements rt_sigaction(2): the new and old actions travel
// as *SigAction in the second and third arguments, sigsetsize in the
// fourth. Setting a signal to be ignored discards its pending instance.
//
// # Errors
//
//   - EINVAL: sig is not 1..64; a new action for SIGKILL or SIGSTOP;
//     sigsetsize is not 8.
func sysRtSigaction(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	sig := call.Args[0].Int32()
	act, _ := call.Args[1].Ptr.(*SigAction)
	old, _ := call.Args[2].Ptr.(*SigAction)
	if call.Args[3].Val != sigsetSize || sig < 1 || sig >= posix.NSIG {
		return -1, posix.EINVAL
	}
	if act != nil && (sig == posix.SIGKILL || sig == posix.SIGSTOP) {
		return -1, posix.EINVAL
	}
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	if old != nil {
		*old = c.actionLocked(sig)
	}
	if act != nil {
		a := *act
		a.Mask &^= unblockable
		if a.Disposition == SigCatch && a.Handler == nil && a.Run == nil {
			a.Disposition = SigDefault
		}
		c.setActionLocked(sig, a)
		if c.ignoredLocked(sig) {
			c.pending.Store(c.pending.Load() &^ (1 << (sig - 1)))
		}
	}
	return 0, 0
}

// sysRtSigprocmask implements rt_sigprocmask(2): how, then *posix.Sigset
// new and old sets, then sigsetsize. SIGKILL and SIGSTOP are never blocked.
//
// # Errors
//
//   - EINVAL: how is not SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK (checked only
//     with a new set); sigsetsize is not 8.
func sysRtSigprocmask(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	how := call.Args[0].Int32()
	set, _ := call.Args[1].Ptr.(*posix.Sigset)
	old, _ := call.Args[2].Ptr.(*posix.Sigset)
	if call.Args[3].Val != sigsetSize {
		return -1, posix.EINVAL
	}
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	cur := posix.Sigset(c.blocked.Load())
	if set != nil {
		switch how {
		case posix.SIG_BLOCK:
			c.setBlockedLocked(cur | *set)
		case posix.SIG_UNBLOCK:
			c.setBlockedLocked(cur &^ *set)
		case posix.SIG_SETMASK:
			c.setBlockedLocked(*set)
		default:
			return -1, posix.EINVAL
		}
	}
	if old != nil {
		*old = cur
	}
	return 0, 0
}

// sysRtSigpending implements rt_sigpending(2): the pending signals that
// are blocked.
func sysRtSigpending(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	set, _ := call.Args[0].Ptr.(*posix.Sigset)
	if call.Args[1].Val != sigsetSize {
		return -1, posix.EINVAL
	}
	if set == nil {
		return -1, posix.EFAULT
	}
	*set = posix.Sigset(c.pending.Load() & c.blocked.Load())
	return 0, 0
}

// sysRtSigsuspend implements rt_sigsuspend(2): it replaces the mask, waits
// for a signal whose delivery runs a handler or ends the cage, and fails
// with EINTR; the old mask comes back after the handler.
func sysRtSigsuspend(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	mask, _ := call.Args[0].Ptr.(*posix.Sigset)
	if call.Args[1].Val != sigsetSize {
		return -1, posix.EINVAL
	}
	if mask == nil {
		return -1, posix.EFAULT
	}
	c.sigMu.Lock()
	c.savedMask = posix.Sigset(c.blocked.Load())
	c.hasSavedMask = true
	c.setBlockedLocked(*mask)
	c.sigMu.Unlock()
	c.sleepMu.Lock()
	for c.Block(&c.sleepCond) == 0 {
	}
	c.sleepMu.Unlock()
	return -1, posix.EINTR
}

// sysAlarm implements alarm(2): ITIMER_REAL set to the seconds given,
// with no period (see setitimer).
func sysAlarm(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).alarmSeconds(uint(uint32(call.Args[0].Val)))), 0
}

// sysNanosleep implements nanosleep(2): *posix.Timespec request and
// remainder. Interrupted by a signal, it fails with EINTR and stores the
// time left in the remainder (never restarted).
//
// # Errors
//
//   - EINVAL: tv_nsec outside 0..999999999, or tv_sec negative.
//   - EFAULT: no request.
func sysNanosleep(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	req, _ := call.Args[0].Ptr.(*posix.Timespec)
	rem, _ := call.Args[1].Ptr.(*posix.Timespec)
	if req == nil {
		return -1, posix.EFAULT
	}
	if !req.Valid() || req.Sec < 0 {
		return -1, posix.EINVAL
	}
	d := time.Duration(req.Nano())
	if req.Sec > int64(1<<62)/int64(time.Second) {
		d = 1 << 62
	}
	left, err := c.sleep(d)
	if err != 0 && rem != nil {
		*rem = posix.NsecToTimespec(int64(left))
	}
	if err != 0 {
		return -1, err
	}
	return 0, 0
}

// sleep waits for d, or until interrupted; it returns the time left and
// EINTR when interrupted.
func (c *Cage) sleep(d time.Duration) (time.Duration, posix.Errno) {
	if d <= 0 {
		return 0, 0
	}
	deadline := time.Now().Add(d)
	fired := false
	t := time.AfterFunc(d, func() {
		c.sleepMu.Lock()
		fired = true
		c.sleepCond.Broadcast()
		c.sleepMu.Unlock()
	})
	defer t.Stop()
	c.sleepMu.Lock()
	defer c.sleepMu.Unlock()
	for !fired {
		if err := c.Block(&c.sleepCond); err != 0 {
			return max(time.Until(deadline), 0), err
		}
	}
	return 0, 0
}
