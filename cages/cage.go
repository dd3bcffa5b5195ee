package cages

import (
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// cageState is where a cage is in its life.
type cageState uint8

const (
	stateRunning cageState = iota
	stateZombie            // exited, not yet waited for
	stateReaped            // waited for, gone from the cage table
)

// Cage is an emulated process. Its kernel-side state lives here; the Go
// program's side (argv, environment, the call stack) lives in Proc.
//
// Methods are safe for concurrent use.
type Cage struct {
	k   *Kernel // Immutable.
	pid int     // Immutable.

	// fds is the descriptor table. Immutable pointer; the table is safe
	// for concurrent use.
	fds *fdtable.Table

	// table is the 3i call table every call from this cage goes through.
	table atomic.Pointer[threei.Table]

	// Process tree fields. Protected by k.tree.
	parent   *Cage
	children map[*Cage]struct{}
	pgid     int
	sid      int
	state    cageState
	status   posix.WaitStatus
	execed   bool // has called execve (setpgid's EACCES)
	// childCond is signalled when a child changes state. Its lock is
	// &k.tree.
	childCond sync.Cond

	// mu guards the per-process attributes below.
	mu sync.Mutex
	// cwd is the working directory. Protected by mu.
	cwd vfs.Loc
	// umask is the file-mode creation mask. Protected by mu.
	umask int
	// rlimits are the resource limits other than RLIMIT_NOFILE, which
	// lives in fds. Protected by mu.
	rlimits [posix.RLIM_NLIMITS]posix.Rlimit
	// args and env are what the current program was started with, for
	// /proc. Protected by mu.
	args, env []string
	// next is the program a successful execve installed, for the runner.
	// Protected by mu.
	next *execRequest

	// Signal state. sigMu guards actions and savedMask; pending and
	// blocked are also written under sigMu but read without it.
	sigMu sync.Mutex
	// actions are the dispositions; nil means all default. Shared
	// copy-on-write with forked children: replaced, never changed in
	// place. Protected by sigMu.
	actions *[posix.NSIG]SigAction
	// pending is the set of pending signals; SIGKILL in it means the cage
	// is being killed.
	pending atomic.Uint64
	// blocked is the signal mask.
	blocked atomic.Uint64
	// savedMask is the mask sigsuspend replaced, restored after delivery.
	// Protected by sigMu.
	savedMask    posix.Sigset
	hasSavedMask bool
	// killSig is the signal that is ending the cage, or 0. Protected by sigMu.
	killSig int
	// exitSet and exitWS record how the cage ends. Protected by sigMu.
	exitSet bool
	exitWS  posix.WaitStatus
	// alarm is the pending alarm(2) timer, or nil. Protected by sigMu.
	alarm *alarmTimer
	// killed is closed when SIGKILL is queued; made on first use by
	// Killed. Protected by sigMu.
	killed       chan struct{}
	killedClosed bool

	// waitMu guards sleeping: the conditions the cage's calls sleep on,
	// which an interrupt broadcasts.
	waitMu   sync.Mutex
	sleeping []*sync.Cond

	// sleepMu and sleepCond are what nanosleep and sigsuspend sleep on.
	sleepMu   sync.Mutex
	sleepCond sync.Cond

	// ctx is the filesystem context of the cage's calls, reused (vctx).
	// Used only by the cage's own calls.
	ctx vfs.Ctx

	// grate is the cage's grate handle, once it has asked for one.
	grate atomic.Pointer[Grate]
	// lastGrate is the last grate found allowed to touch the cage's
	// memory (a cache of Kernel.mayServe).
	lastGrate atomic.Pointer[Cage]
	// allowed are the cages the host let this cage serve as a grate.
	// Protected by k.tree.
	allowed map[*Cage]struct{}
	// inGrate counts the grate handlers running on the cage's goroutine,
	// with grateDetached set once a kill has finished its exit.
	inGrate atomic.Int32
	// exited is set by the first exit.
	exited atomic.Bool

	// done is closed when the cage has exited (zombie or reaped).
	done chan struct{}

	// x holds the attributes of the calls added for the C library (nice
	// value, name, timers, alternate signal stack...); see cage_ext.go.
	x cageExt
}

// newCage returns a cage with fresh state and the fd table fds (nil: a new
// empty one); the caller fills in the tree.
func newCage(k *Kernel, pid int, parent *Cage, fds *fdtable.Table) *Cage {
	if fds == nil {
		fds = fdtable.NewTable()
	}
	c := &Cage{
		k:      k,
		pid:    pid,
		fds:    fds,
		parent: parent,
		cwd:    k.fs.Root(),
		umask:  0o022,
		done:   make(chan struct{}),
	}
	c.childCond.L = &k.tree
	c.sleepCond.L = &c.sleepMu
	for i := range c.rlimits {
		c.rlimits[i] = posix.Rlimit{Cur: posix.RLIM_INFINITY, Max: posix.RLIM_INFINITY}
	}
	c.rlimits[posix.RLIMIT_STACK].Cur = 8 << 20
	c.rlimits[posix.RLIMIT_CORE].Cur = 0
	c.rlimits[posix.RLIMIT_NPROC] = posix.Rlimit{Cur: uint64(k.cfg.MaxCages), Max: uint64(k.cfg.MaxCages)}
	c.rlimits[posix.RLIMIT_SIGPENDING] = posix.Rlimit{Cur: 63432, Max: 63432}
	c.rlimits[posix.RLIMIT_MSGQUEUE] = posix.Rlimit{Cur: 819200, Max: 819200}
	c.rlimits[posix.RLIMIT_MEMLOCK] = posix.Rlimit{Cur: 8 << 20, Max: 8 << 20}
	c.rlimits[posix.RLIMIT_NICE] = posix.Rlimit{}
	c.rlimits[posix.RLIMIT_RTPRIO] = posix.Rlimit{}
	c.rlimits[posix.RLIMIT_NOFILE] = posix.Rlimit{Cur: fdtable.DefaultLimit, Max: 1048576}
	c.table.Store(k.defaultTable)
	c.initExt()
	return c
}

// CageID returns the pid; it makes a Cage a threei.Caller.
func (c *Cage) CageID() int { return c.pid }

// Pid returns the cage's pid.
func (c *Cage) Pid() int { return c.pid }

// Kernel returns the kernel the cage belongs to.
func (c *Cage) Kernel() *Kernel { return c.k }

// Fds returns the cage's descriptor table.
func (c *Cage) Fds() *fdtable.Table { return c.fds }

// Table returns the cage's current 3i call table.
func (c *Cage) Table() *threei.Table { return c.table.Load() }

// SetTable replaces the cage's 3i call table; the cage's next call uses it.
func (c *Cage) SetTable(t *threei.Table) { c.table.Store(t) }

// Cwd returns the working directory's path, as getcwd(2) computes it, or
// "" if the directory has been removed.
func (c *Cage) Cwd() string {
	dir, err := c.k.fs.Getcwd(c.cwdLoc())
	if err != 0 {
		return ""
	}
	return dir
}

// cwdLoc returns the working directory.
func (c *Cage) cwdLoc() vfs.Loc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cwd
}

// setCwd sets the working directory; the filesystem has checked it.
func (c *Cage) setCwd(loc vfs.Loc) {
	c.mu.Lock()
	c.cwd = loc
	c.mu.Unlock()
}

// Umask returns the file-mode creation mask.
func (c *Cage) Umask() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.umask
}

// Args returns the argv the current program was started with.
func (c *Cage) Args() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.args
}

// Ppid returns the parent's pid (0 for init).
func (c *Cage) Ppid() int {
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	if c.parent == nil {
		return 0
	}
	return c.parent.pid
}

// Pgid returns the process group.
func (c *Cage) Pgid() int {
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	return c.pgid
}

// Sid returns the session.
func (c *Cage) Sid() int {
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	return c.sid
}

// Killed returns a channel closed once SIGKILL has been sent to the cage:
// what stops a program that computes without making calls (a WASM
// module), which the kill cannot otherwise reach.
func (c *Cage) Killed() <-chan struct{} {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	if c.killed == nil {
		c.killed = make(chan struct{})
		if c.pending.Load()&(1<<(posix.SIGKILL-1)) != 0 {
			close(c.killed)
			c.killedClosed = true
		}
	}
	return c.killed
}

// Done returns a channel closed when the cage has exited.
func (c *Cage) Done() <-chan struct{} { return c.done }

// exitStatus returns the wait status once the cage has exited.
func (c *Cage) exitStatus() posix.WaitStatus {
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	return c.status
}

// Block implements fdtable.Task: it sleeps on cond (whose lock the caller
// holds) unless an interrupt is pending, in which case it returns EINTR.
//
// The cage registers cond before its second look at the pending set, and
// an interrupter sets the pending set before it reads the registrations
// and broadcasts under cond's lock; so either the sleeper sees the signal,
// or the interrupter sees the sleeper and wakes it.
func (c *Cage) Block(cond *sync.Cond) posix.Errno {
	if c.interrupted() {
		return posix.EINTR
	}
	c.waitMu.Lock()
	c.sleeping = append(c.sleeping, cond)
	c.waitMu.Unlock()
	var err posix.Errno
	if c.interrupted() {
		err = posix.EINTR
	} else {
		cond.Wait()
	}
	c.waitMu.Lock()
	for i, s := range c.sleeping {
		if s == cond {
			last := len(c.sleeping) - 1
			c.sleeping[i] = c.sleeping[last]
			c.sleeping[last] = nil
			c.sleeping = c.sleeping[:last]
			break
		}
	}
	c.waitMu.Unlock()
	return err
}

// interrupted reports whether a signal is pending that the cage must act
// on (SIGKILL included): the condition that ends a blocking wait.
func (c *Cage) interrupted() bool {
	return c.pending.Load()&^c.blocked.Load() != 0
}

// interrupt wakes every wait the cage sleeps in.
//
// Preconditions: no lock is held that a sleeper of this cage might hold.
func (c *Cage) interrupt() {
	c.waitMu.Lock()
	var buf [4]*sync.Cond
	conds := append(buf[:0], c.sleeping...)
	c.waitMu.Unlock()
	for _, cond := range conds {
		cond.L.Lock()
		cond.Broadcast()
		cond.L.Unlock()
	}
	if c.pending.Load()&(1<<(posix.SIGKILL-1)) != 0 && c.inGrate.Load() != 0 {
		c.detachIfInGrate()
	}
}
