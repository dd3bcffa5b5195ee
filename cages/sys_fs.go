package cages

import (
	"bytes"
	"path"
	"slices"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// pathMax is PATH_MAX: a path of this many bytes or more, NUL included,
// is ENAMETOOLONG.
const pathMax = 4096

// vctx returns the filesystem context of a call made by c. It is the
// cage's own scratch record, filled afresh: a cage's calls never overlap
// (its program makes one at a time, a handler's only after the interrupted
// call returned), and the filesystem keeps nothing of a context after the
// call.
func (c *Cage) vctx() *vfs.Ctx { return c.fillCtx(&c.ctx) }

// fillCtx fills ctx as the cage's calls see the filesystem, and returns it.
func (c *Cage) fillCtx(ctx *vfs.Ctx) *vfs.Ctx {
	c.mu.Lock()
	*ctx = vfs.Ctx{
		Cred:  vfs.Cred{UID: c.k.cfg.UID, GID: c.k.cfg.GID},
		Umask: c.umask,
		Cwd:   c.cwd,
		Task:  c,
		Proc:  procView{c},
	}
	c.mu.Unlock()
	return ctx
}

// procView is a cage as /proc/self and /dev/fd see it.
type procView struct{ c *Cage }

func (v procView) Pid() int                                      { return v.c.pid }
func (v procView) Ppid() int                                     { return v.c.Ppid() }
func (v procView) Args() []string                                { return v.c.Args() }
func (v procView) Fds() []int                                    { return v.c.fds.Fds() }
func (v procView) Name() string                                  { return v.c.Name() }
func (v procView) Fd(fd int) (*fdtable.Description, posix.Errno) { return v.c.fds.Get(fd) }
func (v procView) Umask() int                                    { return v.c.Umask() }

// Lookup implements vfs.ProcView: any cage of the kernel, as every process
// of the same user shows in /proc.
func (v procView) Lookup(pid int) (vfs.ProcView, bool) {
	t, ok := v.c.k.cages.Load(pid)
	if !ok || t == nil {
		return nil, false
	}
	return procView{t}, true
}

// Pids implements vfs.ProcView.
func (v procView) Pids() []int {
	var pids []int
	v.c.k.cages.Range(func(pid int, t *Cage) bool {
		if t != nil {
			pids = append(pids, pid)
		}
		return true
	})
	slices.Sort(pids)
	return pids
}

// Name returns the program's name, as /proc/self/status and ps show it:
// what prctl(PR_SET_NAME) set, or else the last element of argv[0], at
// most 15 bytes (TASK_COMM_LEN).
func (c *Cage) Name() string {
	if n, ok := c.comm(); ok {
		return n
	}
	args := c.Args()
	if len(args) == 0 {
		return ""
	}
	n := path.Base(args[0])
	if len(n) > 15 {
		n = n[:15]
	}
	return n
}

// pathArg reads a path argument as the kernel's getname does: up to the
// first NUL; ENAMETOOLONG from PATH_MAX bytes on. An empty path is left to
// the call (ENOENT, or AT_EMPTY_PATH).
func pathArg(a *threei.Arg) (string, posix.Errno) {
	b := a.Buf
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) >= pathMax {
		return "", posix.ENAMETOOLONG
	}
	return string(b), 0
}

// atLoc resolves the dirfd of an *at call: AT_FDCWD (or an absolute path)
// means the working directory; otherwise the fd must be open (EBADF) and
// refer to a file of the filesystem (ENOTDIR).
func (c *Cage) atLoc(dirfd int, p string, flags int) (vfs.Loc, posix.Errno) {
	if dirfd == posix.AT_FDCWD || (p != "" && p[0] == '/') {
		return vfs.Loc{}, 0
	}
	d, err := c.fds.Get(dirfd)
	if err != 0 {
		return vfs.Loc{}, err
	}
	defer d.DecRef()
	loc, ok := vfs.LocOf(d)
	if !ok {
		if p == "" && flags&posix.AT_EMPTY_PATH != 0 {
			return vfs.Loc{}, posix.EBADF
		}
		return vfs.Loc{}, posix.ENOTDIR
	}
	return loc, 0
}

// pathAt decodes the (dirfd, path) pair at arguments i and i+1.
func (c *Cage) pathAt(call *threei.Call, i int, flags int) (vfs.Loc, string, posix.Errno) {
	p, err := pathArg(&call.Args[i+1])
	if err != 0 {
		return vfs.Loc{}, "", err
	}
	at, err := c.atLoc(call.Args[i].Int32(), p, flags)
	return at, p, err
}

// fdcwdPath decodes a path argument at i of a call without a dirfd.
func fdcwdPath(call *threei.Call, i int) (vfs.Loc, string, posix.Errno) {
	p, err := pathArg(&call.Args[i])
	return vfs.Loc{}, p, err
}

// result turns an errno into a call's answer.
func result(err posix.Errno) (int64, posix.Errno) {
	if err != 0 {
		return -1, err
	}
	return 0, 0
}

// openAt is the heart of open, openat and creat.
func (c *Cage) openAt(at vfs.Loc, p string, flags int, mode uint32) (int64, posix.Errno) {
	d, err := c.k.fs.Open(c.vctx(), at, p, flags, mode&0o7777)
	if err != 0 {
		return -1, err
	}
	fd, err := c.fds.Alloc(d, 0, flags&posix.O_CLOEXEC != 0)
	if err != 0 {
		d.DecRef()
		if err == posix.EINVAL {
			err = posix.EMFILE
		}
		return -1, err
	}
	return int64(fd), 0
}

// sysOpen implements open(2).
func sysOpen(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return c.openAt(at, p, call.Args[1].Int32(), uint32(call.Args[2].Val))
}

// sysOpenat implements openat(2).
func sysOpenat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return c.openAt(at, p, call.Args[2].Int32(), uint32(call.Args[3].Val))
}

// sysCreat implements creat(2): open with O_CREAT|O_WRONLY|O_TRUNC.
func sysCreat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return c.openAt(at, p, posix.O_CREAT|posix.O_WRONLY|posix.O_TRUNC, uint32(call.Args[1].Val))
}

// isPath reports whether d was opened with O_PATH: only fstat, close, dup,
// fcntl and use as a dirfd are allowed (EBADF otherwise).
func isPath(d *fdtable.Description) bool { return d.Flags()&posix.O_PATH != 0 }

// sysLseek implements lseek(2).
func sysLseek(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if isPath(d) {
		return -1, posix.EBADF
	}
	whence := call.Args[2].Int32()
	if whence < posix.SEEK_SET || whence > posix.SEEK_HOLE {
		return -1, posix.EINVAL
	}
	off, err := d.File().Seek(d, int64(call.Args[1].Val), whence)
	if err != 0 {
		return -1, err
	}
	return off, 0
}

// sysPread64 implements pread64(2): EINVAL for a negative offset (checked
// first, as ksys_pread64), EBADF, ESPIPE for a stream.
func sysPread64(call *threei.Call) (int64, posix.Errno) {
	return positioned(call, false)
}

// sysPwrite64 implements pwrite64(2), as pread64.
func sysPwrite64(call *threei.Call) (int64, posix.Errno) {
	return positioned(call, true)
}

// positioned is the heart of pread64 and pwrite64: (fd, buf, count,
// offset), in ksys_pread64's order of checks.
func positioned(call *threei.Call, write bool) (int64, posix.Errno) {
	c := cageOf(call)
	off := int64(call.Args[3].Val)
	if off < 0 {
		return -1, posix.EINVAL
	}
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	// A stream answers ESPIPE before the access mode is checked, as
	// ksys_pread64 tests FMODE_PREAD before vfs_read tests FMODE_READ.
	if _, ok := pipes.FromFile(d.File()); ok {
		return -1, posix.ESPIPE
	}
	if (write && !d.Writable()) || (!write && !d.Readable()) || isPath(d) {
		return -1, posix.EBADF
	}
	b, err := memBuf(&call.Args[1], call.Args[2].Val)
	if err != 0 {
		return -1, err
	}
	if write {
		n, err := d.File().Pwrite(c, d, b, off)
		return c.writeResult(n, err)
	}
	n, err := d.File().Pread(c, d, b, off)
	if err != 0 && n == 0 {
		return -1, err
	}
	return int64(n), 0
}

// sysFtruncate implements ftruncate(2): EINVAL for a negative length, a
// description not open for writing, or a file that is not regular.
func sysFtruncate(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	size := int64(call.Args[1].Val)
	if size < 0 {
		return -1, posix.EINVAL
	}
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if isPath(d) {
		return -1, posix.EBADF
	}
	if !d.Writable() {
		return -1, posix.EINVAL
	}
	if _, ok := vfs.LocOf(d); !ok {
		return -1, posix.EINVAL
	}
	return result(vfs.Ftruncate(d, size))
}

// sysTruncate implements truncate(2).
func sysTruncate(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	size := int64(call.Args[1].Val)
	if size < 0 {
		return -1, posix.EINVAL
	}
	return result(c.k.fs.Truncate(c.vctx(), at, p, size))
}

// sysFstat implements fstat(2) into a *posix.Stat.
func sysFstat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	out, _ := call.Args[1].Ptr.(*posix.Stat)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if out == nil {
		return -1, posix.EFAULT
	}
	st, err := d.File().Stat(d)
	if err != 0 {
		return -1, err
	}
	*out = st
	return 0, 0
}

// stat is the heart of stat, lstat and newfstatat.
func (c *Cage) stat(at vfs.Loc, p string, flags int, out *posix.Stat) (int64, posix.Errno) {
	const atStatxSyncType = 0x6000 // AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC, accepted by vfs_statx
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH|posix.AT_NO_AUTOMOUNT|atStatxSyncType) != 0 {
		return -1, posix.EINVAL
	}
	st, err := c.k.fs.Stat(c.vctx(), at, p, flags)
	if err != 0 {
		return -1, err
	}
	if out == nil {
		return -1, posix.EFAULT
	}
	*out = st
	return 0, 0
}

// sysStat implements stat(2).
func sysStat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	out, _ := call.Args[1].Ptr.(*posix.Stat)
	return c.stat(at, p, 0, out)
}

// sysLstat implements lstat(2).
func sysLstat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	out, _ := call.Args[1].Ptr.(*posix.Stat)
	return c.stat(at, p, posix.AT_SYMLINK_NOFOLLOW, out)
}

// sysNewfstatat implements newfstatat(2) (fstatat). With AT_EMPTY_PATH and
// an empty path it describes the dirfd itself, whatever it is.
func sysNewfstatat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	flags := call.Args[3].Int32()
	out, _ := call.Args[2].Ptr.(*posix.Stat)
	p, err := pathArg(&call.Args[1])
	if err != 0 {
		return -1, err
	}
	if p == "" && flags&posix.AT_EMPTY_PATH != 0 && call.Args[0].Int32() != posix.AT_FDCWD {
		return sysFstat(&threei.Call{Num: posix.SYS_FSTAT, Caller: call.Caller,
			Args: [threei.MaxArgs]threei.Arg{call.Args[0], {Ptr: out}}})
	}
	at, err := c.atLoc(call.Args[0].Int32(), p, flags)
	if err != 0 {
		return -1, err
	}
	return c.stat(at, p, flags, out)
}

// sysMkdir implements mkdir(2).
func sysMkdir(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Mkdir(c.vctx(), at, p, uint32(call.Args[1].Val)&0o7777))
}

// sysMkdirat implements mkdirat(2).
func sysMkdirat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Mkdir(c.vctx(), at, p, uint32(call.Args[2].Val)&0o7777))
}

// sysRmdir implements rmdir(2).
func sysRmdir(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Unlink(c.vctx(), at, p, posix.AT_REMOVEDIR))
}

// sysUnlink implements unlink(2).
func sysUnlink(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Unlink(c.vctx(), at, p, 0))
}

// sysUnlinkat implements unlinkat(2): flags 0 or AT_REMOVEDIR (else
// EINVAL).
func sysUnlinkat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	flags := call.Args[2].Int32()
	if flags&^posix.AT_REMOVEDIR != 0 {
		return -1, posix.EINVAL
	}
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Unlink(c.vctx(), at, p, flags))
}

// renameFlags are the flags renameat2(2) knows.
const renameFlags = 1 | 2 | 4 // RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT

// pathPair decodes the two (dirfd, path) pairs of rename and link: the
// paths at arguments oldArg and newArg, resolved against oldDirfd (with
// oldFlags, for AT_EMPTY_PATH) and newDirfd.
func (c *Cage) pathPair(call *threei.Call, oldDirfd, oldArg, newDirfd, newArg, oldFlags int) (oldAt vfs.Loc, oldp string, newAt vfs.Loc, newp string, err posix.Errno) {
	if oldp, err = pathArg(&call.Args[oldArg]); err != 0 {
		return
	}
	if newp, err = pathArg(&call.Args[newArg]); err != 0 {
		return
	}
	if oldAt, err = c.atLoc(oldDirfd, oldp, oldFlags); err != 0 {
		return
	}
	newAt, err = c.atLoc(newDirfd, newp, 0)
	return
}

// rename is the heart of rename, renameat and renameat2.
func (c *Cage) rename(call *threei.Call, oldDirfd int, oldArg int, newDirfd int, newArg int, flags int) (int64, posix.Errno) {
	if flags&^renameFlags != 0 {
		return -1, posix.EINVAL
	}
	oldAt, oldp, newAt, newp, err := c.pathPair(call, oldDirfd, oldArg, newDirfd, newArg, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Rename(c.vctx(), oldAt, oldp, newAt, newp, flags))
}

// sysRename implements rename(2).
func sysRename(call *threei.Call) (int64, posix.Errno) {
	return cageOf(call).rename(call, posix.AT_FDCWD, 0, posix.AT_FDCWD, 1, 0)
}

// sysRenameat implements renameat(2).
func sysRenameat(call *threei.Call) (int64, posix.Errno) {
	return cageOf(call).rename(call, call.Args[0].Int32(), 1, call.Args[2].Int32(), 3, 0)
}

// sysRenameat2 implements renameat2(2).
func sysRenameat2(call *threei.Call) (int64, posix.Errno) {
	return cageOf(call).rename(call, call.Args[0].Int32(), 1, call.Args[2].Int32(), 3, call.Args[4].Int32())
}

// link is the heart of link and linkat.
func (c *Cage) link(call *threei.Call, oldDirfd, oldArg, newDirfd, newArg, flags int) (int64, posix.Errno) {
	if flags&^(posix.AT_SYMLINK_FOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return -1, posix.EINVAL
	}
	oldAt, oldp, newAt, newp, err := c.pathPair(call, oldDirfd, oldArg, newDirfd, newArg, flags)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Link(c.vctx(), oldAt, oldp, newAt, newp, flags))
}

// sysLink implements link(2).
func sysLink(call *threei.Call) (int64, posix.Errno) {
	return cageOf(call).link(call, posix.AT_FDCWD, 0, posix.AT_FDCWD, 1, 0)
}

// sysLinkat implements linkat(2).
func sysLinkat(call *threei.Call) (int64, posix.Errno) {
	return cageOf(call).link(call, call.Args[0].Int32(), 1, call.Args[2].Int32(), 3, call.Args[4].Int32())
}

// sysSymlink implements symlink(2).
func sysSymlink(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	target, err := pathArg(&call.Args[0])
	if err != 0 {
		return -1, err
	}
	at, p, err := fdcwdPath(call, 1)
	if err != 0 {
		return -1, err
	}
	if target == "" {
		return -1, posix.ENOENT
	}
	return result(c.k.fs.Symlink(c.vctx(), target, at, p))
}

// sysSymlinkat implements symlinkat(2).
func sysSymlinkat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	target, err := pathArg(&call.Args[0])
	if err != 0 {
		return -1, err
	}
	at, p, err := c.pathAt(call, 1, 0)
	if err != 0 {
		return -1, err
	}
	if target == "" {
		return -1, posix.ENOENT
	}
	return result(c.k.fs.Symlink(c.vctx(), target, at, p))
}

// readlink is the heart of readlink and readlinkat: the target, truncated
// to the buffer, without a NUL.
func (c *Cage) readlink(at vfs.Loc, p string, bufArg *threei.Arg, size uint64) (int64, posix.Errno) {
	if int64(size) <= 0 {
		return -1, posix.EINVAL
	}
	b, err := memBuf(bufArg, size)
	if err != 0 {
		return -1, err
	}
	target, err := c.k.fs.Readlink(c.vctx(), at, p)
	if err != 0 {
		return -1, err
	}
	return int64(copy(b, target)), 0
}

// sysReadlink implements readlink(2).
func sysReadlink(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return c.readlink(at, p, &call.Args[1], call.Args[2].Val)
}

// sysReadlinkat implements readlinkat(2).
func sysReadlinkat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return c.readlink(at, p, &call.Args[2], call.Args[3].Val)
}

// sysGetdents64 implements getdents64(2).
func sysGetdents64(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if isPath(d) {
		return -1, posix.EBADF
	}
	b, err := memBuf(&call.Args[1], call.Args[2].Val)
	if err != 0 {
		return -1, err
	}
	n, err := vfs.Getdents64(d, b)
	if err != 0 {
		return -1, err
	}
	return int64(n), 0
}

// sysChdir implements chdir(2).
func sysChdir(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	loc, err := c.k.fs.Chdir(c.vctx(), at, p)
	if err != 0 {
		return -1, err
	}
	c.setCwd(loc)
	return 0, 0
}

// sysFchdir implements fchdir(2): ENOTDIR unless fd is a directory.
func sysFchdir(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	loc, ok := vfs.LocOf(d)
	d.DecRef()
	if !ok {
		return -1, posix.ENOTDIR
	}
	loc, err = c.k.fs.Chdir(c.vctx(), loc, ".")
	if err != 0 {
		return -1, err
	}
	c.setCwd(loc)
	return 0, 0
}

// sysGetcwd implements getcwd(2): the length stored, NUL included; ERANGE
// if the buffer is too small; ENOENT if the directory was removed.
func sysGetcwd(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	b, err := memBuf(&call.Args[0], call.Args[1].Val)
	if err != 0 {
		return -1, err
	}
	dir, err := c.k.fs.Getcwd(c.cwdLoc())
	if err != 0 {
		return -1, err
	}
	if len(dir)+1 > len(b) {
		return -1, posix.ERANGE
	}
	copy(b, dir)
	b[len(dir)] = 0
	return int64(len(dir) + 1), 0
}

// sysChmod implements chmod(2).
func sysChmod(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Chmod(c.vctx(), at, p, uint32(call.Args[1].Val)&0o7777, 0))
}

// sysFchmodat implements fchmodat(2): flags 0 or AT_SYMLINK_NOFOLLOW (which
// Linux refuses on symlinks with EOPNOTSUPP).
func sysFchmodat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	flags := call.Args[3].Int32()
	if flags&^posix.AT_SYMLINK_NOFOLLOW != 0 {
		return -1, posix.EINVAL
	}
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Chmod(c.vctx(), at, p, uint32(call.Args[2].Val)&0o7777, flags))
}

// fdFile returns the description at fd for an f* call on a file: EBADF
// for a closed fd or an O_PATH one.
func (c *Cage) fdFile(fd int) (*fdtable.Description, posix.Errno) {
	d, err := c.fds.Get(fd)
	if err != 0 {
		return nil, err
	}
	if isPath(d) {
		d.DecRef()
		return nil, posix.EBADF
	}
	return d, 0
}

// sysFchmod implements fchmod(2). A pipe or terminal accepts it and keeps
// nothing (its inode is not in the filesystem).
func sysFchmod(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if _, ok := vfs.LocOf(d); !ok {
		return 0, 0
	}
	return result(vfs.Fchmod(c.vctx(), d, uint32(call.Args[1].Val)&0o7777))
}

// chownIDs reads a uid or gid argument: -1 (as a C uid_t) keeps the id.
func chownID(a *threei.Arg) int { return a.Int32() }

// sysChown implements chown(2) (following symlinks).
func sysChown(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Chown(c.vctx(), at, p, chownID(&call.Args[1]), chownID(&call.Args[2]), 0))
}

// sysLchown implements lchown(2).
func sysLchown(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Chown(c.vctx(), at, p, chownID(&call.Args[1]), chownID(&call.Args[2]), posix.AT_SYMLINK_NOFOLLOW))
}

// sysFchownat implements fchownat(2).
func sysFchownat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	flags := call.Args[4].Int32()
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return -1, posix.EINVAL
	}
	at, p, err := c.pathAt(call, 0, flags)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Chown(c.vctx(), at, p, chownID(&call.Args[2]), chownID(&call.Args[3]), flags))
}

// sysFchown implements fchown(2).
func sysFchown(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if _, ok := vfs.LocOf(d); !ok {
		return 0, 0
	}
	return result(vfs.Fchown(c.vctx(), d, chownID(&call.Args[1]), chownID(&call.Args[2])))
}

// sysAccess implements access(2).
func sysAccess(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	mode := call.Args[1].Int32()
	if mode&^(posix.R_OK|posix.W_OK|posix.X_OK) != 0 {
		return -1, posix.EINVAL
	}
	return result(c.k.fs.Access(c.vctx(), at, p, mode, 0))
}

// sysFaccessat2 implements faccessat(2) and faccessat2(2) (flags
// AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH).
func sysFaccessat2(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	mode := call.Args[2].Int32()
	flags := 0
	if call.Num == posix.SYS_FACCESSAT2 {
		flags = call.Args[3].Int32()
	}
	if mode&^(posix.R_OK|posix.W_OK|posix.X_OK) != 0 ||
		flags&^(posix.AT_EACCESS|posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return -1, posix.EINVAL
	}
	at, p, err := c.pathAt(call, 0, flags)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Access(c.vctx(), at, p, mode, flags))
}

// sysUtimensat implements utimensat(2): a nil path (no buffer) with a
// dirfd sets the times of the dirfd's file, as futimens does.
func sysUtimensat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	times, _ := call.Args[2].Ptr.(*[2]posix.Timespec)
	flags := call.Args[3].Int32()
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return -1, posix.EINVAL
	}
	if times != nil {
		for _, t := range times {
			if t.Nsec != vfs.UTIME_NOW && t.Nsec != vfs.UTIME_OMIT && (t.Nsec < 0 || t.Nsec >= 1e9) {
				return -1, posix.EINVAL
			}
		}
	}
	if call.Args[1].Buf == nil {
		d, err := c.fdFile(call.Args[0].Int32())
		if err != 0 {
			return -1, err
		}
		defer d.DecRef()
		if _, ok := vfs.LocOf(d); !ok {
			return 0, 0
		}
		return result(vfs.Futimens(c.vctx(), d, times))
	}
	at, p, err := c.pathAt(call, 0, flags)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Utimens(c.vctx(), at, p, times, flags))
}

// sysMknod implements mknod(2): FIFOs and regular files only.
func sysMknod(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Mknod(c.vctx(), at, p, uint32(call.Args[1].Val), call.Args[2].Val))
}

// sysMknodat implements mknodat(2) (and so mkfifo(3)).
func sysMknodat(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := c.pathAt(call, 0, 0)
	if err != 0 {
		return -1, err
	}
	return result(c.k.fs.Mknod(c.vctx(), at, p, uint32(call.Args[2].Val), call.Args[3].Val))
}

// sysStatfs implements statfs(2) into a *vfs.Statfs.
func sysStatfs(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	at, p, err := fdcwdPath(call, 0)
	if err != 0 {
		return -1, err
	}
	out, _ := call.Args[1].Ptr.(*vfs.Statfs)
	st, err := c.k.fs.Statfs(c.vctx(), at, p)
	if err != 0 {
		return -1, err
	}
	if out == nil {
		return -1, posix.EFAULT
	}
	*out = st
	return 0, 0
}

// sysFstatfs implements fstatfs(2). A pipe answers as pipefs does.
func sysFstatfs(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	out, _ := call.Args[1].Ptr.(*vfs.Statfs)
	d, err := c.fds.Get(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	loc, ok := vfs.LocOf(d)
	d.DecRef()
	var st vfs.Statfs
	if ok {
		// The filesystem holding the file: resolve "." from it, or the
		// root's if it is not a directory.
		if st, err = c.k.fs.Statfs(c.vctx(), loc, "."); err == posix.ENOTDIR {
			st, err = c.k.fs.Statfs(c.vctx(), vfs.Loc{}, "/")
		}
		if err != 0 {
			return -1, err
		}
	} else {
		st = vfs.Statfs{Type: 0x50495045, Bsize: 4096, Namelen: 255, Frsize: 4096} // PIPEFS_MAGIC
	}
	if out == nil {
		return -1, posix.EFAULT
	}
	*out = st
	return 0, 0
}

// sysFsync implements fsync(2) and fdatasync(2): EINVAL for a pipe or
// another file that cannot be synced.
func sysFsync(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	d, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if _, ok := vfs.LocOf(d); !ok {
		return -1, posix.EINVAL
	}
	return result(vfs.Fsync(d))
}
