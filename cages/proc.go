package cages

import (
	"runtime"
	"strings"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Proc is a Go cage program's handle on its cage: the program makes its
// system calls as methods of Proc, with Go types, and every call travels
// the same road as any other cage's: the cage's 3i table, then the kernel.
// Signals are delivered when a call returns: a handler installed with
// Sigaction runs on the program's goroutine before the method returns;
// a fatal signal ends the program there (its goroutine exits).
//
// Errors are posix.Errno values (compare with == or errors.Is).
//
// A Proc belongs to the goroutine its program runs on and is not safe for
// concurrent use, as a single-threaded process is not.
type Proc struct {
	c *Cage

	// calls is a stack of Call records reused by each method, so a call
	// allocates nothing; a signal handler's calls use the next record.
	calls [4]threei.Call
	depth int

	// args and env are the program's argv and environment (its own
	// memory: Setenv changes them, fork copies them).
	args []string
	env  []string
}

func newProc(c *Cage, args, env []string) *Proc {
	return &Proc{c: c, args: args, env: env}
}

// Cage returns the calling cage.
func (p *Proc) Cage() *Cage { return p.c }

// Args returns argv.
func (p *Proc) Args() []string { return p.args }

// Environ returns the environment as "KEY=value" strings.
func (p *Proc) Environ() []string { return p.env }

// Getenv returns the value of key in the environment, or "".
func (p *Proc) Getenv(key string) string {
	v, _ := p.LookupEnv(key)
	return v
}

// LookupEnv returns the value of key and whether it is set.
func (p *Proc) LookupEnv(key string) (string, bool) {
	for i := len(p.env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(p.env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// Setenv sets key to value in the program's environment (what a child
// forks with and what Execve callers usually pass on).
func (p *Proc) Setenv(key, value string) {
	p.Unsetenv(key)
	p.env = append(p.env, key+"="+value)
}

// Unsetenv removes key from the environment.
func (p *Proc) Unsetenv(key string) {
	out := p.env[:0:0]
	for _, kv := range p.env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	p.env = out
}

// begin returns the Call record for a new call to num.
func (p *Proc) begin(num int) *threei.Call {
	var call *threei.Call
	if p.depth < len(p.calls) {
		call = &p.calls[p.depth]
	} else {
		call = new(threei.Call)
	}
	p.depth++
	call.Num = num
	call.Caller = p.c
	call.Args = [threei.MaxArgs]threei.Arg{} // a reused record must not show the last call's arguments
	return call
}

// do dispatches call through the cage's table and then delivers pending
// signals. An interrupted call (EINTR) is restarted as Linux restarts
// -ERESTARTSYS and -ERESTARTNOHAND: when no handler ran (the signal was
// discarded on delivery), or when the first handler has SA_RESTART and
// the call is restartable. A cage that is exiting (exit_group) never
// returns to its program, so nothing is delivered.
func (p *Proc) do(call *threei.Call) (int64, posix.Errno) {
	c := p.c
	for {
		r, err := c.table.Load().Dispatch(call)
		if c.interrupted() && !c.exiting() {
			handled, restart := p.deliver()
			if err == posix.EINTR && (!handled || restart && restartable(call.Num)) {
				continue
			}
		}
		p.depth--
		return r, err
	}
}

// Checkpoint delivers the cage's pending, unblocked signals as a return
// to user space does, without a system call: handlers run, and a fatal
// signal (a kill) ends the cage here, Checkpoint then not returning. A
// WASM program that computes without calls reaches one at its loop
// headers.
func (p *Proc) Checkpoint() {
	if p.c.interrupted() && !p.c.exiting() {
		p.deliver()
	}
}

// deliver delivers every pending, unblocked signal at this boundary, as
// the kernel's exit_to_user_mode_loop does: it takes the signals one by
// one, lowest first, setting up a frame for each caught one (its handler's
// mask applies from then on), and only then runs the handlers, from the
// last frame to the first, so the highest-numbered handler runs first, as
// nested signal frames do on Linux. Each handler's end restores the mask
// as rt_sigreturn does and delivers what that unblocks. A fatal signal
// ends the cage before any handler runs, and does not return.
//
// It reports whether a handler ran, and whether the first has SA_RESTART:
// x86's handle_signal decides an interrupted call's restart on the first
// frame only.
func (p *Proc) deliver() (handled, restart bool) {
	var buf [4]delivery
	frames := buf[:0]
	for {
		d, ok := p.c.takeSignal()
		if !ok {
			break
		}
		if d.fatal {
			p.die(posix.Signaled(d.sig, false))
		}
		frames = append(frames, d)
	}
	if len(frames) == 0 {
		return false, true
	}
	for i := len(frames) - 1; i >= 0; i-- {
		d := frames[i]
		switch {
		case d.action.Run != nil:
			d.action.Run(p, d.sig)
		case d.action.Handler != nil:
			d.action.Handler(d.sig)
		}
		p.c.endHandler(d.frame)
		if p.c.interrupted() {
			p.deliver() // rt_sigreturn's own return to user space
		}
	}
	return true, frames[0].action.Flags&posix.SA_RESTART != 0
}

// die ends the program with status st: the goroutine exits and the cage's
// runner finishes the exit.
func (p *Proc) die(st posix.WaitStatus) {
	p.c.setExit(st)
	runtime.Goexit()
}

// restartable reports whether an interrupted call is restarted after a
// handler with SA_RESTART ran. Linux never restarts these after a handler
// (-ERESTARTNOHAND and restart-block calls); with no handler run, every
// interrupted call is restarted.
func restartable(num int) bool {
	switch num {
	case posix.SYS_POLL, posix.SYS_PPOLL, posix.SYS_SELECT, posix.SYS_PSELECT6,
		posix.SYS_NANOSLEEP, posix.SYS_CLOCK_NANOSLEEP, posix.SYS_RT_SIGSUSPEND,
		posix.SYS_PAUSE, posix.SYS_RT_SIGTIMEDWAIT, posix.SYS_EPOLL_WAIT, posix.SYS_EPOLL_PWAIT:
		return false
	}
	return true
}

// errOf turns an errno into an error: nil for success.
func errOf(e posix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

// val is a scalar argument.
func val(v int) threei.Arg { return threei.Arg{Val: uint64(int64(v))} }

// buf is a buffer argument in the caller's memory.
func buf(b []byte) threei.Arg { return threei.Arg{Val: uint64(len(b)), Buf: b} }

// ptr is a Go-typed argument.
func ptr(v any) threei.Arg { return threei.Arg{Ptr: v} }

// call0 ... call4 make a call with that many arguments.
func (p *Proc) call0(num int) (int64, posix.Errno) {
	return p.do(p.begin(num))
}

func (p *Proc) call1(num int, a0 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0] = a0
	return p.do(c)
}

func (p *Proc) call2(num int, a0, a1 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0], c.Args[1] = a0, a1
	return p.do(c)
}

func (p *Proc) call3(num int, a0, a1, a2 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0], c.Args[1], c.Args[2] = a0, a1, a2
	return p.do(c)
}

func (p *Proc) call4(num int, a0, a1, a2, a3 threei.Arg) (int64, posix.Errno) {
	c := p.begin(num)
	c.Args[0], c.Args[1], c.Args[2], c.Args[3] = a0, a1, a2, a3
	return p.do(c)
}
