//go:build linux

package cages

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/posix"
)

// linuxTTY is a host terminal reached through a host file's descriptor.
// The ioctls run inside RawConn.Control, which neither takes the
// descriptor out of Go's poller nor lets it be closed meanwhile.
type linuxTTY struct {
	// rc is the host file's raw connection. Immutable.
	rc syscall.RawConn
}

// findHostTTY returns the first of files that is an open host file on a
// terminal, or nil.
func findHostTTY(files ...any) hostTTY {
	for _, f := range files {
		sc, ok := f.(interface {
			SyscallConn() (syscall.RawConn, error)
		})
		if !ok {
			continue
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			continue
		}
		t := &linuxTTY{rc: rc}
		if _, err := t.getTermios(); err == 0 {
			return t
		}
	}
	return nil
}

// control runs fn on the descriptor and returns its errno (EIO when the
// file is closed).
func (t *linuxTTY) control(fn func(fd int) error) posix.Errno {
	var err error
	if cerr := t.rc.Control(func(fd uintptr) { err = fn(int(fd)) }); cerr != nil {
		return posix.EIO
	}
	if err != nil {
		if e, ok := err.(syscall.Errno); ok {
			return posix.Errno(e)
		}
		return posix.EIO
	}
	return 0
}

// getTermios implements hostTTY with TCGETS.
func (t *linuxTTY) getTermios() (posix.Termios, posix.Errno) {
	var out posix.Termios
	err := t.control(func(fd int) error {
		v, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err == nil {
			out = posix.Termios{Iflag: v.Iflag, Oflag: v.Oflag, Cflag: v.Cflag, Lflag: v.Lflag, Line: v.Line, Cc: v.Cc}
		}
		return err
	})
	return out, err
}

// setTermios implements hostTTY: req is TCSETS, TCSETSW or TCSETSF,
// whose Linux numbers are the host's.
func (t *linuxTTY) setTermios(req uint64, v posix.Termios) posix.Errno {
	return t.control(func(fd int) error {
		cur, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return err
		}
		cur.Iflag, cur.Oflag, cur.Cflag, cur.Lflag, cur.Line, cur.Cc = v.Iflag, v.Oflag, v.Cflag, v.Lflag, v.Line, v.Cc
		return unix.IoctlSetTermios(fd, uint(req), cur)
	})
}

// getWinsize implements hostTTY with TIOCGWINSZ.
func (t *linuxTTY) getWinsize() (posix.Winsize, posix.Errno) {
	var out posix.Winsize
	err := t.control(func(fd int) error {
		ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
		if err == nil {
			out = posix.Winsize{Row: ws.Row, Col: ws.Col, Xpixel: ws.Xpixel, Ypixel: ws.Ypixel}
		}
		return err
	})
	return out, err
}

// setWinsize implements hostTTY with TIOCSWINSZ.
func (t *linuxTTY) setWinsize(ws posix.Winsize) posix.Errno {
	return t.control(func(fd int) error {
		return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: ws.Row, Col: ws.Col, Xpixel: ws.Xpixel, Ypixel: ws.Ypixel})
	})
}
