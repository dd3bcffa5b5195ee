package vfs

import (
	"errors"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// hostFS is a host directory reached only through os.Root: every host call
// takes a path relative to the root, so no path, ".." or symlink (even one
// swapped in between a check and a use) reaches outside it. The resolver
// walks the components itself, so a symlink inside the directory is
// followed in the cage's namespace, never the host's.
type hostFS struct {
	// All fields are immutable.
	root     *os.Root
	readOnly bool
	dev      uint64
	clock    func() time.Time
	// uid and gid are the cage's ids the host's own files appear owned by;
	// hostUID and hostGID are the host process's.
	uid, gid         int
	hostUID, hostGID int

	// fifosMu guards fifos: the in-kernel pipe of each FIFO of the
	// directory that a cage has opened, by the host file's identity, so
	// that every open of one FIFO meets in one pipe.
	fifosMu sync.Mutex
	fifos   map[any]*pipes.Pipe
}

func newHostFS(dir string, readOnly bool, dev uint64, opts Options) (*hostFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &hostFS{root: r, readOnly: readOnly, dev: dev, clock: opts.Clock,
		uid: opts.UID, gid: opts.GID, hostUID: os.Getuid(), hostGID: os.Getgid()}, nil
}

// rootNode returns the host directory itself.
func (h *hostFS) rootNode() node { return &hostNode{h: h, rel: "."} }

// hostNode is a file of a host directory, by its path relative to the
// directory. Immutable.
type hostNode struct {
	h   *hostFS
	rel string
}

// join returns the relative path of name in directory rel.
func join(rel, name string) string {
	if rel == "." {
		return name
	}
	return rel + "/" + name
}

// hostErrno maps a host error to a Linux errno.
func hostErrno(err error) posix.Errno {
	if err == nil {
		return 0
	}
	if e, ok := sysErrno(err); ok {
		return e
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return posix.ENOENT
	case errors.Is(err, fs.ErrExist):
		return posix.EEXIST
	case errors.Is(err, fs.ErrPermission):
		return posix.EACCES
	case errors.Is(err, fs.ErrInvalid):
		return posix.EINVAL
	case strings.Contains(err.Error(), "escapes"):
		// os.Root refused a path leaving the directory (a symlink swapped
		// in): openat2's RESOLVE_BENEATH answers EXDEV.
		return posix.EXDEV
	}
	return posix.EIO
}

// key implements node.
func (n *hostNode) key() any { return n.rel }

// fileMode converts permission bits to an os.FileMode.
func fileMode(perm uint32) os.FileMode {
	m := os.FileMode(perm & 0o777)
	if perm&posix.S_ISUID != 0 {
		m |= os.ModeSetuid
	}
	if perm&posix.S_ISGID != 0 {
		m |= os.ModeSetgid
	}
	if perm&posix.S_ISVTX != 0 {
		m |= os.ModeSticky
	}
	return m
}

// statInfo converts a host FileInfo to a Stat.
func (h *hostFS) statInfo(rel string, fi os.FileInfo) posix.Stat {
	m := fi.Mode()
	st := posix.Stat{Dev: h.dev, Nlink: 1, Uid: uint32(h.uid), Gid: uint32(h.gid), Blksize: 4096, Size: fi.Size()}
	switch {
	case m&os.ModeDir != 0:
		st.Mode = posix.S_IFDIR
	case m&os.ModeSymlink != 0:
		st.Mode = posix.S_IFLNK
	case m&os.ModeNamedPipe != 0:
		st.Mode = posix.S_IFIFO
	case m&os.ModeCharDevice != 0:
		st.Mode = posix.S_IFCHR
	case m&os.ModeDevice != 0:
		st.Mode = posix.S_IFBLK
	case m&os.ModeSocket != 0:
		st.Mode = posix.S_IFSOCK
	default:
		st.Mode = posix.S_IFREG
	}
	st.Mode |= uint32(m.Perm())
	if m&os.ModeSetuid != 0 {
		st.Mode |= posix.S_ISUID
	}
	if m&os.ModeSetgid != 0 {
		st.Mode |= posix.S_ISGID
	}
	if m&os.ModeSticky != 0 {
		st.Mode |= posix.S_ISVTX
	}
	t := timespec(fi.ModTime())
	st.Atim, st.Mtim, st.Ctim = t, t, t
	st.Blocks = (st.Size + 511) / 512
	hs := fnv.New64a()
	hs.Write([]byte(rel))
	st.Ino = hs.Sum64()
	sysStat(&st, fi, h)
	return st
}

// stat implements node.
func (n *hostNode) stat() (posix.Stat, posix.Errno) {
	fi, err := n.h.root.Lstat(n.rel)
	if err != nil {
		return posix.Stat{}, hostErrno(err)
	}
	return n.h.statInfo(n.rel, fi), 0
}

// lookup implements node.
func (n *hostNode) lookup(_ *Ctx, name string) (node, posix.Errno) {
	if name == ".." {
		return &hostNode{n.h, path.Dir(n.rel)}, 0
	}
	c := &hostNode{n.h, join(n.rel, name)}
	if _, err := n.h.root.Lstat(c.rel); err != nil {
		return nil, hostErrno(err)
	}
	return c, 0
}

// readlink implements node.
func (n *hostNode) readlink(*Ctx) (string, posix.Errno) {
	fi, err := n.h.root.Lstat(n.rel)
	if err != nil {
		return "", hostErrno(err)
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return "", posix.EINVAL
	}
	t, err := n.h.root.Readlink(n.rel)
	return t, hostErrno(err)
}

// create implements node. A FIFO is made with mknodat in the directory
// opened through os.Root, by a name of one component: it cannot land
// outside the directory.
func (n *hostNode) create(_ Cred, name string, mode uint32, target string) (node, posix.Errno) {
	if n.h.readOnly {
		return nil, posix.EROFS
	}
	rel := join(n.rel, name)
	r := n.h.root
	perm := mode & 0o7777
	var err error
	switch mode & posix.S_IFMT {
	case posix.S_IFREG:
		var f *os.File
		if f, err = r.OpenFile(rel, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fileMode(perm)); err == nil {
			f.Close()
			err = r.Chmod(rel, fileMode(perm))
		}
	case posix.S_IFDIR:
		if err = r.Mkdir(rel, fileMode(perm)); err == nil {
			err = r.Chmod(rel, fileMode(perm))
		}
	case posix.S_IFLNK:
		err = r.Symlink(target, rel)
	case posix.S_IFIFO:
		var dir *os.File
		if dir, err = r.Open(n.rel); err == nil {
			err = mkfifoAt(dir, name, perm)
			dir.Close()
		}
		if err == nil {
			err = r.Chmod(rel, fileMode(perm)) // the host process's umask must not apply
		}
	default:
		return nil, posix.EPERM
	}
	if err != nil {
		return nil, hostErrno(err)
	}
	return &hostNode{n.h, rel}, 0
}

// link implements node.
func (n *hostNode) link(name string, target node) posix.Errno {
	t, ok := target.(*hostNode)
	if !ok || t.h != n.h {
		return posix.EXDEV
	}
	if n.h.readOnly {
		return posix.EROFS
	}
	return hostErrno(n.h.root.Link(t.rel, join(n.rel, name)))
}

// remove implements node.
func (n *hostNode) remove(name string, dir bool) posix.Errno {
	if n.h.readOnly {
		return posix.EROFS
	}
	rel := join(n.rel, name)
	fi, err := n.h.root.Lstat(rel)
	if err != nil {
		return hostErrno(err)
	}
	if dir && !fi.IsDir() {
		return posix.ENOTDIR
	}
	if !dir && fi.IsDir() {
		return posix.EISDIR
	}
	return hostErrno(n.h.root.Remove(rel))
}

// rename implements node (RENAME_EXCHANGE: EINVAL).
func (n *hostNode) rename(_ Cred, name string, newDir node, newName string, flags int) posix.Errno {
	nd, ok := newDir.(*hostNode)
	if !ok || nd.h != n.h {
		return posix.EXDEV
	}
	if n.h.readOnly {
		return posix.EROFS
	}
	if flags&RENAME_EXCHANGE != 0 {
		return posix.EINVAL
	}
	oldRel, newRel := join(n.rel, name), join(nd.rel, newName)
	ofi, err := n.h.root.Lstat(oldRel)
	if err != nil {
		return hostErrno(err)
	}
	if nfi, err := n.h.root.Lstat(newRel); err == nil {
		if flags&RENAME_NOREPLACE != 0 {
			return posix.EEXIST
		}
		if os.SameFile(ofi, nfi) {
			return 0
		}
		switch {
		case ofi.IsDir() && !nfi.IsDir():
			return posix.ENOTDIR
		case !ofi.IsDir() && nfi.IsDir():
			return posix.EISDIR
		}
	}
	if ofi.IsDir() && (newRel == oldRel || strings.HasPrefix(newRel, oldRel+"/")) {
		return posix.EINVAL
	}
	return hostErrno(n.h.root.Rename(oldRel, newRel))
}

// setattr implements node.
func (n *hostNode) setattr(a *attrs) posix.Errno {
	h := n.h
	if h.readOnly {
		return posix.EROFS
	}
	if a.setSize {
		f, err := h.root.OpenFile(n.rel, os.O_WRONLY, 0)
		if err != nil {
			return hostErrno(err)
		}
		err = f.Truncate(a.size)
		f.Close()
		if err != nil {
			return hostErrno(err)
		}
	}
	if a.setMode {
		if err := h.root.Chmod(n.rel, fileMode(a.mode)); err != nil {
			return hostErrno(err)
		}
	}
	if a.setUID || a.setGID {
		uid, gid := -1, -1
		if a.setUID {
			uid = a.uid
			if uid == h.uid {
				uid = h.hostUID
			}
		}
		if a.setGID {
			gid = a.gid
			if gid == h.gid {
				gid = h.hostGID
			}
		}
		if err := h.root.Lchown(n.rel, uid, gid); err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return hostErrno(err)
		}
	}
	if a.setAtime || a.setMtime {
		fi, err := h.root.Lstat(n.rel)
		if err != nil {
			return hostErrno(err)
		}
		at, mt := fi.ModTime(), fi.ModTime()
		if a.setAtime {
			at = time.Unix(a.atime.Sec, a.atime.Nsec)
		}
		if a.setMtime {
			mt = time.Unix(a.mtime.Sec, a.mtime.Nsec)
		}
		if err := h.root.Chtimes(n.rel, at, mt); err != nil {
			return hostErrno(err)
		}
	}
	return 0
}

// open implements node: regular files and directories only.
func (n *hostNode) open(ctx *Ctx, loc Loc, flags int) (*fdtable.Description, posix.Errno) {
	fi, err := n.h.root.Lstat(n.rel)
	if err != nil {
		return nil, hostErrno(err)
	}
	if fi.IsDir() {
		return fdtable.NewDescription(&dirFile{loc: loc}, flags), 0
	}
	if fi.Mode()&os.ModeNamedPipe != 0 {
		// Never opened on the host (that would block the host's thread):
		// cages meet in the kernel's pipe of this FIFO, as in memory.
		t := ctx.Task
		if t == nil {
			t = fdtable.HostTask{}
		}
		pd, e := n.h.fifo(n.rel, fi).OpenFIFO(t, flags&^(posix.O_LARGEFILE|posix.O_DIRECTORY|posix.O_NOFOLLOW))
		if e != 0 {
			return nil, e
		}
		return fdtable.NewDescription(&fifoFile{File: pd.File(), loc: loc}, flags), 0
	}
	if !fi.Mode().IsRegular() {
		return nil, posix.ENXIO
	}
	of := os.O_RDONLY
	switch flags & posix.O_ACCMODE {
	case posix.O_WRONLY:
		of = os.O_WRONLY
	case posix.O_RDWR:
		of = os.O_RDWR
	}
	if of != os.O_RDONLY && n.h.readOnly {
		return nil, posix.EROFS
	}
	f, err := n.h.root.OpenFile(n.rel, of, 0)
	if err != nil {
		return nil, hostErrno(err)
	}
	return fdtable.NewDescription(&hostFile{loc: loc, f: f, h: n.h, rel: n.rel}, flags), 0
}

// fifo returns the kernel's pipe of the host FIFO at rel, found by its
// identity (device and inode where the host has them, else its path).
func (h *hostFS) fifo(rel string, fi os.FileInfo) *pipes.Pipe {
	id := fileID(rel, fi)
	h.fifosMu.Lock()
	defer h.fifosMu.Unlock()
	p := h.fifos[id]
	if p == nil {
		if h.fifos == nil {
			h.fifos = map[any]*pipes.Pipe{}
		}
		p = pipes.New()
		h.fifos[id] = p
	}
	return p
}

// list implements node.
func (n *hostNode) list(*Ctx) ([]dirent, posix.Errno) {
	st, err := n.stat()
	if err != 0 {
		return nil, err
	}
	f, e := n.h.root.Open(n.rel)
	if e != nil {
		return nil, hostErrno(e)
	}
	defer f.Close()
	des, e := f.ReadDir(-1)
	if e != nil {
		return nil, hostErrno(e)
	}
	ents := []dirent{{".", st.Ino, DT_DIR}, {"..", st.Ino, DT_DIR}}
	for _, de := range des {
		e := dirent{name: de.Name()}
		if fi, err := de.Info(); err == nil {
			cst := n.h.statInfo(join(n.rel, de.Name()), fi)
			e.ino, e.typ = cst.Ino, dtype(cst.Mode)
		}
		ents = append(ents, e)
	}
	return ents, 0
}

// hostFile is an open regular file of a host directory. The offset is the
// description's; O_APPEND writes are made at the size under mu.
type hostFile struct {
	fdtable.NoFile
	// All fields but mu are immutable.
	loc Loc
	f   *os.File
	h   *hostFS
	rel string
	// mu makes an append's size check and write one step.
	mu sync.Mutex
}

func (f *hostFile) size() int64 {
	fi, err := f.f.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readAt reads at off, turning io.EOF into a short count.
func (f *hostFile) readAt(p []byte, off int64) (int, posix.Errno) {
	n, err := f.f.ReadAt(p, off)
	if err != nil && err != io.EOF {
		return n, hostErrno(err)
	}
	return n, 0
}

// writeAt writes at off, or at the end with O_APPEND, and returns where
// the write ended.
func (f *hostFile) writeAt(d *fdtable.Description, p []byte, off int64) (int, int64, posix.Errno) {
	if d.Flags()&posix.O_APPEND != 0 {
		f.mu.Lock()
		defer f.mu.Unlock()
		off = f.size()
	}
	n, err := f.f.WriteAt(p, off)
	return n, off + int64(n), hostErrno(err)
}

// Read implements read(2).
func (f *hostFile) Read(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	off := d.LockOffset()
	n, err := f.readAt(p, off)
	d.UnlockOffset(off + int64(n))
	return n, err
}

// Readv implements readv(2).
func (f *hostFile) Readv(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	return fdtable.Vectored(t, d, iov, f.Read)
}

// Write implements write(2).
func (f *hostFile) Write(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	off := d.LockOffset()
	n, end, err := f.writeAt(d, p, off)
	if n > 0 {
		off = end
	}
	d.UnlockOffset(off)
	return n, err
}

// Writev implements writev(2) as one write.
func (f *hostFile) Writev(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	var all []byte
	for _, b := range iov {
		all = append(all, b...)
	}
	return f.Write(t, d, all)
}

// Pread implements pread64(2).
func (f *hostFile) Pread(_ fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	if off < 0 {
		return 0, posix.EINVAL
	}
	return f.readAt(p, off)
}

// Pwrite implements pwrite64(2) (appending with O_APPEND, as Linux).
func (f *hostFile) Pwrite(_ fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	if off < 0 {
		return 0, posix.EINVAL
	}
	n, _, err := f.writeAt(d, p, off)
	return n, err
}

// Seek implements lseek(2).
func (f *hostFile) Seek(d *fdtable.Description, off int64, whence int) (int64, posix.Errno) {
	return seekFile(d, off, whence, f.size())
}

// Ioctl implements FIONREAD.
func (f *hostFile) Ioctl(_ fdtable.Task, d *fdtable.Description, req uint64, arg *int64) posix.Errno {
	if req != posix.FIONREAD {
		return posix.ENOTTY
	}
	*arg = max(0, f.size()-d.Offset())
	return 0
}

// Stat implements fstat(2) on the open file (it may have been renamed).
func (f *hostFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) {
	fi, err := f.f.Stat()
	if err != nil {
		return posix.Stat{}, hostErrno(err)
	}
	return f.h.statInfo(f.rel, fi), 0
}

// Release closes the host file.
func (f *hostFile) Release(*fdtable.Description) { f.f.Close() }

// truncate implements ftruncate(2).
func (f *hostFile) truncate(size int64) posix.Errno { return hostErrno(f.f.Truncate(size)) }

// sync implements fsync(2).
func (f *hostFile) sync() posix.Errno { return hostErrno(f.f.Sync()) }
