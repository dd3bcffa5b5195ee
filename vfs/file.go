package vfs

import (
	"crypto/rand"
	"encoding/binary"
	"sync"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// isPath reports whether d was opened O_PATH.
func isPath(d *fdtable.Description) bool { return d.Flags()&posix.O_PATH != 0 }

// regFile is the open file of an in-memory regular file.
type regFile struct {
	fdtable.NoFile
	// loc and n are the file. Immutable.
	loc Loc
	n   *inode
}

// Read implements read(2).
func (f *regFile) Read(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	off := d.LockOffset()
	n := f.n.readAt(p, off)
	d.UnlockOffset(off + int64(n))
	return n, 0
}

// Readv implements readv(2) in one operation.
func (f *regFile) Readv(_ fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	off := d.LockOffset()
	total := 0
	f.n.mu.RLock()
	for _, b := range iov {
		n := f.n.readAtLocked(b, off+int64(total))
		total += n
		if n < len(b) {
			break
		}
	}
	f.n.mu.RUnlock()
	d.UnlockOffset(off + int64(total))
	return total, 0
}

// Write implements write(2): each write is applied whole, at the end of
// the file with O_APPEND.
func (f *regFile) Write(t fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	return f.Writev(t, d, [][]byte{p})
}

// Writev implements writev(2) as one write.
func (f *regFile) Writev(_ fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	off := d.LockOffset()
	f.n.mu.Lock()
	n, end, err := f.n.writeAtLocked(iov, off, d.Flags()&posix.O_APPEND != 0)
	f.n.mu.Unlock()
	if n > 0 {
		off = end
	}
	d.UnlockOffset(off)
	return n, err
}

// Pread implements pread64(2).
func (f *regFile) Pread(_ fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	if off < 0 {
		return 0, posix.EINVAL
	}
	return f.n.readAt(p, off), 0
}

// Pwrite implements pwrite64(2); on an O_APPEND description it appends, as
// Linux does.
func (f *regFile) Pwrite(_ fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	if off < 0 {
		return 0, posix.EINVAL
	}
	f.n.mu.Lock()
	n, _, err := f.n.writeAtLocked([][]byte{p}, off, d.Flags()&posix.O_APPEND != 0)
	f.n.mu.Unlock()
	return n, err
}

// size returns the file's size.
func (f *regFile) size() int64 {
	f.n.mu.RLock()
	defer f.n.mu.RUnlock()
	return f.n.size
}

// Seek implements lseek(2), with SEEK_DATA and SEEK_HOLE treating the
// whole file as data.
func (f *regFile) Seek(d *fdtable.Description, off int64, whence int) (int64, posix.Errno) {
	return seekFile(d, off, whence, f.size())
}

// seekFile implements lseek(2) on a file of the given size, as
// fs/read_write.c:generic_file_llseek_size.
func seekFile(d *fdtable.Description, off int64, whence int, size int64) (int64, posix.Errno) {
	cur := d.LockOffset()
	var nw int64
	switch whence {
	case posix.SEEK_SET:
		nw = off
	case posix.SEEK_CUR:
		nw = cur + off
		if off > 0 && nw < cur {
			d.UnlockOffset(cur)
			return 0, posix.EOVERFLOW
		}
	case posix.SEEK_END:
		nw = size + off
		if off > 0 && nw < size {
			d.UnlockOffset(cur)
			return 0, posix.EOVERFLOW
		}
	case posix.SEEK_DATA:
		if off < 0 || off >= size {
			d.UnlockOffset(cur)
			return 0, posix.ENXIO
		}
		nw = off
	case posix.SEEK_HOLE:
		if off < 0 || off >= size {
			d.UnlockOffset(cur)
			return 0, posix.ENXIO
		}
		nw = size
	default:
		d.UnlockOffset(cur)
		return 0, posix.EINVAL
	}
	if nw < 0 {
		d.UnlockOffset(cur)
		return 0, posix.EINVAL
	}
	d.UnlockOffset(nw)
	return nw, 0
}

// Ioctl implements FIONREAD (the bytes between the offset and the end).
func (f *regFile) Ioctl(_ fdtable.Task, d *fdtable.Description, req uint64, arg *int64) posix.Errno {
	if req != posix.FIONREAD {
		return posix.ENOTTY
	}
	*arg = max(0, f.size()-d.Offset())
	return 0
}

// Stat implements fstat(2).
func (f *regFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.n.stat() }

// Release drops the file's open count: an unlinked file's data goes with
// its last description.
func (f *regFile) Release(*fdtable.Description) { f.n.closed() }

// dirFile is the open file of a directory of any filesystem.
type dirFile struct {
	fdtable.NoFile
	// loc is the directory. Immutable.
	loc Loc
	// mu guards ents.
	mu sync.Mutex
	// ents is the listing of a directory without stable cookies, taken
	// when reading starts at offset 0. Protected by mu.
	ents []dirent
}

// Read fails with EISDIR.
func (f *dirFile) Read(fdtable.Task, *fdtable.Description, []byte) (int, posix.Errno) {
	return 0, posix.EISDIR
}

// Readv fails with EISDIR.
func (f *dirFile) Readv(fdtable.Task, *fdtable.Description, [][]byte) (int, posix.Errno) {
	return 0, posix.EISDIR
}

// Pread fails with EISDIR.
func (f *dirFile) Pread(fdtable.Task, *fdtable.Description, []byte, int64) (int, posix.Errno) {
	return 0, posix.EISDIR
}

// Write fails with EBADF (a directory is never open for writing).
func (f *dirFile) Write(fdtable.Task, *fdtable.Description, []byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Writev fails with EBADF.
func (f *dirFile) Writev(fdtable.Task, *fdtable.Description, [][]byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Pwrite fails with EBADF.
func (f *dirFile) Pwrite(fdtable.Task, *fdtable.Description, []byte, int64) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Seek moves the directory position (a getdents cookie), as
// fs/libfs.c:dcache_dir_lseek: SEEK_SET and SEEK_CUR only.
func (f *dirFile) Seek(d *fdtable.Description, off int64, whence int) (int64, posix.Errno) {
	if whence != posix.SEEK_SET && whence != posix.SEEK_CUR {
		return 0, posix.EINVAL
	}
	return seekFile(d, off, whence, 0)
}

// Stat implements fstat(2).
func (f *dirFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.loc.n.stat() }

// devFile is the open file of a character device: /dev/null, zero, full,
// random and urandom.
type devFile struct {
	fdtable.NoFile
	// loc is the device file; dev says which. Immutable.
	loc Loc
	dev devKind
}

// Read implements read(2): EOF from null, zeros from zero and full,
// random bytes from random and urandom.
func (f *devFile) Read(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Readable() {
		return 0, posix.EBADF
	}
	switch f.dev {
	case devNull:
		return 0, 0
	case devRandom:
		rand.Read(p)
	default:
		clear(p)
	}
	return len(p), 0
}

// Readv implements readv(2).
func (f *devFile) Readv(t fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	return fdtable.Vectored(t, d, iov, f.Read)
}

// Write implements write(2): ENOSPC on full, everything accepted
// elsewhere.
func (f *devFile) Write(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	if !d.Writable() {
		return 0, posix.EBADF
	}
	if f.dev == devFull && len(p) > 0 {
		return 0, posix.ENOSPC
	}
	return len(p), 0
}

// Writev implements writev(2).
func (f *devFile) Writev(_ fdtable.Task, d *fdtable.Description, iov [][]byte) (int, posix.Errno) {
	total := 0
	for _, b := range iov {
		total += len(b)
	}
	if !d.Writable() {
		return 0, posix.EBADF
	}
	if f.dev == devFull && total > 0 {
		return 0, posix.ENOSPC
	}
	return total, 0
}

// Pread reads as Read does.
func (f *devFile) Pread(t fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if off < 0 {
		return 0, posix.EINVAL
	}
	return f.Read(t, d, p)
}

// Pwrite writes as Write does.
func (f *devFile) Pwrite(t fdtable.Task, d *fdtable.Description, p []byte, off int64) (int, posix.Errno) {
	if off < 0 {
		return 0, posix.EINVAL
	}
	return f.Write(t, d, p)
}

// Seek succeeds and leaves the position at 0, as drivers/char/mem.c's
// null_lseek.
func (f *devFile) Seek(*fdtable.Description, int64, int) (int64, posix.Errno) { return 0, 0 }

// Stat implements fstat(2).
func (f *devFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.loc.n.stat() }

// fifoFile is one open of a FIFO: the pipe's file, reporting the FIFO's
// inode in fstat.
type fifoFile struct {
	fdtable.File
	// loc is the FIFO. Immutable.
	loc Loc
}

// Stat reports the FIFO's inode.
func (f *fifoFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.loc.n.stat() }

// PipeFile returns the FIFO's pipe, for F_GETPIPE_SZ and F_SETPIPE_SZ.
func (f *fifoFile) PipeFile() *pipes.Pipe {
	p, _ := pipes.FromFile(f.File)
	return p
}

// pathFile is an O_PATH description: good for fstat, as a dirfd, and
// for fchdir; reads and writes fail with EBADF.
type pathFile struct {
	fdtable.NoFile
	// loc is the file. Immutable.
	loc Loc
}

// Read fails with EBADF.
func (f *pathFile) Read(fdtable.Task, *fdtable.Description, []byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Readv fails with EBADF.
func (f *pathFile) Readv(fdtable.Task, *fdtable.Description, [][]byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Write fails with EBADF.
func (f *pathFile) Write(fdtable.Task, *fdtable.Description, []byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Writev fails with EBADF.
func (f *pathFile) Writev(fdtable.Task, *fdtable.Description, [][]byte) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Pread fails with EBADF.
func (f *pathFile) Pread(fdtable.Task, *fdtable.Description, []byte, int64) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Pwrite fails with EBADF.
func (f *pathFile) Pwrite(fdtable.Task, *fdtable.Description, []byte, int64) (int, posix.Errno) {
	return 0, posix.EBADF
}

// Seek fails with EBADF.
func (f *pathFile) Seek(*fdtable.Description, int64, int) (int64, posix.Errno) {
	return 0, posix.EBADF
}

// Ioctl fails with EBADF.
func (f *pathFile) Ioctl(fdtable.Task, *fdtable.Description, uint64, *int64) posix.Errno {
	return posix.EBADF
}

// Stat implements fstat(2).
func (f *pathFile) Stat(*fdtable.Description) (posix.Stat, posix.Errno) { return f.loc.n.stat() }

// Readiness reports POLLNVAL, as poll on an O_PATH fd.
func (f *pathFile) Readiness(*fdtable.Description, int16) int16 { return posix.POLLNVAL }

// LocOf returns the file a description opened through the filesystem
// refers to (for fchdir, the dirfd of *at calls, fstatfs), or false.
func LocOf(d *fdtable.Description) (Loc, bool) {
	if d == nil {
		return Loc{}, false
	}
	switch f := d.File().(type) {
	case *regFile:
		return f.loc, true
	case *dirFile:
		return f.loc, true
	case *devFile:
		return f.loc, true
	case *fifoFile:
		return f.loc, true
	case *pathFile:
		return f.loc, true
	case *hostFile:
		return f.loc, true
	case *procFile:
		return f.loc, true
	}
	return Loc{}, false
}

// direntHeader is the size of linux_dirent64 before d_name.
const direntHeader = 19

// putDirent appends one linux_dirent64 record to buf at off and returns
// the new length, or false if it does not fit.
func putDirent(buf []byte, at int, e dirent, next int64) (int, bool) {
	reclen := (direntHeader + len(e.name) + 1 + 7) &^ 7
	if at+reclen > len(buf) {
		return at, false
	}
	r := buf[at : at+reclen]
	binary.LittleEndian.PutUint64(r[0:], e.ino)
	binary.LittleEndian.PutUint64(r[8:], uint64(next))
	binary.LittleEndian.PutUint16(r[16:], uint16(reclen))
	r[18] = e.typ
	copy(r[direntHeader:], e.name)
	clear(r[direntHeader+len(e.name):])
	return at + reclen, true
}

// Getdents64 fills buf with linux_dirent64 records from a directory
// description, as getdents64(2); ENOTDIR for other files.
//
// # Errors
//
//   - EINVAL: buf cannot hold the next record.
//   - ENOTDIR: d is not a directory. EBADF: d was opened O_PATH.
//   - ENOENT: the directory was removed.
func Getdents64(d *fdtable.Description, buf []byte) (int, posix.Errno) {
	f, ok := d.File().(*dirFile)
	if !ok {
		if _, ok := d.File().(*pathFile); ok {
			return 0, posix.EBADF
		}
		return 0, posix.ENOTDIR
	}
	pos := d.LockOffset()
	used := 0
	full := false
	emit := func(e dirent, next int64) bool {
		var ok bool
		used, ok = putDirent(buf, used, e, next)
		if !ok {
			full = true
			return false
		}
		pos = next
		return true
	}
	var err posix.Errno
	if n, ok := f.loc.n.(*inode); ok {
		err = n.readdir(pos, emit)
	} else {
		f.mu.Lock()
		if pos == 0 || f.ents == nil {
			f.ents, err = f.loc.n.list(nil)
		}
		ents := f.ents
		f.mu.Unlock()
		if err == 0 {
			for i := pos; i >= 0 && i < int64(len(ents)); i++ {
				if !emit(ents[i], i+1) {
					break
				}
			}
		}
	}
	d.UnlockOffset(pos)
	if err != 0 {
		return 0, err
	}
	if used == 0 && full {
		return 0, posix.EINVAL
	}
	return used, 0
}

// Ftruncate sets the size of the file open as d, as ftruncate(2).
//
// # Errors
//
//   - EINVAL: a negative size; d not open for writing; not a regular file
//     (a FIFO, a directory).
//   - EBADF: an O_PATH description.
func Ftruncate(d *fdtable.Description, size int64) posix.Errno {
	if size < 0 {
		return posix.EINVAL
	}
	if isPath(d) {
		return posix.EBADF
	}
	if !d.Writable() {
		return posix.EINVAL
	}
	switch f := d.File().(type) {
	case *regFile:
		return f.n.setattr(&attrs{setSize: true, size: size})
	case *hostFile:
		return f.truncate(size)
	}
	return posix.EINVAL
}

// Fchmod changes the permission bits of an open file.
func Fchmod(ctx *Ctx, d *fdtable.Description, mode uint32) posix.Errno {
	if isPath(d) {
		return posix.EBADF
	}
	loc, ok := LocOf(d)
	if !ok {
		return 0 // a pipe's inode: nothing to keep
	}
	return chmodLoc(ctx, loc, mode)
}

// Fchown changes the owner of an open file.
func Fchown(ctx *Ctx, d *fdtable.Description, uid, gid int) posix.Errno {
	if isPath(d) {
		return posix.EBADF
	}
	loc, ok := LocOf(d)
	if !ok {
		return 0
	}
	return chownLoc(ctx, loc, uid, gid)
}

// Futimens sets the times of an open file.
func Futimens(ctx *Ctx, d *fdtable.Description, times *[2]posix.Timespec) posix.Errno {
	if err := checkTimes(times); err != 0 {
		return err
	}
	if isPath(d) {
		return posix.EBADF
	}
	loc, ok := LocOf(d)
	if !ok {
		return 0
	}
	return loc.m.fs.utimesLoc(ctx, loc, times)
}

// Fsync flushes an open file (EINVAL for pipes and devices that cannot).
func Fsync(d *fdtable.Description) posix.Errno {
	if isPath(d) {
		return posix.EBADF
	}
	switch f := d.File().(type) {
	case *regFile, *dirFile:
		return 0
	case *hostFile:
		return f.sync()
	}
	return posix.EINVAL
}
