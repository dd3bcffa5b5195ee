package pipes

import (
	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// end is the fdtable.File of one open file description of a pipe: the read
// or write end made by Ends, or one open of a FIFO. Each description has
// its own end, so per-open state (the poll version) lives here.
type end struct {
	fdtable.NoFile

	// pipe is the pipe. Immutable.
	pipe *Pipe
	// readable and writable say whether this end counts as a reader and
	// as a writer. Immutable.
	readable, writable bool
	// version is the pipe's wCounter when a FIFO was opened non-blocking
	// for reading with no writer (Linux's f_version), else 0: POLLHUP is
	// suppressed while no writer has opened since. Immutable.
	version uint64
}

// Ends returns the two ends of an anonymous pipe, as pipe2(2): the read end
// opened O_RDONLY|extra and the write end O_WRONLY|extra, where extra is
// O_NONBLOCK or 0. The caller owns the one reference each description
// holds. Each counts as one reader or one writer until it is released.
func (p *Pipe) Ends(extra int) (r, w *fdtable.Description) {
	p.mu.Lock()
	p.readers++
	p.writers++
	p.rCounter++
	p.wCounter++
	p.mu.Unlock()
	r = fdtable.NewDescription(&end{pipe: p, readable: true}, posix.O_RDONLY|extra)
	w = fdtable.NewDescription(&end{pipe: p, writable: true}, posix.O_WRONLY|extra)
	return r, w
}

// OpenFIFO opens the pipe as a FIFO with the flags of open(2), as
// fs/pipe.c:fifo_open, and returns a description whose one reference the
// caller owns. Following fifo(7):
//
//   - O_RDONLY waits until a writer opens, unless O_NONBLOCK is set or a
//     writer is already there.
//   - O_WRONLY waits until a reader opens, unless one is already there.
//   - O_RDWR never waits; the description counts as a reader and a writer.
//
// An open waits for a writer (reader) to have opened since it started, as
// Linux's r_counter and w_counter, so a partner that opened and closed
// again still releases it. It sleeps through t.Block.
//
// # Errors
//
//   - ENXIO: O_WRONLY|O_NONBLOCK and no reader.
//   - EINTR: t was interrupted while the open waited (nothing is opened).
//   - EINVAL: the access mode is O_ACCMODE.
func (p *Pipe) OpenFIFO(t fdtable.Task, flags int) (*fdtable.Description, posix.Errno) {
	return p.open(t, flags, false)
}

// Reopen opens an anonymous pipe (one made by pipe(2)) again with the flags
// of open(2), as an open of /proc/self/fd/N naming one of its ends does. As
// fifo_open with is_pipe set, it never waits for a partner and never fails
// with ENXIO: O_RDONLY with no writer left reads end of file at once,
// O_WRONLY with no reader left writes EPIPE.
//
// # Errors
//
//   - EINVAL: the access mode is O_ACCMODE.
func (p *Pipe) Reopen(t fdtable.Task, flags int) (*fdtable.Description, posix.Errno) {
	return p.open(t, flags, true)
}

// open is OpenFIFO, or Reopen if anon.
func (p *Pipe) open(t fdtable.Task, flags int, anon bool) (*fdtable.Description, posix.Errno) {
	e := &end{pipe: p}
	nonblock := flags&posix.O_NONBLOCK != 0
	p.mu.Lock()
	switch flags & posix.O_ACCMODE {
	case posix.O_RDONLY:
		e.readable = true
		p.rCounter++
		p.readers++
		if p.readers == 1 {
			p.wakePartnerLocked()
		}
		if p.writers == 0 && !anon {
			if nonblock {
				// Suppress POLLHUP until a writer has been seen.
				e.version = p.wCounter
			} else if err := p.waitPartnerLocked(t, &p.wCounter); err != 0 {
				p.readers--
				if p.readers == 0 && p.wSleepers > 0 {
					p.wcond.Broadcast()
				}
				p.releasedLocked()
				p.mu.Unlock()
				p.queue.Notify()
				return nil, err
			}
		}
	case posix.O_WRONLY:
		if nonblock && p.readers == 0 && !anon {
			p.mu.Unlock()
			return nil, posix.ENXIO
		}
		e.writable = true
		p.wCounter++
		p.writers++
		if p.writers == 1 {
			p.wakePartnerLocked()
		}
		if p.readers == 0 && !anon {
			if err := p.waitPartnerLocked(t, &p.rCounter); err != 0 {
				p.writers--
				if p.writers == 0 {
					p.wakeAllReadersLocked()
				}
				p.releasedLocked()
				p.mu.Unlock()
				p.queue.Notify()
				return nil, err
			}
		}
	case posix.O_RDWR:
		e.readable, e.writable = true, true
		p.readers++
		p.writers++
		p.rCounter++
		p.wCounter++
		if p.readers == 1 || p.writers == 1 {
			p.wakePartnerLocked()
		}
	default:
		p.mu.Unlock()
		return nil, posix.EINVAL
	}
	p.mu.Unlock()
	p.queue.Notify()
	return fdtable.NewDescription(e, flags), 0
}

// waitPartnerLocked sleeps until *cnt changes, as fs/pipe.c:wait_for_partner.
// A partner that arrived wins over an interrupt.
//
// Preconditions: p.mu is held.
func (p *Pipe) waitPartnerLocked(t fdtable.Task, cnt *uint64) posix.Errno {
	cur := *cnt
	// The caller changed a count: pollers of the other ends may care.
	p.queue.Notify()
	var err posix.Errno
	for cur == *cnt && err == 0 {
		p.openSleepers++
		err = t.Block(&p.rcond)
		p.openSleepers--
	}
	if cur != *cnt {
		return 0
	}
	return err
}

// wakePartnerLocked wakes the FIFO opens waiting for a partner.
//
// Preconditions: p.mu is held.
func (p *Pipe) wakePartnerLocked() {
	if p.openSleepers > 0 {
		p.rcond.Broadcast()
	}
}

// wakeAllReadersLocked wakes everyone asleep on rcond.
//
// Preconditions: p.mu is held.
func (p *Pipe) wakeAllReadersLocked() {
	if p.rSleepers > 0 || p.openSleepers > 0 {
		p.rcond.Broadcast()
	}
}

// releasedLocked frees the buffer when no description refers to the pipe
// any more.
//
// Preconditions: p.mu is held.
func (p *Pipe) releasedLocked() {
	if p.readers == 0 && p.writers == 0 {
		p.freeLocked()
	}
}

// FromFile reports whether f is an end of a pipe or an open FIFO, and if so
// returns its pipe.
//
// A file that wraps a pipe end (the filesystem's FIFO, which reports its
// own inode) says so with a PipeFile method.
func FromFile(f fdtable.File) (*Pipe, bool) {
	switch e := f.(type) {
	case *end:
		return e.pipe, true
	case interface{ PipeFile() *Pipe }:
		p := e.PipeFile()
		return p, p != nil
	}
	return nil, false
}

// Read implements read(2), as fs/pipe.c:pipe_read.
//
// # Errors
//
//   - EBADF: d is not open for reading.
//   - EAGAIN: the pipe is empty, a writer remains and d is non-blocking.
//   - EINTR: t was interrupted before any byte arrived.
func (e *end) Read(t fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	if len(p) == 0 {
		return 0, 0
	}
	dst := sink{cur: p}
	return e.pipe.read(t, d, &dst, len(p))
}

// Readv implements readv(2) as one read over all the buffers.
func (e *end) Readv(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	total := iovLen(iov)
	if total == 0 {
		return 0, 0
	}
	dst := sink{iov: iov}
	return e.pipe.read(t, d, &dst, total)
}

// Write implements write(2), as fs/pipe.c:pipe_write. A write of at most
// PIPE_BUF bytes is atomic: all of it is queued at once, or (non-blocking)
// none and EAGAIN. A larger non-blocking write queues what fits; a larger
// blocking one returns when all is queued and may interleave with other
// writers.
//
// # Errors
//
//   - EBADF: d is not open for writing.
//   - EPIPE: no reader remains; the count is what was queued before (the
//     caller raises SIGPIPE).
//   - EAGAIN: d is non-blocking and nothing could be queued.
//   - EINTR: t was interrupted before any byte was queued (after some,
//     the count is returned with no error).
func (e *end) Write(t fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	if len(p) == 0 {
		return 0, 0
	}
	src := source{cur: p}
	return e.pipe.write(t, d, &src, len(p))
}

// Writev implements writev(2) as one write of all the buffers: PIPE_BUF
// atomicity applies to the total length.
func (e *end) Writev(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	total := iovLen(iov)
	if total == 0 {
		return 0, 0
	}
	src := source{iov: iov}
	return e.pipe.write(t, d, &src, total)
}

// Ioctl implements FIONREAD, the queued byte count, on either end.
//
// # Errors
//
//   - ENOTTY: any other request.
//   - EFAULT: arg is nil.
func (e *end) Ioctl(_ fdtable.Task, _ *fdtable.Description, req uint64, arg *int64) posix.Errno {
	if req != posix.FIONREAD {
		return posix.ENOTTY
	}
	if arg == nil {
		return posix.EFAULT
	}
	*arg = int64(e.pipe.Len())
	return 0
}

// Fcntl implements F_GETPIPE_SZ and F_SETPIPE_SZ (see Pipe.SetSize).
//
// # Errors
//
//   - EINVAL: any other command.
func (e *end) Fcntl(_ *fdtable.Description, cmd int, arg int64) (int64, posix.Errno) {
	switch cmd {
	case posix.F_GETPIPE_SZ:
		return int64(e.pipe.Size()), 0
	case posix.F_SETPIPE_SZ:
		n, err := e.pipe.SetSize(arg)
		return int64(n), err
	}
	return 0, posix.EINVAL
}

// Stat describes the pipe as Linux's pipefs does: a FIFO with mode 0600,
// the pipe's inode number, one link, 4096-byte blocks; the same for both
// ends.
func (e *end) Stat(*fdtable.Description) (posix.Stat, posix.Errno) {
	return posix.Stat{
		Ino:     e.pipe.ino,
		Nlink:   1,
		Mode:    posix.S_IFIFO | 0o600,
		Blksize: pageSize,
	}, 0
}

// Readiness reports the poll events, as fs/pipe.c:pipe_poll. Reading:
// POLLIN|POLLRDNORM when bytes are queued, POLLHUP when no writer remains
// (for a FIFO opened non-blocking with no writer, only once a writer has
// opened since). Writing: POLLOUT|POLLWRNORM when a slot is free, POLLERR
// when no reader remains. POLLERR and POLLHUP are reported whatever mask
// asks.
func (e *end) Readiness(d *fdtable.Description, mask int16) int16 {
	p := e.pipe
	var r int16
	p.mu.Lock()
	if d.Readable() {
		if p.head != p.tail {
			r |= posix.POLLIN | posix.POLLRDNORM
		}
		if p.writers == 0 && e.version != p.wCounter {
			r |= posix.POLLHUP
		}
	}
	if d.Writable() {
		if !p.fullLocked() {
			r |= posix.POLLOUT | posix.POLLWRNORM
		}
		if p.readers == 0 {
			r |= posix.POLLERR
		}
	}
	p.mu.Unlock()
	return r & (mask | posix.POLLERR | posix.POLLHUP)
}

// Queue returns the pipe's poll queue, shared by all its ends.
func (e *end) Queue() *fdtable.Queue { return &e.pipe.queue }

// Release drops this end's reader and writer counts, as
// fs/pipe.c:pipe_release: the last writer gone wakes every blocked reader
// (they see end of file), the last reader gone wakes every blocked writer
// (they see EPIPE). When nothing refers to the pipe any more its pages are
// freed.
func (e *end) Release(*fdtable.Description) {
	p := e.pipe
	p.mu.Lock()
	if e.readable {
		p.readers--
		if p.readers == 0 && p.wSleepers > 0 {
			p.wcond.Broadcast()
		}
	}
	if e.writable {
		p.writers--
		if p.writers == 0 {
			p.wakeAllReadersLocked()
		}
	}
	p.releasedLocked()
	p.mu.Unlock()
	p.queue.Notify()
}
