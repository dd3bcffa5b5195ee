package cages

import (
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// terminal is the state a host terminal keeps for the cages using it: its
// foreground process group (tcsetpgrp), which the host's ^C goes to, the
// session it is the controlling terminal of, and its termios and window
// size (see tty.go), which are the host terminal's own when the host's
// stdio is one.
type terminal struct {
	fg atomic.Int64

	// host is the host terminal the stdio is, or nil: then termios and
	// window size are kept here. Immutable.
	host hostTTY

	mu sync.Mutex
	// sid is the session whose controlling terminal this is. Protected
	// by mu.
	sid int
	// termios and winsize are the terminal's settings when it has no
	// host terminal. Protected by mu.
	termios posix.Termios
	winsize posix.Winsize
}

// ioctl answers the terminal requests that take an int: TIOCSPGRP and
// TIOCGPGRP move and read the foreground group; TCGETS, TCSETS and
// TIOCGWINSZ with an int argument (isatty) succeed. The requests with a
// structure are answered by sysIoctl (tty.go).
func (t *terminal) ioctl(task fdtable.Task, req uint64, arg *int64) (bool, posix.Errno) {
	c, _ := task.(*Cage)
	switch req {
	case posix.TIOCSPGRP:
		if err := t.ctty(c); err != 0 {
			return true, err
		}
		if arg == nil {
			return true, posix.EFAULT
		}
		if c != nil {
			if err := c.foregroundOK(int(*arg)); err != 0 {
				return true, err
			}
		}
		t.fg.Store(*arg)
		return true, 0
	case posix.TIOCGPGRP:
		if err := t.ctty(c); err != 0 {
			return true, err
		}
		if arg == nil {
			return true, posix.EFAULT
		}
		*arg = t.fg.Load()
		return true, 0
	case posix.TCGETS, posix.TCSETS, posix.TIOCGWINSZ:
		return true, 0
	}
	return false, 0
}

// installStdio wires the host's reader and writers as fds 0, 1 and 2; with
// a terminal they answer as a terminal does (isatty, tcsetpgrp).
func (c *Cage) installStdio(in io.Reader, out, errw io.Writer, term *terminal) {
	in0 := stdinDescription(in)
	if term != nil {
		in0 = ttyDescription(in0, term)
	}
	c.fds.Set(0, in0, false)
	outD := writerDescription(out, term)
	c.fds.Set(1, outD, false)
	if errw != nil && errw == out {
		outD.IncRef()
		c.fds.Set(2, outD, false)
	} else {
		c.fds.Set(2, writerDescription(errw, term), false)
	}
}

// ttyFile is the terminal side of a host stdin: the pipe a host goroutine
// fills, answering the terminal ioctls (TCGETS: isatty) and fstat as a
// character device.
type ttyFile struct {
	fdtable.File
	// pipe is the pipe end's own description, released with the tty's.
	// Immutable.
	pipe *fdtable.Description
	// term is the terminal's state. Immutable.
	term *terminal
}

// ttyDescription wraps the read end of a host stdin pipe as a terminal.
// It takes over the caller's reference to rd.
func ttyDescription(rd *fdtable.Description, term *terminal) *fdtable.Description {
	return fdtable.NewDescription(&ttyFile{File: rd.File(), pipe: rd, term: term}, posix.O_RDONLY)
}

// Ioctl implements fdtable.File: the terminal requests; FIONREAD is the
// pipe's.
func (t *ttyFile) Ioctl(task fdtable.Task, d *fdtable.Description, req uint64, arg *int64) posix.Errno {
	if ok, err := t.term.ioctl(task, req, arg); ok {
		return err
	}
	return t.File.Ioctl(task, d, req, arg)
}

// Stat implements fdtable.File: a character device, as a terminal is.
func (t *ttyFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) {
	return posix.Stat{Mode: posix.S_IFCHR | 0o620, Nlink: 1, Blksize: 1024}, 0
}

// Fcntl implements fdtable.File: a terminal has no pipe size.
func (t *ttyFile) Fcntl(*fdtable.Description, int, int64) (int64, posix.Errno) {
	return 0, posix.EINVAL
}

// Release implements fdtable.File: it releases the pipe end.
func (t *ttyFile) Release(*fdtable.Description) { t.pipe.DecRef() }

// stdinDescription returns the read end of a pipe that a host goroutine
// fills from r and closes at r's end of file, so the cage sees stdin as a
// pipe: blocking reads that a signal interrupts, poll readiness, EOF.
// With r nil the pipe has no writer: the first read is end of file.
func stdinDescription(r io.Reader) *fdtable.Description {
	rd, wr := pipes.New().Ends(0)
	if r == nil {
		wr.DecRef()
		return rd
	}
	go func() {
		defer wr.DecRef()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			for off := 0; off < n; {
				m, werr := wr.File().Write(fdtable.HostTask{}, wr, buf[off:n])
				if werr != 0 {
					return // no reader left
				}
				off += m
			}
			if err != nil {
				return
			}
		}
	}()
	return rd
}

// hostWriter is a file that writes to a host io.Writer. Writes are
// serialised, so cages sharing it never interleave within one write.
type hostWriter struct {
	fdtable.NoFile
	// term is the terminal the writer is, or nil. Immutable.
	term *terminal
	mu   sync.Mutex
	// w is the host writer. Protected by mu.
	w io.Writer
}

// writerDescription returns a write-only description of w (nil discards),
// a terminal if term is not nil.
func writerDescription(w io.Writer, term *terminal) *fdtable.Description {
	if w == nil {
		w = io.Discard
	}
	return fdtable.NewDescription(&hostWriter{w: w, term: term}, posix.O_WRONLY)
}

// Ioctl implements fdtable.File: a terminal writer answers the terminal
// requests; any other writer is not a terminal (ENOTTY).
func (h *hostWriter) Ioctl(task fdtable.Task, _ *fdtable.Description, req uint64, arg *int64) posix.Errno {
	if h.term != nil {
		if ok, err := h.term.ioctl(task, req, arg); ok {
			return err
		}
	}
	return posix.ENOTTY
}

// Write implements fdtable.File. A writer whose reader is gone (closed
// pipe, closed file) answers EPIPE; other failures EIO.
func (h *hostWriter) Write(_ fdtable.Task, _ *fdtable.Description, p []byte) (int, posix.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n, err := h.w.Write(p)
	if err != nil {
		if errors.Is(err, io.ErrClosedPipe) || errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EPIPE) {
			return n, posix.EPIPE
		}
		if n > 0 {
			return n, 0
		}
		return 0, posix.EIO
	}
	return n, 0
}

// Writev implements fdtable.File.
func (h *hostWriter) Writev(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	return fdtable.Vectored(t, d, iov, h.Write)
}

// Stat implements fdtable.File: a character device, as a terminal is.
func (h *hostWriter) Stat(*fdtable.Description) (posix.Stat, posix.Errno) {
	return posix.Stat{Mode: posix.S_IFCHR | 0o620, Nlink: 1, Blksize: 1024}, 0
}

// Readiness implements fdtable.File: always writable.
func (h *hostWriter) Readiness(_ *fdtable.Description, mask int16) int16 {
	return mask & (posix.POLLOUT | posix.POLLWRNORM)
}
