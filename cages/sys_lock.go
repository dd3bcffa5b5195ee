package cages

import (
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// flockTable holds a kernel's flock(2) locks: for each file (by inode),
// the open file descriptions holding a lock on it. A lock belongs to the
// description, as on Linux: every fd that shares it (dup, fork) shares
// the lock, and it goes when the description's last reference does.
//
// The table holds no reference on a description (that would keep it
// open): it learns that a holder is gone when its reference count is
// zero. The kernel sweeps the table after every call that closes
// descriptors (close, close_range, dup2/dup3 onto an open fd, execve's
// close-on-exec, exit), which wakes the waiters of the locks released.
//
// The zero flockTable is empty and ready to use; it is safe for
// concurrent use.
type flockTable struct {
	// n counts the files with a holder or a waiter, so that sweep costs
	// one atomic load while nobody uses flock.
	n atomic.Int32

	// mu guards files and every flockFile. It is the lock of each
	// flockFile's cond, under which waiters sleep (Cage.Block).
	mu sync.Mutex
	// files maps a file to its locks. Protected by mu.
	files map[flockKey]*flockFile
}

// flockKey identifies a file: its device and inode, or, for a file with
// no inode number, the file object itself.
type flockKey struct {
	dev, ino uint64
	file     fdtable.File
}

// flockFile is the lock state of one file.
type flockFile struct {
	// holders maps each description holding a lock to whether the lock
	// is exclusive. Protected by flockTable.mu.
	holders map[*fdtable.Description]bool
	// waiters counts the calls waiting for the file. Protected by
	// flockTable.mu.
	waiters int
	// cond is broadcast when a lock on the file is released; its lock is
	// &flockTable.mu.
	cond sync.Cond
}

// flockKeyOf returns the identity of d's file.
func flockKeyOf(d *fdtable.Description) flockKey {
	st, err := d.File().Stat(d)
	if err != 0 || st.Ino == 0 {
		return flockKey{file: d.File()}
	}
	return flockKey{dev: st.Dev, ino: st.Ino}
}

// fileLocked returns the lock state of key, made on first use.
//
// Preconditions: t.mu is held.
func (t *flockTable) fileLocked(key flockKey) *flockFile {
	f := t.files[key]
	if f == nil {
		if t.files == nil {
			t.files = map[flockKey]*flockFile{}
		}
		f = &flockFile{holders: map[*fdtable.Description]bool{}}
		f.cond.L = &t.mu
		t.files[key] = f
		t.n.Store(int32(len(t.files)))
	}
	return f
}

// dropLocked forgets key's state if nobody holds or waits for it.
//
// Preconditions: t.mu is held.
func (t *flockTable) dropLocked(key flockKey, f *flockFile) {
	if len(f.holders) == 0 && f.waiters == 0 {
		delete(t.files, key)
		t.n.Store(int32(len(t.files)))
	}
}

// reapLocked releases the locks of f's holders that are gone, waking the
// waiters if any was, and reports whether one was.
//
// Preconditions: t.mu is held.
func (f *flockFile) reapLocked() bool {
	gone := false
	for d := range f.holders {
		if d.Refs() <= 0 {
			delete(f.holders, d)
			gone = true
		}
	}
	if gone {
		f.cond.Broadcast()
	}
	return gone
}

// conflictLocked reports whether a lock of d (exclusive or shared) would
// conflict with a lock another description holds.
//
// Preconditions: t.mu is held.
func (f *flockFile) conflictLocked(d *fdtable.Description, exclusive bool) bool {
	for h, ex := range f.holders {
		if h != d && (ex || exclusive) {
			return true
		}
	}
	return false
}

// sweep releases the locks of descriptions that have been closed for the
// last time. The kernel calls it after closing descriptors.
//
// Preconditions: no lock is held that a cage sleeping in flock might hold.
func (t *flockTable) sweep() {
	if t.n.Load() == 0 {
		return
	}
	t.mu.Lock()
	for key, f := range t.files {
		f.reapLocked()
		t.dropLocked(key, f)
	}
	t.mu.Unlock()
}

// flock takes, converts or releases d's lock, as fs/locks.c's
// flock_lock_inode: a description that already holds a lock of another
// kind loses it first (conversion is not atomic), then waits, unless
// nonblock, until no other description holds a conflicting lock.
func (t *flockTable) flock(c *Cage, d *fdtable.Description, op int, nonblock bool) posix.Errno {
	key := flockKeyOf(d)
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fileLocked(key)
	defer t.dropLocked(key, f)
	exclusive := op == posix.LOCK_EX
	if ex, ok := f.holders[d]; ok {
		if op != posix.LOCK_UN && ex == exclusive {
			return 0
		}
		delete(f.holders, d)
		f.cond.Broadcast()
	}
	if op == posix.LOCK_UN {
		return 0
	}
	f.reapLocked()
	for f.conflictLocked(d, exclusive) {
		if nonblock {
			return posix.EWOULDBLOCK
		}
		f.waiters++
		err := c.Block(&f.cond)
		f.waiters--
		if err != 0 {
			return err
		}
		f.reapLocked()
	}
	f.holders[d] = exclusive
	return 0
}

// sysFlock implements flock(2): LOCK_SH or LOCK_EX takes a shared or
// exclusive lock on fd's file, LOCK_UN releases it, LOCK_NB makes a
// conflicting request fail rather than wait. The lock belongs to the open
// file description and lasts until LOCK_UN or the description's last
// close; locks are kept by inode, so every cage of the kernel sees them,
// and a file of a granted host directory is locked only among cages.
// LOCK_MAND is ignored (flock returns 0), as Linux has done since 5.15.
//
// # Errors
//
//   - EINVAL: an operation other than LOCK_SH, LOCK_EX or LOCK_UN (with
//     or without LOCK_NB); checked before the fd.
//   - EBADF: fd is not open, or is an O_PATH descriptor.
//   - EWOULDBLOCK: LOCK_NB and another description holds a conflicting
//     lock.
//   - EINTR: a signal arrived while waiting (restarted under SA_RESTART).
func sysFlock(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	cmd := call.Args[1].Int32()
	if cmd&posix.LOCK_MAND != 0 {
		return 0, 0
	}
	op := cmd &^ posix.LOCK_NB
	switch op {
	case posix.LOCK_SH, posix.LOCK_EX, posix.LOCK_UN:
	default:
		return -1, posix.EINVAL
	}
	d, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if err := c.k.flocks.flock(c, d, op, cmd&posix.LOCK_NB != 0); err != 0 {
		return -1, err
	}
	return 0, 0
}
