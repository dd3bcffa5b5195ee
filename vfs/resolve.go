package vfs

import (
	"strings"

	"github.com/gocage/gocage/posix"
)

// mountKey names a mountpoint: the entry name in directory dir of mount m.
// Keying by name rather than by file lets a filesystem be mounted where the
// covered filesystem has no such entry (/dev over a host root).
type mountKey struct {
	m    *mount
	dir  any
	name string
}

// checkPath rejects the paths no resolution accepts.
func checkPath(path string) posix.Errno {
	switch {
	case path == "":
		return posix.ENOENT
	case len(path) >= pathMax:
		return posix.ENAMETOOLONG
	case strings.IndexByte(path, 0) >= 0:
		return posix.EINVAL
	}
	return 0
}

// walker resolves paths for one call, counting the symlinks it follows.
type walker struct {
	fs    *FS
	ctx   *Ctx
	links int
}

func (fs *FS) walker(ctx *Ctx) *walker { return &walker{fs: fs, ctx: ctx} }

// start returns the directory a relative path starts from.
func (w *walker) start(at Loc) Loc {
	if !at.IsZero() {
		return at
	}
	if !w.ctx.Cwd.IsZero() {
		return w.ctx.Cwd
	}
	return w.fs.Root()
}

// child returns the entry name of directory dir, crossing into a
// filesystem mounted there.
func (w *walker) child(dir Loc, name string) (Loc, posix.Errno) {
	if w.fs.nmounts.Load() > 0 && w.fs.mayBeMountpoint(name) {
		w.fs.mu.RLock()
		m := w.fs.mounts[mountKey{dir.m, dir.n.key(), name}]
		w.fs.mu.RUnlock()
		if m != nil {
			return Loc{m, m.root}, 0
		}
	}
	n, err := dir.n.lookup(w.ctx, name)
	if err != 0 {
		return Loc{}, err
	}
	return Loc{dir.m, n}, 0
}

// parent returns the ".." of directory dir: at a mount's root, the
// directory holding the mountpoint; at the namespace's root, the root.
func (w *walker) parent(dir Loc) Loc {
	if dir.n.key() == dir.m.root.key() {
		if dir.m.parent == nil {
			return dir
		}
		return Loc{dir.m.parent, dir.m.parentDir}
	}
	p, err := dir.n.lookup(w.ctx, "..")
	if err != 0 {
		return dir
	}
	return Loc{dir.m, p}
}

// isAncestor reports whether directory a is dir or one of its ancestors
// on dir's mount: the trap of lock_rename.
func (w *walker) isAncestor(a, dir Loc) bool {
	for cur := dir; cur.m == a.m; {
		if cur.n.key() == a.n.key() {
			return true
		}
		next := w.parent(cur)
		if next.m == cur.m && next.n.key() == cur.n.key() {
			return false
		}
		cur = next
	}
	return false
}

// searchable checks that dir is a directory the caller may search.
func (w *walker) searchable(dir Loc) posix.Errno {
	a, err := accessOf(dir.n)
	if err != 0 {
		return err
	}
	if !isDir(a.mode) {
		return posix.ENOTDIR
	}
	if !a.permits(w.ctx.Cred, mayExec) {
		return posix.EACCES
	}
	return 0
}

// accessInfo is what permission checks need of a file: its type and
// permission bits and its owner.
type accessInfo struct {
	mode, uid, gid uint32
}

// permits reports whether c may access the file as want asks.
func (a accessInfo) permits(c Cred, want uint32) bool {
	return permitted(posix.Stat{Mode: a.mode, Uid: a.uid, Gid: a.gid}, c, want)
}

// accessOf returns n's type, permission bits and owner: resolution asks
// for them on every component, so an in-memory inode answers under one
// read lock without building a whole stat.
func accessOf(n node) (accessInfo, posix.Errno) {
	if in, ok := n.(*inode); ok {
		return in.access(), 0
	}
	st, err := n.stat()
	return accessInfo{st.Mode, st.Uid, st.Gid}, err
}

// mayBeMountpoint reports whether some mountpoint's last component is
// name.
func (fs *FS) mayBeMountpoint(name string) bool {
	names := fs.mountNames.Load()
	if names == nil {
		return false
	}
	for _, n := range *names {
		if n == name {
			return true
		}
	}
	return false
}

// walk resolves path from dir (or the root if it is absolute), following
// the last component if it is a symlink and follow is set, or if the path
// ends in a slash. A path ending in a slash must name a directory.
func (w *walker) walk(dir Loc, path string, follow bool) (Loc, posix.Errno) {
	if err := checkPath(path); err != 0 {
		return Loc{}, err
	}
	cur := dir
	if path[0] == '/' {
		cur = w.fs.Root()
	}
	rest := path
	for {
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			return cur, 0
		}
		comp := rest
		rest = ""
		if i := strings.IndexByte(comp, '/'); i >= 0 {
			comp, rest = comp[:i], comp[i:]
		}
		if len(comp) > nameMax {
			return Loc{}, posix.ENAMETOOLONG
		}
		last := strings.TrimLeft(rest, "/") == ""
		slash := rest != ""
		if err := w.searchable(cur); err != 0 {
			return Loc{}, err
		}
		if comp == "." {
			continue
		}
		if comp == ".." {
			cur = w.parent(cur)
			continue
		}
		next, err := w.child(cur, comp)
		if err != 0 {
			return Loc{}, err
		}
		if !last || follow || slash {
			if next, err = w.follow(cur, next); err != 0 {
				return Loc{}, err
			}
		}
		if last && slash {
			st, err := next.n.stat()
			if err != 0 {
				return Loc{}, err
			}
			if !isDir(st.Mode) {
				return Loc{}, posix.ENOTDIR
			}
		}
		cur = next
	}
}

// follow returns where next leads if it is a symlink (found in directory
// dir), or next itself.
func (w *walker) follow(dir, next Loc) (Loc, posix.Errno) {
	if in, ok := next.n.(*inode); ok && in.kind != posix.S_IFLNK {
		return next, 0 // kind is immutable: no lock
	}
	st, err := accessOf(next.n)
	if err != 0 {
		return Loc{}, err
	}
	if !isLink(st.mode) {
		return next, 0
	}
	w.links++
	if w.links > maxLinks {
		return Loc{}, posix.ELOOP
	}
	if ml, ok := next.n.(magicLink); ok {
		return ml.follow(w.ctx)
	}
	target, err := next.n.readlink(w.ctx)
	if err != 0 {
		return Loc{}, err
	}
	// walk follows the target's own last component.
	return w.walk(dir, target, true)
}

// walkParent resolves all but the last component of path and returns the
// directory, the last name ("" for the root, or "." and ".." as given) and
// whether the path ended in a slash.
func (w *walker) walkParent(at Loc, path string) (Loc, string, bool, posix.Errno) {
	if err := checkPath(path); err != 0 {
		return Loc{}, "", false, err
	}
	p := strings.TrimRight(path, "/")
	slash := len(p) < len(path)
	if p == "" {
		return w.fs.Root(), "", slash, 0
	}
	dir := w.start(at)
	name := p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		name = p[i+1:]
		var err posix.Errno
		if dir, err = w.walk(dir, p[:i+1], true); err != 0 {
			return Loc{}, "", false, err
		}
	}
	if len(name) > nameMax {
		return Loc{}, "", false, posix.ENAMETOOLONG
	}
	if err := w.searchable(dir); err != 0 {
		return Loc{}, "", false, err
	}
	return dir, name, slash, 0
}

// resolve resolves path from at (the zero Loc: the cwd).
func (w *walker) resolve(at Loc, path string, follow bool) (Loc, posix.Errno) {
	if err := checkPath(path); err != 0 {
		return Loc{}, err
	}
	return w.walk(w.start(at), path, follow)
}
