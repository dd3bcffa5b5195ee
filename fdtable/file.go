// Package fdtable holds a cage's file-descriptor table, the open file
// description that descriptors share, and the File interface that every file
// implementation (pipe end, vfs file, device, host stdio) satisfies.
//
// It knows nothing about cages: a blocking file operation sees the calling
// cage only through the Task interface, and poll readiness flows through
// Queue and Waiter. It may import posix only.
//
// Lock order: Table.mu, then Description.offMu, then a file's own lock, then
// Queue.mu, then Waiter.mu. A Task's interrupt path never holds a file's lock
// while taking its own.
package fdtable

import (
	"sync"

	"github.com/gocage/gocage/posix"
)

// Task is the calling cage as a blocking file operation sees it.
type Task interface {
	// Block sleeps on c, whose lock the caller holds, until c is signalled
	// or the task is interrupted (a signal to deliver, or the cage killed).
	// It returns EINTR without sleeping when an interrupt is already
	// pending, and nil after a wake-up, spurious or not: the caller re-checks
	// its condition and calls Block again.
	Block(c *sync.Cond) posix.Errno
}

// File is an open file implementation: what a description refers to. The
// methods receive the description so they can read its status flags and
// offset. Implementations embed NoFile to get Linux's answer for the
// operations they do not support.
//
// Every method is safe for concurrent use: descriptions are shared between
// cages by fork and dup.
type File interface {
	// Read reads into p, as read(2). A blocking read sleeps through t.
	Read(t Task, d *Description, p []byte) (int, posix.Errno)
	// Write writes p, as write(2). It returns EPIPE, with the count of any
	// part already written, when the reader is gone; the caller raises
	// SIGPIPE.
	Write(t Task, d *Description, p []byte) (int, posix.Errno)
	// Readv reads into the buffers in order, as readv(2), in one operation.
	Readv(t Task, d *Description, iov [][]byte) (int, posix.Errno)
	// Writev writes the buffers in order, as writev(2), in one operation
	// (a pipe applies PIPE_BUF atomicity to the total).
	Writev(t Task, d *Description, iov [][]byte) (int, posix.Errno)
	// Pread reads at off without moving the offset, as pread64(2).
	Pread(t Task, d *Description, p []byte, off int64) (int, posix.Errno)
	// Pwrite writes at off without moving the offset, as pwrite64(2).
	Pwrite(t Task, d *Description, p []byte, off int64) (int, posix.Errno)
	// Seek moves the description's offset, as lseek(2).
	Seek(d *Description, off int64, whence int) (int64, posix.Errno)
	// Ioctl performs a device request; arg is the value of the request's
	// argument or its result.
	Ioctl(t Task, d *Description, req uint64, arg *int64) posix.Errno
	// Fcntl performs the file-specific fcntl(2) commands
	// (F_GETPIPE_SZ, F_SETPIPE_SZ); generic ones never reach it.
	Fcntl(d *Description, cmd int, arg int64) (int64, posix.Errno)
	// Stat describes the file, as fstat(2).
	Stat(d *Description) (posix.Stat, posix.Errno)
	// Readiness reports which of the poll events in mask hold now, plus
	// POLLERR and POLLHUP, which are always reported.
	Readiness(d *Description, mask int16) int16
	// Queue returns the queue that is notified when the readiness changes,
	// or nil if it never changes.
	Queue() *Queue
	// Release is called once, when the last description referring to the
	// file is gone. d is that description.
	Release(d *Description)
}

// NoFile answers every File method as Linux does for a file that lacks the
// operation. Embed it and override what the file supports.
type NoFile struct{}

// Read fails with EINVAL, as for a file not open for reading.
func (NoFile) Read(Task, *Description, []byte) (int, posix.Errno) { return 0, posix.EINVAL }

// Write fails with EINVAL.
func (NoFile) Write(Task, *Description, []byte) (int, posix.Errno) { return 0, posix.EINVAL }

// Readv fails with EINVAL.
func (NoFile) Readv(Task, *Description, [][]byte) (int, posix.Errno) { return 0, posix.EINVAL }

// Writev fails with EINVAL.
func (NoFile) Writev(Task, *Description, [][]byte) (int, posix.Errno) { return 0, posix.EINVAL }

// Pread fails with ESPIPE, as for a stream.
func (NoFile) Pread(Task, *Description, []byte, int64) (int, posix.Errno) { return 0, posix.ESPIPE }

// Pwrite fails with ESPIPE, as for a stream.
func (NoFile) Pwrite(Task, *Description, []byte, int64) (int, posix.Errno) { return 0, posix.ESPIPE }

// Seek fails with ESPIPE, as for a stream.
func (NoFile) Seek(*Description, int64, int) (int64, posix.Errno) { return 0, posix.ESPIPE }

// Ioctl fails with ENOTTY.
func (NoFile) Ioctl(Task, *Description, uint64, *int64) posix.Errno { return posix.ENOTTY }

// Fcntl fails with EINVAL (an unknown command); the pipe-size commands on a
// non-pipe are answered with EBADF by the kernel before they get here.
func (NoFile) Fcntl(*Description, int, int64) (int64, posix.Errno) { return 0, posix.EINVAL }

// Stat reports an empty stat with no file type.
func (NoFile) Stat(*Description) (posix.Stat, posix.Errno) { return posix.Stat{}, 0 }

// Readiness reports a regular file's answer: always readable and writable.
func (NoFile) Readiness(_ *Description, mask int16) int16 {
	return mask & (posix.POLLIN | posix.POLLOUT | posix.POLLRDNORM | posix.POLLWRNORM)
}

// Queue returns nil: readiness never changes.
func (NoFile) Queue() *Queue { return nil }

// Release does nothing.
func (NoFile) Release(*Description) {}

// Vectored turns a vectored operation into calls of op, one per non-empty
// buffer, stopping at the first short count or error, as a file without
// its own Readv or Writev behaves. The count so far wins over a later error.
func Vectored(t Task, d *Description, iov [][]byte, op func(Task, *Description, []byte) (int, posix.Errno)) (int, posix.Errno) {
	total := 0
	for _, b := range iov {
		if len(b) == 0 {
			continue
		}
		n, err := op(t, d, b)
		total += n
		if err != 0 {
			if total > 0 && err != posix.EPIPE {
				return total, 0
			}
			return total, err
		}
		if n < len(b) {
			break
		}
	}
	return total, 0
}

// HostTask is the Task of host code (a goroutine feeding a cage's stdin, a
// test): its waits are never interrupted.
type HostTask struct{}

// Block waits on c.
func (HostTask) Block(c *sync.Cond) posix.Errno {
	c.Wait()
	return 0
}
