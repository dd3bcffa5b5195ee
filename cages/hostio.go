package cages

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// installStdio wires the host's reader and writers as fds 0, 1 and 2.
func (c *Cage) installStdio(in io.Reader, out, errw io.Writer) {
	c.fds.Set(0, stdinDescription(in), false)
	outD := writerDescription(out)
	c.fds.Set(1, outD, false)
	if errw != nil && errw == out {
		outD.IncRef()
		c.fds.Set(2, outD, false)
	} else {
		c.fds.Set(2, writerDescription(errw), false)
	}
}

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
	mu sync.Mutex
	// w is the host writer. Protected by mu.
	w io.Writer
}

// writerDescription returns a write-only description of w (nil discards).
func writerDescription(w io.Writer) *fdtable.Description {
	if w == nil {
		w = io.Discard
	}
	return fdtable.NewDescription(&hostWriter{w: w}, posix.O_WRONLY)
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
