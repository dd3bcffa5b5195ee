package cages

import (
	"time"

	"github.com/gocage/gocage/posix"
)

// Disposition is what a cage does with a signal.
type Disposition uint8

// The dispositions, as SIG_DFL, SIG_IGN and a handler in sigaction(2).
const (
	SigDefault Disposition = iota // the signal's default action (SIG_DFL)
	SigIgnore                     // discard it (SIG_IGN)
	SigCatch                      // run Handler
)

// SigAction is a signal's disposition, as struct sigaction.
type SigAction struct {
	// Disposition says whether Handler runs.
	Disposition Disposition
	// Handler runs on the cage's goroutine at a system-call boundary when
	// Disposition is SigCatch. It receives the signal number.
	Handler func(sig int)
	// Run, when set, runs instead of Handler and receives the Proc of
	// the cage that takes the signal: a handler copied to a forked child
	// then runs in the child, whatever cage installed it. The WASM
	// bridge uses it to find the instance whose memory the handler is in.
	Run func(p *Proc, sig int)
	// Data is the installer's own value, kept with the action and given
	// back by rt_sigaction's old action (a WASM program's handler
	// address). The kernel does not read it.
	Data uint64
	// Flags are SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_NOCLDWAIT...
	Flags int
	// Mask is added to the signal mask while Handler runs.
	Mask posix.Sigset
}

// unblockable are the signals no mask can block.
const unblockable = posix.Sigset(1<<(posix.SIGKILL-1) | 1<<(posix.SIGSTOP-1))

// actionLocked returns sig's disposition.
//
// Preconditions: c.sigMu is held.
func (c *Cage) actionLocked(sig int) SigAction {
	if c.actions == nil {
		return SigAction{}
	}
	return c.actions[sig]
}

// setActionLocked replaces sig's disposition, copying the shared array.
//
// Preconditions: c.sigMu is held.
func (c *Cage) setActionLocked(sig int, a SigAction) {
	var n [posix.NSIG]SigAction
	if c.actions != nil {
		n = *c.actions
	}
	n[sig] = a
	c.actions = &n
}

// ignoredLocked reports whether sig, arriving now, would be discarded.
//
// Preconditions: c.sigMu is held.
func (c *Cage) ignoredLocked(sig int) bool {
	a := c.actionLocked(sig)
	switch a.Disposition {
	case SigIgnore:
		return true
	case SigCatch:
		return false
	}
	switch posix.SignalDefault(sig) {
	case posix.ActIgnore, posix.ActContinue, posix.ActStop:
		// Job control is not modelled: a stop or continue with the default
		// action has nothing to do. kill(2) refuses SIGSTOP outright.
		return true
	}
	return false
}

// queueSignal makes sig pending, as the kernel's send_signal, and reports
// whether the cage must be woken. An ignored, unblocked signal is discarded.
// It may be called with k.tree held.
func (c *Cage) queueSignal(sig int) bool {
	if sig <= 0 || sig >= posix.NSIG {
		return false
	}
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	if c == c.k.init {
		// Init takes no signal it has no handler for; it has none.
		return false
	}
	bit := uint64(1) << (sig - 1)
	if sig == posix.SIGKILL {
		c.pending.Store(c.pending.Load() | bit)
		if c.killed != nil && !c.killedClosed {
			close(c.killed)
			c.killedClosed = true
		}
		return true
	}
	blocked := posix.Sigset(c.blocked.Load()).Has(sig)
	if !blocked && c.ignoredLocked(sig) {
		return false
	}
	c.pending.Store(c.pending.Load() | bit)
	return !blocked
}

// Signal sends sig to the cage, waking it from any blocking call if the
// signal is deliverable.
func (c *Cage) Signal(sig int) {
	if c.queueSignal(sig) {
		c.interrupt()
	}
}

// setBlocked replaces the signal mask (SIGKILL and SIGSTOP cannot be
// blocked).
//
// Preconditions: c.sigMu is held.
func (c *Cage) setBlockedLocked(m posix.Sigset) {
	c.blocked.Store(uint64(m &^ unblockable))
}

// nextSignalLocked removes and returns the signal to deliver next: SIGKILL
// first, then synchronous faults, then the lowest number; 0 if none.
//
// Preconditions: c.sigMu is held.
func (c *Cage) nextSignalLocked() int {
	set := posix.Sigset(c.pending.Load() &^ c.blocked.Load())
	if set == 0 {
		return 0
	}
	sig := 0
	if set.Has(posix.SIGKILL) {
		sig = posix.SIGKILL
	} else {
		for _, s := range [...]int{posix.SIGSEGV, posix.SIGBUS, posix.SIGILL, posix.SIGTRAP, posix.SIGFPE, posix.SIGSYS} {
			if set.Has(s) {
				sig = s
				break
			}
		}
		if sig == 0 {
			for s := 1; s < posix.NSIG; s++ {
				if set.Has(s) {
					sig = s
					break
				}
			}
		}
	}
	c.pending.Store(c.pending.Load() &^ (1 << (sig - 1)))
	return sig
}

// delivery is what the boundary must do about one signal.
type delivery struct {
	sig     int
	action  SigAction
	frame   posix.Sigset // the mask to restore after the handler
	fatal   bool         // the cage dies of sig
	handled bool         // a handler runs
}

// takeSignal picks the next deliverable signal and prepares its delivery
// as the kernel's get_signal and handle_signal do: a fatal one records the
// cage's death; a caught one installs the handler's mask (and resets the
// disposition for SA_RESETHAND). It returns ok=false when nothing is left,
// after restoring a mask sigsuspend saved.
func (c *Cage) takeSignal() (d delivery, ok bool) {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	for {
		sig := c.nextSignalLocked()
		if sig == 0 {
			if c.hasSavedMask {
				c.hasSavedMask = false
				c.setBlockedLocked(c.savedMask)
				if c.pending.Load()&^c.blocked.Load() != 0 {
					continue
				}
			}
			return delivery{}, false
		}
		a := c.actionLocked(sig)
		if sig == posix.SIGKILL || a.Disposition == SigDefault {
			switch posix.SignalDefault(sig) {
			case posix.ActTerminate, posix.ActCore:
				if c.killSig == 0 {
					c.killSig = sig
				}
				return delivery{sig: sig, fatal: true}, true
			}
			continue // default ignore, stop, continue
		}
		if a.Disposition == SigIgnore {
			continue
		}
		// The handler runs with the current mask (sigsuspend's, if it
		// is waiting) plus its own; the frame keeps the mask to restore
		// (the one sigsuspend replaced), as signal_delivered and
		// sigmask_to_save.
		cur := posix.Sigset(c.blocked.Load())
		frame := cur
		if c.hasSavedMask {
			frame = c.savedMask
			c.hasSavedMask = false
		}
		m := cur | a.Mask
		if a.Flags&posix.SA_NODEFER == 0 {
			m = m.Add(sig)
		}
		c.setBlockedLocked(m)
		if a.Flags&posix.SA_RESETHAND != 0 {
			c.setActionLocked(sig, SigAction{})
		}
		return delivery{sig: sig, action: a, frame: frame, handled: true}, true
	}
}

// endHandler restores the mask saved when a handler started, as
// rt_sigreturn does.
func (c *Cage) endHandler(frame posix.Sigset) {
	c.sigMu.Lock()
	c.setBlockedLocked(frame)
	c.sigMu.Unlock()
}

// resetHandlersOnExec resets caught signals to the default action, as
// execve(2) does; ignored ones stay ignored, the mask and pending set stay.
// Every action loses its flags and mask, as kernel/signal.c's
// flush_signal_handlers: SA_NOCLDWAIT on a default SIGCHLD does not
// survive execve.
func (c *Cage) resetHandlersOnExec() {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	if c.actions == nil {
		return
	}
	n := *c.actions
	for i := range n {
		if n[i].Disposition == SigIgnore {
			n[i] = SigAction{Disposition: SigIgnore}
		} else {
			n[i] = SigAction{}
		}
	}
	c.actions = &n
}

// childSignalIgnored reports whether the cage reaps its children
// automatically: SIGCHLD set to SIG_IGN, or SA_NOCLDWAIT.
func (c *Cage) childSignalIgnored() bool {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	a := c.actionLocked(posix.SIGCHLD)
	return a.Disposition == SigIgnore || a.Flags&posix.SA_NOCLDWAIT != 0
}

// alarmTimer is a pending alarm(2).
type alarmTimer struct {
	t        *time.Timer
	deadline time.Time
}

// setAlarm arms (secs > 0) or cancels (secs == 0) the cage's alarm and
// returns the seconds the previous one had left, as alarm(2): rounded to
// the nearest second, and at least 1 if it had any time left.
func (c *Cage) setAlarm(secs uint) uint {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	var left uint
	if a := c.alarm; a != nil {
		a.t.Stop()
		if rem := time.Until(a.deadline); rem > 0 {
			left = uint((rem + time.Second/2) / time.Second)
			if left == 0 {
				left = 1
			}
		}
		c.alarm = nil
	}
	if secs > 0 {
		d := time.Duration(secs) * time.Second
		a := &alarmTimer{deadline: time.Now().Add(d)}
		a.t = time.AfterFunc(d, func() {
			c.sigMu.Lock()
			if c.alarm == a {
				c.alarm = nil
			}
			c.sigMu.Unlock()
			c.Signal(posix.SIGALRM)
		})
		c.alarm = a
	}
	return left
}
