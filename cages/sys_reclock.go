package cages

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// recLockTable holds a kernel's POSIX record locks (fcntl(2) F_SETLK,
// F_SETLKW and their F_OFD_ twins): for each file, keyed as flock(2)'s
// locks are (flockKey: device and inode, so every cage of the kernel sees
// them, and a file of a granted host directory is locked among cages
// only), the byte ranges locked and their owners.
//
// A traditional lock belongs to the (cage, file) pair, as Linux's belongs
// to the process's file table: the cage's own locks never conflict with
// each other, they go when the cage closes any descriptor of the file or
// exits, and a forked child does not inherit them. An OFD lock belongs to
// the open file description: shared by dup and fork, it goes at the
// description's last close (the kernel sweeps the table after every call
// that closes descriptors, as it does flockTable).
//
// The zero recLockTable is empty and ready to use; it is safe for
// concurrent use.
type recLockTable struct {
	// n counts the files with a lock or a waiter, and holders the cages
	// holding a traditional lock, so that the close paths cost an atomic
	// load while nobody uses record locks.
	n, holders atomic.Int32

	// mu guards everything below and every recFile. It is the lock of
	// each recFile's cond, under which waiters sleep (Cage.Block).
	mu sync.Mutex
	// files maps a file to its locks.
	files map[flockKey]*recFile
	// held maps a cage to the files on which it holds traditional locks.
	held map[*Cage]map[flockKey]struct{}
	// waitFor maps a cage sleeping in F_SETLKW to the owner of the lock
	// it waits behind: the edges that deadlock detection follows.
	waitFor map[*Cage]recOwner
}

// recOwner is a record lock's owner: a cage (traditional lock) or an open
// file description (OFD lock).
type recOwner struct {
	c *Cage
	d *fdtable.Description
}

// recLock is one locked range: bytes start through end, inclusive (end
// is math.MaxInt64 for a lock to the end of the file and beyond).
type recLock struct {
	owner      recOwner
	typ        int16 // F_RDLCK or F_WRLCK
	start, end int64
}

// recFile is the record-lock state of one file.
type recFile struct {
	// locks are the file's locks, in Linux's order (fs/locks.c
	// posix_lock_inode): each owner's locks together and sorted by start,
	// a new owner's after the others'. F_GETLK reports the first
	// conflicting lock in this order.
	locks []recLock
	// waiters counts the F_SETLKW calls waiting for the file.
	waiters int
	// cond is broadcast when the file's locks change; its lock is
	// &recLockTable.mu.
	cond sync.Cond
}

// maxDeadlockSteps bounds the wait-for chain deadlock detection follows,
// as fs/locks.c's MAX_DEADLK_ITERATIONS.
const maxDeadlockSteps = 10

// recEOF is the end of a lock that runs to the end of the file and beyond
// (Linux's OFFSET_MAX).
const recEOF = math.MaxInt64

// fileLocked returns the lock state of key, made on first use.
//
// Preconditions: t.mu is held.
func (t *recLockTable) fileLocked(key flockKey) *recFile {
	f := t.files[key]
	if f == nil {
		if t.files == nil {
			t.files = map[flockKey]*recFile{}
		}
		f = &recFile{}
		f.cond.L = &t.mu
		t.files[key] = f
		t.n.Store(int32(len(t.files)))
	}
	return f
}

// dropLocked forgets key's state if it has no lock and no waiter.
//
// Preconditions: t.mu is held.
func (t *recLockTable) dropLocked(key flockKey, f *recFile) {
	if len(f.locks) == 0 && f.waiters == 0 && t.files[key] == f {
		delete(t.files, key)
		t.n.Store(int32(len(t.files)))
	}
}

// noteHeldLocked records in t.held whether c still holds a traditional
// lock on key.
//
// Preconditions: t.mu is held.
func (t *recLockTable) noteHeldLocked(c *Cage, key flockKey, f *recFile) {
	has := false
	for i := range f.locks {
		if f.locks[i].owner.c == c {
			has = true
			break
		}
	}
	keys := t.held[c]
	if has {
		if keys == nil {
			if t.held == nil {
				t.held = map[*Cage]map[flockKey]struct{}{}
			}
			keys = map[flockKey]struct{}{}
			t.held[c] = keys
		}
		keys[key] = struct{}{}
	} else if keys != nil {
		delete(keys, key)
		if len(keys) == 0 {
			delete(t.held, c)
		}
	}
	t.holders.Store(int32(len(t.held)))
}

// overlaps reports whether l covers any of bytes start through end.
func (l *recLock) overlaps(start, end int64) bool {
	return l.start <= end && start <= l.end
}

// conflictLocked returns the first lock of f that conflicts with a lock
// of type typ on start through end by owner o: another owner's, over
// some of the bytes, one of the two a write lock.
//
// Preconditions: t.mu is held.
func (f *recFile) conflictLocked(o recOwner, typ int16, start, end int64) *recLock {
	for i := range f.locks {
		l := &f.locks[i]
		if l.owner != o && l.overlaps(start, end) && (l.typ == posix.F_WRLCK || typ == posix.F_WRLCK) {
			return l
		}
	}
	return nil
}

// setLocked applies o's request (typ F_RDLCK, F_WRLCK or F_UNLCK on start
// through end) to o's locks, as posix_lock_inode: the range is taken from
// o's locks of either type (splitting them), then, unless unlocking, given
// to a lock of type typ merged with o's adjacent or overlapping locks of
// the same type. It reports whether anything changed.
//
// Preconditions: t.mu is held; the request conflicts with no other
// owner's lock.
func (f *recFile) setLocked(o recOwner, typ int16, start, end int64) bool {
	first := -1
	var mine []recLock
	rest := f.locks[:0:0]
	for _, l := range f.locks {
		if l.owner == o {
			if first < 0 {
				first = len(rest)
			}
			mine = append(mine, l)
		} else {
			rest = append(rest, l)
		}
	}
	var out []recLock
	changed := false
	for _, l := range mine {
		if !l.overlaps(start, end) {
			out = append(out, l)
			continue
		}
		changed = true
		if l.start < start {
			left := l
			left.end = start - 1
			out = append(out, left)
		}
		if l.end > end {
			right := l
			right.start = end + 1
			out = append(out, right)
		}
	}
	if typ != posix.F_UNLCK {
		changed = true
		nl := recLock{owner: o, typ: typ, start: start, end: end}
		merged := out[:0:0]
		for _, l := range out {
			adjacent := l.overlaps(nl.start, nl.end) ||
				(l.end != recEOF && l.end+1 == nl.start) ||
				(nl.end != recEOF && nl.end+1 == l.start)
			if l.typ == typ && adjacent {
				nl.start, nl.end = min(nl.start, l.start), max(nl.end, l.end)
				continue
			}
			merged = append(merged, l)
		}
		// Insert in start order.
		i := 0
		for i < len(merged) && merged[i].start < nl.start {
			i++
		}
		merged = append(merged, recLock{})
		copy(merged[i+1:], merged[i:])
		merged[i] = nl
		out = merged
	}
	if !changed {
		return false
	}
	if first < 0 {
		first = len(rest)
	}
	locks := make([]recLock, 0, len(rest)+len(out))
	locks = append(locks, rest[:first]...)
	locks = append(locks, out...)
	locks = append(locks, rest[first:]...)
	f.locks = locks
	return true
}

// removeLocked drops every lock of f for which gone is true, waking the
// waiters if one was, and reports whether one was.
//
// Preconditions: t.mu is held.
func (f *recFile) removeLocked(gone func(*recLock) bool) bool {
	kept := f.locks[:0]
	for i := range f.locks {
		if !gone(&f.locks[i]) {
			kept = append(kept, f.locks[i])
		}
	}
	if len(kept) == len(f.locks) {
		return false
	}
	clear(f.locks[len(kept):])
	f.locks = kept
	f.cond.Broadcast()
	return true
}

// deadlockLocked reports whether c waiting behind a lock of blocker would
// close a cycle of cages waiting for each other, as posix_locks_deadlock:
// it follows what each traditional owner is waiting for, for at most
// maxDeadlockSteps steps. OFD locks take no part.
//
// Preconditions: t.mu is held.
func (t *recLockTable) deadlockLocked(c *Cage, blocker recOwner) bool {
	for i := 0; blocker.c != nil; i++ {
		next, ok := t.waitFor[blocker.c]
		if !ok || i > maxDeadlockSteps {
			return false
		}
		if next.c == c {
			return true
		}
		blocker = next
	}
	return false
}

// span turns lk's range into bytes start through end of d's file, as
// flock64_to_posix_lock.
func span(d *fdtable.Description, lk *posix.Flock) (start, end int64, err posix.Errno) {
	var base int64
	switch lk.Whence {
	case posix.SEEK_SET:
	case posix.SEEK_CUR:
		base = d.Offset()
	case posix.SEEK_END:
		st, err := d.File().Stat(d)
		if err != 0 {
			return 0, 0, err
		}
		base = st.Size
	default:
		return 0, 0, posix.EINVAL
	}
	if lk.Start > recEOF-base {
		return 0, 0, posix.EOVERFLOW
	}
	start = base + lk.Start
	if start < 0 {
		return 0, 0, posix.EINVAL
	}
	switch {
	case lk.Len > 0:
		if lk.Len-1 > recEOF-start {
			return 0, 0, posix.EOVERFLOW
		}
		end = start + lk.Len - 1
	case lk.Len < 0:
		if start+lk.Len < 0 {
			return 0, 0, posix.EINVAL
		}
		end = start - 1
		start += lk.Len
	default:
		end = recEOF
	}
	return start, end, 0
}

// isOFD reports whether cmd is an F_OFD_ command.
func isOFD(cmd int) bool {
	return cmd == posix.F_OFD_GETLK || cmd == posix.F_OFD_SETLK || cmd == posix.F_OFD_SETLKW
}

// fcntl performs record-lock command cmd for cage c on d with lk, as
// fs/locks.c's fcntl_getlk and fcntl_setlk.
func (t *recLockTable) fcntl(c *Cage, d *fdtable.Description, cmd int, lk *posix.Flock) posix.Errno {
	ofd := isOFD(cmd)
	getlk := cmd == posix.F_GETLK || cmd == posix.F_OFD_GETLK
	typ := lk.Type
	if getlk {
		// F_OFD_GETLK accepts F_UNLCK: it asks for d's own lock
		// (Linux 6.4).
		if typ != posix.F_RDLCK && typ != posix.F_WRLCK && !(ofd && typ == posix.F_UNLCK) {
			return posix.EINVAL
		}
	}
	start, end, err := span(d, lk)
	if err != 0 {
		return err
	}
	if typ != posix.F_RDLCK && typ != posix.F_WRLCK && typ != posix.F_UNLCK {
		return posix.EINVAL
	}
	if !getlk {
		if (typ == posix.F_RDLCK && !d.Readable()) || (typ == posix.F_WRLCK && !d.Writable()) {
			return posix.EBADF
		}
	}
	if ofd && lk.Pid != 0 {
		return posix.EINVAL
	}
	o := recOwner{c: c}
	if ofd {
		o = recOwner{d: d}
	}
	key := flockKeyOf(d)
	if getlk {
		t.getlk(o, key, typ, start, end, lk)
		return 0
	}
	return t.setlk(c, o, key, typ, start, end, cmd == posix.F_SETLKW || cmd == posix.F_OFD_SETLKW)
}

// getlk answers F_GETLK: the first lock conflicting with the request (for
// F_OFD_GETLK's F_UNLCK, the first of o's own locks over the range) goes
// into lk, or lk's type becomes F_UNLCK.
func (t *recLockTable) getlk(o recOwner, key flockKey, typ int16, start, end int64, lk *posix.Flock) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var found *recLock
	if f := t.files[key]; f != nil {
		t.reapLocked(f)
		if typ == posix.F_UNLCK {
			for i := range f.locks {
				if l := &f.locks[i]; l.owner == o && l.overlaps(start, end) {
					found = l
					break
				}
			}
		} else {
			found = f.conflictLocked(o, typ, start, end)
		}
	}
	if found == nil {
		lk.Type = posix.F_UNLCK
		return
	}
	lk.Type = found.typ
	lk.Whence = posix.SEEK_SET
	lk.Start = found.start
	lk.Len = 0
	if found.end != recEOF {
		lk.Len = found.end - found.start + 1
	}
	lk.Pid = -1
	if found.owner.c != nil {
		lk.Pid = int32(found.owner.c.pid)
	}
}

// setlk takes, converts or releases o's lock on start through end of the
// file key, waiting (unless !wait) while another owner's lock conflicts.
func (t *recLockTable) setlk(c *Cage, o recOwner, key flockKey, typ int16, start, end int64, wait bool) posix.Errno {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fileLocked(key)
	defer t.dropLocked(key, f)
	if typ != posix.F_UNLCK {
		t.reapLocked(f)
		for {
			l := f.conflictLocked(o, typ, start, end)
			if l == nil {
				break
			}
			if !wait {
				return posix.EAGAIN
			}
			if o.c != nil && t.deadlockLocked(c, l.owner) {
				return posix.EDEADLK
			}
			if o.c != nil {
				if t.waitFor == nil {
					t.waitFor = map[*Cage]recOwner{}
				}
				t.waitFor[c] = l.owner
			}
			f.waiters++
			err := c.Block(&f.cond)
			f.waiters--
			delete(t.waitFor, c)
			if err != 0 {
				return err
			}
			t.reapLocked(f)
		}
	}
	if f.setLocked(o, typ, start, end) {
		f.cond.Broadcast()
	}
	if o.c != nil {
		t.noteHeldLocked(o.c, key, f)
	}
	return 0
}

// reapLocked drops f's OFD locks whose description is gone.
//
// Preconditions: t.mu is held.
func (t *recLockTable) reapLocked(f *recFile) bool {
	return f.removeLocked(func(l *recLock) bool { return l.owner.d != nil && l.owner.d.Refs() <= 0 })
}

// sweep releases the OFD locks of descriptions that have been closed for
// the last time. The kernel calls it after closing descriptors.
func (t *recLockTable) sweep() {
	if t.n.Load() == 0 {
		return
	}
	t.mu.Lock()
	for key, f := range t.files {
		t.reapLocked(f)
		t.dropLocked(key, f)
	}
	t.mu.Unlock()
}

// keysFor returns the files of c's descriptors fds on which c holds
// traditional locks: the locks that closing them releases. It returns
// nil at the cost of an atomic load while no cage holds such a lock.
func (t *recLockTable) keysFor(c *Cage, fds []int) []flockKey {
	if t.holders.Load() == 0 || len(fds) == 0 {
		return nil
	}
	t.mu.Lock()
	n := len(t.held[c])
	t.mu.Unlock()
	if n == 0 {
		return nil
	}
	var keys []flockKey
	for _, fd := range fds {
		d, err := c.fds.Get(fd)
		if err != 0 {
			continue
		}
		keys = append(keys, flockKeyOf(d))
		d.DecRef()
	}
	return keys
}

// release drops c's traditional locks on the files keys (every file if
// all), as locks_remove_posix on close and exit, and then sweeps.
func (t *recLockTable) release(c *Cage, keys []flockKey, all bool) {
	if t.holders.Load() != 0 && (all || len(keys) > 0) {
		t.mu.Lock()
		if held := t.held[c]; held != nil {
			if all {
				keys = keys[:0]
				for key := range held {
					keys = append(keys, key)
				}
			}
			for _, key := range keys {
				if _, ok := held[key]; !ok {
					continue
				}
				if f := t.files[key]; f != nil {
					f.removeLocked(func(l *recLock) bool { return l.owner.c == c })
					t.noteHeldLocked(c, key, f)
					t.dropLocked(key, f)
				}
			}
		}
		t.mu.Unlock()
	}
	t.sweep()
}

// closingFds returns c's open descriptors among first through last.
func (c *Cage) closingFds(first, last uint) []int {
	if c.k.reclocks.holders.Load() == 0 {
		return nil
	}
	var fds []int
	for _, fd := range c.fds.Fds() {
		if uint(fd) >= first && uint(fd) <= last {
			fds = append(fds, fd)
		}
	}
	return fds
}

// cloexecFds returns c's descriptors marked close-on-exec.
func (c *Cage) cloexecFds() []int {
	if c.k.reclocks.holders.Load() == 0 {
		return nil
	}
	var fds []int
	for _, fd := range c.fds.Fds() {
		if on, err := c.fds.Cloexec(fd); err == 0 && on {
			fds = append(fds, fd)
		}
	}
	return fds
}

// fcntlLock implements fcntl(2)'s record-lock commands on d (fd's
// description) for sysFcntl.
func (c *Cage) fcntlLock(d *fdtable.Description, cmd int, lk *posix.Flock) posix.Errno {
	if isPath(d) {
		return posix.EBADF
	}
	if lk == nil {
		return posix.EFAULT
	}
	return c.k.reclocks.fcntl(c, d, cmd, lk)
}
