package cages

import (
	"strings"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// pathBytes turns a Go path into the bytes a path argument carries. A Go
// string holding a NUL cannot be a C path: EINVAL, as Go's syscall package
// answers, without making the call.
func pathBytes(path string) ([]byte, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return nil, posix.EINVAL
	}
	return []byte(path), nil
}

// callPath makes a call whose argument i is a path.
func (p *Proc) callPath(num int, args ...threei.Arg) (int64, error) {
	c := p.begin(num)
	for i := range c.Args {
		if i < len(args) {
			c.Args[i] = args[i]
		} else {
			c.Args[i] = threei.Arg{}
		}
	}
	r, err := p.do(c)
	return r, errOf(err)
}

// pathArgOf is a path argument, or an error for a Go string with a NUL.
func pathArgOf(path string) (threei.Arg, error) {
	b, err := pathBytes(path)
	if err != nil {
		return threei.Arg{}, err
	}
	return buf(b), nil
}

// Open opens path, as open(2), and returns the new fd.
func (p *Proc) Open(path string, flags int, mode uint32) (int, error) {
	return p.Openat(posix.AT_FDCWD, path, flags, mode)
}

// Openat opens path relative to dirfd, as openat(2).
func (p *Proc) Openat(dirfd int, path string, flags int, mode uint32) (int, error) {
	a, err := pathArgOf(path)
	if err != nil {
		return -1, err
	}
	r, err := p.callPath(posix.SYS_OPENAT, val(dirfd), a, val(flags), val(int(mode)))
	return int(r), err
}

// Creat creates path for writing, as creat(2).
func (p *Proc) Creat(path string, mode uint32) (int, error) {
	a, err := pathArgOf(path)
	if err != nil {
		return -1, err
	}
	r, err := p.callPath(posix.SYS_CREAT, a, val(int(mode)))
	return int(r), err
}

// Lseek moves fd's offset, as lseek(2), and returns the new offset.
func (p *Proc) Lseek(fd int, off int64, whence int) (int64, error) {
	r, err := p.callPath(posix.SYS_LSEEK, val(fd), threei.Arg{Val: uint64(off)}, val(whence))
	return r, err
}

// Pread reads at off without moving fd's offset, as pread(2).
func (p *Proc) Pread(fd int, b []byte, off int64) (int, error) {
	r, err := p.callPath(posix.SYS_PREAD64, val(fd), buf(b), val(len(b)), threei.Arg{Val: uint64(off)})
	if err != nil {
		return 0, err
	}
	return int(r), nil
}

// Pwrite writes at off without moving fd's offset, as pwrite(2).
func (p *Proc) Pwrite(fd int, b []byte, off int64) (int, error) {
	r, err := p.callPath(posix.SYS_PWRITE64, val(fd), buf(b), val(len(b)), threei.Arg{Val: uint64(off)})
	if err != nil {
		return 0, err
	}
	return int(r), nil
}

// Ftruncate sets fd's file size, as ftruncate(2).
func (p *Proc) Ftruncate(fd int, size int64) error {
	_, err := p.callPath(posix.SYS_FTRUNCATE, val(fd), threei.Arg{Val: uint64(size)})
	return err
}

// Truncate sets the size of the file at path, as truncate(2).
func (p *Proc) Truncate(path string, size int64) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_TRUNCATE, a, threei.Arg{Val: uint64(size)})
	return err
}

// Fstat describes fd's file, as fstat(2).
func (p *Proc) Fstat(fd int) (posix.Stat, error) {
	var st posix.Stat
	_, err := p.callPath(posix.SYS_FSTAT, val(fd), ptr(&st))
	return st, err
}

// Stat describes the file at path, following symlinks, as stat(2).
func (p *Proc) Stat(path string) (posix.Stat, error) {
	return p.Fstatat(posix.AT_FDCWD, path, 0)
}

// Lstat describes the file at path, not following a final symlink, as
// lstat(2).
func (p *Proc) Lstat(path string) (posix.Stat, error) {
	return p.Fstatat(posix.AT_FDCWD, path, posix.AT_SYMLINK_NOFOLLOW)
}

// Fstatat describes the file at path relative to dirfd, as fstatat(2).
func (p *Proc) Fstatat(dirfd int, path string, flags int) (posix.Stat, error) {
	var st posix.Stat
	a, err := pathArgOf(path)
	if err != nil {
		return st, err
	}
	_, err = p.callPath(posix.SYS_NEWFSTATAT, val(dirfd), a, ptr(&st), val(flags))
	return st, err
}

// Mkdir creates a directory, as mkdir(2).
func (p *Proc) Mkdir(path string, mode uint32) error {
	return p.Mkdirat(posix.AT_FDCWD, path, mode)
}

// Mkdirat creates a directory relative to dirfd, as mkdirat(2).
func (p *Proc) Mkdirat(dirfd int, path string, mode uint32) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_MKDIRAT, val(dirfd), a, val(int(mode)))
	return err
}

// Rmdir removes an empty directory, as rmdir(2).
func (p *Proc) Rmdir(path string) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_RMDIR, a)
	return err
}

// Unlink removes a name, as unlink(2).
func (p *Proc) Unlink(path string) error {
	return p.Unlinkat(posix.AT_FDCWD, path, 0)
}

// Unlinkat removes a name (a directory with AT_REMOVEDIR) relative to
// dirfd, as unlinkat(2).
func (p *Proc) Unlinkat(dirfd int, path string, flags int) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_UNLINKAT, val(dirfd), a, val(flags))
	return err
}

// Rename renames oldpath to newpath, replacing it atomically, as rename(2).
func (p *Proc) Rename(oldpath, newpath string) error {
	return p.Renameat2(posix.AT_FDCWD, oldpath, posix.AT_FDCWD, newpath, 0)
}

// Renameat2 renames relative to two dirfds, as renameat2(2).
func (p *Proc) Renameat2(olddirfd int, oldpath string, newdirfd int, newpath string, flags int) error {
	a, err := pathArgOf(oldpath)
	if err != nil {
		return err
	}
	b, err := pathArgOf(newpath)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_RENAMEAT2, val(olddirfd), a, val(newdirfd), b, val(flags))
	return err
}

// Link makes newpath a hard link to oldpath, as link(2).
func (p *Proc) Link(oldpath, newpath string) error {
	return p.Linkat(posix.AT_FDCWD, oldpath, posix.AT_FDCWD, newpath, 0)
}

// Linkat makes a hard link relative to two dirfds, as linkat(2).
func (p *Proc) Linkat(olddirfd int, oldpath string, newdirfd int, newpath string, flags int) error {
	a, err := pathArgOf(oldpath)
	if err != nil {
		return err
	}
	b, err := pathArgOf(newpath)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_LINKAT, val(olddirfd), a, val(newdirfd), b, val(flags))
	return err
}

// Symlink creates linkpath as a symbolic link to target, as symlink(2).
func (p *Proc) Symlink(target, linkpath string) error {
	return p.Symlinkat(target, posix.AT_FDCWD, linkpath)
}

// Symlinkat creates linkpath, relative to dirfd, as a symbolic link to
// target, as symlinkat(2).
func (p *Proc) Symlinkat(target string, dirfd int, linkpath string) error {
	a, err := pathArgOf(target)
	if err != nil {
		return err
	}
	b, err := pathArgOf(linkpath)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_SYMLINKAT, a, val(dirfd), b)
	return err
}

// Readlink returns the target of the symbolic link at path, as
// readlink(2).
func (p *Proc) Readlink(path string) (string, error) {
	b := make([]byte, pathMax)
	n, err := p.Readlinkat(posix.AT_FDCWD, path, b)
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}

// Readlinkat reads the target of the symbolic link at path, relative to
// dirfd, into b, as readlinkat(2): the target is cut at len(b), not
// NUL-terminated, and the count is returned.
func (p *Proc) Readlinkat(dirfd int, path string, b []byte) (int, error) {
	a, err := pathArgOf(path)
	if err != nil {
		return 0, err
	}
	r, err := p.callPath(posix.SYS_READLINKAT, val(dirfd), a, buf(b), val(len(b)))
	if err != nil {
		return 0, err
	}
	return int(r), nil
}

// Getdents64 reads directory entries from fd into b as linux_dirent64
// records, as getdents64(2); 0 at the end of the directory.
func (p *Proc) Getdents64(fd int, b []byte) (int, error) {
	r, err := p.callPath(posix.SYS_GETDENTS64, val(fd), buf(b), val(len(b)))
	if err != nil {
		return 0, err
	}
	return int(r), nil
}

// Chdir changes the working directory, as chdir(2).
func (p *Proc) Chdir(path string) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_CHDIR, a)
	return err
}

// Fchdir changes the working directory to fd's directory, as fchdir(2).
func (p *Proc) Fchdir(fd int) error {
	_, err := p.callPath(posix.SYS_FCHDIR, val(fd))
	return err
}

// Getcwd returns the working directory, as getcwd(2).
func (p *Proc) Getcwd() (string, error) {
	b := make([]byte, pathMax)
	r, err := p.callPath(posix.SYS_GETCWD, buf(b), val(len(b)))
	if err != nil {
		return "", err
	}
	return string(b[:r-1]), nil
}

// Chmod changes the permission bits of path, as chmod(2).
func (p *Proc) Chmod(path string, mode uint32) error {
	return p.Fchmodat(posix.AT_FDCWD, path, mode, 0)
}

// Fchmodat changes permission bits relative to dirfd, as fchmodat(2).
func (p *Proc) Fchmodat(dirfd int, path string, mode uint32, flags int) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_FCHMODAT, val(dirfd), a, val(int(mode)), val(flags))
	return err
}

// Fchmod changes the permission bits of fd's file, as fchmod(2).
func (p *Proc) Fchmod(fd int, mode uint32) error {
	_, err := p.callPath(posix.SYS_FCHMOD, val(fd), val(int(mode)))
	return err
}

// Chown changes the owner and group of path (-1 keeps one), as chown(2).
func (p *Proc) Chown(path string, uid, gid int) error {
	return p.Fchownat(posix.AT_FDCWD, path, uid, gid, 0)
}

// Lchown is Chown without following a final symlink, as lchown(2).
func (p *Proc) Lchown(path string, uid, gid int) error {
	return p.Fchownat(posix.AT_FDCWD, path, uid, gid, posix.AT_SYMLINK_NOFOLLOW)
}

// Fchownat changes owner and group relative to dirfd, as fchownat(2).
func (p *Proc) Fchownat(dirfd int, path string, uid, gid, flags int) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_FCHOWNAT, val(dirfd), a, val(uid), val(gid), val(flags))
	return err
}

// Fchown changes the owner and group of fd's file, as fchown(2).
func (p *Proc) Fchown(fd, uid, gid int) error {
	_, err := p.callPath(posix.SYS_FCHOWN, val(fd), val(uid), val(gid))
	return err
}

// Access checks the caller's permission on path (F_OK, or R_OK|W_OK|X_OK),
// as access(2).
func (p *Proc) Access(path string, mode int) error {
	return p.Faccessat(posix.AT_FDCWD, path, mode, 0)
}

// Faccessat checks permission relative to dirfd, as faccessat2(2).
func (p *Proc) Faccessat(dirfd int, path string, mode, flags int) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_FACCESSAT2, val(dirfd), a, val(mode), val(flags))
	return err
}

// Utimensat sets the access and modification times of path relative to
// dirfd (nil times: now; Nsec UTIME_NOW or UTIME_OMIT), as utimensat(2).
func (p *Proc) Utimensat(dirfd int, path string, times *[2]posix.Timespec, flags int) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	t := ptr(nil)
	if times != nil {
		t = ptr(times)
	}
	_, err = p.callPath(posix.SYS_UTIMENSAT, val(dirfd), a, t, val(flags))
	return err
}

// Futimens sets the times of fd's file, as futimens(3).
func (p *Proc) Futimens(fd int, times *[2]posix.Timespec) error {
	t := ptr(nil)
	if times != nil {
		t = ptr(times)
	}
	_, err := p.callPath(posix.SYS_UTIMENSAT, val(fd), threei.Arg{}, t, val(0))
	return err
}

// Mknodat creates a FIFO or regular file relative to dirfd, as mknodat(2).
func (p *Proc) Mknodat(dirfd int, path string, mode uint32, dev uint64) error {
	a, err := pathArgOf(path)
	if err != nil {
		return err
	}
	_, err = p.callPath(posix.SYS_MKNODAT, val(dirfd), a, val(int(mode)), threei.Arg{Val: dev})
	return err
}

// Mkfifo creates a FIFO, as mkfifo(3) (mknodat with S_IFIFO).
func (p *Proc) Mkfifo(path string, mode uint32) error {
	return p.Mknodat(posix.AT_FDCWD, path, posix.S_IFIFO|mode&0o7777, 0)
}

// Statfs describes the filesystem holding path, as statfs(2).
func (p *Proc) Statfs(path string) (vfs.Statfs, error) {
	var st vfs.Statfs
	a, err := pathArgOf(path)
	if err != nil {
		return st, err
	}
	_, err = p.callPath(posix.SYS_STATFS, a, ptr(&st))
	return st, err
}

// Fstatfs describes the filesystem holding fd's file, as fstatfs(2).
func (p *Proc) Fstatfs(fd int) (vfs.Statfs, error) {
	var st vfs.Statfs
	_, err := p.callPath(posix.SYS_FSTATFS, val(fd), ptr(&st))
	return st, err
}

// Fsync flushes fd's file, as fsync(2).
func (p *Proc) Fsync(fd int) error {
	_, err := p.callPath(posix.SYS_FSYNC, val(fd))
	return err
}

// Fdatasync flushes fd's file data, as fdatasync(2).
func (p *Proc) Fdatasync(fd int) error {
	_, err := p.callPath(posix.SYS_FDATASYNC, val(fd))
	return err
}
