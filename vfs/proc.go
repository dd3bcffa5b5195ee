package vfs

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// procKind says what a /proc file is.
type procKind int

const (
	procRoot     procKind = iota // /proc
	procSelfLink                 // /proc/self, a symlink to the pid
	procPidDir                   // /proc/<pid>
	procFdDir                    // /proc/<pid>/fd
	procFdLink                   // /proc/<pid>/fd/N, a magic link
	procStatus                   // /proc/<pid>/status
	procCmdline                  // /proc/<pid>/cmdline
	procComm                     // /proc/<pid>/comm
	procAnon                     // what a magic link to a pipe or a host stream leads to
)

// procNode is a file of /proc, synthesized for the calling cage when it is
// looked up. Immutable.
type procNode struct {
	m    *mount
	kind procKind
	path string
	// pv, cred and umask are the cage the node was looked up by.
	pv    ProcView
	cred  Cred
	umask int
	// fd is the descriptor of a procFdLink.
	fd int
	// d is the description a procAnon stands for (no reference held).
	d *fdtable.Description
}

// procKey identifies a /proc file.
type procKey struct {
	kind procKind
	path string
}

// key implements node.
func (p *procNode) key() any { return procKey{p.kind, p.path} }

// child returns a node of kind below p.
func (p *procNode) child(kind procKind, name string) *procNode {
	c := *p
	c.kind, c.path = kind, p.path+"/"+name
	return &c
}

// stat implements node.
func (p *procNode) stat() (posix.Stat, posix.Errno) {
	if p.kind == procAnon {
		// A pipe or a host stream is owned by the cage's user, as Linux's
		// pipefs inode is owned by the pipe's creator.
		st, err := p.d.File().Stat(p.d)
		st.Uid, st.Gid = uint32(p.cred.UID), uint32(p.cred.GID)
		return st, err
	}
	h := fnv.New64a()
	h.Write([]byte(p.path))
	now := timespec(p.m.fs.opts.Clock())
	st := posix.Stat{Dev: p.m.dev, Ino: h.Sum64() & (1<<32 - 1), Nlink: 1, Blksize: 1024,
		Uid: uint32(p.cred.UID), Gid: uint32(p.cred.GID), Atim: now, Mtim: now, Ctim: now}
	switch p.kind {
	case procRoot, procPidDir:
		st.Mode, st.Nlink = posix.S_IFDIR|0o555, 2
	case procFdDir:
		st.Mode, st.Nlink = posix.S_IFDIR|0o500, 2
	case procSelfLink:
		st.Mode = posix.S_IFLNK | 0o777
	case procFdLink:
		// As tid_fd_update_inode: r-x for a readable description, -wx
		// for a writable one; the size is 64, as proc_fd_link's inode.
		st.Mode, st.Size = posix.S_IFLNK|0o700, 64
		if d, err := p.pv.Fd(p.fd); err == 0 {
			st.Mode = posix.S_IFLNK
			switch d.Flags() & posix.O_ACCMODE {
			case posix.O_RDONLY:
				st.Mode |= 0o500
			case posix.O_WRONLY:
				st.Mode |= 0o300
			case posix.O_RDWR:
				st.Mode |= 0o700
			}
			d.DecRef()
		}
	default:
		st.Mode = posix.S_IFREG | 0o444
	}
	if p.kind == procRoot {
		st.Uid, st.Gid = 0, 0
	}
	return st, 0
}

// fdNumber parses a /proc/<pid>/fd entry name as Linux's name_to_int.
func fdNumber(name string) (int, bool) {
	if name == "" || len(name) > 1 && name[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(name)
	if err != nil || n < 0 || name[0] == '+' {
		return 0, false
	}
	return n, true
}

// lookup implements node.
func (p *procNode) lookup(ctx *Ctx, name string) (node, posix.Errno) {
	switch p.kind {
	case procRoot:
		if ctx == nil || ctx.Proc == nil {
			return nil, posix.ENOENT
		}
		c := &procNode{m: p.m, pv: ctx.Proc, cred: ctx.Cred, umask: ctx.Umask}
		pid := strconv.Itoa(ctx.Proc.Pid())
		switch name {
		case "..":
			return p, 0
		case "self":
			c.kind, c.path = procSelfLink, "/proc/self"
			return c, 0
		case pid:
			c.kind, c.path = procPidDir, "/proc/"+pid
			return c, 0
		}
		// Another cage: every process of the same user shows in /proc.
		if n, ok := fdNumber(name); ok {
			if pv, ok := ctx.Proc.Lookup(n); ok {
				c.pv, c.umask = pv, pv.Umask()
				c.kind, c.path = procPidDir, "/proc/"+name
				return c, 0
			}
		}
	case procPidDir:
		switch name {
		case "..":
			return p.m.root, 0
		case "fd":
			return p.child(procFdDir, name), 0
		case "status":
			return p.child(procStatus, name), 0
		case "cmdline":
			return p.child(procCmdline, name), 0
		case "comm":
			return p.child(procComm, name), 0
		}
	case procFdDir:
		if name == ".." {
			c := *p
			c.kind, c.path = procPidDir, strings.TrimSuffix(p.path, "/fd")
			return &c, 0
		}
		fd, ok := fdNumber(name)
		if !ok {
			return nil, posix.ENOENT
		}
		d, err := p.pv.Fd(fd)
		if err != 0 {
			return nil, posix.ENOENT
		}
		d.DecRef()
		c := p.child(procFdLink, name)
		c.fd = fd
		return c, 0
	default:
		return nil, posix.ENOTDIR
	}
	return nil, posix.ENOENT
}

// readlink implements node: /proc/self is the pid, /proc/self/fd/N the
// path of the file, "pipe:[ino]" for a pipe.
func (p *procNode) readlink(*Ctx) (string, posix.Errno) {
	switch p.kind {
	case procSelfLink:
		return strconv.Itoa(p.pv.Pid()), 0
	case procFdLink:
		d, err := p.pv.Fd(p.fd)
		if err != 0 {
			return "", posix.ENOENT
		}
		defer d.DecRef()
		if loc, ok := LocOf(d); ok {
			path, alive := p.m.fs.pathOf(loc)
			if !alive {
				path += " (deleted)"
			}
			return path, 0
		}
		if pp, ok := pipes.FromFile(d.File()); ok {
			return fmt.Sprintf("pipe:[%d]", pp.Ino()), 0
		}
		return "anon_inode:[gocage]", 0
	}
	return "", posix.EINVAL
}

// follow implements magicLink: /proc/self/fd/N leads to the file itself.
func (p *procNode) follow(ctx *Ctx) (Loc, posix.Errno) {
	if p.kind != procFdLink {
		// /proc/self: an ordinary symlink to the pid directory.
		c := &procNode{m: p.m, kind: procPidDir, path: "/proc/" + strconv.Itoa(p.pv.Pid()), pv: p.pv, cred: p.cred, umask: p.umask}
		return Loc{p.m, c}, 0
	}
	d, err := p.pv.Fd(p.fd)
	if err != 0 {
		return Loc{}, posix.ENOENT
	}
	defer d.DecRef()
	if loc, ok := LocOf(d); ok {
		return loc, 0
	}
	c := *p
	c.kind, c.d = procAnon, d
	return Loc{p.m, &c}, 0
}

// create implements node: /proc is read-only to everyone.
func (p *procNode) create(Cred, string, uint32, string) (node, posix.Errno) {
	return nil, posix.EACCES
}

// link implements node.
func (p *procNode) link(string, node) posix.Errno { return posix.EXDEV }

// remove implements node.
func (p *procNode) remove(string, bool) posix.Errno { return posix.EACCES }

// rename implements node.
func (p *procNode) rename(Cred, string, node, string, int) posix.Errno { return posix.EXDEV }

// setattr implements node.
func (p *procNode) setattr(*attrs) posix.Errno { return posix.EPERM }

// content returns a /proc file's text.
func (p *procNode) content() []byte {
	pv := p.pv
	switch p.kind {
	case procStatus:
		var b strings.Builder
		fmt.Fprintf(&b, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
			pv.Name(), p.umask, pv.Pid(), pv.Pid(), pv.Ppid())
		fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nFDSize:\t64\nGroups:\t%d \nThreads:\t1\n",
			p.cred.UID, p.cred.UID, p.cred.UID, p.cred.UID, p.cred.GID, p.cred.GID, p.cred.GID, p.cred.GID, p.cred.GID)
		return []byte(b.String())
	case procCmdline:
		var b []byte
		for _, a := range pv.Args() {
			b = append(append(b, a...), 0)
		}
		return b
	case procComm:
		name := pv.Name()
		if len(name) > 15 {
			name = name[:15]
		}
		return []byte(name + "\n")
	}
	return nil
}

// open implements node.
func (p *procNode) open(ctx *Ctx, loc Loc, flags int) (*fdtable.Description, posix.Errno) {
	switch p.kind {
	case procRoot, procPidDir, procFdDir:
		if p.kind == procRoot && ctx != nil && ctx.Proc != nil {
			// The listing of /proc is the opener's view of the cages.
			c := *p
			c.pv = ctx.Proc
			loc = Loc{loc.m, &c}
		}
		return fdtable.NewDescription(&dirFile{loc: loc}, flags), 0
	case procAnon:
		if pp, ok := pipes.FromFile(p.d.File()); ok {
			t := ctx.Task
			if t == nil {
				t = fdtable.HostTask{}
			}
			return pp.Reopen(t, flags&posix.O_ACCMODE|flags&posix.O_NONBLOCK)
		}
		if !p.d.TryIncRef() {
			return nil, posix.ENOENT
		}
		return p.d, 0
	case procSelfLink, procFdLink:
		return nil, posix.ELOOP
	}
	if flags&posix.O_ACCMODE != posix.O_RDONLY {
		return nil, posix.EACCES
	}
	return fdtable.NewDescription(&procFile{loc: loc, data: p.content()}, flags), 0
}

// list implements node.
func (p *procNode) list(ctx *Ctx) ([]dirent, posix.Errno) {
	st, _ := p.stat()
	ents := []dirent{{".", st.Ino, DT_DIR}, {"..", st.Ino, DT_DIR}}
	add := func(name string, typ uint8) {
		c := p.child(procStatus, name)
		cst, _ := c.stat()
		ents = append(ents, dirent{name, cst.Ino, typ})
	}
	switch p.kind {
	case procRoot:
		add("self", DT_LNK)
		pv := p.pv
		if pv == nil && ctx != nil {
			pv = ctx.Proc
		}
		if pv != nil {
			for _, pid := range pv.Pids() {
				add(strconv.Itoa(pid), DT_DIR)
			}
		}
	case procPidDir:
		add("fd", DT_DIR)
		add("status", DT_REG)
		add("cmdline", DT_REG)
		add("comm", DT_REG)
	case procFdDir:
		for _, fd := range p.pv.Fds() {
			add(strconv.Itoa(fd), DT_LNK)
		}
	default:
		return nil, posix.ENOTDIR
	}
	return ents, 0
}

// procFile is an open /proc text file: its content as of the open.
type procFile struct {
	fdtable.NoFile
	// loc is the file and data its content. Immutable.
	loc  Loc
	data []byte
}

// Read implements read(2).
func (f *procFile) Read(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	off := d.LockOffset()
	n := 0
	if off < int64(len(f.data)) {
		n = copy(p, f.data[off:])
	}
	d.UnlockOffset(off + int64(n))
	return n, 0
}

// Readv implements readv(2).
func (f *procFile) Readv(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	return fdtable.Vectored(t, d, iov, f.Read)
}

// Pread implements pread64(2).
func (f *procFile) Pread(_ fdtable.Task, _ *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if off < 0 {
		return 0, posix.EINVAL
	}
	if off >= int64(len(f.data)) {
		return 0, 0
	}
	return copy(p, f.data[off:]), 0
}

// Write fails with EBADF (never open for writing).
func (f *procFile) Write(fdtable.Task, *fdtable.Description, []byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Seek implements lseek(2).
func (f *procFile) Seek(d *fdtable.Description, off int64, whence int) (int64, posix.Errno) {
	return seekFile(d, off, whence, int64(len(f.data)))
}

// Stat implements fstat(2).
func (f *procFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.loc.n.stat() }
