package cages

import (
	"crypto/rand"
	"math"
	"runtime"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// maxRWCount is the most one read or write transfers (MAX_RW_COUNT,
// INT_MAX rounded down to a page).
const maxRWCount = math.MaxInt32 &^ (posix.PageSize - 1)

// copyChunk is the buffer sendfile and copy_file_range copy through.
const copyChunk = 64 << 10

// sysSchedYield implements sched_yield(2): the cage's goroutine yields.
func sysSchedYield(*threei.Call) (int64, posix.Errno) {
	runtime.Gosched()
	return 0, 0
}

// grndFlags are the flags getrandom(2) accepts.
const grndFlags = posix.GRND_NONBLOCK | posix.GRND_RANDOM | posix.GRND_INSECURE

// sysGetrandom implements getrandom(2): it fills the buffer with bytes
// from crypto/rand, whatever the flags (Go's source never blocks once the
// host's pool is ready), and returns their count (at most MAX_RW_COUNT).
//
// # Errors
//
//   - EINVAL: unknown flags, or GRND_RANDOM with GRND_INSECURE.
//   - EFAULT: the length exceeds the buffer.
func sysGetrandom(call *threei.Call) (int64, posix.Errno) {
	flags := call.Args[2].Int32()
	if flags&^grndFlags != 0 || flags&(posix.GRND_RANDOM|posix.GRND_INSECURE) == posix.GRND_RANDOM|posix.GRND_INSECURE {
		return -1, posix.EINVAL
	}
	b, err := memBuf(&call.Args[0], min(call.Args[1].Val, maxRWCount))
	if err != 0 {
		return -1, err
	}
	rand.Read(b)
	return int64(len(b)), 0
}

// sysSync implements sync(2): the in-memory filesystem has nothing to
// flush, and host files are written through.
func sysSync(*threei.Call) (int64, posix.Errno) { return 0, 0 }

// sysSyncfs implements syncfs(2), as sync for fd's filesystem.
//
// # Errors
//
//   - EBADF: fd is not open, or is O_PATH.
func sysSyncfs(call *threei.Call) (int64, posix.Errno) {
	d, err := cageOf(call).fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	d.DecRef()
	return 0, 0
}

// The flags of sync_file_range(2).
const (
	syncFileRangeWaitBefore = 1
	syncFileRangeWrite      = 2
	syncFileRangeWaitAfter  = 4
)

// sysSyncFileRange implements sync_file_range(2) (fd, offset, nbytes,
// flags), in the order of Linux's checks (fs/sync.c); a range of a
// regular file, a directory or a symbolic link then has nothing to write
// back (every file is in memory, or written through to the host).
//
// # Errors
//
//   - EBADF: fd is not open, or is O_PATH.
//   - EINVAL: an unknown flag; a negative offset or end, or one that
//     overflows.
//   - ESPIPE: fd is a pipe, a FIFO, a socket or a character device.
func sysSyncFileRange(call *threei.Call) (int64, posix.Errno) {
	d, err := cageOf(call).fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	off, n := int64(call.Args[1].Val), int64(call.Args[2].Val)
	if call.Args[3].Val&^(syncFileRangeWaitBefore|syncFileRangeWrite|syncFileRangeWaitAfter) != 0 {
		return -1, posix.EINVAL
	}
	end := uint64(off) + uint64(n)
	if off < 0 || int64(end) < 0 || end < uint64(off) {
		return -1, posix.EINVAL
	}
	switch fileType(d) {
	case posix.S_IFREG, posix.S_IFBLK, posix.S_IFDIR, posix.S_IFLNK:
		return 0, 0
	}
	return -1, posix.ESPIPE
}

// fileType returns d's file type bits (S_IFREG, S_IFIFO...).
func fileType(d *fdtable.Description) uint32 {
	st, _ := d.File().Stat(d)
	return st.Mode & posix.S_IFMT
}

// sysFadvise64 implements fadvise64(2) (posix_fadvise(3)): the advice is
// checked and then has nothing to act on (every file is in memory).
//
// # Errors
//
//   - EBADF: fd is not open, or is O_PATH.
//   - ESPIPE: fd is a pipe or FIFO.
//   - EINVAL: a negative length; an unknown advice.
func sysFadvise64(call *threei.Call) (int64, posix.Errno) {
	d, err := cageOf(call).fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if fileType(d) == posix.S_IFIFO {
		return -1, posix.ESPIPE
	}
	if int64(call.Args[2].Val) < 0 {
		return -1, posix.EINVAL
	}
	switch call.Args[3].Int32() {
	case posix.POSIX_FADV_NORMAL, posix.POSIX_FADV_RANDOM, posix.POSIX_FADV_SEQUENTIAL,
		posix.POSIX_FADV_WILLNEED, posix.POSIX_FADV_DONTNEED, posix.POSIX_FADV_NOREUSE:
		return 0, 0
	}
	return -1, posix.EINVAL
}

// fallocModes are the mode bits Linux knows (FALLOC_FL_SUPPORTED_MASK).
const fallocModes = posix.FALLOC_FL_KEEP_SIZE | posix.FALLOC_FL_PUNCH_HOLE | posix.FALLOC_FL_NO_HIDE_STALE |
	posix.FALLOC_FL_COLLAPSE_RANGE | posix.FALLOC_FL_ZERO_RANGE | posix.FALLOC_FL_INSERT_RANGE | posix.FALLOC_FL_UNSHARE_RANGE

// sysFallocate implements fallocate(2) (fd, mode, offset, len), in
// vfs_fallocate's order of checks. Mode 0 makes the file at least
// offset+len long, as ftruncate would; FALLOC_FL_KEEP_SIZE alone
// succeeds and changes nothing (files have no blocks to reserve); every
// other mode is EOPNOTSUPP.
//
// # Errors
//
//   - EBADF: fd is not open, or not open for writing.
//   - EINVAL: offset < 0 or len <= 0.
//   - EOPNOTSUPP: a mode other than 0 and FALLOC_FL_KEEP_SIZE.
//   - ESPIPE: a pipe or FIFO. EISDIR: a directory. ENODEV: not a regular
//     file.
//   - EFBIG: offset+len overflows.
func sysFallocate(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	mode := call.Args[1].Int32()
	off, n := int64(call.Args[2].Val), int64(call.Args[3].Val)
	d, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer d.DecRef()
	if off < 0 || n <= 0 {
		return -1, posix.EINVAL
	}
	if mode&^fallocModes != 0 {
		return -1, posix.EOPNOTSUPP
	}
	if mode&posix.FALLOC_FL_PUNCH_HOLE != 0 && mode&posix.FALLOC_FL_KEEP_SIZE == 0 {
		return -1, posix.EOPNOTSUPP
	}
	if !d.Writable() {
		return -1, posix.EBADF
	}
	st, _ := d.File().Stat(d)
	switch st.Mode & posix.S_IFMT {
	case posix.S_IFIFO:
		return -1, posix.ESPIPE
	case posix.S_IFDIR:
		return -1, posix.EISDIR
	case posix.S_IFREG:
	default:
		return -1, posix.ENODEV
	}
	if off > math.MaxInt64-n {
		return -1, posix.EFBIG
	}
	if _, ok := vfs.LocOf(d); !ok {
		return -1, posix.EOPNOTSUPP
	}
	switch mode {
	case 0:
		if end := off + n; end > st.Size {
			return result(vfs.Ftruncate(d, end))
		}
		return 0, 0
	case posix.FALLOC_FL_KEEP_SIZE:
		return 0, 0
	}
	return -1, posix.EOPNOTSUPP
}

// seekable reports whether d's file reads at an offset (FMODE_PREAD): not
// a pipe, FIFO or terminal.
func (c *Cage) seekable(d *fdtable.Description) bool {
	if _, ok := pipes.FromFile(d.File()); ok {
		return false
	}
	_, err := d.File().Pread(c, d, nil, 0)
	return err != posix.ESPIPE
}

// devNull is /dev/null's device number (1, 3).
const devNull = 1<<8 | 3

// spliceReads reports whether sendfile can read d's file (Linux: whether
// it has splice_read): not a pipe, FIFO, directory, or /dev/null.
func spliceReads(d *fdtable.Description) bool {
	st, _ := d.File().Stat(d)
	switch st.Mode & posix.S_IFMT {
	case posix.S_IFIFO, posix.S_IFDIR:
		return false
	case posix.S_IFCHR:
		return st.Rdev != devNull
	}
	return true
}

// offsetArg returns the *int64 offset of sendfile or copy_file_range, or
// nil for none (the file's own offset).
func offsetArg(a *threei.Arg) *int64 {
	p, _ := a.Ptr.(*int64)
	return p
}

// sysSendfile implements sendfile(2) (out_fd, in_fd, offset, count): it
// copies up to count bytes from in_fd, at *offset (a *int64, updated) or
// at in_fd's offset (advanced), to out_fd as write(2) would, and returns
// the count copied. A pipe or FIFO cannot be the input; the output may be
// anything open for writing. Writing to a pipe with no reader raises
// SIGPIPE.
//
// # Errors
//
//   - EBADF: in_fd not open for reading; out_fd not open for writing
//     (checked in that order, after the offset).
//   - ESPIPE: an offset given for an input that cannot seek.
//   - EINVAL: a negative offset; an input that is a pipe, FIFO,
//     directory or /dev/null (none can be spliced from); an output opened
//     O_APPEND (a pipe aside).
//   - EOVERFLOW: the offset plus count overflows.
//   - EAGAIN, EPIPE, EINTR: as write(2), before anything was copied.
func sysSendfile(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	ppos := offsetArg(&call.Args[2])
	count := min(call.Args[3].Val, maxRWCount)
	in, err := c.fdFor(call.Args[1].Int32(), false)
	if err != 0 {
		return -1, err
	}
	defer in.DecRef()
	seek := c.seekable(in)
	pos := in.Offset()
	if ppos != nil {
		if !seek {
			return -1, posix.ESPIPE
		}
		pos = *ppos
	}
	if pos < 0 {
		return -1, posix.EINVAL
	}
	out, err := c.fdFor(call.Args[0].Int32(), true)
	if err != 0 {
		return -1, err
	}
	defer out.DecRef()
	if pos > math.MaxInt64-int64(count) {
		return -1, posix.EOVERFLOW
	}
	if !spliceReads(in) {
		return -1, posix.EINVAL
	}
	if _, isPipe := pipes.FromFile(out.File()); !isPipe && out.Flags()&posix.O_APPEND != 0 {
		return -1, posix.EINVAL
	}
	buf := make([]byte, min(count, copyChunk))
	total := int64(0)
	for uint64(total) < count {
		chunk := buf[:min(uint64(len(buf)), count-uint64(total))]
		var n int
		if seek {
			n, err = in.File().Pread(c, in, chunk, pos)
		} else {
			n, err = in.File().Read(c, in, chunk)
		}
		if n == 0 {
			if err != 0 && total == 0 {
				return -1, err
			}
			break
		}
		w, werr := out.File().Write(c, out, chunk[:n])
		total += int64(w)
		pos += int64(w)
		if werr != 0 {
			if total == 0 {
				return c.writeResult(0, werr)
			}
			if werr == posix.EPIPE {
				c.writeResult(w, werr)
			}
			break
		}
		if w < n || n < len(chunk) {
			break
		}
	}
	if ppos != nil {
		*ppos = pos
	} else if seek {
		in.LockOffset()
		in.UnlockOffset(pos)
	}
	return total, 0
}

// fileIdentity is a file's device and inode, for the same-file checks of
// copy_file_range.
type fileIdentity struct{ dev, ino uint64 }

// sysCopyFileRange implements copy_file_range(2) (fd_in, off_in, fd_out,
// off_out, len, flags): it copies up to len bytes between two regular
// files of one filesystem, from *off_in and to *off_out (each a *int64,
// updated) or at and advancing the descriptions' offsets, stopping at the
// end of the input; it returns the count copied (0 at or past the end).
//
// # Errors
//
//   - EBADF: either fd not open (fd_in first); then (after the type
//     checks) fd_in not open for reading, fd_out not open for writing or
//     opened O_APPEND.
//   - EINVAL: flags not 0; a file that is not regular (a pipe, a
//     device); a negative offset; ranges of one file that overlap.
//   - EISDIR: either file is a directory.
//   - EXDEV: the files are on different filesystems.
//   - EOVERFLOW: an offset plus len overflows.
func sysCopyFileRange(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	in, err := c.fdFile(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	defer in.DecRef()
	out, err := c.fdFile(call.Args[2].Int32())
	if err != 0 {
		return -1, err
	}
	defer out.DecRef()
	offIn, offOut := offsetArg(&call.Args[1]), offsetArg(&call.Args[3])
	posIn, posOut := in.Offset(), out.Offset()
	if offIn != nil {
		posIn = *offIn
	}
	if offOut != nil {
		posOut = *offOut
	}
	if call.Args[5].Val != 0 {
		return -1, posix.EINVAL
	}
	count := int64(min(call.Args[4].Val, math.MaxInt64))
	stIn, _ := in.File().Stat(in)
	stOut, _ := out.File().Stat(out)
	if stIn.Mode&posix.S_IFMT == posix.S_IFDIR || stOut.Mode&posix.S_IFMT == posix.S_IFDIR {
		return -1, posix.EISDIR
	}
	if stIn.Mode&posix.S_IFMT != posix.S_IFREG || stOut.Mode&posix.S_IFMT != posix.S_IFREG {
		return -1, posix.EINVAL
	}
	if !in.Readable() || !out.Writable() || out.Flags()&posix.O_APPEND != 0 {
		return -1, posix.EBADF
	}
	if stIn.Dev != stOut.Dev {
		return -1, posix.EXDEV
	}
	if posIn > math.MaxInt64-count || posOut > math.MaxInt64-count {
		return -1, posix.EOVERFLOW
	}
	if posIn >= stIn.Size {
		count = 0
	} else if posIn >= 0 {
		count = min(count, stIn.Size-posIn)
	}
	same := fileIdentity{stIn.Dev, stIn.Ino} == fileIdentity{stOut.Dev, stOut.Ino}
	if same && posOut+count > posIn && posOut < posIn+count {
		return -1, posix.EINVAL
	}
	if posIn < 0 || posOut < 0 {
		return -1, posix.EINVAL
	}
	count = min(count, maxRWCount)
	buf := make([]byte, min(count, copyChunk))
	total := int64(0)
	for total < count {
		chunk := buf[:min(int64(len(buf)), count-total)]
		n, err := in.File().Pread(c, in, chunk, posIn+total)
		if n == 0 {
			if err != 0 && total == 0 {
				return -1, err
			}
			break
		}
		w, err := out.File().Pwrite(c, out, chunk[:n], posOut+total)
		total += int64(w)
		if err != 0 {
			if total == 0 {
				return -1, err
			}
			break
		}
		if w < n {
			break
		}
	}
	if total > 0 {
		if offIn != nil {
			*offIn = posIn + total
		} else {
			in.LockOffset()
			in.UnlockOffset(posIn + total)
		}
		if offOut != nil {
			*offOut = posOut + total
		} else {
			out.LockOffset()
			out.UnlockOffset(posOut + total)
		}
	}
	return total, 0
}

// vectoredAt is preadv and pwritev: (fd, iov, iovcnt, offset), in
// do_preadv's order of checks, transferring each buffer at the offset
// that follows the last, stopping at a short count.
func vectoredAt(call *threei.Call, write bool) (int64, posix.Errno) {
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
	if _, ok := pipes.FromFile(d.File()); ok {
		return -1, posix.ESPIPE
	}
	if (write && !d.Writable()) || (!write && !d.Readable()) || isPath(d) {
		return -1, posix.EBADF
	}
	iov, err := iovArg(call)
	if err != 0 {
		return -1, err
	}
	total := 0
	for _, b := range iov {
		if len(b) == 0 {
			continue
		}
		var n int
		if write {
			n, err = d.File().Pwrite(c, d, b, off+int64(total))
		} else {
			n, err = d.File().Pread(c, d, b, off+int64(total))
		}
		total += n
		if err != 0 || n < len(b) {
			break
		}
	}
	if write {
		return c.writeResult(total, err)
	}
	if err != 0 && total == 0 {
		return -1, err
	}
	return int64(total), 0
}

// sysPreadv implements preadv(2) with the offset as one 64-bit argument:
// readv at an offset, the description's offset unchanged.
//
// # Errors
//
//   - EINVAL: a negative offset (checked first); iovcnt above 1024.
//   - EBADF: fd is not open, or not open for reading.
//   - ESPIPE: fd is a pipe or FIFO.
func sysPreadv(call *threei.Call) (int64, posix.Errno) { return vectoredAt(call, false) }

// sysPwritev implements pwritev(2), as preadv; on an O_APPEND file the
// data goes to the end, as pwrite's does on Linux.
func sysPwritev(call *threei.Call) (int64, posix.Errno) { return vectoredAt(call, true) }
