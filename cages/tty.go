package cages

import (
	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// hostTTY is a terminal of the host's that a cage's stdio is: its termios
// and window size are the host's, read and set with the host's ioctls
// (tty_linux.go). Elsewhere than on Linux there is none, and a terminal
// keeps its settings itself.
type hostTTY interface {
	getTermios() (posix.Termios, posix.Errno)
	// setTermios sets the termios with TCSETS, TCSETSW or TCSETSF.
	setTermios(req uint64, t posix.Termios) posix.Errno
	getWinsize() (posix.Winsize, posix.Errno)
	setWinsize(ws posix.Winsize) posix.Errno
}

// newTerminal returns the terminal of a cage the host starts with
// Spec.Terminal: the controlling terminal of session sid, whose
// foreground group is sid's. When one of the host's stdio files is itself
// a terminal, termios and window size requests reach it; otherwise the
// terminal starts with a new pseudo-terminal's settings and a 0x0 window.
func newTerminal(sid int, files ...any) *terminal {
	t := &terminal{sid: sid, termios: posix.StdTermios(), host: findHostTTY(files...)}
	t.fg.Store(int64(sid))
	return t
}

// terminalOf returns the terminal f is, or nil.
func terminalOf(f fdtable.File) *terminal {
	switch f := f.(type) {
	case *ttyFile:
		return f.term
	case *hostWriter:
		return f.term
	}
	return nil
}

// ctty checks that the terminal is c's controlling terminal (it belongs
// to c's session): ENOTTY otherwise, as tiocgpgrp and tiocspgrp. The host
// (c nil) may always ask.
func (t *terminal) ctty(c *Cage) posix.Errno {
	if c == nil {
		return 0
	}
	sid := c.Sid()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sid != sid {
		return posix.ENOTTY
	}
	return 0
}

// foregroundOK checks that process group pgrp may become the foreground
// group of c's terminal, as tiocspgrp: it must exist (a process group,
// or failing that a process, of that id) and be in c's session.
//
// # Errors
//
//   - EINVAL: pgrp is negative.
//   - ESRCH: no such group or process.
//   - EPERM: the group is in another session.
func (c *Cage) foregroundOK(pgrp int) posix.Errno {
	if pgrp < 0 {
		return posix.EINVAL
	}
	k := c.k
	k.tree.Lock()
	defer k.tree.Unlock()
	sid := -1
	k.cages.Range(func(_ int, g *Cage) bool {
		if g.pgid == pgrp && g != k.init && g.state != stateReaped {
			sid = g.sid
			return false
		}
		return true
	})
	if sid < 0 && pgrp > 0 {
		if g, ok := k.cages.Load(pgrp); ok && g != k.init && g.state != stateReaped {
			sid = g.sid
		}
	}
	switch {
	case sid < 0:
		return posix.ESRCH
	case sid != c.sid:
		return posix.EPERM
	}
	return 0
}

// getTermios returns the terminal's termios.
func (t *terminal) getTermios() (posix.Termios, posix.Errno) {
	if t.host != nil {
		return t.host.getTermios()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.termios, 0
}

// setTermios sets the terminal's termios with req (TCSETS, TCSETSW or
// TCSETSF). Without a host terminal there is no output to drain nor
// input to flush: the settings are recorded.
func (t *terminal) setTermios(req uint64, v posix.Termios) posix.Errno {
	if t.host != nil {
		return t.host.setTermios(req, v)
	}
	t.mu.Lock()
	t.termios = v
	t.mu.Unlock()
	return 0
}

// getWinsize returns the terminal's window size.
func (t *terminal) getWinsize() (posix.Winsize, posix.Errno) {
	if t.host != nil {
		return t.host.getWinsize()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.winsize, 0
}

// setWinsize sets the window size and, if it changed, sends SIGWINCH to
// the foreground process group, as tty_do_resize.
func (t *terminal) setWinsize(c *Cage, ws posix.Winsize) posix.Errno {
	old, err := t.getWinsize()
	if err != 0 {
		return err
	}
	if t.host != nil {
		if err := t.host.setWinsize(ws); err != 0 {
			return err
		}
	} else {
		t.mu.Lock()
		t.winsize = ws
		t.mu.Unlock()
	}
	if old != ws {
		if fg := int(t.fg.Load()); fg > 0 {
			c.k.killGroupFrom(c, fg, posix.SIGWINCH)
		}
	}
	return 0
}

// setCtty is TIOCSCTTY, as tiocsctty: a session leader without a
// controlling terminal takes the terminal, unless another session (whose
// leader lives) has it; the caller's group becomes the foreground group.
// Stealing it (arg 1) needs CAP_SYS_ADMIN, which no cage has.
//
// # Errors
//
//   - EPERM: the caller is not a session leader; the terminal is another
//     live session's; d is not open for reading.
func (t *terminal) setCtty(c *Cage, d *fdtable.Description) posix.Errno {
	k := c.k
	k.tree.Lock()
	sid, pgid := c.sid, c.pgid
	t.mu.Lock()
	owner := t.sid
	t.mu.Unlock()
	alive := false
	if g, ok := k.cages.Load(owner); ok && g.state == stateRunning && g.sid == owner {
		alive = true
	}
	k.tree.Unlock()
	leader := sid == c.pid
	switch {
	case leader && owner == sid:
		return 0
	case !leader:
		return posix.EPERM
	case owner != 0 && alive:
		return posix.EPERM
	case !d.Readable():
		return posix.EPERM
	}
	t.mu.Lock()
	t.sid = sid
	t.mu.Unlock()
	t.fg.Store(int64(pgid))
	return 0
}

// ttyIoctl serves the terminal requests with a structure argument on a
// terminal: TCGETS into a *posix.Termios (any other argument only asks
// whether fd is a terminal), TCSETS, TCSETSW and TCSETSF from one,
// TIOCGWINSZ into a *posix.Winsize (any other argument: isatty, as musl
// asks), TIOCSWINSZ from one, and TIOCSCTTY.
//
// # Errors
//
//   - EFAULT: a set request without its structure.
//   - EPERM: TIOCSCTTY refused (see setCtty).
func (t *terminal) ttyIoctl(c *Cage, d *fdtable.Description, req uint32, arg *threei.Arg) (int64, posix.Errno) {
	var err posix.Errno
	switch req {
	case posix.TCGETS:
		if p, _ := arg.Ptr.(*posix.Termios); p != nil {
			var v posix.Termios
			if v, err = t.getTermios(); err == 0 {
				*p = v
			}
		}
	case posix.TCSETS, posix.TCSETSW, posix.TCSETSF:
		p, _ := arg.Ptr.(*posix.Termios)
		if p == nil {
			return -1, posix.EFAULT
		}
		err = t.setTermios(uint64(req), *p)
	case posix.TIOCGWINSZ:
		if p, _ := arg.Ptr.(*posix.Winsize); p != nil {
			var v posix.Winsize
			if v, err = t.getWinsize(); err == 0 {
				*p = v
			}
		}
	case posix.TIOCSWINSZ:
		p, _ := arg.Ptr.(*posix.Winsize)
		if p == nil {
			return -1, posix.EFAULT
		}
		err = t.setWinsize(c, *p)
	case posix.TIOCSCTTY:
		err = t.setCtty(c, d)
	default:
		return -1, posix.ENOTTY
	}
	if err != 0 {
		return -1, err
	}
	return 0, 0
}
