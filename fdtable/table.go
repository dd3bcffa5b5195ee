package fdtable

import (
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/posix"
)

// DefaultLimit is the default RLIMIT_NOFILE soft limit, as on Linux.
const DefaultLimit = 1024

// MaxLimit is the largest number of descriptors a table can hold: Linux's
// default fs.nr_open, the hard ceiling for RLIMIT_NOFILE.
const MaxLimit = 1 << 20

// slot is one descriptor number.
type slot struct {
	d       atomic.Pointer[Description]
	cloexec atomic.Bool
}

// Table is a cage's file-descriptor table: descriptor numbers mapped to open
// file descriptions, each with its own FD_CLOEXEC flag.
//
// Lookups (Get) take no table-wide lock: the slot array is published through
// an atomic pointer and each slot is read atomically. Changes are serialised
// by mu. A Table is safe for concurrent use.
type Table struct {
	// slots is the current slot array. Replaced (grown) under mu; readers
	// load it without a lock.
	slots atomic.Pointer[[]slot]

	// limit is the RLIMIT_NOFILE soft limit: new descriptors are below it.
	limit atomic.Int64

	mu sync.Mutex
	// lowest is a hint: no descriptor below it is free. Protected by mu.
	lowest int
	// open counts open descriptors. Protected by mu.
	open int
}

// NewTable returns an empty table with the default limit.
func NewTable() *Table {
	t := &Table{}
	s := make([]slot, 4)
	t.slots.Store(&s)
	t.limit.Store(DefaultLimit)
	return t
}

// Limit returns the RLIMIT_NOFILE soft limit.
func (t *Table) Limit() int { return int(t.limit.Load()) }

// SetLimit sets the RLIMIT_NOFILE soft limit. Descriptors already open at
// or above it stay open, as on Linux; new ones are allocated below it.
func (t *Table) SetLimit(n int) {
	if n > MaxLimit {
		n = MaxLimit
	}
	t.limit.Store(int64(n))
}

// Len returns the number of open descriptors.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

// Get returns the description at fd with a reference taken for the caller,
// who must DecRef it. A closed or out-of-range fd is EBADF.
func (t *Table) Get(fd int) (*Description, posix.Errno) {
	s := *t.slots.Load()
	if uint(fd) >= uint(len(s)) {
		return nil, posix.EBADF
	}
	d := s[fd].d.Load()
	if d == nil || !d.TryIncRef() {
		return nil, posix.EBADF
	}
	return d, 0
}

// Cloexec reports fd's FD_CLOEXEC flag, or EBADF.
func (t *Table) Cloexec(fd int) (bool, posix.Errno) {
	s := *t.slots.Load()
	if uint(fd) >= uint(len(s)) || s[fd].d.Load() == nil {
		return false, posix.EBADF
	}
	return s[fd].cloexec.Load(), 0
}

// SetCloexec sets fd's FD_CLOEXEC flag, as F_SETFD.
func (t *Table) SetCloexec(fd int, on bool) posix.Errno {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := *t.slots.Load()
	if uint(fd) >= uint(len(s)) || s[fd].d.Load() == nil {
		return posix.EBADF
	}
	s[fd].cloexec.Store(on)
	return 0
}

// growLocked makes room for fd.
//
// Preconditions: t.mu is held.
func (t *Table) growLocked(fd int) []slot {
	s := *t.slots.Load()
	if fd < len(s) {
		return s
	}
	n := len(s) * 2
	for n <= fd {
		n *= 2
	}
	ns := make([]slot, n)
	for i := range s {
		ns[i].d.Store(s[i].d.Load())
		ns[i].cloexec.Store(s[i].cloexec.Load())
	}
	t.slots.Store(&ns)
	return ns
}

// Alloc installs d at the lowest free descriptor at or above min, as open(2)
// and F_DUPFD do, and returns it. On success the table takes ownership of
// the caller's reference to d; on failure the caller keeps it.
//
// # Errors
//
//   - EINVAL: min is negative or at or above the limit (as F_DUPFD).
//   - EMFILE: no free descriptor between min and the limit.
func (t *Table) Alloc(d *Description, min int, cloexec bool) (int, posix.Errno) {
	limit := t.Limit()
	if min < 0 || min >= limit {
		return -1, posix.EINVAL
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := *t.slots.Load()
	fd := min
	if fd < t.lowest {
		fd = t.lowest
	}
	for fd < len(s) && s[fd].d.Load() != nil {
		fd++
	}
	if fd >= limit {
		return -1, posix.EMFILE
	}
	s = t.growLocked(fd)
	s[fd].cloexec.Store(cloexec)
	s[fd].d.Store(d)
	t.open++
	if min <= t.lowest {
		t.lowest = fd + 1
	}
	return fd, 0
}

// AllocPair installs two descriptions at the two lowest free descriptors,
// both or neither, as pipe(2) does. The table takes ownership of both
// references on success.
func (t *Table) AllocPair(a, b *Description, cloexec bool) (int, int, posix.Errno) {
	fa, err := t.Alloc(a, 0, cloexec)
	if err != 0 {
		return -1, -1, err
	}
	fb, err := t.Alloc(b, 0, cloexec)
	if err != 0 {
		// Give a's reference back to the caller, as promised on failure.
		a.IncRef()
		t.Close(fa)
		return -1, -1, err
	}
	return fa, fb, 0
}

// Set installs d at fd, closing whatever was there, as dup2(2) and dup3(2)
// do. The table takes ownership of the caller's reference on success.
//
// # Errors
//
//   - EBADF: fd is negative or at or above the limit.
func (t *Table) Set(fd int, d *Description, cloexec bool) posix.Errno {
	if fd < 0 || fd >= t.Limit() {
		return posix.EBADF
	}
	t.mu.Lock()
	s := t.growLocked(fd)
	old := s[fd].d.Swap(d)
	s[fd].cloexec.Store(cloexec)
	if old == nil {
		t.open++
	}
	if fd == t.lowest {
		t.lowest++
	}
	t.mu.Unlock()
	if old != nil {
		old.DecRef()
	}
	return 0
}

// Close closes fd, as close(2). A blocked call already holding the
// description keeps it until it returns.
func (t *Table) Close(fd int) posix.Errno {
	t.mu.Lock()
	d := t.removeLocked(fd)
	t.mu.Unlock()
	if d == nil {
		return posix.EBADF
	}
	d.DecRef()
	return 0
}

// removeLocked empties fd and returns what it held, or nil.
//
// Preconditions: t.mu is held.
func (t *Table) removeLocked(fd int) *Description {
	s := *t.slots.Load()
	if uint(fd) >= uint(len(s)) {
		return nil
	}
	d := s[fd].d.Swap(nil)
	if d == nil {
		return nil
	}
	s[fd].cloexec.Store(false)
	t.open--
	if fd < t.lowest {
		t.lowest = fd
	}
	return d
}

// CloseRange closes, or with CLOSE_RANGE_CLOEXEC marks close-on-exec, every
// open descriptor from first to last inclusive, as close_range(2).
// CLOSE_RANGE_UNSHARE is accepted and has nothing to do: tables are never
// shared between cages.
//
// # Errors
//
//   - EINVAL: unknown flags, or first > last.
func (t *Table) CloseRange(first, last uint, flags int) posix.Errno {
	if flags&^(posix.CLOSE_RANGE_CLOEXEC|posix.CLOSE_RANGE_UNSHARE) != 0 || first > last {
		return posix.EINVAL
	}
	var closed []*Description
	t.mu.Lock()
	s := *t.slots.Load()
	if last >= uint(len(s)) {
		last = uint(len(s)) - 1
	}
	for fd := first; fd <= last && fd < uint(len(s)); fd++ {
		if flags&posix.CLOSE_RANGE_CLOEXEC != 0 {
			if s[fd].d.Load() != nil {
				s[fd].cloexec.Store(true)
			}
			continue
		}
		if d := t.removeLocked(int(fd)); d != nil {
			closed = append(closed, d)
		}
	}
	t.mu.Unlock()
	for _, d := range closed {
		d.DecRef()
	}
	return 0
}

// Fork returns a copy of the table for a child: the same descriptions
// (each gains a reference), the same FD_CLOEXEC flags, the same limit.
func (t *Table) Fork() *Table {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := *t.slots.Load()
	n := len(s)
	// Trim trailing free slots so a child of a table that once grew stays small.
	for n > 4 && s[n-1].d.Load() == nil {
		n--
	}
	ns := make([]slot, max(n, 4))
	for i := 0; i < n; i++ {
		if d := s[i].d.Load(); d != nil {
			d.IncRef()
			ns[i].d.Store(d)
			ns[i].cloexec.Store(s[i].cloexec.Load())
		}
	}
	c := &Table{lowest: t.lowest, open: t.open}
	c.slots.Store(&ns)
	c.limit.Store(t.limit.Load())
	return c
}

// CloseOnExec closes every descriptor marked FD_CLOEXEC, as execve(2) does.
func (t *Table) CloseOnExec() {
	var closed []*Description
	t.mu.Lock()
	s := *t.slots.Load()
	for fd := range s {
		if s[fd].cloexec.Load() {
			if d := t.removeLocked(fd); d != nil {
				closed = append(closed, d)
			}
		}
	}
	t.mu.Unlock()
	for _, d := range closed {
		d.DecRef()
	}
}

// CloseAll closes every descriptor, as exit does.
func (t *Table) CloseAll() {
	var closed []*Description
	t.mu.Lock()
	s := *t.slots.Load()
	for fd := range s {
		if d := t.removeLocked(fd); d != nil {
			closed = append(closed, d)
		}
	}
	t.mu.Unlock()
	for _, d := range closed {
		d.DecRef()
	}
}

// Fds returns the open descriptor numbers in increasing order.
func (t *Table) Fds() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := *t.slots.Load()
	var fds []int
	for fd := range s {
		if s[fd].d.Load() != nil {
			fds = append(fds, fd)
		}
	}
	return fds
}
