package cages

import (
	"fmt"
	"runtime/debug"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// execRequest is what a successful execve leaves for the runner: the next
// program to run in the cage.
type execRequest struct {
	prog Program
	proc *Proc
}

// run starts prog on a new goroutine as the cage's program.
func (k *Kernel) run(c *Cage, prog Program, p *Proc) {
	go k.runProgram(c, prog, p)
}

// runProgram runs one program in c and then, depending on how it ended,
// exits the cage or starts the program an execve asked for.
//
// A program ends by returning (its status), by Exit or a fatal signal (the
// goroutine exits through runtime.Goexit after the status is recorded), by
// a successful Execve (Goexit after the next program is recorded), or by a
// panic (the cage dies as if by SIGSEGV, the panic text on its fd 2).
func (k *Kernel) runProgram(c *Cage, prog Program, p *Proc) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			c.writeStderr(fmt.Sprintf("panic: %v\n\n%s", r, debug.Stack()))
			c.setExit(posix.Signaled(posix.SIGSEGV, false))
			c.exit()
			return
		}
		// runtime.Goexit: an exit, a fatal signal, or an execve. A cage
		// killed as its execve returned ends without running a single
		// instruction of the new program.
		if next := c.takeExec(); next != nil && !c.exiting() {
			go k.runProgram(c, next.prog, next.proc)
			return
		}
		c.exit()
	}()
	st := prog(p)
	c.takeExec() // an execve whose caller ignored its success
	// Returning from the program is exit_group(st), as returning from a C
	// program's main is: a call that grates see.
	p.call1(posix.SYS_EXIT_GROUP, val(st))
	returned = true
	c.setExit(posix.Exited(st))
	c.exit()
}

// setExit records how the cage ends; the first record wins (a program
// killed while returning is reported killed if the kill came first).
func (c *Cage) setExit(st posix.WaitStatus) {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	if c.exitSet {
		return
	}
	if c.killSig != 0 && !st.Signaled() {
		st = posix.Signaled(c.killSig, false)
	}
	c.exitSet, c.exitWS = true, st
}

// exiting reports whether how the cage ends is recorded: it has called
// _exit or been killed, and never returns to its program.
func (c *Cage) exiting() bool {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	return c.exitSet
}

// takeExec returns and clears the pending execve, if any.
func (c *Cage) takeExec() *execRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.next
	c.next = nil
	return e
}

// writeStderr writes s to the cage's fd 2, if it has one, ignoring errors.
func (c *Cage) writeStderr(s string) {
	d, err := c.fds.Get(2)
	if err != 0 {
		return
	}
	defer d.DecRef()
	if d.Writable() {
		d.File().Write(fdtable.HostTask{}, d, []byte(s))
	}
}

// exit finishes the cage's life, as do_exit: every fd is closed (so pipe
// readers see end of file), children go to init, the cage becomes a
// zombie (or is reaped at once if its parent ignores SIGCHLD or is init),
// and the parent gets SIGCHLD and is woken from wait.
func (c *Cage) exit() {
	if c.exited.Swap(true) {
		return // finished already, by a kill that found it inside a grate
	}
	k := c.k
	c.setAlarm(0)
	c.fds.CloseAll()
	k.flocks.sweep()                 // the locks of descriptions that just went
	k.reclocks.release(c, nil, true) // and the cage's record locks
	c.recordExitTime()

	c.sigMu.Lock()
	st := c.exitWS
	c.sigMu.Unlock()
	c.notifyExit(st) // before the parent can see the zombie

	var deathSig []*Cage // children that asked for PR_SET_PDEATHSIG
	k.tree.Lock()
	c.status = st
	init := k.init
	for ch := range c.children {
		if ch.state == stateRunning && ch.pdeathSignal() != 0 {
			deathSig = append(deathSig, ch)
		}
		ch.parent = init
		if init.children == nil {
			init.children = map[*Cage]struct{}{}
		}
		init.children[ch] = struct{}{}
		if ch.state == stateZombie {
			delete(init.children, ch)
			k.removeLocked(ch)
		}
	}
	c.children = nil
	parent := c.parent
	wake := false
	if parent == init || parent.childSignalIgnored() {
		delete(parent.children, c)
		k.removeLocked(c)
	} else {
		c.state = stateZombie
	}
	if parent != init {
		// Queue SIGCHLD before the zombie can be seen, so its handler has
		// run by the time wait returns the child.
		parent.noteSender(posix.SIGCHLD, childInfo(c, st))
		wake = parent.queueSignal(posix.SIGCHLD)
	}
	parent.childCond.Broadcast()
	k.tree.Unlock()
	if wake {
		parent.interrupt()
	}
	if parent != init {
		parent.wakeSigwait(posix.SIGCHLD)
	}
	for _, ch := range deathSig {
		ch.signalFrom(ch.pdeathSignal(), ch.userInfo(c, posix.SI_USER))
	}
	if g := c.grate.Load(); g != nil {
		g.die()
	}
	close(c.done)
}

// fork creates a child of parent, as fork(2): a copy of the fd table (same
// descriptions), working directory, umask, limits, signal dispositions and
// mask, process group and session, and 3i table; no pending signals, no
// children.
func (k *Kernel) fork(parent *Cage) (*Cage, posix.Errno) {
	child := newCage(k, 0, parent, parent.fds.Fork())
	parent.mu.Lock()
	child.cwd, child.umask, child.rlimits = parent.cwd, parent.umask, parent.rlimits
	child.args, child.env = parent.args, parent.env
	parent.mu.Unlock()
	parent.sigMu.Lock()
	child.actions = parent.actions
	child.blocked.Store(parent.blocked.Load())
	parent.sigMu.Unlock()
	child.table.Store(parent.table.Load())
	parent.forkExt(child)

	k.tree.Lock()
	if parent.pending.Load()&(1<<(posix.SIGKILL-1)) != 0 || parent.state != stateRunning {
		// Being killed: no child, as copy_process refuses one when a
		// fatal signal is pending.
		k.tree.Unlock()
		child.fds.CloseAll()
		return nil, posix.EINTR
	}
	pid, err := k.allocPidLocked()
	if err != 0 {
		k.tree.Unlock()
		child.fds.CloseAll()
		return nil, err
	}
	child.pid = pid
	child.pgid, child.sid = parent.pgid, parent.sid
	k.addLocked(child, parent)
	k.tree.Unlock()
	return child, 0
}
