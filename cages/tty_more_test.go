package cages_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// runTerminal runs prog as a cage whose stdio is a terminal (with no host
// terminal behind it).
func runTerminal(t *testing.T, prog cages.Program) posix.WaitStatus {
	t.Helper()
	k := newKernel(cages.Config{})
	proc, err := k.Start(cages.Spec{Path: "/t", Terminal: true, Stdin: strings.NewReader(""), Program: prog})
	require.NoError(t, err)
	return waitProcess(t, k, proc)
}

// On anything but a terminal the terminal requests are ENOTTY: musl's
// isatty(3) asks TIOCGWINSZ.
func TestTTY_NotATerminal_ENOTTY(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		f := mustOpen(t, p, "/tmp/f", posix.O_RDWR|posix.O_CREAT)
		null := mustOpen(t, p, "/dev/null", posix.O_RDWR)
		for _, fd := range []int{0, 1, 2, r, w, f, null} {
			var tio posix.Termios
			var ws posix.Winsize
			for _, req := range []uint{posix.TCGETS, posix.TCSETS, posix.TCSETSW, posix.TCSETSF} {
				err := p.IoctlTermios(fd, req, &tio)
				check(t, p, err == posix.ENOTTY, "ioctl(%d, %#x) = %s; want ENOTTY", fd, req, en(err))
			}
			for _, req := range []uint{posix.TIOCGWINSZ, posix.TIOCSWINSZ} {
				err := p.IoctlWinsize(fd, req, &ws)
				check(t, p, err == posix.ENOTTY, "ioctl(%d, %#x) = %s; want ENOTTY", fd, req, en(err))
			}
			var pg int32
			for _, req := range []uint{posix.TIOCGPGRP, posix.TIOCSPGRP, posix.TIOCSCTTY} {
				err := p.Ioctl(fd, req, &pg)
				check(t, p, err == posix.ENOTTY, "ioctl(%d, %#x) = %s; want ENOTTY", fd, req, en(err))
			}
			check(t, p, !p.Isatty(fd), "Isatty(%d)", fd)
		}
		var tio posix.Termios
		err := p.IoctlTermios(99, posix.TCGETS, &tio)
		check(t, p, err == posix.EBADF, "TCGETS on a closed fd = %s; want EBADF", en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// A terminal with no host terminal behind it starts with a new
// pseudo-terminal's termios and keeps what TCSETS* set; the window size
// starts at 0x0 and a change sends SIGWINCH to the foreground group.
func TestTTY_TermiosAndWinsize(t *testing.T) {
	st := runTerminal(t, func(p *cages.Proc) int {
		var tio posix.Termios
		err := p.IoctlTermios(0, posix.TCGETS, &tio)
		check(t, p, err == nil && tio == posix.StdTermios(), "TCGETS = %+v, %s; want %+v", tio, en(err), posix.StdTermios())
		check(t, p, p.Isatty(0) && p.Isatty(1) && p.Isatty(2), "Isatty")
		raw := tio
		raw.Lflag &^= posix.ICANON | posix.ECHO
		raw.Cc[posix.VMIN] = 1
		for _, req := range []uint{posix.TCSETS, posix.TCSETSW, posix.TCSETSF} {
			check(t, p, p.IoctlTermios(1, req, &raw) == nil, "ioctl(%#x)", req)
			var got posix.Termios
			p.IoctlTermios(2, posix.TCGETS, &got)
			check(t, p, got == raw, "after %#x: %+v; want %+v (one terminal behind fds 0-2)", req, got, raw)
		}
		err = p.IoctlTermios(0, posix.TCSETS, nil)
		check(t, p, err == posix.EFAULT, "TCSETS(NULL) = %s; want EFAULT", en(err))

		var ws posix.Winsize
		err = p.IoctlWinsize(0, posix.TIOCGWINSZ, &ws)
		check(t, p, err == nil && ws == posix.Winsize{}, "TIOCGWINSZ = %+v, %s", ws, en(err))
		var winch atomic.Int32
		catch(t, p, posix.SIGWINCH, posix.SA_RESTART, func(int) { winch.Add(1) })
		set := posix.Winsize{Row: 24, Col: 80}
		check(t, p, p.IoctlWinsize(1, posix.TIOCSWINSZ, &set) == nil, "TIOCSWINSZ")
		check(t, p, winch.Load() == 1, "SIGWINCH %d times; want once", winch.Load())
		p.IoctlWinsize(0, posix.TIOCGWINSZ, &ws)
		check(t, p, ws == set, "TIOCGWINSZ = %+v; want %+v", ws, set)
		p.IoctlWinsize(1, posix.TIOCSWINSZ, &set)
		check(t, p, winch.Load() == 1, "SIGWINCH for an unchanged size")
		return 0
	})
	requireStatus(t, exited0, st)
}

// The foreground group must be a group of the terminal's session; a cage
// that leaves the session has no controlling terminal (ENOTTY) until, as a
// session leader, it takes a free one with TIOCSCTTY.
func TestTTY_ForegroundAndControllingTerminal(t *testing.T) {
	st := runTerminal(t, func(p *cages.Proc) int {
		pg := int32(-1)
		check(t, p, p.Ioctl(0, posix.TIOCSPGRP, &pg) == posix.EINVAL, "TIOCSPGRP(-1)")
		pg = 999999
		check(t, p, p.Ioctl(0, posix.TIOCSPGRP, &pg) == posix.ESRCH, "TIOCSPGRP(no group)")
		// The session leader already has the terminal: TIOCSCTTY is a no-op.
		check(t, p, p.Ioctl(0, posix.TIOCSCTTY, nil) == nil, "TIOCSCTTY by the owner")

		r, w := mustPipe(t, p)
		sr, sw := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			// Not a session leader: no TIOCSCTTY.
			check(t, ch, ch.Ioctl(0, posix.TIOCSCTTY, nil) == posix.EPERM, "TIOCSCTTY by a non-leader")
			_, err := ch.Setsid()
			check(t, ch, err == nil, "Setsid = %s", en(err))
			var v int32
			err = ch.Ioctl(0, posix.TIOCGPGRP, &v)
			check(t, ch, err == posix.ENOTTY, "TIOCGPGRP after setsid = %s; want ENOTTY", en(err))
			// The terminal is still the other session's: EPERM.
			err = ch.Ioctl(0, posix.TIOCSCTTY, nil)
			check(t, ch, err == posix.EPERM, "TIOCSCTTY of a taken terminal = %s; want EPERM", en(err))
			mustWrite(t, ch, sw, "s")
			mustEOF(t, ch, r)
			return 0
		})
		mustRead(t, p, sr, "s")
		// The child is in another session: it cannot be the foreground.
		pg = int32(pid)
		check(t, p, p.Ioctl(0, posix.TIOCSPGRP, &pg) == posix.EPERM, "TIOCSPGRP(other session)")
		pg = int32(p.Getpgrp())
		check(t, p, p.Ioctl(0, posix.TIOCSPGRP, &pg) == nil, "TIOCSPGRP(own group)")
		var got int32
		check(t, p, p.Ioctl(0, posix.TIOCGPGRP, &got) == nil && got == pg, "TIOCGPGRP = %d; want %d", got, pg)
		mustClose(t, p, w)
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}
