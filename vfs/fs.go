package vfs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// Filesystem magic numbers of statfs(2).f_type.
const (
	tmpfsMagic = 0x01021994
	procMagic  = 0x9fa0
	fuseMagic  = 0x65735546 // host directories: a user-space filesystem
)

// mount is one mounted filesystem and where it is mounted. Immutable.
type mount struct {
	// fs is the namespace the mount belongs to.
	fs   *FS
	root node
	// parent is the mount holding the mountpoint, nil for the root.
	parent *mount
	// parentDir is the directory of parent holding the mountpoint.
	parentDir node
	// path is the mountpoint's absolute path.
	path     string
	readOnly bool
	// magic is statfs's f_type; mem is the in-memory filesystem, if it is
	// one (for statfs's counts and Install).
	magic int64
	mem   *memFS
	dev   uint64
}

// FS is a filesystem namespace: the in-memory root and its mounts. Safe for
// concurrent use.
type FS struct {
	// opts are the options, defaults filled in. Immutable.
	opts Options
	// root is the root mount. Immutable.
	root *mount

	// mu guards mounts.
	mu sync.RWMutex
	// mounts maps a mountpoint to the mount covering it. Protected by mu.
	mounts map[mountKey]*mount
	// nmounts is len(mounts), read without mu to skip the map.
	nmounts atomic.Int32
	// mountNames holds the last component of every mountpoint, read
	// without mu: a path component not among them cannot be a mountpoint,
	// so resolution skips the mount table for it (as Linux looks at
	// d_mountpoint before __lookup_mnt). Replaced under mu.
	mountNames atomic.Pointer[[]string]
	// nextDev numbers the filesystems' st_dev.
	nextDev atomic.Uint64
}

// withDefaults fills in the zero fields of opts.
func withDefaults(opts Options) Options {
	if opts.SizeLimit <= 0 {
		opts.SizeLimit = 1 << 30
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Hostname == "" {
		opts.Hostname = "gocage"
	}
	if opts.UID == 0 {
		opts.UID = 1000
	}
	if opts.GID == 0 {
		opts.GID = 1000
	}
	return opts
}

// newDev returns a new st_dev value: major 0 and a fresh minor, as Linux
// gives anonymous filesystems (tmpfs, proc).
func (fs *FS) newDev() uint64 { return 0x20 + fs.nextDev.Add(1) }

// New returns a filesystem whose root is an in-memory tree holding the
// default tree (/bin, /dev, /tmp, /proc, /etc).
func New(opts Options) *FS {
	opts = withDefaults(opts)
	fs := &FS{opts: opts, mounts: map[mountKey]*mount{}}
	mem := newMemFS(fs.newDev(), opts, 0, 0)
	fs.root = &mount{fs: fs, root: mem.root, path: "/", magic: tmpfsMagic, mem: mem, dev: mem.dev}
	root := fs.rootCtx()
	for _, d := range []struct {
		path string
		mode uint32
	}{{"/bin", 0o755}, {"/dev", 0o755}, {"/tmp", 0o1777}, {"/proc", 0o555}, {"/etc", 0o755},
		{"/home", 0o755}, {"/root", 0o700}, {"/usr", 0o755}, {"/usr/bin", 0o755}} {
		fs.Mkdir(root, Loc{}, d.path, d.mode)
	}
	home := "/home/user"
	fs.Mkdir(root, Loc{}, home, 0o755)
	fs.Chown(root, Loc{}, home, opts.UID, opts.GID, 0)
	fs.Chmod(root, Loc{}, "/tmp", 0o1777, 0)
	if dev, err := mem.root.lookup(root, "dev"); err == 0 {
		fs.populateDev(dev.(*inode))
	}
	fs.mountProc(fs.Root(), "proc")
	fs.populateEtc()
	return fs
}

// rootCtx is the context of the host API: root, in the root directory.
func (fs *FS) rootCtx() *Ctx { return &Ctx{Cwd: fs.Root()} }

// populateDev fills directory d with the device files and the /dev/fd
// links.
func (fs *FS) populateDev(d *inode) {
	for _, dv := range []struct {
		name  string
		kind  devKind
		minor uint64
	}{{"null", devNull, 3}, {"zero", devZero, 5}, {"full", devFull, 7}, {"random", devRandom, 8}, {"urandom", devRandom, 9}} {
		n := d.fs.newInode(posix.S_IFCHR, 0o666, 0, 0)
		n.dev, n.rdev = dv.kind, 1<<8|dv.minor
		d.fs.mu.Lock()
		if _, exists := d.dir.ents[dv.name]; !exists {
			d.addLocked(dv.name, n)
		}
		d.fs.mu.Unlock()
	}
	for _, l := range [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}} {
		d.create(Cred{}, l[0], posix.S_IFLNK, l[1])
	}
	d.create(Cred{}, "shm", posix.S_IFDIR|0o1777, "")
}

// populateEtc writes /etc's stubs: the user and group databases, the
// hostname, hosts and the name-service switch (files only).
func (fs *FS) populateEtc() {
	o := fs.opts
	fs.WriteFile("/etc/passwd", fmt.Appendf(nil,
		"root:x:0:0:root:/root:/bin/sh\nuser:x:%d:%d:user:/home/user:/bin/sh\n", o.UID, o.GID), 0o644)
	fs.WriteFile("/etc/group", fmt.Appendf(nil, "root:x:0:\nuser:x:%d:\n", o.GID), 0o644)
	fs.WriteFile("/etc/hostname", []byte(o.Hostname+"\n"), 0o644)
	fs.WriteFile("/etc/hosts", fmt.Appendf(nil, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n", o.Hostname), 0o644)
	fs.WriteFile("/etc/nsswitch.conf", []byte("passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n"), 0o644)
}

// addMount mounts m at the entry name of dir.
func (fs *FS) addMount(dir Loc, name string, m *mount) {
	m.fs, m.parent, m.parentDir = fs, dir.m, dir.n
	fs.mu.Lock()
	fs.mounts[mountKey{dir.m, dir.n.key(), name}] = m
	fs.nmounts.Store(int32(len(fs.mounts)))
	names := []string{name}
	if old := fs.mountNames.Load(); old != nil {
		names = append(names, *old...)
	}
	fs.mountNames.Store(&names)
	fs.mu.Unlock()
}

// mountProc mounts a /proc at the entry name of dir.
func (fs *FS) mountProc(dir Loc, name string) {
	dev := fs.newDev()
	m := &mount{path: "/proc", magic: procMagic, dev: dev}
	m.root = &procNode{m: m, kind: procRoot, path: "/proc"}
	fs.addMount(dir, name, m)
}

// NewHostRoot returns a filesystem whose root is the host directory dir
// (read-only if readOnly), reached only through os.Root, with the special
// directories /dev and /proc mounted over it. Files made by Install live in
// an in-memory /bin mounted over the host's.
func NewHostRoot(dir string, readOnly bool, opts Options) (*FS, error) {
	opts = withDefaults(opts)
	fs := &FS{opts: opts, mounts: map[mountKey]*mount{}}
	h, err := newHostFS(dir, readOnly, fs.newDev(), opts)
	if err != nil {
		return nil, err
	}
	fs.root = &mount{fs: fs, root: h.rootNode(), path: "/", readOnly: readOnly, magic: fuseMagic, dev: h.dev}
	root := fs.Root()
	for _, name := range []string{"dev", "bin"} {
		mem := newMemFS(fs.newDev(), opts, 0, 0)
		fs.addMount(root, name, &mount{root: mem.root, path: "/" + name, magic: tmpfsMagic, mem: mem, dev: mem.dev})
	}
	devLoc, _ := fs.walker(fs.rootCtx()).child(root, "dev")
	fs.populateDev(devLoc.n.(*inode))
	fs.mountProc(root, "proc")
	return fs, nil
}

// Mount mounts host directory hostDir at guestPath (created if missing),
// read-only if readOnly. Everything below it is reached through os.Root.
func (fs *FS) Mount(guestPath, hostDir string, readOnly bool) error {
	if !path.IsAbs(guestPath) {
		return &os.PathError{Op: "mount", Path: guestPath, Err: posix.EINVAL}
	}
	guestPath = path.Clean(guestPath)
	if guestPath == "/" {
		return &os.PathError{Op: "mount", Path: guestPath, Err: posix.EBUSY}
	}
	if err := fs.MkdirAll(guestPath, 0o755); err != nil {
		return err
	}
	h, err := newHostFS(hostDir, readOnly, fs.newDev(), fs.opts)
	if err != nil {
		return err
	}
	ctx := fs.rootCtx()
	w := fs.walker(ctx)
	dir, name, _, e := w.walkParent(Loc{}, guestPath)
	if e != 0 {
		return &os.PathError{Op: "mount", Path: guestPath, Err: e}
	}
	fs.addMount(dir, name, &mount{root: h.rootNode(), path: guestPath, readOnly: readOnly, magic: fuseMagic, dev: h.dev})
	return nil
}

// Root returns the root directory.
func (fs *FS) Root() Loc { return Loc{fs.root, fs.root.root} }

// pathOf returns the absolute path of loc and whether the file still has
// a name there.
func (fs *FS) pathOf(loc Loc) (string, bool) {
	var rel string
	alive := true
	switch n := loc.n.(type) {
	case *inode:
		n.fs.mu.RLock()
		rel, alive = n.pathLocked()
		n.fs.mu.RUnlock()
	case *hostNode:
		rel = "/" + n.rel
		if n.rel == "." {
			rel = "/"
		}
		if _, err := n.stat(); err != 0 {
			alive = false
		}
	case *procNode:
		return n.path, true
	default:
		return "/", false
	}
	switch {
	case loc.m.path == "/":
		return rel, alive
	case rel == "/":
		return loc.m.path, alive
	}
	return loc.m.path + rel, alive
}

// Getcwd returns the absolute path of loc, as getcwd(2); ENOENT if it was
// removed.
func (fs *FS) Getcwd(loc Loc) (string, posix.Errno) {
	if loc.IsZero() {
		return "/", 0
	}
	p, alive := fs.pathOf(loc)
	if !alive {
		return "", posix.ENOENT
	}
	return p, 0
}

// pathErr wraps an errno for the host API.
func pathErr(op, p string, err posix.Errno) error {
	if err == 0 {
		return nil
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}

// WriteFile creates or truncates the file at path and writes data to it,
// as root; a new file gets mode. It is part of the host API, with ReadFile,
// MkdirAll, ReadDir and Remove: they act as root, outside any cage, on
// absolute paths.
func (fs *FS) WriteFile(p string, data []byte, mode uint32) error {
	d, err := fs.Open(fs.rootCtx(), Loc{}, p, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, mode)
	if err != 0 {
		return pathErr("open", p, err)
	}
	defer d.DecRef()
	n, err := d.File().Write(fdtable.HostTask{}, d, data)
	if err == 0 && n < len(data) {
		err = posix.ENOSPC
	}
	return pathErr("write", p, err)
}

// ReadFile returns the content of the file at path.
func (fs *FS) ReadFile(p string) ([]byte, error) {
	d, err := fs.Open(fs.rootCtx(), Loc{}, p, posix.O_RDONLY, 0)
	if err != 0 {
		return nil, pathErr("open", p, err)
	}
	defer d.DecRef()
	var out []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := d.File().Read(fdtable.HostTask{}, d, buf)
		out = append(out, buf[:n]...)
		if err != 0 {
			return out, pathErr("read", p, err)
		}
		if n == 0 {
			return out, nil
		}
	}
}

// MkdirAll creates a directory and its parents.
func (fs *FS) MkdirAll(p string, mode uint32) error {
	ctx := fs.rootCtx()
	if err := checkPath(p); err != 0 {
		return pathErr("mkdir", p, err)
	}
	parts := strings.Split(p, "/")
	cur := ""
	if strings.HasPrefix(p, "/") {
		cur = "/"
	}
	for _, part := range parts {
		if part == "" {
			continue
		}
		cur = path.Join(cur, part)
		err := fs.Mkdir(ctx, Loc{}, cur, mode)
		if err == posix.EEXIST {
			st, e := fs.Stat(ctx, Loc{}, cur, 0)
			if e != 0 {
				return pathErr("mkdir", cur, e)
			}
			if !isDir(st.Mode) {
				return pathErr("mkdir", cur, posix.ENOTDIR)
			}
			continue
		}
		if err != 0 {
			return pathErr("mkdir", cur, err)
		}
	}
	return nil
}

// ReadDir lists a directory, sorted by name, without "." and "..".
func (fs *FS) ReadDir(p string) ([]DirEntry, error) {
	ctx := fs.rootCtx()
	loc, err := fs.walker(ctx).resolve(Loc{}, p, true)
	if err != 0 {
		return nil, pathErr("open", p, err)
	}
	var out []DirEntry
	err = fs.forEntries(ctx, loc, func(e dirent) {
		if e.name == "." || e.name == ".." {
			return
		}
		mode := uint32(e.typ) << 12
		if c, err := fs.walker(ctx).child(loc, e.name); err == 0 {
			if st, err := c.n.stat(); err == 0 {
				mode = st.Mode
			}
		}
		out = append(out, DirEntry{Name: e.name, Mode: mode, Ino: e.ino})
	})
	if err != 0 {
		return nil, pathErr("readdir", p, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// forEntries calls fn for each entry of directory loc.
func (fs *FS) forEntries(ctx *Ctx, loc Loc, fn func(dirent)) posix.Errno {
	if n, ok := loc.n.(*inode); ok {
		return n.readdir(0, func(e dirent, _ int64) bool { fn(e); return true })
	}
	ents, err := loc.n.list(ctx)
	for _, e := range ents {
		fn(e)
	}
	return err
}

// Remove removes a file or an empty directory.
func (fs *FS) Remove(p string) error {
	ctx := fs.rootCtx()
	err := fs.Unlink(ctx, Loc{}, p, 0)
	if err == posix.EISDIR {
		err = fs.Unlink(ctx, Loc{}, p, posix.AT_REMOVEDIR)
	}
	return pathErr("remove", p, err)
}

// Install creates (or replaces) an executable file at path (mode 0755,
// parents created) whose content is the installed program prog: execve of
// the path returns ExecProgram with Program prog. The path must be on an
// in-memory filesystem (EXDEV otherwise).
func (fs *FS) Install(p string, prog any) error {
	if err := fs.MkdirAll(path.Dir(p), 0o755); err != nil {
		return err
	}
	ctx := fs.rootCtx()
	w := fs.walker(ctx)
	dir, name, _, err := w.walkParent(Loc{}, p)
	if err != 0 {
		return pathErr("install", p, err)
	}
	d, ok := dir.n.(*inode)
	if !ok || name == "" || name == "." || name == ".." {
		return pathErr("install", p, posix.EXDEV)
	}
	n := d.fs.newInode(posix.S_IFREG, 0o755, 0, 0)
	n.prog = prog
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if e, ok := d.dir.ents[name]; ok {
		if e.n.kind == posix.S_IFDIR {
			return pathErr("install", p, posix.EISDIR)
		}
		d.delLocked(name, true)
	}
	d.addLocked(name, n)
	return nil
}
