// Package grates holds ready-made grates — cages that serve the system
// calls of the cages they start, through 3i: Tracer (strace's output),
// Grants (a least-authority view of the filesystem, after Plash) and
// Recorder (the paths a run uses, written as the grants file that lets
// the same run pass under Grants). Each is a Layer; Program runs a stack
// of layers as grate cages above a program, which is how `gocage run`
// wires --trace, --grant and --record-grants.
//
// It may import threei, posix and cages.
package grates

import (
	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Layer is one grate's work: the handler it registers for every call of
// the cages under it.
type Layer interface {
	// Handle serves one call of a cage under the grate; it forwards what
	// it does not answer with g.Forward.
	Handle(g *threei.Grate, c *threei.Call) (int64, posix.Errno)
}

// Watching is a Layer that wants to hear of the fork, exec and exit of
// the cages it serves.
type Watching interface {
	Layer
	// Watcher returns the functions to call.
	Watcher() *cages.Watcher
}

// Finishing is a Layer with work to do when its grate's program has
// ended (a summary to print, a file to write).
type Finishing interface {
	Layer
	// Finish is called once the cages under the grate have all exited.
	Finish() error
}

// signalsIgnored are the signals a grate cage ignores, so that ^C or a
// SIGTERM aimed at the program's process group reaches the program and
// not the grates above it; the program gets the default actions back.
var signalsIgnored = []int{posix.SIGINT, posix.SIGQUIT, posix.SIGTERM, posix.SIGHUP, posix.SIGPIPE, posix.SIGUSR1, posix.SIGUSR2, posix.SIGALRM, posix.SIGTSTP, posix.SIGTTIN, posix.SIGTTOU}

// Program returns the program of a grate cage that stacks layers above
// the program at path: layers[0] is the lowest, next to the kernel, and
// the last sees the program's calls first. Each layer runs in its own
// grate cage, parent of the next; the program runs in the last cage's
// child, started with argv and env, with every call it and its
// descendants make passing through the layers. The grate cage exits as
// the program does: with its exit status, or killed by the same signal.
//
// A program that cannot be executed is reported on fd 2 as a shell would
// ("gocage: PATH: No such file or directory") and exits 127 (126 when it
// exists but cannot run).
func Program(layers []Layer, path string, argv, env []string) cages.Program {
	return func(p *cages.Proc) int {
		if len(layers) == 0 {
			err := p.Execve(path, argv, env)
			return execFailed(p, path, err)
		}
		layer := layers[0]
		g := p.Grate()
		if w, ok := layer.(Watching); ok {
			g.Watch(w.Watcher())
		}
		for _, sig := range signalsIgnored {
			p.Ignore(sig)
		}
		h := layer.Handle
		pid, err := p.Fork(func(c *cages.Proc) int {
			for _, sig := range signalsIgnored {
				c.Signal(sig, nil)
			}
			if err := g.Register(c.Cage().Pid(), threei.AllCalls, h); err != nil {
				p.Write(2, []byte("gocage: grate: "+err.Error()+"\n"))
				return 126
			}
			return Program(layers[1:], path, argv, env)(c)
		})
		if err != nil {
			p.Write(2, []byte("gocage: grate: fork: "+err.Error()+"\n"))
			return 126
		}
		var st posix.WaitStatus
		for {
			var got int
			got, st, err = p.Wait4(pid, 0)
			if err == nil && got == pid {
				break
			}
			if err != posix.EINTR {
				p.Write(2, []byte("gocage: grate: wait: "+err.Error()+"\n"))
				return 126
			}
		}
		if f, ok := layer.(Finishing); ok {
			if err := f.Finish(); err != nil {
				p.Write(2, []byte("gocage: "+err.Error()+"\n"))
				if st.Exited() && st.ExitStatus() == 0 {
					return 1
				}
			}
		}
		if st.Signaled() {
			sig := st.Signal()
			p.Signal(sig, nil)
			p.Sigprocmask(posix.SIG_SETMASK, new(posix.Sigset))
			p.Kill(p.Cage().Pid(), sig)
			return 128 + sig // a signal whose default action does not kill
		}
		return st.ExitStatus()
	}
}

// execFailed reports a failed execve of path as the shell does and
// returns its status.
func execFailed(p *cages.Proc, path string, err error) int {
	p.Write(2, []byte("gocage: "+path+": "+err.Error()+"\n"))
	if err == posix.EACCES || err == posix.ENOEXEC {
		return 126
	}
	return 127
}
