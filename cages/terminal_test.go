package cages_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// With Spec.Terminal, fds 0-2 answer TCGETS (isatty) and fstat as
// character devices; without it, a host stream is not a terminal.
func TestTerminal_IsattyOnlyWithSpecTerminal(t *testing.T) {
	for _, tty := range []bool{false, true} {
		k := newKernel(cages.Config{})
		var v int32
		proc, err := k.Start(cages.Spec{Path: "/t", Terminal: tty, Stdin: strings.NewReader(""), Program: func(p *cages.Proc) int {
			for fd := 0; fd < 3; fd++ {
				err := p.Ioctl(fd, posix.TCGETS, &v)
				want := error(posix.ENOTTY)
				if tty {
					want = nil
				}
				check(t, p, err == want, "Terminal=%v: Ioctl(%d, TCGETS) = %s; want %s", tty, fd, en(err), en(want))
			}
			return 0
		}})
		require.NoError(t, err)
		requireStatus(t, exited0, waitProcess(t, k, proc))
	}
}

// A shell with job control moves the terminal's foreground group with
// TIOCSPGRP; the host's ^C (Process.SignalForeground) goes to that group,
// not to the shell.
func TestTerminal_ForegroundGroupGetsTheInterrupt(t *testing.T) {
	k := newKernel(cages.Config{})
	ready := make(chan struct{})
	proc, err := k.Start(cages.Spec{Path: "/shell", Terminal: true, Stdin: strings.NewReader(""), Program: func(p *cages.Proc) int {
		check(t, p, p.Ignore(posix.SIGINT) == nil, "Ignore(SIGINT)")
		r, w := mustPipe(t, p) // the parent keeps w open: the child's read blocks
		defer p.Close(w)
		rr, rw := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ch.Signal(posix.SIGINT, nil) // a job gets the default action back
			mustWrite(t, ch, rw, "r")    // the default is in place
			ch.Read(r, make([]byte, 1))  // blocks until the interrupt
			return 0
		})
		mustRead(t, p, rr, "r")
		check(t, p, p.Setpgid(pid, pid) == nil, "Setpgid")
		v := int32(pid)
		check(t, p, p.Ioctl(0, posix.TIOCSPGRP, &v) == nil, "TIOCSPGRP")
		var got int32
		check(t, p, p.Ioctl(0, posix.TIOCGPGRP, &got) == nil && got == v, "TIOCGPGRP = %d; want %d", got, v)
		close(ready)
		_, st, err := p.Wait4(pid, 0)
		check(t, p, err == nil && st == posix.Signaled(posix.SIGINT, false), "job ended %v, %s; want killed by SIGINT", st, en(err))
		return 0
	}})
	require.NoError(t, err)
	<-ready
	require.NoError(t, proc.SignalForeground(posix.SIGINT))
	requireStatus(t, exited0, waitProcess(t, k, proc))
}
