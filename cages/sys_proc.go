package cages

import (
	"math"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Continuation is how a forked child starts: given its new cage, it returns
// the program the child runs and the child's Proc. The Go API's Fork passes
// one that runs a Go function; the WASM bridge passes one that resumes a
// copy of the instance.
type Continuation func(child *Cage) (Program, *Proc)

// sysGetpid implements getpid(2).
func sysGetpid(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).pid), 0
}

// sysGetppid implements getppid(2).
func sysGetppid(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).Ppid()), 0
}

// lookupLocked finds the cage pid names (0: the caller).
//
// Preconditions: k.tree is held.
func (c *Cage) lookupLocked(pid int) *Cage {
	if pid == 0 {
		return c
	}
	t, _ := c.k.cages.Load(pid)
	return t
}

// sysGetpgid implements getpgid(2); ESRCH if pid does not exist.
func sysGetpgid(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid := call.Args[0].Int32()
	if pid < 0 {
		return -1, posix.ESRCH
	}
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	t := c.lookupLocked(pid)
	if t == nil {
		return -1, posix.ESRCH
	}
	return int64(t.pgid), 0
}

// sysGetsid implements getsid(2); ESRCH if pid does not exist.
func sysGetsid(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid := call.Args[0].Int32()
	if pid < 0 {
		return -1, posix.ESRCH
	}
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	t := c.lookupLocked(pid)
	if t == nil {
		return -1, posix.ESRCH
	}
	return int64(t.sid), 0
}

// sysSetpgid implements setpgid(2), as kernel/sys.c.
//
// # Errors
//
//   - EINVAL: pgid is negative.
//   - ESRCH: pid is neither the caller nor a child of the caller.
//   - EACCES: pid is a child that has called execve.
//   - EPERM: pid is a session leader, a child in another session, or pgid
//     names no group in the caller's session.
func sysSetpgid(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid, pgid := call.Args[0].Int32(), call.Args[1].Int32()
	if pid == 0 {
		pid = c.pid
	}
	if pgid == 0 {
		pgid = pid
	}
	if pgid < 0 {
		return -1, posix.EINVAL
	}
	k := c.k
	k.tree.Lock()
	defer k.tree.Unlock()
	t, _ := k.cages.Load(pid)
	if t == nil || t.state == stateReaped {
		return -1, posix.ESRCH
	}
	if t.parent == c {
		if t.sid != c.sid {
			return -1, posix.EPERM
		}
		if t.execed {
			return -1, posix.EACCES
		}
	} else if t != c {
		return -1, posix.ESRCH
	}
	if t.sid == t.pid {
		return -1, posix.EPERM
	}
	if pgid != pid {
		found := false
		k.cages.Range(func(_ int, g *Cage) bool {
			if g.pgid == pgid && g.sid == c.sid && g.state != stateReaped {
				found = true
			}
			return !found
		})
		if !found {
			return -1, posix.EPERM
		}
	}
	t.pgid = pgid
	return 0, 0
}

// sysSetsid implements setsid(2): the caller leads a new session and
// process group. EPERM if a process group with the caller's pid exists.
func sysSetsid(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	k := c.k
	k.tree.Lock()
	defer k.tree.Unlock()
	leader := false
	k.cages.Range(func(_ int, g *Cage) bool {
		if g.pgid == c.pid && g.state != stateReaped {
			leader = true
		}
		return !leader
	})
	if leader {
		return -1, posix.EPERM
	}
	c.pgid, c.sid = c.pid, c.pid
	return int64(c.pid), 0
}

// sysFork implements fork(2): the first argument carries the child's
// Continuation. The parent gets the child's pid.
//
// # Errors
//
//   - EAGAIN: the kernel's cage limit is reached.
//   - EINVAL: no continuation.
func sysFork(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	cont, _ := call.Args[0].Ptr.(Continuation)
	if cont == nil {
		return -1, posix.EINVAL
	}
	child, err := c.k.fork(c)
	if err != 0 {
		return -1, err
	}
	prog, p := cont(child)
	c.notifyFork(child)
	c.k.run(child, prog, p)
	return int64(child.pid), 0
}

// sysExecve implements execve(2): the path travels as a buffer, argv and
// envp as []string in Ptr. On success the cage's FD_CLOEXEC fds are
// closed, caught signals reset, and the new program is recorded for the
// runner: the caller must stop running its program (the Go API's Execve
// does not return). On failure nothing has changed.
func sysExecve(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	name := string(call.Args[0].Buf)
	argv, _ := call.Args[1].Ptr.([]string)
	envv, _ := call.Args[2].Ptr.([]string)
	for _, b := range call.Args[0].Buf {
		if b == 0 {
			return -1, posix.ENOENT
		}
	}
	prog, argv, err := c.k.cfg.Loader.Load(c, name, argv)
	if err != 0 {
		return -1, err
	}
	argv = append([]string(nil), argv...)
	envv = append([]string(nil), envv...)
	keys := c.k.reclocks.keysFor(c, c.cloexecFds())
	c.fds.CloseOnExec()
	c.k.flocks.sweep()
	c.k.reclocks.release(c, keys, false)
	c.resetHandlersOnExec()
	c.execExt()
	c.k.tree.Lock()
	c.execed = true
	c.k.tree.Unlock()
	c.mu.Lock()
	c.args, c.env = argv, envv
	c.next = &execRequest{prog: prog, proc: newProc(c, argv, envv)}
	c.mu.Unlock()
	c.notifyExec(name, argv)
	return 0, 0
}

// sysExit implements exit(2) and exit_group(2): it records the status; the
// caller stops running its program.
func sysExit(call *threei.Call) (int64, posix.Errno) {
	cageOf(call).setExit(posix.Exited(call.Args[0].Int32()))
	return 0, 0
}

// waitOptions are the options wait4(2) accepts.
const waitOptions = posix.WNOHANG | posix.WUNTRACED | posix.WCONTINUED | posix.WNOTHREAD | posix.WCLONE | posix.WALL

// sysWait4 implements wait4(2) (and waitpid): the status is stored through
// the *posix.WaitStatus in the second argument, if any.
//
// # Errors
//
//   - EINVAL: unknown options.
//   - ECHILD: no child matches (or all were reaped automatically because
//     SIGCHLD is ignored).
//   - ESRCH: pid is INT_MIN.
//   - EINTR: a signal arrived first.
func sysWait4(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid := call.Args[0].Int32()
	status, _ := call.Args[1].Ptr.(*posix.WaitStatus)
	options := call.Args[2].Int32()
	if options&^waitOptions != 0 {
		return -1, posix.EINVAL
	}
	if pid == math.MinInt32 {
		return -1, posix.ESRCH
	}
	k := c.k
	k.tree.Lock()
	defer k.tree.Unlock()
	for {
		group := 0
		switch {
		case pid == 0:
			group = c.pgid
		case pid < -1:
			group = -pid
		}
		any := false
		for ch := range c.children {
			switch {
			case pid > 0 && ch.pid != pid:
				continue
			case group != 0 && ch.pgid != group:
				continue
			}
			any = true
			if ch.state == stateZombie {
				delete(c.children, ch)
				k.removeLocked(ch)
				c.addChildTime(ch)
				if status != nil {
					*status = ch.status
				}
				return int64(ch.pid), 0
			}
		}
		if !any {
			return -1, posix.ECHILD
		}
		if options&posix.WNOHANG != 0 {
			return 0, 0
		}
		if err := c.Block(&c.childCond); err != 0 {
			return -1, err
		}
	}
}

// sysKill implements kill(2).
//
// # Errors
//
//   - ESRCH: no cage or process group matches; pid is INT_MIN. Checked
//     before the signal, as on Linux.
//   - EINVAL: sig is not 0..64, or SIGSTOP (job control is not modelled).
func sysKill(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid, sig := call.Args[0].Int32(), call.Args[1].Int32()
	// As kernel/signal.c, the targets are looked up first: with none, the
	// answer is ESRCH whatever the signal; the signal is checked only
	// against a target (group_send_sig_info).
	badSig := sig < 0 || sig >= posix.NSIG || sig == posix.SIGSTOP
	k := c.k
	switch {
	case pid == math.MinInt32:
		return -1, posix.ESRCH
	case pid > 0:
		t := k.Cage(pid)
		if t == nil {
			return -1, posix.ESRCH
		}
		if t == k.init && c != k.init {
			// Init is not the caller's to signal: cages are unprivileged.
			return -1, posix.EPERM
		}
		if badSig {
			return -1, posix.EINVAL
		}
		if sig != 0 {
			t.signalFrom(sig, t.userInfo(c, posix.SI_USER))
		}
		return 0, 0
	case pid == -1:
		var targets []*Cage
		k.cages.Range(func(_ int, t *Cage) bool {
			if t != c && t != k.init {
				targets = append(targets, t)
			}
			return true
		})
		if len(targets) == 0 {
			return -1, posix.ESRCH
		}
		if badSig {
			return -1, posix.EINVAL
		}
		for _, t := range targets {
			if sig != 0 {
				t.signalFrom(sig, t.userInfo(c, posix.SI_USER))
			}
		}
		return 0, 0
	}
	group := -pid
	if pid == 0 {
		group = c.Pgid()
	}
	if badSig {
		sig = 0 // only look the group up
	}
	if err := k.killGroupFrom(c, group, sig); err != nil {
		return -1, posix.ESRCH
	}
	if badSig {
		return -1, posix.EINVAL
	}
	return 0, 0
}
