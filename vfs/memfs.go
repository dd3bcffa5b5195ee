package vfs

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// memFS is an in-memory filesystem, as Linux's tmpfs.
//
// Lock order: memFS.mu (the tree), then inode.mu (one file's data and
// attributes). The tree lock guards every directory's entries, link counts
// and parent pointers; taking it once for a whole rename makes renames
// atomic and free of lock-order problems between directories, as Linux's
// s_vfs_rename_mutex does for cross-directory renames.
type memFS struct {
	// dev is st_dev. Immutable.
	dev uint64
	// clock gives the time. Immutable.
	clock func() time.Time
	// limit is the most bytes of file data. Immutable.
	limit int64
	// used is the bytes of file data held.
	used atomic.Int64
	// nextIno numbers new inodes.
	nextIno atomic.Uint64

	// mu guards the tree: dirData, nlink, parent, name, opens, removed.
	mu sync.RWMutex
	// root is the root directory. Immutable.
	root *inode
}

// devKind says which character device an inode is.
type devKind int

const (
	devNone devKind = iota
	devNull
	devZero
	devFull
	devRandom
)

// inode is one file of a memFS.
type inode struct {
	fs *memFS
	// ino is st_ino. Immutable.
	ino uint64
	// kind is the file type (S_IFMT bits). Immutable.
	kind uint32
	// target is a symlink's content. Immutable.
	target string
	// pipe is a FIFO's pipe. Immutable.
	pipe *pipes.Pipe
	// dev and rdev say which device a character device is. Immutable.
	dev  devKind
	rdev uint64

	// nlink counts the names of the file. Protected by fs.mu.
	nlink int
	// parent and name are the directory and name of the last link made
	// (for getcwd and /proc/self/fd). Protected by fs.mu.
	parent *inode
	name   string
	// dir holds a directory's entries. Protected by fs.mu.
	dir *dirData
	// opens counts the open descriptions of the file. Protected by fs.mu.
	opens int

	// mu guards the attributes and data below.
	mu sync.RWMutex
	// mode is the permission bits (07777). Protected by mu.
	mode     uint32
	uid, gid int
	atime    posix.Timespec
	mtime    posix.Timespec
	ctime    posix.Timespec
	// size is a regular file's size; data holds its first len(data)
	// bytes, the rest reads as zeros. Protected by mu.
	size int64
	data []byte
	// prog is the installed program of an Install'ed file, until the file
	// is written. Protected by mu.
	prog any
}

// dirData is a directory's entries: a map for lookups and a list ordered
// by sequence number for getdents, whose cookies stay valid while entries
// come and go. Removed entries stay in the list as tombstones until enough
// accumulate to compact it.
type dirData struct {
	ents map[string]*dent
	// list is ordered by seq; removed entries have n == nil.
	list []*dent
	dead int
	// nextSeq is the next entry's sequence number; 0 and 1 are "." and "..".
	nextSeq int64
	// subdirs counts the subdirectories, for nlink.
	subdirs int
}

// dent is one directory entry.
type dent struct {
	name string
	n    *inode
	seq  int64
}

func newMemFS(dev uint64, opts Options, uid, gid int) *memFS {
	fs := &memFS{dev: dev, clock: opts.Clock, limit: opts.SizeLimit}
	fs.root = fs.newInode(posix.S_IFDIR, 0o755, uid, gid)
	fs.root.nlink = 2
	fs.root.parent = fs.root
	return fs
}

// now returns the current time as a Timespec.
func (fs *memFS) now() posix.Timespec { return timespec(fs.clock()) }

// newInode returns a new inode of type kind.
func (fs *memFS) newInode(kind, mode uint32, uid, gid int) *inode {
	now := fs.now()
	n := &inode{fs: fs, ino: fs.nextIno.Add(1), kind: kind, mode: mode & 0o7777, uid: uid, gid: gid,
		atime: now, mtime: now, ctime: now}
	switch kind {
	case posix.S_IFDIR:
		n.dir = &dirData{ents: map[string]*dent{}, nextSeq: 2}
	case posix.S_IFIFO:
		n.pipe = pipes.New()
	}
	return n
}

// reserve takes up to want bytes of the size limit and returns how many
// it got.
func (fs *memFS) reserve(want int64) int64 {
	for {
		used := fs.used.Load()
		got := min(want, fs.limit-used)
		if got <= 0 {
			return 0
		}
		if fs.used.CompareAndSwap(used, used+got) {
			return got
		}
	}
}

// key implements node.
func (n *inode) key() any { return n }

// stat implements node.
func (n *inode) stat() (posix.Stat, posix.Errno) {
	n.fs.mu.RLock()
	nlink := n.nlink
	n.fs.mu.RUnlock()
	n.mu.RLock()
	defer n.mu.RUnlock()
	st := posix.Stat{
		Dev: n.fs.dev, Ino: n.ino, Nlink: uint64(nlink), Mode: n.kind | n.mode,
		Uid: uint32(n.uid), Gid: uint32(n.gid), Rdev: n.rdev, Blksize: 4096,
		Atim: n.atime, Mtim: n.mtime, Ctim: n.ctime,
	}
	switch n.kind {
	case posix.S_IFREG:
		st.Size = n.size
		st.Blocks = (int64(len(n.data)) + 4095) / 4096 * 8
	case posix.S_IFDIR:
		st.Size = 4096 // what a tmpfs reports varies; a block is typical
		st.Blocks = 0
	case posix.S_IFLNK:
		st.Size = int64(len(n.target))
	}
	return st, 0
}

// access returns the type (immutable), the permission bits and the owner,
// under one read lock: what path resolution checks on every component.
func (n *inode) access() accessInfo {
	n.mu.RLock()
	a := accessInfo{n.kind | n.mode, uint32(n.uid), uint32(n.gid)}
	n.mu.RUnlock()
	return a
}

// lookup implements node.
func (n *inode) lookup(_ *Ctx, name string) (node, posix.Errno) {
	if n.kind != posix.S_IFDIR {
		return nil, posix.ENOTDIR
	}
	n.fs.mu.RLock()
	defer n.fs.mu.RUnlock()
	if name == ".." {
		return n.parent, 0
	}
	if e, ok := n.dir.ents[name]; ok {
		return e.n, 0
	}
	return nil, posix.ENOENT
}

// readlink implements node.
func (n *inode) readlink(*Ctx) (string, posix.Errno) {
	if n.kind != posix.S_IFLNK {
		return "", posix.EINVAL
	}
	return n.target, 0
}

// addLocked adds the entry name for c in directory n.
//
// Preconditions: n.fs.mu is held for writing; name is not in n.
func (n *inode) addLocked(name string, c *inode) {
	d := n.dir
	e := &dent{name: name, n: c, seq: d.nextSeq}
	d.nextSeq++
	d.ents[name] = e
	d.list = append(d.list, e)
	c.nlink++
	c.parent, c.name = n, name
	if c.kind == posix.S_IFDIR {
		d.subdirs++
		n.nlink++
	}
}

// delLocked removes the entry name from directory n.
//
// Preconditions: n.fs.mu is held for writing; name is in n. Unless
// release, the file keeps its data even without names (it is being moved).
func (n *inode) delLocked(name string, release bool) *inode {
	d := n.dir
	e := d.ents[name]
	delete(d.ents, name)
	c := e.n
	e.n = nil
	d.dead++
	if d.dead > 32 && d.dead > len(d.list)/2 {
		live := d.list[:0]
		for _, x := range d.list {
			if x.n != nil {
				live = append(live, x)
			}
		}
		clear(d.list[len(live):])
		d.list = live
		d.dead = 0
	}
	if c.kind == posix.S_IFDIR {
		d.subdirs--
		n.nlink--
		c.nlink = 0 // a removed directory has no links, "." included
	} else {
		c.nlink--
	}
	if release && c.nlink == 0 && c.opens == 0 {
		c.free()
	}
	return c
}

// free drops a file's data once it has no name and no open description.
//
// Preconditions: n.fs.mu is held for writing.
func (n *inode) free() {
	n.mu.Lock()
	n.fs.used.Add(-int64(len(n.data)))
	n.data, n.size, n.prog = nil, 0, nil
	n.mu.Unlock()
}

// touch updates a directory's mtime and ctime after a change.
func (n *inode) touch() {
	now := n.fs.now()
	n.mu.Lock()
	n.mtime, n.ctime = now, now
	n.mu.Unlock()
}

// create implements node.
func (n *inode) create(c Cred, name string, mode uint32, target string) (node, posix.Errno) {
	if n.kind != posix.S_IFDIR {
		return nil, posix.ENOTDIR
	}
	kind := mode & posix.S_IFMT
	gid := c.GID
	n.mu.RLock()
	setgid := n.mode&posix.S_ISGID != 0
	if setgid {
		gid = n.gid
	}
	n.mu.RUnlock()
	perm := mode & 0o7777
	if kind == posix.S_IFLNK {
		perm = 0o777
	}
	if kind == posix.S_IFDIR && setgid {
		perm |= posix.S_ISGID
	}
	c2 := n.fs.newInode(kind, perm, c.UID, gid)
	c2.target = target
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.nlink == 0 {
		return nil, posix.ENOENT
	}
	if _, ok := n.dir.ents[name]; ok {
		return nil, posix.EEXIST
	}
	if kind == posix.S_IFDIR {
		c2.nlink = 1 // "." ; the entry adds one
	}
	n.addLocked(name, c2)
	n.touch()
	return c2, 0
}

// link implements node.
func (n *inode) link(name string, target node) posix.Errno {
	t, ok := target.(*inode)
	if !ok || t.fs != n.fs {
		return posix.EXDEV
	}
	if n.kind != posix.S_IFDIR {
		return posix.ENOTDIR
	}
	if t.kind == posix.S_IFDIR {
		return posix.EPERM
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.nlink == 0 {
		return posix.ENOENT
	}
	if _, ok := n.dir.ents[name]; ok {
		return posix.EEXIST
	}
	if t.nlink == 0 {
		return posix.ENOENT
	}
	n.addLocked(name, t)
	n.touch()
	t.mu.Lock()
	t.ctime = n.fs.now()
	t.mu.Unlock()
	return 0
}

// remove implements node.
func (n *inode) remove(name string, dir bool) posix.Errno {
	if n.kind != posix.S_IFDIR {
		return posix.ENOTDIR
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	e, ok := n.dir.ents[name]
	if !ok {
		return posix.ENOENT
	}
	c := e.n
	if dir {
		if c.kind != posix.S_IFDIR {
			return posix.ENOTDIR
		}
		if len(c.dir.ents) > 0 {
			return posix.ENOTEMPTY
		}
	} else if c.kind == posix.S_IFDIR {
		return posix.EISDIR
	}
	n.delLocked(name, true)
	n.touch()
	c.mu.Lock()
	c.ctime = n.fs.now()
	c.mu.Unlock()
	return 0
}

// isAncestorLocked reports whether a is d or one of d's ancestors.
//
// Preconditions: fs.mu is held.
func isAncestorLocked(a, d *inode) bool {
	for {
		if d == a {
			return true
		}
		if d.parent == d {
			return false
		}
		d = d.parent
	}
}

// rename implements node, as mm/shmem.c:shmem_rename2 with the checks of
// fs/namei.c:vfs_rename.
func (n *inode) rename(c Cred, name string, newDir node, newName string, flags int) posix.Errno {
	nd, ok := newDir.(*inode)
	if !ok || nd.fs != n.fs {
		return posix.EXDEV
	}
	fs := n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	e, ok := n.dir.ents[name]
	if !ok {
		return posix.ENOENT
	}
	old := e.n
	if nd.nlink == 0 {
		return posix.ENOENT
	}
	var victim *inode
	if t, ok := nd.dir.ents[newName]; ok {
		victim = t.n
	}
	if flags&RENAME_EXCHANGE != 0 {
		if victim == nil {
			return posix.ENOENT
		}
	} else if victim != nil && flags&RENAME_NOREPLACE != 0 {
		return posix.EEXIST
	}
	if old == victim {
		return 0
	}
	// Moving a directory under itself.
	if old.kind == posix.S_IFDIR && isAncestorLocked(old, nd) {
		return posix.EINVAL
	}
	if victim != nil && victim.kind == posix.S_IFDIR && isAncestorLocked(victim, n) {
		if flags&RENAME_EXCHANGE != 0 {
			return posix.EINVAL
		}
		return posix.ENOTEMPTY
	}
	// A directory moving to another parent rewrites its "..": it must be
	// writable (fs/namei.c:vfs_rename).
	if n != nd {
		for _, x := range []*inode{old, victim} {
			if x == nil || x.kind != posix.S_IFDIR || c.UID == 0 {
				continue
			}
			if flags&RENAME_EXCHANGE == 0 && x == victim {
				continue
			}
			st, _ := x.statLocked()
			if !permitted(st, c, mayWrite) {
				return posix.EACCES
			}
		}
	}
	if flags&RENAME_EXCHANGE != 0 {
		n.dir.ents[name].n = victim
		nd.dir.ents[newName].n = old
		if old.kind == posix.S_IFDIR {
			n.dir.subdirs--
			n.nlink--
			nd.dir.subdirs++
			nd.nlink++
		}
		if victim.kind == posix.S_IFDIR {
			nd.dir.subdirs--
			nd.nlink--
			n.dir.subdirs++
			n.nlink++
		}
		old.parent, old.name = nd, newName
		victim.parent, victim.name = n, name
	} else {
		if victim != nil {
			switch {
			case old.kind == posix.S_IFDIR && victim.kind != posix.S_IFDIR:
				return posix.ENOTDIR
			case old.kind != posix.S_IFDIR && victim.kind == posix.S_IFDIR:
				return posix.EISDIR
			case victim.kind == posix.S_IFDIR && len(victim.dir.ents) > 0:
				return posix.ENOTEMPTY
			}
			nd.delLocked(newName, true)
		}
		n.delLocked(name, false)
		// delLocked dropped a link (and zeroed a directory's): restore.
		if old.kind == posix.S_IFDIR {
			old.nlink = 1
		}
		nd.addLocked(newName, old)
	}
	now := fs.now()
	for _, x := range []*inode{n, nd} {
		x.mu.Lock()
		x.mtime, x.ctime = now, now
		x.mu.Unlock()
	}
	old.mu.Lock()
	old.ctime = now
	old.mu.Unlock()
	return 0
}

// statLocked is stat without taking fs.mu.
//
// Preconditions: fs.mu is held.
func (n *inode) statLocked() (posix.Stat, posix.Errno) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return posix.Stat{Ino: n.ino, Mode: n.kind | n.mode, Uid: uint32(n.uid), Gid: uint32(n.gid)}, 0
}

// setattr implements node.
func (n *inode) setattr(a *attrs) posix.Errno {
	if a.setSize {
		if n.kind == posix.S_IFDIR {
			return posix.EISDIR
		}
		if n.kind != posix.S_IFREG {
			return posix.EINVAL
		}
	}
	now := n.fs.now()
	n.mu.Lock()
	defer n.mu.Unlock()
	if a.setSize {
		if err := n.truncateLocked(a.size); err != 0 {
			return err
		}
		n.mtime = now
	}
	if a.setMode {
		n.mode = a.mode & 0o7777
	}
	if a.setUID {
		n.uid = a.uid
	}
	if a.setGID {
		n.gid = a.gid
	}
	if a.clearSetID && n.kind == posix.S_IFREG {
		n.mode &^= posix.S_ISUID
		if n.mode&0o010 != 0 {
			n.mode &^= posix.S_ISGID
		}
	}
	if a.setAtime {
		n.atime = a.atime
	}
	if a.setMtime {
		n.mtime = a.mtime
	}
	n.ctime = now
	return 0
}

// truncateLocked sets a regular file's size.
//
// Preconditions: n.mu is held for writing.
func (n *inode) truncateLocked(size int64) posix.Errno {
	if size < 0 {
		return posix.EINVAL
	}
	if size < int64(len(n.data)) {
		n.fs.used.Add(size - int64(len(n.data)))
		clear(n.data[size:])
		n.data = n.data[:size]
	}
	n.size = size
	n.prog = nil
	return 0
}

// readAt copies the file's bytes at off into p.
func (n *inode) readAt(p []byte, off int64) int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.readAtLocked(p, off)
}

// readAtLocked copies the file's bytes at off into p.
//
// Preconditions: n.mu is held.
func (n *inode) readAtLocked(p []byte, off int64) int {
	if off >= n.size {
		return 0
	}
	cnt := int(min(int64(len(p)), n.size-off))
	c := 0
	if off < int64(len(n.data)) {
		c = copy(p[:cnt], n.data[off:])
	}
	clear(p[c:cnt])
	return cnt
}

// writeAtLocked writes the buffers at off (at the end if appending) as one
// operation and returns the count and where it ended. Growth beyond the
// size limit writes what fits, or fails with ENOSPC if nothing does.
//
// Preconditions: n.mu is held for writing.
func (n *inode) writeAtLocked(iov [][]byte, off int64, appending bool) (int, int64, posix.Errno) {
	if appending {
		off = n.size
	}
	total := 0
	for _, b := range iov {
		total += len(b)
	}
	if total == 0 {
		return 0, off, 0
	}
	if off+int64(total) < off || off+int64(total) > maxFileSize {
		return 0, off, posix.EFBIG
	}
	end := off + int64(total)
	if grow := end - int64(len(n.data)); grow > 0 {
		got := n.fs.reserve(grow)
		if got < grow {
			end -= grow - got
			if end <= off {
				n.fs.used.Add(-got)
				return 0, off, posix.ENOSPC
			}
			total = int(end - off)
		}
		n.data = slices.Grow(n.data, int(end)-len(n.data))[:end]
	}
	p := n.data[off:end]
	for _, b := range iov {
		c := copy(p, b)
		p = p[c:]
		if len(p) == 0 {
			break
		}
	}
	n.size = max(n.size, end)
	now := n.fs.now()
	n.mtime, n.ctime = now, now
	n.prog = nil
	n.mode &^= posix.S_ISUID // Linux's file_remove_privs, for unprivileged writers
	return total, end, 0
}

// maxFileSize is the largest file size (MAX_LFS_FILESIZE).
const maxFileSize = 1<<63 - 1

// open implements node.
func (n *inode) open(ctx *Ctx, loc Loc, flags int) (*fdtable.Description, posix.Errno) {
	switch n.kind {
	case posix.S_IFIFO:
		t := ctx.Task
		if t == nil {
			t = fdtable.HostTask{}
		}
		pd, err := n.pipe.OpenFIFO(t, flags&^(posix.O_LARGEFILE|posix.O_DIRECTORY|posix.O_NOFOLLOW))
		if err != 0 {
			return nil, err
		}
		f := &fifoFile{File: pd.File(), loc: loc}
		return fdtable.NewDescription(f, flags), 0
	case posix.S_IFCHR:
		return fdtable.NewDescription(&devFile{loc: loc, dev: n.dev}, flags), 0
	case posix.S_IFDIR:
		return fdtable.NewDescription(&dirFile{loc: loc}, flags), 0
	case posix.S_IFREG:
		n.fs.mu.Lock()
		n.opens++
		n.fs.mu.Unlock()
		return fdtable.NewDescription(&regFile{loc: loc, n: n}, flags), 0
	}
	return nil, posix.ENXIO
}

// closed drops an open count, freeing the data of a file without names.
func (n *inode) closed() {
	n.fs.mu.Lock()
	n.opens--
	if n.opens == 0 && n.nlink == 0 {
		n.free()
	}
	n.fs.mu.Unlock()
}

// list implements node (unused: memFS directories have cookies).
func (n *inode) list(*Ctx) ([]dirent, posix.Errno) {
	return nil, posix.ENOTDIR
}

// readdir emits the entries of directory n from position pos ("." is 0,
// ".." 1, then each entry's sequence number), with the position after
// each, until emit returns false.
func (n *inode) readdir(pos int64, emit func(e dirent, next int64) bool) posix.Errno {
	if n.kind != posix.S_IFDIR {
		return posix.ENOTDIR
	}
	n.fs.mu.RLock()
	defer n.fs.mu.RUnlock()
	if n.nlink == 0 {
		return posix.ENOENT
	}
	if pos == 0 {
		if !emit(dirent{".", n.ino, DT_DIR}, 1) {
			return 0
		}
		pos = 1
	}
	if pos == 1 {
		if !emit(dirent{"..", n.parent.ino, DT_DIR}, 2) {
			return 0
		}
		pos = 2
	}
	d := n.dir
	i := sort.Search(len(d.list), func(i int) bool { return d.list[i].seq >= pos })
	for ; i < len(d.list); i++ {
		e := d.list[i]
		if e.n == nil {
			continue
		}
		if !emit(dirent{e.name, e.n.ino, dtype(e.n.kind)}, e.seq+1) {
			return 0
		}
	}
	return 0
}

// pathLocked returns the path of n from the filesystem's root and whether
// n still has a name.
//
// Preconditions: n.fs.mu is held.
func (n *inode) pathLocked() (string, bool) {
	if n == n.fs.root {
		return "/", true
	}
	var parts []string
	alive := n.nlink > 0
	for x := n; x != x.fs.root; x = x.parent {
		if x.parent == nil {
			return "", false
		}
		if x.kind == posix.S_IFDIR && x.nlink == 0 {
			alive = false
		}
		parts = append(parts, x.name)
		if len(parts) > pathMax {
			return "", false
		}
	}
	slices.Reverse(parts)
	s := ""
	for _, p := range parts {
		s += "/" + p
	}
	return s, alive
}
