package cages

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocage/gocage/posix"
)

// cageExt holds the per-process attributes of the calls in sys_time.go,
// sys_ids.go, sys_sigmore.go and sys_wait.go: nice value, name, parent-
// death signal, alternate signal stack, interval timers, CPU-time
// accounting and where pending signals came from.
//
// mu is a leaf lock: nothing else is taken while it is held, so it may be
// taken under Kernel.tree or Cage.sigMu.
type cageExt struct {
	// start is when the cage was created (by fork or by the host): the
	// origin of its approximate CPU time. Immutable.
	start time.Time

	mu sync.Mutex
	// nice is the nice value, -20..19. Protected by mu.
	nice int
	// comm is the name prctl(PR_SET_NAME) set, if commSet; otherwise the
	// name is argv[0]'s last element. Protected by mu.
	comm    string
	commSet bool
	// pdeathsig is the signal prctl(PR_SET_PDEATHSIG) asked for when the
	// parent exits, or 0. Protected by mu.
	pdeathsig int
	// altstack is the alternate signal stack sigaltstack(2) recorded
	// (Size 0: none). Protected by mu.
	altstack posix.SignalStack
	// virt and prof are ITIMER_VIRTUAL and ITIMER_PROF as set, in
	// nanoseconds. Protected by mu.
	virt, prof itimerSetting
	// cpu is the cage's own CPU time once it has exited; children is the
	// CPU time of its waited-for children, theirs included. Protected by
	// mu.
	cpu, children time.Duration
	// senders records who sent each pending signal, for the siginfo of
	// rt_sigtimedwait. Protected by mu.
	senders [posix.NSIG]posix.Siginfo
	// tidAddress is the clear_child_tid address set_tid_address recorded.
	// Protected by mu.
	tidAddress uint64

	// realInterval is ITIMER_REAL's reload period, meaningful while
	// Cage.alarm is realTimer. Protected by Cage.sigMu.
	realInterval time.Duration
	realTimer    *alarmTimer

	// waitSet is the set of signals rt_sigtimedwait is waiting for, so a
	// sender can wake it for a signal the mask keeps blocked.
	waitSet atomic.Uint64
}

// itimerSetting is a CPU interval timer as setitimer(2) set it.
type itimerSetting struct {
	value, interval time.Duration
}

// initExt starts the extension state of a new cage.
func (c *Cage) initExt() { c.x.start = time.Now() }

// forkExt gives child the attributes fork(2) copies: nice value, name and
// alternate signal stack. The parent-death signal, interval timers and
// CPU times start afresh.
func (c *Cage) forkExt(child *Cage) {
	c.x.mu.Lock()
	nice, comm, set, alt := c.x.nice, c.x.comm, c.x.commSet, c.x.altstack
	c.x.mu.Unlock()
	child.x.mu.Lock()
	child.x.nice, child.x.comm, child.x.commSet, child.x.altstack = nice, comm, set, alt
	child.x.mu.Unlock()
}

// execExt resets what execve(2) resets: the name (the new program's) and
// the alternate signal stack.
func (c *Cage) execExt() {
	c.x.mu.Lock()
	c.x.comm, c.x.commSet = "", false
	c.x.altstack = posix.SignalStack{}
	c.x.mu.Unlock()
}

// cpuTime returns the cage's approximate CPU time: the wall time since it
// was created, up to its exit (Go cannot measure one goroutine's CPU time).
func (c *Cage) cpuTime() time.Duration {
	c.x.mu.Lock()
	cpu := c.x.cpu
	c.x.mu.Unlock()
	if cpu != 0 {
		return cpu
	}
	return time.Since(c.x.start)
}

// childrenTime returns the CPU time of the cage's waited-for children.
func (c *Cage) childrenTime() time.Duration {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	return c.x.children
}

// recordExitTime fixes the cage's CPU time as it exits.
func (c *Cage) recordExitTime() {
	d := max(time.Since(c.x.start), time.Nanosecond)
	c.x.mu.Lock()
	c.x.cpu = d
	c.x.mu.Unlock()
}

// addChildTime adds a reaped child's CPU time, and its children's, to the
// cage's children time, as wait_task_zombie does.
func (c *Cage) addChildTime(ch *Cage) {
	ch.x.mu.Lock()
	d := ch.x.cpu + ch.x.children
	ch.x.mu.Unlock()
	c.x.mu.Lock()
	c.x.children += d
	c.x.mu.Unlock()
}

// noteSender records who sends sig, unless an instance is already pending
// (a standard signal keeps the siginfo of the instance that was queued).
func (c *Cage) noteSender(sig int, info posix.Siginfo) {
	if sig <= 0 || sig >= posix.NSIG {
		return
	}
	if posix.Sigset(c.pending.Load()).Has(sig) {
		return
	}
	info.Signo = int32(sig)
	c.x.mu.Lock()
	c.x.senders[sig] = info
	c.x.mu.Unlock()
}

// takeSender returns and forgets what noteSender recorded for sig; a
// signal with no record reads as sent by kill from pid 0.
func (c *Cage) takeSender(sig int) posix.Siginfo {
	c.x.mu.Lock()
	info := c.x.senders[sig]
	c.x.senders[sig] = posix.Siginfo{}
	c.x.mu.Unlock()
	info.Signo = int32(sig)
	return info
}

// userInfo is the siginfo of a signal sent by cage from (nil: the host)
// with code.
func (c *Cage) userInfo(from *Cage, code int) posix.Siginfo {
	info := posix.Siginfo{Code: int32(code), Uid: uint32(c.k.cfg.UID)}
	if from != nil {
		info.Pid = int32(from.pid)
	}
	return info
}

// signalFrom sends sig to c as Signal does, recording info for
// rt_sigtimedwait, and wakes a rt_sigtimedwait that waits for sig with
// it blocked.
//
// Preconditions: no lock is held that c's sleepers might hold (as for
// interrupt).
func (c *Cage) signalFrom(sig int, info posix.Siginfo) {
	c.noteSender(sig, info)
	c.Signal(sig)
	c.wakeSigwait(sig)
}

// wakeSigwait wakes the cage's rt_sigtimedwait if it waits for sig.
func (c *Cage) wakeSigwait(sig int) {
	if sig > 0 && sig < posix.NSIG && c.x.waitSet.Load()&(1<<(sig-1)) != 0 {
		c.sleepMu.Lock()
		c.sleepCond.Broadcast()
		c.sleepMu.Unlock()
	}
}
