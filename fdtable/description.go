package fdtable

import (
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/posix"
)

// statusFlags are the flags F_SETFL may change (fs/fcntl.c SETFL_MASK,
// minus the ones gocage does not model).
const statusFlags = posix.O_APPEND | posix.O_NONBLOCK | posix.O_ASYNC | posix.O_DIRECT | posix.O_NOATIME

// Description is an open file description: what open(2) or pipe(2) creates
// and what dup(2), F_DUPFD and fork(2) share. It holds the file offset, the
// access mode and status flags, and a reference count; the file
// implementation is released when the last reference goes.
//
// A Description is safe for concurrent use.
type Description struct {
	// file is the implementation. Immutable.
	file File

	// refs counts the descriptors (in every cage) and in-flight calls that
	// hold the description. The file is released when it drops to zero.
	refs atomic.Int64

	// flags holds the access mode and the status flags (O_NONBLOCK,
	// O_APPEND...).
	flags atomic.Uint32

	// offMu serialises offset updates (read, write, lseek), as f_pos_lock.
	offMu sync.Mutex
	// off is the file offset. Protected by offMu.
	off int64
}

// NewDescription returns a description of f opened with flags (the access
// mode and status flags of open(2); O_CLOEXEC and creation flags are not
// kept). The caller owns the one reference it holds.
func NewDescription(f File, flags int) *Description {
	d := &Description{file: f}
	d.refs.Store(1)
	d.flags.Store(uint32(flags &^ (posix.O_CLOEXEC | posix.O_CREAT | posix.O_EXCL | posix.O_NOCTTY | posix.O_TRUNC)))
	return d
}

// File returns the implementation.
func (d *Description) File() File { return d.file }

// Flags returns the access mode and status flags, as F_GETFL.
func (d *Description) Flags() int { return int(d.flags.Load()) }

// SetFlags replaces the changeable status flags with those in flags, as
// F_SETFL: the access mode and creation flags are ignored.
func (d *Description) SetFlags(flags int) {
	for {
		old := d.flags.Load()
		nw := old&^statusFlags | uint32(flags)&statusFlags
		if d.flags.CompareAndSwap(old, nw) {
			return
		}
	}
}

// Nonblocking reports whether O_NONBLOCK is set.
func (d *Description) Nonblocking() bool { return d.flags.Load()&posix.O_NONBLOCK != 0 }

// Readable reports whether the access mode allows reading.
func (d *Description) Readable() bool {
	m := d.flags.Load() & posix.O_ACCMODE
	return m == posix.O_RDONLY || m == posix.O_RDWR
}

// Writable reports whether the access mode allows writing.
func (d *Description) Writable() bool {
	m := d.flags.Load() & posix.O_ACCMODE
	return m == posix.O_WRONLY || m == posix.O_RDWR
}

// LockOffset locks the offset for a read, write or seek and returns it.
// The caller must call UnlockOffset with the new offset.
func (d *Description) LockOffset() int64 {
	d.offMu.Lock()
	return d.off
}

// UnlockOffset stores off and unlocks the offset.
func (d *Description) UnlockOffset(off int64) {
	d.off = off
	d.offMu.Unlock()
}

// Offset returns the current offset.
func (d *Description) Offset() int64 {
	d.offMu.Lock()
	defer d.offMu.Unlock()
	return d.off
}

// IncRef takes a reference. The caller must already hold one.
func (d *Description) IncRef() { d.refs.Add(1) }

// TryIncRef takes a reference unless the description is already released.
func (d *Description) TryIncRef() bool {
	for {
		n := d.refs.Load()
		if n <= 0 {
			return false
		}
		if d.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// DecRef drops a reference; dropping the last releases the file.
func (d *Description) DecRef() {
	if d.refs.Add(-1) == 0 {
		d.file.Release(d)
	}
}

// Refs returns the current reference count, for tests and /proc.
func (d *Description) Refs() int64 { return d.refs.Load() }
