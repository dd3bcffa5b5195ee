package cages

import (
	"time"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// sendTo sends sig from c to cage t as kill(2) does for one target, with
// info recorded for rt_sigtimedwait. Signal 0 only checks.
//
// # Errors
//
//   - EPERM: t is init (root's), and c is not.
//   - EINVAL: sig is not 0..64, or SIGSTOP (job control is not
//     modelled).
func (c *Cage) sendTo(t *Cage, sig int, info posix.Siginfo) posix.Errno {
	if t == c.k.init && c != c.k.init {
		return posix.EPERM
	}
	if sig < 0 || sig >= posix.NSIG || sig == posix.SIGSTOP {
		return posix.EINVAL
	}
	if sig != 0 {
		t.signalFrom(sig, info)
	}
	return 0
}

// sysTkill implements tkill(2): sig to the thread tid. A cage has one
// thread, whose id is its pid, so this is kill(2) of that cage alone;
// the signal's si_code is SI_TKILL. musl's raise(3) and abort(3) send
// with tkill to the caller's own tid: the signal is delivered before the
// call returns.
//
// # Errors
//
//   - EINVAL: tid <= 0; then (the thread exists) an invalid signal or
//     SIGSTOP.
//   - ESRCH: no thread tid (checked before the signal, as do_tkill).
//   - EPERM: tid is init.
func sysTkill(call *threei.Call) (int64, posix.Errno) {
	return tkill(cageOf(call), 0, call.Args[0].Int32(), call.Args[1].Int32())
}

// sysTgkill implements tgkill(2): tkill of thread tid if it belongs to
// thread group tgid, which for a cage means tgid == tid.
//
// # Errors
//
//   - EINVAL: tgid <= 0 or tid <= 0; then an invalid signal.
//   - ESRCH: no thread tid in group tgid.
//   - EPERM: tid is init.
func sysTgkill(call *threei.Call) (int64, posix.Errno) {
	tgid := call.Args[0].Int32()
	if tgid <= 0 {
		return -1, posix.EINVAL
	}
	return tkill(cageOf(call), tgid, call.Args[1].Int32(), call.Args[2].Int32())
}

// tkill is do_tkill: tgid 0 means any group.
func tkill(c *Cage, tgid, tid, sig int) (int64, posix.Errno) {
	if tid <= 0 {
		return -1, posix.EINVAL
	}
	t := c.k.Cage(tid)
	if t == nil || (tgid != 0 && tgid != tid) {
		return -1, posix.ESRCH
	}
	if err := c.sendTo(t, sig, t.userInfo(c, posix.SI_TKILL)); err != 0 {
		return -1, err
	}
	return 0, 0
}

// sysRtSigqueueinfo implements rt_sigqueueinfo(2): sig to the cage tgid
// with the *posix.Siginfo the caller supplies (its Signo is replaced by
// sig), which rt_sigtimedwait then reports as it is. A real-time signal
// does not queue: a second instance sent while one is pending is merged,
// as for a standard signal.
//
// # Errors
//
//   - EFAULT: no siginfo.
//   - EPERM: a siginfo whose code claims kill, tkill or the kernel
//     (si_code >= 0 or SI_TKILL) sent to another process; tgid is init.
//   - ESRCH: no cage tgid.
//   - EINVAL: an invalid signal, or SIGSTOP.
func sysRtSigqueueinfo(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid, sig := call.Args[0].Int32(), call.Args[1].Int32()
	in, _ := call.Args[2].Ptr.(*posix.Siginfo)
	if in == nil {
		return -1, posix.EFAULT
	}
	info := *in
	if (info.Code >= 0 || info.Code == posix.SI_TKILL) && pid != c.pid {
		return -1, posix.EPERM
	}
	var t *Cage
	if pid > 0 {
		t = c.k.Cage(pid)
	}
	if t == nil {
		return -1, posix.ESRCH
	}
	if err := c.sendTo(t, sig, info); err != 0 {
		return -1, err
	}
	return 0, 0
}

// dequeueLocked removes and returns the signal rt_sigtimedwait takes from
// the pending ones in set, as next_signal picks: synchronous faults
// first, then the lowest number; 0 if none is pending.
//
// Preconditions: c.sigMu is held.
func (c *Cage) dequeueLocked(set posix.Sigset) int {
	p := posix.Sigset(c.pending.Load()) & set
	if p == 0 {
		return 0
	}
	sig := 0
	for _, s := range [...]int{posix.SIGSEGV, posix.SIGBUS, posix.SIGILL, posix.SIGTRAP, posix.SIGFPE, posix.SIGSYS} {
		if p.Has(s) {
			sig = s
			break
		}
	}
	for s := 1; sig == 0 && s < posix.NSIG; s++ {
		if p.Has(s) {
			sig = s
		}
	}
	c.pending.Store(c.pending.Load() &^ (1 << (sig - 1)))
	return sig
}

// sysRtSigtimedwait implements rt_sigtimedwait(2): set (a *posix.Sigset;
// SIGKILL and SIGSTOP are dropped from it), info (a *posix.Siginfo, may be
// nil), timeout (a *posix.Timespec; nil waits forever), sigsetsize. It
// takes a pending signal of set, or waits for one, without running its
// handler, and returns its number, with si_signo, si_code and the sender's
// pid and uid (when the kernel knows them) in info. While it waits, the
// signals of set that are blocked and not ignored are unblocked, as
// do_sigtimedwait does; ignored ones stay blocked, and the senders inside
// the kernel wake it.
//
// # Errors
//
//   - EINVAL: sigsetsize is not 8; a timeout with tv_nsec outside
//     0..999999999 or a negative tv_sec.
//   - EFAULT: no set.
//   - EAGAIN: no signal of set arrived within the timeout.
//   - EINTR: another signal, one that runs a handler, arrived first.
func sysRtSigtimedwait(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	set, _ := call.Args[0].Ptr.(*posix.Sigset)
	info, _ := call.Args[1].Ptr.(*posix.Siginfo)
	ts, _ := call.Args[2].Ptr.(*posix.Timespec)
	if call.Args[3].Val != sigsetSize {
		return -1, posix.EINVAL
	}
	if set == nil {
		return -1, posix.EFAULT
	}
	if ts != nil && (!ts.Valid() || ts.Sec < 0) {
		return -1, posix.EINVAL
	}
	which := *set &^ unblockable
	got := func(sig int) (int64, posix.Errno) {
		si := c.takeSender(sig)
		if info != nil {
			*info = si
		}
		return int64(sig), 0
	}
	c.sigMu.Lock()
	sig := c.dequeueLocked(which)
	c.sigMu.Unlock()
	if sig != 0 {
		return got(sig)
	}
	if ts != nil && ts.Sec == 0 && ts.Nsec == 0 {
		return -1, posix.EAGAIN
	}

	c.x.waitSet.Store(uint64(which))
	c.sigMu.Lock()
	saved := posix.Sigset(c.blocked.Load())
	open := posix.Sigset(0)
	for s := 1; s < posix.NSIG; s++ {
		if which.Has(s) && saved.Has(s) && !c.ignoredLocked(s) {
			open = open.Add(s)
		}
	}
	c.setBlockedLocked(saved &^ open)
	c.sigMu.Unlock()

	c.sleepMu.Lock()
	fired := false
	if ts != nil {
		t := time.AfterFunc(sleepDuration(*ts), func() {
			c.sleepMu.Lock()
			fired = true
			c.sleepCond.Broadcast()
			c.sleepMu.Unlock()
		})
		defer t.Stop()
	}
	var err posix.Errno
	for posix.Sigset(c.pending.Load())&which == 0 && !fired {
		if err = c.Block(&c.sleepCond); err != 0 {
			break
		}
	}
	c.sleepMu.Unlock()
	c.x.waitSet.Store(0)

	c.sigMu.Lock()
	c.setBlockedLocked(saved)
	sig = c.dequeueLocked(which)
	c.sigMu.Unlock()
	switch {
	case sig != 0:
		return got(sig)
	case err != 0:
		return -1, posix.EINTR
	}
	return -1, posix.EAGAIN
}

// sysSigaltstack implements sigaltstack(2): the new alternate signal
// stack from a *posix.SignalStack (nil: none), the old one into another
// (nil: none). The stack is recorded and reported, but handlers never run
// on it: a Go cage program's handler runs on its goroutine, and the WASM
// bridge runs handlers on the module's own stack; so SS_ONSTACK is never
// reported and EPERM (changing the stack while on it) never happens.
//
// # Errors
//
//   - EINVAL: flags other than 0, SS_ONSTACK or SS_DISABLE, with or
//     without SS_AUTODISARM.
//   - ENOMEM: a stack (not SS_DISABLE) smaller than MINSIGSTKSZ.
func sysSigaltstack(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	ss, _ := call.Args[0].Ptr.(*posix.SignalStack)
	old, _ := call.Args[1].Ptr.(*posix.SignalStack)
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	cur := c.x.altstack
	prev := posix.SignalStack{Sp: cur.Sp, Size: cur.Size, Flags: cur.Flags & posix.SS_AUTODISARM}
	if cur.Size == 0 {
		prev.Flags |= posix.SS_DISABLE
	}
	if ss != nil {
		switch ss.Flags &^ posix.SS_AUTODISARM {
		case 0, posix.SS_ONSTACK:
			if ss.Size < posix.MINSIGSTKSZ {
				return -1, posix.ENOMEM
			}
			c.x.altstack = *ss
		case posix.SS_DISABLE:
			c.x.altstack = posix.SignalStack{Flags: ss.Flags}
		default:
			return -1, posix.EINVAL
		}
	}
	if old != nil {
		*old = prev
	}
	return 0, 0
}
