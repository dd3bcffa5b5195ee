package wasm

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// lxMemModule is the smallest module with a memory: the header, a memory
// section (one memory, at least one 64 KiB page) and an export section
// exporting it as "mem".
const lxMemModule = "\x00asm\x01\x00\x00\x00" +
	"\x05\x03\x01\x00\x01" +
	"\x07\x07\x01\x03mem\x02\x00"

// lxMemSize is the size of lxMemModule's memory: one page.
const lxMemSize = 65536

// lxEnv is one test's view of a module: the cage's Proc, an instance on
// it, and a linear memory, with a bump allocator for the test's data.
type lxEnv struct {
	t    *testing.T
	p    *cages.Proc
	inst *instance
	mem  api.Memory
	next uint32
}

// lxRun runs body as the program of a Go cage of a new kernel, with a new
// one-page memory, and checks that the cage exits 0. body runs on the
// cage's goroutine: it must use assert, not require.
func lxRun(t *testing.T, body func(x *lxEnv)) {
	t.Helper()
	lxRunSpec(t, cages.Spec{}, body)
}

// lxRunSpec is lxRun with the cage started as spec says (its Program and
// Path are lxRun's).
func lxRunSpec(t *testing.T, spec cages.Spec, body func(x *lxEnv)) {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { rt.Close(ctx) })
	mod, err := rt.Instantiate(ctx, []byte(lxMemModule))
	require.NoError(t, err)
	require.Equal(t, uint32(lxMemSize), mod.Memory().Size())
	k := cages.New(cages.Config{})
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	spec.Path = "linux-test"
	spec.Program = func(p *cages.Proc) int {
		body(&lxEnv{t: t, p: p, inst: &instance{p: p}, mem: mod.Memory(), next: 1024})
		return 0
	}
	st, err := k.Run(ctx, spec)
	require.NoError(t, err)
	require.Equal(t, posix.Exited(0), st, "the test program's status")
}

// sys makes system call n with args (the rest zero) through
// linuxSyscall.
func (x *lxEnv) sys(n int, args ...uint64) int64 {
	var a [6]uint64
	copy(a[:], args)
	return x.inst.linuxSyscall(x.mem, n, &a)
}

// check asserts that call n with args answers want.
func (x *lxEnv) check(want int64, n int, args ...uint64) bool {
	x.t.Helper()
	got := x.sys(n, args...)
	return assert.Equal(x.t, want, got, "%s%v = %s; want %s", posix.SyscallName(n), args, lxShow(got), lxShow(want))
}

// lxShow formats a result: a value or an errno name.
func lxShow(r int64) string {
	if r < 0 && r > -4096 {
		return "-" + posix.Errno(-r).Error()
	}
	return fmt.Sprint(r)
}

// lxE is errno e as a result.
func lxE(e posix.Errno) int64 { return -int64(e) }

// lxI is an int argument, sign-extended as the C library passes it.
func lxI(v int) uint64 { return uint64(int64(v)) }

// lxFdcwd is AT_FDCWD as an argument.
var lxFdcwd = lxI(posix.AT_FDCWD)

// alloc returns the address of n fresh bytes, 8-aligned, filled with
// 0xee so that what a call leaves untouched shows.
func (x *lxEnv) alloc(n int) uint64 {
	p := x.next
	x.next += uint32(n+7) &^ 7
	if x.next > lxMemSize/2 {
		panic("lxEnv: test memory exhausted")
	}
	x.mem.Write(p, bytes.Repeat([]byte{0xee}, n))
	return uint64(p)
}

// data places b in fresh memory and returns its address.
func (x *lxEnv) data(b []byte) uint64 {
	p := x.alloc(len(b))
	x.mem.Write(uint32(p), b)
	return p
}

// str places s, NUL-terminated, in fresh memory and returns its address.
func (x *lxEnv) str(s string) uint64 { return x.data(append([]byte(s), 0)) }

// put writes b at p.
func (x *lxEnv) put(p uint64, b []byte) { x.mem.Write(uint32(p), b) }

// get returns a copy of the n bytes at p.
func (x *lxEnv) get(p uint64, n int) []byte {
	b, ok := x.mem.Read(uint32(p), uint32(n))
	if !ok {
		panic("lxEnv: get out of range")
	}
	return append([]byte(nil), b...)
}

// u32 reads the uint32 at p.
func (x *lxEnv) u32(p uint64) uint32 { return binary.LittleEndian.Uint32(x.get(p, 4)) }

// u64 reads the uint64 at p.
func (x *lxEnv) u64(p uint64) uint64 { return binary.LittleEndian.Uint64(x.get(p, 8)) }

// i64 reads the int64 at p.
func (x *lxEnv) i64(p uint64) int64 { return int64(x.u64(p)) }

// pipe makes a pipe through the decoder and returns its fds.
func (x *lxEnv) pipe() (r, w uint64) {
	fds := x.alloc(8)
	x.check(0, posix.SYS_PIPE, fds)
	return uint64(x.u32(fds)), uint64(x.u32(fds + 4))
}

// lxTimespecBytes is a struct timespec as the C library lays it out.
func lxTimespecBytes(sec int64, nsec int32) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, uint64(sec))
	binary.LittleEndian.PutUint32(b[8:], uint32(nsec))
	return b
}

// lxRlimitBytes is a struct rlimit.
func lxRlimitBytes(cur, max uint64) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, cur)
	binary.LittleEndian.PutUint64(b[8:], max)
	return b
}

// TestLinuxSyscall_ReadWrite_File checks read, write, pread64, pwrite64,
// lseek (an off_t above 4 GiB) and close on a file.
func TestLinuxSyscall_ReadWrite_File(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp/f")
		fd := x.sys(posix.SYS_OPENAT, lxFdcwd, path, lxI(posix.O_CREAT|posix.O_RDWR), 0o644)
		assert.Equal(t, int64(3), fd, "openat: the lowest free fd")
		x.check(5, posix.SYS_WRITE, uint64(fd), x.data([]byte("hello")), 5)
		x.check(0, posix.SYS_LSEEK, uint64(fd), 0, posix.SEEK_SET)
		out := x.alloc(16)
		x.check(5, posix.SYS_READ, uint64(fd), out, 16)
		assert.Equal(t, "hello", string(x.get(out, 5)))
		x.check(0, posix.SYS_READ, uint64(fd), out, 16) // end of file

		x.check(2, posix.SYS_PWRITE64, uint64(fd), x.data([]byte("XY")), 2, 10)
		x.check(3, posix.SYS_PREAD64, uint64(fd), out, 3, 9)
		assert.Equal(t, "\x00XY", string(x.get(out, 3)))
		x.check(lxE(posix.EINVAL), posix.SYS_PREAD64, uint64(fd), out, 3, lxI(-1))
		st, err := x.p.Fstat(int(fd))
		assert.NoError(t, err)
		assert.Equal(t, int64(12), st.Size)

		// off_t arrives whole: an offset above 4 GiB survives.
		x.check(1<<33, posix.SYS_LSEEK, uint64(fd), 1<<33, posix.SEEK_SET)
		x.check(lxE(posix.EINVAL), posix.SYS_LSEEK, uint64(fd), lxI(-1), posix.SEEK_SET)
		x.check(0, posix.SYS_CLOSE, uint64(fd))
		x.check(lxE(posix.EBADF), posix.SYS_CLOSE, uint64(fd))
	})
}

// TestLinuxSyscall_Read_BadPointer_EFAULT checks that read and pread64
// refuse a buffer outside the memory (EFAULT), accept an empty one
// anywhere, and cut one that runs past the end.
func TestLinuxSyscall_Read_BadPointer_EFAULT(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		x.check(3, posix.SYS_WRITE, w, x.data([]byte("abc")), 3)
		f := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/f"), lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		for _, c := range []struct {
			name  string
			buf   uint64
			count uint64
			want  int64
		}{
			{"past the end", lxMemSize, 1, lxE(posix.EFAULT)},
			{"far past the end", 1 << 31, 1, lxE(posix.EFAULT)},
			{"high bits set", 1<<32 | 2048, 1, lxE(posix.EFAULT)},
			{"NULL", 0, 1, lxE(posix.EFAULT)},
			{"empty, past the end", lxMemSize + 100, 0, 0},
			{"empty, NULL", 0, 0, 0},
		} {
			assert.Equal(t, c.want, x.sys(posix.SYS_READ, r, c.buf, c.count), "read: %s", c.name)
			assert.Equal(t, c.want, x.sys(posix.SYS_PREAD64, f, c.buf, c.count, 0), "pread64: %s", c.name)
		}
		// A count that runs past the end reads the bytes in range.
		x.check(2, posix.SYS_READ, r, lxMemSize-2, 100)
		assert.Equal(t, "ab", string(x.get(lxMemSize-2, 2)))
		x.check(1, posix.SYS_READ, r, lxMemSize-2, 1<<40)
		assert.Equal(t, "c", string(x.get(lxMemSize-2, 1)))
	})
}

// TestLinuxSyscall_Write_BadPointer_EFAULT checks that write refuses a
// buffer outside the memory and writes the bytes in range of one that runs
// past the end.
func TestLinuxSyscall_Write_BadPointer_EFAULT(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		for _, buf := range []uint64{lxMemSize, 0, 1<<32 | 16} {
			x.check(lxE(posix.EFAULT), posix.SYS_WRITE, w, buf, 1)
		}
		// A count past the end writes the bytes in range.
		x.put(lxMemSize-3, []byte("xyz"))
		x.check(3, posix.SYS_WRITE, w, lxMemSize-3, 100)
		out := x.alloc(8)
		x.check(3, posix.SYS_READ, r, out, 8)
		assert.Equal(t, "xyz", string(x.get(out, 3)))
	})
}

// TestLinuxSyscall_BadFd_EBADF checks that every fd call answers EBADF for
// a closed fd.
func TestLinuxSyscall_BadFd_EBADF(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		buf := x.alloc(256)
		for _, c := range []struct {
			n    int
			args []uint64
		}{
			{posix.SYS_READ, []uint64{99, buf, 1}},
			{posix.SYS_WRITE, []uint64{99, buf, 1}},
			{posix.SYS_READV, []uint64{99, buf, 0}},
			{posix.SYS_PREAD64, []uint64{99, buf, 1, 0}},
			{posix.SYS_CLOSE, []uint64{99}},
			{posix.SYS_DUP, []uint64{99}},
			{posix.SYS_DUP2, []uint64{99, 5}},
			{posix.SYS_FCNTL, []uint64{99, posix.F_GETFD}},
			{posix.SYS_IOCTL, []uint64{99, posix.FIONREAD, buf}},
			{posix.SYS_IOCTL, []uint64{99, posix.TCGETS, buf}},
			{posix.SYS_LSEEK, []uint64{99, 0, 0}},
			{posix.SYS_FSTAT, []uint64{99, buf}},
			{posix.SYS_FSTATFS, []uint64{99, buf}},
			{posix.SYS_GETDENTS64, []uint64{99, buf, 256}},
			{posix.SYS_FCHDIR, []uint64{99}},
			{posix.SYS_FCHMOD, []uint64{99, 0o644}},
			{posix.SYS_FCHOWN, []uint64{99, 1000, 1000}},
			{posix.SYS_FTRUNCATE, []uint64{99, 0}},
			{posix.SYS_FSYNC, []uint64{99}},
			{posix.SYS_FDATASYNC, []uint64{99}},
			{posix.SYS_UTIMENSAT, []uint64{99, 0, 0, 0}},
			{posix.SYS_CLOSE, []uint64{lxI(-1)}},
		} {
			x.check(lxE(posix.EBADF), c.n, c.args...)
		}
	})
}

// TestLinuxSyscall_Readv_Writev checks the iovec decoding of readv and
// writev: the data, EINVAL for the counts and lengths Linux refuses,
// EFAULT, and a vector that ends where a buffer leaves the memory.
func TestLinuxSyscall_Readv_Writev(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		iov := func(bufs ...[2]uint64) uint64 {
			b := make([]byte, 8*len(bufs))
			for i, v := range bufs {
				binary.LittleEndian.PutUint32(b[i*8:], uint32(v[0]))
				binary.LittleEndian.PutUint32(b[i*8+4:], uint32(v[1]))
			}
			return x.data(b)
		}
		x.check(5, posix.SYS_WRITEV, w, iov([2]uint64{x.data([]byte("ab")), 2}, [2]uint64{0, 0}, [2]uint64{x.data([]byte("cde")), 3}), 3)
		b1, b2 := x.alloc(2), x.alloc(10)
		x.check(5, posix.SYS_READV, r, iov([2]uint64{b1, 2}, [2]uint64{b2, 10}), 2)
		assert.Equal(t, "ab", string(x.get(b1, 2)))
		assert.Equal(t, "cde", string(x.get(b2, 3)))

		x.check(lxE(posix.EINVAL), posix.SYS_WRITEV, w, iov([2]uint64{b1, 1}), 1025)
		x.check(lxE(posix.EINVAL), posix.SYS_WRITEV, w, iov([2]uint64{b1, 1}), lxI(-1))
		x.check(lxE(posix.EINVAL), posix.SYS_WRITEV, w, iov([2]uint64{b1, 1}, [2]uint64{b2, 1 << 31}), 2)
		x.check(lxE(posix.EFAULT), posix.SYS_WRITEV, w, lxMemSize-4, 1)
		x.check(lxE(posix.EFAULT), posix.SYS_WRITEV, w, iov([2]uint64{lxMemSize, 4}), 1)
		x.check(0, posix.SYS_WRITEV, w, 0, 0)
		// The vector ends where a buffer leaves the memory.
		x.put(b1, []byte("12"))
		x.check(2, posix.SYS_WRITEV, w, iov([2]uint64{b1, 2}, [2]uint64{lxMemSize + 8, 4}, [2]uint64{b1, 2}), 3)
		x.put(lxMemSize-1, []byte("3"))
		x.check(3, posix.SYS_WRITEV, w, iov([2]uint64{b1, 2}, [2]uint64{lxMemSize - 1, 4}, [2]uint64{b1, 2}), 3)
		x.check(5, posix.SYS_READ, r, b2, 10)
		assert.Equal(t, "12123", string(x.get(b2, 5)))
	})
}

// TestLinuxSyscall_Pipe checks pipe and pipe2: the fds stored, the flags,
// and no pipe made when its fds cannot be stored.
func TestLinuxSyscall_Pipe(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		assert.Equal(t, []uint64{3, 4}, []uint64{r, w})
		fds := x.alloc(8)
		x.check(0, posix.SYS_PIPE2, fds, lxI(posix.O_CLOEXEC|posix.O_NONBLOCK))
		r2 := uint64(x.u32(fds))
		x.check(posix.FD_CLOEXEC, posix.SYS_FCNTL, r2, posix.F_GETFD)
		x.check(lxE(posix.EAGAIN), posix.SYS_READ, r2, x.alloc(1), 1)
		x.check(lxE(posix.EINVAL), posix.SYS_PIPE2, fds, 0x1)

		// No pipe is made when its fds cannot be stored.
		x.check(lxE(posix.EFAULT), posix.SYS_PIPE, lxMemSize-4)
		x.check(lxE(posix.EFAULT), posix.SYS_PIPE2, 0, 0)
		x.check(7, posix.SYS_DUP, 0)
	})
}

// TestLinuxSyscall_Dup_Fcntl checks dup, dup2, dup3, fcntl (its int
// argument, as the C library passes it) and close_range.
func TestLinuxSyscall_Dup_Fcntl(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(3, posix.SYS_DUP, 1)
		x.check(10, posix.SYS_DUP2, 1, 10)
		x.check(10, posix.SYS_DUP2, 10, 10)
		x.check(11, posix.SYS_DUP3, 1, 11, lxI(posix.O_CLOEXEC))
		x.check(posix.FD_CLOEXEC, posix.SYS_FCNTL, 11, posix.F_GETFD)
		x.check(0, posix.SYS_FCNTL, 10, posix.F_GETFD)
		x.check(lxE(posix.EINVAL), posix.SYS_DUP3, 1, 1, 0)
		x.check(20, posix.SYS_FCNTL, 1, posix.F_DUPFD, 20)
		x.check(21, posix.SYS_FCNTL, 1, posix.F_DUPFD_CLOEXEC, 20)
		x.check(lxE(posix.EINVAL), posix.SYS_FCNTL, 1, posix.F_DUPFD, lxI(-1))
		x.check(lxE(posix.EINVAL), posix.SYS_FCNTL, 1, posix.F_DUPFD, 0xffffffff) // unsigned long -1 of the C library

		r, _ := x.pipe()
		x.check(0, posix.SYS_FCNTL, r, posix.F_SETFL, posix.O_NONBLOCK)
		fl := x.sys(posix.SYS_FCNTL, r, posix.F_GETFL)
		assert.Equal(t, int64(posix.O_NONBLOCK), fl&posix.O_NONBLOCK, "F_GETFL after F_SETFL O_NONBLOCK: %#o", fl)
		x.check(lxE(posix.EINVAL), posix.SYS_FCNTL, r, 9999)

		x.check(0, posix.SYS_CLOSE_RANGE, 10, 20, 0)
		x.check(lxE(posix.EBADF), posix.SYS_FCNTL, 10, posix.F_GETFD)
		x.check(lxE(posix.EBADF), posix.SYS_FCNTL, 20, posix.F_GETFD)
		x.check(posix.FD_CLOEXEC, posix.SYS_FCNTL, 21, posix.F_GETFD)
		x.check(0, posix.SYS_CLOSE_RANGE, 21, 0xffffffff, 0) // ~0U: to the end
		x.check(lxE(posix.EBADF), posix.SYS_FCNTL, 21, posix.F_GETFD)
	})
}

// TestLinuxSyscall_Ioctl checks FIONREAD, FIONBIO, FIOCLEX and FIONCLEX,
// and ENOTTY or EBADF for the rest on a pipe.
func TestLinuxSyscall_Ioctl(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		x.check(5, posix.SYS_WRITE, w, x.data([]byte("12345")), 5)
		n := x.alloc(4)
		x.check(0, posix.SYS_IOCTL, r, posix.FIONREAD, n)
		assert.Equal(t, uint32(5), x.u32(n), "FIONREAD")
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, r, posix.FIONREAD, lxMemSize-2)
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, r, posix.FIONREAD, 0)

		x.put(n, []byte{1, 0, 0, 0})
		x.check(0, posix.SYS_IOCTL, r, posix.FIONBIO, n)
		assert.NotZero(t, x.sys(posix.SYS_FCNTL, r, posix.F_GETFL)&posix.O_NONBLOCK, "FIONBIO 1 sets O_NONBLOCK")
		x.check(5, posix.SYS_READ, r, x.alloc(8), 8)
		x.check(lxE(posix.EAGAIN), posix.SYS_READ, r, x.alloc(8), 8)
		x.put(n, []byte{0, 0, 0, 0})
		x.check(0, posix.SYS_IOCTL, r, posix.FIONBIO, n)
		assert.Zero(t, x.sys(posix.SYS_FCNTL, r, posix.F_GETFL)&posix.O_NONBLOCK, "FIONBIO 0 clears O_NONBLOCK")
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, r, posix.FIONBIO, lxMemSize)

		x.check(0, posix.SYS_IOCTL, r, posix.FIOCLEX, 0)
		x.check(posix.FD_CLOEXEC, posix.SYS_FCNTL, r, posix.F_GETFD)
		x.check(0, posix.SYS_IOCTL, r, posix.FIONCLEX, 0)
		x.check(0, posix.SYS_FCNTL, r, posix.F_GETFD)

		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, posix.TCGETS, x.alloc(64))
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, 1, posix.TIOCGWINSZ, x.alloc(8))
		x.check(lxE(posix.EBADF), posix.SYS_IOCTL, 42, posix.TIOCGWINSZ, x.alloc(8))
	})
}

// TestLinuxSyscall_Poll checks poll: revents stored (and only revents), the
// timeout, and the EINVAL and EFAULT cases.
func TestLinuxSyscall_Poll(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		pollfds := func(ents ...[2]int) uint64 {
			b := make([]byte, 8*len(ents))
			for i, e := range ents {
				binary.LittleEndian.PutUint32(b[i*8:], uint32(int32(e[0])))
				binary.LittleEndian.PutUint16(b[i*8+4:], uint16(e[1]))
				binary.LittleEndian.PutUint16(b[i*8+6:], 0x7777) // revents: overwritten
			}
			return x.data(b)
		}
		revents := func(p uint64, i int) uint16 { return binary.LittleEndian.Uint16(x.get(p+uint64(i)*8+6, 2)) }

		fds := pollfds([2]int{int(r), posix.POLLIN}, [2]int{int(w), posix.POLLOUT}, [2]int{-1, posix.POLLIN}, [2]int{99, posix.POLLIN})
		x.check(2, posix.SYS_POLL, fds, 4, 0)
		assert.Equal(t, []uint16{0, posix.POLLOUT, 0, posix.POLLNVAL}, []uint16{revents(fds, 0), revents(fds, 1), revents(fds, 2), revents(fds, 3)})
		assert.Equal(t, uint16(posix.POLLOUT), binary.LittleEndian.Uint16(x.get(fds+12, 2)), "events are left as they were")

		x.check(1, posix.SYS_WRITE, w, x.data([]byte("!")), 1)
		fds = pollfds([2]int{int(r), posix.POLLIN})
		x.check(1, posix.SYS_POLL, fds, 1, lxI(-1))
		assert.Equal(t, uint16(posix.POLLIN), revents(fds, 0))

		// Timeout: nothing ready for 20 ms.
		x.check(1, posix.SYS_READ, r, x.alloc(1), 1)
		start := time.Now()
		x.check(0, posix.SYS_POLL, fds, 1, 20)
		assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond)
		assert.Equal(t, uint16(0), revents(fds, 0))

		x.check(lxE(posix.EINVAL), posix.SYS_POLL, fds, 1<<21, 0)            // above fs.nr_open
		x.check(lxE(posix.EINVAL), posix.SYS_POLL, lxMemSize-8, 2000, 0)     // above RLIMIT_NOFILE
		x.check(lxE(posix.EINVAL), posix.SYS_POLL, x.alloc(8*1100), 1100, 0) // above RLIMIT_NOFILE, in memory
		x.check(lxE(posix.EFAULT), posix.SYS_POLL, lxMemSize-8, 2, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_POLL, 1<<32|fds, 1, 0)
		x.check(0, posix.SYS_POLL, 0, 0, 0)
	})
}

// TestLinuxSyscall_Ids checks the process and user id calls.
func TestLinuxSyscall_Ids(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		pid := int64(x.p.Getpid())
		x.check(pid, posix.SYS_GETPID)
		x.check(int64(x.p.Getppid()), posix.SYS_GETPPID)
		x.check(pid, posix.SYS_GETPGID, 0)
		x.check(pid, posix.SYS_GETPGRP)
		x.check(pid, posix.SYS_GETSID, 0)
		x.check(lxE(posix.ESRCH), posix.SYS_GETPGID, 999999)
		x.check(lxE(posix.ESRCH), posix.SYS_GETSID, 999999)
		x.check(lxE(posix.EPERM), posix.SYS_SETSID)        // already a group leader
		x.check(lxE(posix.EPERM), posix.SYS_SETPGID, 0, 0) // a session leader
		x.check(lxE(posix.EINVAL), posix.SYS_SETPGID, 0, lxI(-1))
		for _, n := range []int{posix.SYS_GETUID, posix.SYS_GETEUID, posix.SYS_GETGID, posix.SYS_GETEGID} {
			x.check(1000, n)
		}
	})
}

// TestLinuxSyscall_Wait4 checks wait4: the status and the zeroed rusage
// stored, NULL pointers, WNOHANG, and a bad pointer refused before a child
// is reaped.
func TestLinuxSyscall_Wait4(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		child, err := x.p.Fork(func(*cages.Proc) int { return 3 })
		assert.NoError(t, err)
		st, ru := x.alloc(4), x.alloc(lxRusageSize+8)
		x.check(int64(child), posix.SYS_WAIT4, lxI(-1), st, 0, ru)
		assert.Equal(t, uint32(posix.Exited(3)), x.u32(st), "wstatus")
		assert.Equal(t, make([]byte, lxRusageSize), x.get(ru, lxRusageSize), "rusage is zero-filled")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(ru+lxRusageSize, 8), "nothing past the kernel's rusage")
		x.check(lxE(posix.ECHILD), posix.SYS_WAIT4, lxI(-1), st, 0, 0)

		// WNOHANG with a live child answers 0 and stores nothing.
		r, w := x.pipe()
		child, err = x.p.Fork(func(c *cages.Proc) int {
			c.Close(int(w))
			var b [1]byte
			c.Read(int(r), b[:])
			return 0
		})
		assert.NoError(t, err)
		st = x.alloc(4)
		x.check(0, posix.SYS_WAIT4, uint64(child), st, posix.WNOHANG, 0)
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(st), "WNOHANG's 0 stores no status")
		x.check(0, posix.SYS_CLOSE, w)
		x.check(int64(child), posix.SYS_WAIT4, uint64(child), 0, 0, 0) // NULL wstatus and rusage

		// A bad pointer fails before the wait: the child is not lost.
		child, err = x.p.Fork(func(*cages.Proc) int { return 4 })
		assert.NoError(t, err)
		x.check(lxE(posix.EFAULT), posix.SYS_WAIT4, lxI(-1), lxMemSize-2, 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_WAIT4, lxI(-1), 0, 0, lxMemSize-100)
		x.check(int64(child), posix.SYS_WAIT4, lxI(-1), st, 0, 0)
		assert.Equal(t, uint32(posix.Exited(4)), x.u32(st))
		x.check(lxE(posix.EINVAL), posix.SYS_WAIT4, lxI(-1), 0, 0x100, 0)
	})
}

// TestLinuxSyscall_Kill checks kill.
func TestLinuxSyscall_Kill(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		pid := uint64(x.p.Getpid())
		x.check(0, posix.SYS_KILL, pid, 0)
		x.check(lxE(posix.ESRCH), posix.SYS_KILL, 999999, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_KILL, pid, 99)
		x.check(lxE(posix.EINVAL), posix.SYS_KILL, pid, lxI(-1))
	})
}

// TestLinuxSyscall_Signals checks rt_sigprocmask, rt_sigpending and
// rt_sigsuspend with the 8-byte sigset.
func TestLinuxSyscall_Signals(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		usr1 := uint64(1) << (posix.SIGUSR1 - 1)
		set, old := x.data(binary.LittleEndian.AppendUint64(nil, usr1)), x.alloc(8)
		x.check(0, posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, set, old, 8)
		assert.Equal(t, uint64(0), x.u64(old), "the old mask")
		x.check(0, posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, 0, old, 8)
		assert.Equal(t, usr1, x.u64(old), "the mask, read back")
		x.check(lxE(posix.EINVAL), posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, set, old, 4)
		x.check(lxE(posix.EINVAL), posix.SYS_RT_SIGPROCMASK, 7, set, old, 8)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, lxMemSize-4, old, 8)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGPROCMASK, posix.SIG_UNBLOCK, set, lxMemSize-4, 8)
		x.check(0, posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, 0, old, 8)
		assert.Equal(t, usr1, x.u64(old), "a refused call leaves the mask")

		ran := 0
		assert.NoError(t, x.p.Signal(posix.SIGUSR1, func(int) { ran++ }))
		x.check(0, posix.SYS_KILL, uint64(x.p.Getpid()), posix.SIGUSR1)
		pend := x.alloc(8)
		x.check(0, posix.SYS_RT_SIGPENDING, pend, 8)
		assert.Equal(t, usr1, x.u64(pend), "pending")
		x.check(lxE(posix.EINVAL), posix.SYS_RT_SIGPENDING, pend, 9)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGPENDING, lxMemSize-4, 8)
		assert.Equal(t, 0, ran)

		x.check(lxE(posix.EINVAL), posix.SYS_RT_SIGSUSPEND, x.data(make([]byte, 8)), 4)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGSUSPEND, lxMemSize-4, 8)
		x.check(lxE(posix.EINTR), posix.SYS_RT_SIGSUSPEND, x.data(make([]byte, 8)), 8)
		assert.Equal(t, 1, ran, "the handler ran in sigsuspend")
		x.check(0, posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, 0, old, 8)
		assert.Equal(t, usr1, x.u64(old), "sigsuspend restored the mask")
	})
}

// TestLinuxSyscall_Alarm checks alarm.
func TestLinuxSyscall_Alarm(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_ALARM, 100)
		left := x.sys(posix.SYS_ALARM, 0)
		assert.True(t, left == 99 || left == 100, "alarm(0) = %d; want the seconds left of 100", left)
		x.check(0, posix.SYS_ALARM, 0)
	})
}

// TestLinuxSyscall_Nanosleep checks nanosleep: sleeping, the timespec
// checks, and the time left of an interrupted sleep.
func TestLinuxSyscall_Nanosleep(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		start := time.Now()
		x.check(0, posix.SYS_NANOSLEEP, x.data(lxTimespecBytes(0, 20e6)), 0)
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
		x.check(lxE(posix.EINVAL), posix.SYS_NANOSLEEP, x.data(lxTimespecBytes(0, 1e9)), 0)
		x.check(lxE(posix.EINVAL), posix.SYS_NANOSLEEP, x.data(lxTimespecBytes(0, -1)), 0)
		x.check(lxE(posix.EINVAL), posix.SYS_NANOSLEEP, x.data(lxTimespecBytes(-1, 0)), 0)
		x.check(lxE(posix.EFAULT), posix.SYS_NANOSLEEP, lxMemSize-8, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_NANOSLEEP, 0, 0)
		// The padding after tv_nsec is not part of the value.
		req := x.data(lxTimespecBytes(0, 1000))
		x.put(req+12, []byte{0xff, 0xff, 0xff, 0xff})
		x.check(0, posix.SYS_NANOSLEEP, req, 0)

		// Interrupted by a handled signal: EINTR and the time left.
		assert.NoError(t, x.p.Signal(posix.SIGUSR1, func(int) {}))
		parent := x.p.Getpid()
		_, err := x.p.Fork(func(c *cages.Proc) int {
			c.Sleep(100 * time.Millisecond)
			c.Kill(parent, posix.SIGUSR1)
			return 0
		})
		assert.NoError(t, err)
		rem := x.alloc(16)
		x.check(lxE(posix.EINTR), posix.SYS_NANOSLEEP, x.data(lxTimespecBytes(20, 0)), rem)
		assert.True(t, x.i64(rem) >= 15 && x.i64(rem) < 20, "rem.tv_sec = %d", x.i64(rem))
		assert.Less(t, x.u32(rem+8), uint32(1e9), "rem.tv_nsec")
		assert.Equal(t, uint32(0), x.u32(rem+12), "rem's padding")
		x.sys(posix.SYS_WAIT4, lxI(-1), 0, 0, 0)
	})
}

// TestLinuxSyscall_ClockGettime checks clock_gettime: the timespec stored,
// padding included.
func TestLinuxSyscall_ClockGettime(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		ts := x.alloc(16)
		x.check(0, posix.SYS_CLOCK_GETTIME, posix.CLOCK_REALTIME, ts)
		assert.InDelta(t, time.Now().Unix(), x.i64(ts), 5, "tv_sec")
		assert.Less(t, x.u32(ts+8), uint32(1e9), "tv_nsec")
		assert.Equal(t, uint32(0), x.u32(ts+12), "padding")
		x.check(0, posix.SYS_CLOCK_GETTIME, posix.CLOCK_MONOTONIC, ts)
		assert.Positive(t, x.i64(ts))
		x.check(lxE(posix.EINVAL), posix.SYS_CLOCK_GETTIME, 99, ts)
		x.check(lxE(posix.EFAULT), posix.SYS_CLOCK_GETTIME, posix.CLOCK_REALTIME, lxMemSize-8)
		x.check(lxE(posix.EFAULT), posix.SYS_CLOCK_GETTIME, posix.CLOCK_REALTIME, 0)
	})
}

// TestLinuxSyscall_Uname checks uname: the six 65-byte fields at their
// offsets.
func TestLinuxSyscall_Uname(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		u := x.alloc(390 + 8)
		x.check(0, posix.SYS_UNAME, u)
		field := func(off int) string {
			b := x.get(u+uint64(off), 65)
			return string(b[:bytes.IndexByte(b, 0)])
		}
		assert.Equal(t, []string{"Linux", "gocage", "6.1.0-gocage", "#1 SMP PREEMPT_DYNAMIC gocage", "x86_64", "(none)"},
			[]string{field(0), field(65), field(130), field(195), field(260), field(325)})
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(u+390, 8), "nothing past struct utsname")
		x.check(lxE(posix.EFAULT), posix.SYS_UNAME, lxMemSize-389)
	})
}

// TestLinuxSyscall_Umask checks umask.
func TestLinuxSyscall_Umask(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0o22, posix.SYS_UMASK, 0o77)
		x.check(0o77, posix.SYS_UMASK, 0o27)
		fd := x.sys(posix.SYS_OPEN, x.str("/tmp/m"), lxI(posix.O_CREAT|posix.O_WRONLY), 0o666)
		assert.Positive(t, fd)
		st, err := x.p.Stat("/tmp/m")
		assert.NoError(t, err)
		assert.Equal(t, uint32(0o640), st.Mode&0o777, "the umask applies")
	})
}

// TestLinuxSyscall_Rlimits checks getrlimit, setrlimit and prlimit64
// (16-byte struct rlimit).
func TestLinuxSyscall_Rlimits(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		rl := x.alloc(16)
		x.check(0, posix.SYS_GETRLIMIT, posix.RLIMIT_NOFILE, rl)
		assert.Equal(t, uint64(1024), x.u64(rl), "rlim_cur")
		max := x.u64(rl + 8)
		x.check(0, posix.SYS_SETRLIMIT, posix.RLIMIT_NOFILE, x.data(lxRlimitBytes(100, max)))
		x.check(0, posix.SYS_GETRLIMIT, posix.RLIMIT_NOFILE, rl)
		assert.Equal(t, uint64(100), x.u64(rl))
		x.check(lxE(posix.EINVAL), posix.SYS_SETRLIMIT, posix.RLIMIT_NOFILE, x.data(lxRlimitBytes(10, 5)))
		x.check(lxE(posix.EFAULT), posix.SYS_SETRLIMIT, posix.RLIMIT_NOFILE, lxMemSize-8)
		x.check(lxE(posix.EFAULT), posix.SYS_GETRLIMIT, posix.RLIMIT_NOFILE, lxMemSize-8)
		x.check(lxE(posix.EINVAL), posix.SYS_GETRLIMIT, 99, rl)

		old := x.alloc(16)
		x.check(0, posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, x.data(lxRlimitBytes(50, max)), old)
		assert.Equal(t, uint64(100), x.u64(old), "old rlim_cur")
		x.check(0, posix.SYS_PRLIMIT64, uint64(x.p.Getpid()), posix.RLIMIT_NOFILE, 0, old)
		assert.Equal(t, uint64(50), x.u64(old), "rlim_cur after prlimit64")
		x.check(lxE(posix.EINVAL), posix.SYS_POLL, x.alloc(8*60), 60, 0) // nfds above the new limit

		old = x.alloc(16)
		x.check(lxE(posix.EINVAL), posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, x.data(lxRlimitBytes(10, 5)), old)
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 16), x.get(old, 16), "a refused prlimit64 stores no old limit")
		x.check(lxE(posix.EPERM), posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, x.data(lxRlimitBytes(10, max+1)), old)
		x.check(lxE(posix.EINVAL), posix.SYS_PRLIMIT64, 0, 99, 0, 0)
		x.check(0, posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, 0, lxMemSize-8)
		x.check(lxE(posix.EFAULT), posix.SYS_PRLIMIT64, 0, posix.RLIMIT_NOFILE, lxMemSize-8, 0)
		x.check(lxE(posix.ESRCH), posix.SYS_PRLIMIT64, lxI(-1), posix.RLIMIT_NOFILE, 0, old)
		x.check(lxE(posix.EPERM), posix.SYS_PRLIMIT64, 1, posix.RLIMIT_NOFILE, 0, old)
	})
}

// TestLinuxSyscall_Path_Errors checks how a path argument is read: EFAULT,
// ENAMETOOLONG at PATH_MAX, and the longest path accepted.
func TestLinuxSyscall_Path_Errors(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		// A path at the very end of the memory, never terminated.
		x.put(lxMemSize-4, []byte("/tmp"))
		long := x.str("/" + strings.Repeat("./", 2047))          // 4095 bytes: a valid "/"
		tooLong := x.str("/" + strings.Repeat("./", 2047) + ".") // 4096 bytes
		buf := x.alloc(lxStatSize)
		for _, c := range []struct {
			name string
			path uint64
			want int64
		}{
			{"NULL", 0, lxE(posix.EFAULT)},
			{"past the end", lxMemSize, lxE(posix.EFAULT)},
			{"high bits set", 1<<32 | long, lxE(posix.EFAULT)},
			{"unterminated at the end", lxMemSize - 4, lxE(posix.EFAULT)},
			{"PATH_MAX bytes", tooLong, lxE(posix.ENAMETOOLONG)},
			{"PATH_MAX-1 bytes", long, 0},
			{"empty", x.str(""), lxE(posix.ENOENT)},
			{"missing", x.str("/nonexistent"), lxE(posix.ENOENT)},
		} {
			assert.Equal(t, c.want, x.sys(posix.SYS_STAT, c.path, buf), "stat: %s", c.name)
			assert.Equal(t, c.want, x.sys(posix.SYS_NEWFSTATAT, lxFdcwd, c.path, buf, 0), "newfstatat: %s", c.name)
			if c.want != 0 {
				assert.Equal(t, c.want, x.sys(posix.SYS_OPEN, c.path, 0, 0), "open: %s", c.name)
				assert.Equal(t, c.want, x.sys(posix.SYS_CHDIR, c.path), "chdir: %s", c.name)
			}
		}
		// Both paths of a two-path call are checked.
		x.check(lxE(posix.EFAULT), posix.SYS_RENAME, x.str("/tmp"), 0)
		x.check(lxE(posix.EFAULT), posix.SYS_LINKAT, lxFdcwd, lxMemSize, lxFdcwd, x.str("/tmp/x"), 0)
		x.check(lxE(posix.ENAMETOOLONG), posix.SYS_SYMLINK, tooLong, x.str("/tmp/x"))
	})
}

// TestLinuxSyscall_Stat_Layout checks every field of struct kstat at its
// offset, for stat, lstat, fstat and newfstatat.
func TestLinuxSyscall_Stat_Layout(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp/s")
		fd := x.sys(posix.SYS_CREAT, path, 0o640)
		assert.Equal(t, int64(3), fd)
		x.check(5, posix.SYS_WRITE, uint64(fd), x.data([]byte("12345")), 5)
		times := x.data(append(lxTimespecBytes(1000, 5), lxTimespecBytes(2000, 7)...))
		x.check(0, posix.SYS_UTIMENSAT, lxFdcwd, path, times, 0)
		st, err := x.p.Stat("/tmp/s")
		assert.NoError(t, err)

		check := func(what string, buf uint64) {
			assert.Equal(t, st.Dev, x.u64(buf+0), "%s st_dev", what)
			assert.Equal(t, st.Ino, x.u64(buf+8), "%s st_ino", what)
			assert.Equal(t, uint64(1), x.u64(buf+16), "%s st_nlink", what)
			assert.Equal(t, uint32(posix.S_IFREG|0o640), x.u32(buf+24), "%s st_mode", what)
			assert.Equal(t, uint32(1000), x.u32(buf+28), "%s st_uid", what)
			assert.Equal(t, uint32(1000), x.u32(buf+32), "%s st_gid", what)
			assert.Equal(t, uint32(0), x.u32(buf+36), "%s __pad0", what)
			assert.Equal(t, uint64(0), x.u64(buf+40), "%s st_rdev", what)
			assert.Equal(t, int64(5), x.i64(buf+48), "%s st_size", what)
			assert.Equal(t, st.Blksize, x.i64(buf+56), "%s st_blksize and its padding", what)
			assert.Equal(t, st.Blocks, x.i64(buf+64), "%s st_blocks", what)
			assert.Equal(t, int64(1000), x.i64(buf+72), "%s st_atime_sec", what)
			assert.Equal(t, int64(5), x.i64(buf+80), "%s st_atime_nsec and its padding", what)
			assert.Equal(t, int64(2000), x.i64(buf+88), "%s st_mtime_sec", what)
			assert.Equal(t, int64(7), x.i64(buf+96), "%s st_mtime_nsec and its padding", what)
			assert.Equal(t, st.Ctim.Sec, x.i64(buf+104), "%s st_ctime_sec", what)
			assert.Equal(t, st.Ctim.Nsec, x.i64(buf+112), "%s st_ctime_nsec", what)
			assert.Equal(t, make([]byte, 24), x.get(buf+120, 24), "%s __unused", what)
			assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(buf+144, 8), "%s: nothing past struct kstat", what)
		}
		for _, c := range []struct {
			name string
			n    int
			args func(buf uint64) []uint64
		}{
			{"stat", posix.SYS_STAT, func(b uint64) []uint64 { return []uint64{path, b} }},
			{"lstat", posix.SYS_LSTAT, func(b uint64) []uint64 { return []uint64{path, b} }},
			{"fstat", posix.SYS_FSTAT, func(b uint64) []uint64 { return []uint64{uint64(fd), b} }},
			{"newfstatat", posix.SYS_NEWFSTATAT, func(b uint64) []uint64 { return []uint64{lxFdcwd, path, b, 0} }},
			{"newfstatat AT_EMPTY_PATH", posix.SYS_NEWFSTATAT, func(b uint64) []uint64 {
				return []uint64{uint64(fd), x.str(""), b, posix.AT_EMPTY_PATH}
			}},
		} {
			buf := x.alloc(lxStatSize + 8)
			if x.check(0, c.n, c.args(buf)...) {
				check(c.name, buf)
			}
			x.check(lxE(posix.EFAULT), c.n, c.args(lxMemSize-lxStatSize+8)...)
			x.check(lxE(posix.EFAULT), c.n, c.args(0)...)
		}

		x.check(0, posix.SYS_SYMLINK, x.str("s"), x.str("/tmp/l"))
		buf := x.alloc(lxStatSize)
		x.check(0, posix.SYS_LSTAT, x.str("/tmp/l"), buf)
		assert.Equal(t, uint32(posix.S_IFLNK|0o777), x.u32(buf+24), "lstat of a symlink: st_mode")
		assert.Equal(t, int64(1), x.i64(buf+48), "lstat of a symlink: st_size")
		x.check(0, posix.SYS_NEWFSTATAT, lxFdcwd, x.str("/tmp/l"), buf, posix.AT_SYMLINK_NOFOLLOW)
		assert.Equal(t, uint32(posix.S_IFLNK|0o777), x.u32(buf+24), "fstatat AT_SYMLINK_NOFOLLOW: st_mode")
		x.check(0, posix.SYS_STAT, x.str("/tmp/l"), buf)
		assert.Equal(t, uint32(posix.S_IFREG|0o640), x.u32(buf+24), "stat through a symlink: st_mode")
	})
}

// TestLinuxSyscall_Dirs checks open, openat, creat, mkdir, mkdirat, rmdir,
// unlink and unlinkat.
func TestLinuxSyscall_Dirs(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_MKDIR, x.str("/tmp/d"), 0o755)
		x.check(lxE(posix.EEXIST), posix.SYS_MKDIR, x.str("/tmp/d"), 0o755)
		dfd := x.sys(posix.SYS_OPEN, x.str("/tmp/d"), lxI(posix.O_RDONLY|posix.O_DIRECTORY), 0)
		assert.Equal(t, int64(3), dfd)
		x.check(0, posix.SYS_MKDIRAT, uint64(dfd), x.str("sub"), 0o700)
		st, err := x.p.Stat("/tmp/d/sub")
		assert.NoError(t, err)
		assert.Equal(t, uint32(posix.S_IFDIR|0o700), st.Mode)
		fd := x.sys(posix.SYS_OPENAT, uint64(dfd), x.str("f"), lxI(posix.O_CREAT|posix.O_WRONLY), 0o600)
		assert.Equal(t, int64(4), fd)
		x.check(lxE(posix.ENOTDIR), posix.SYS_OPENAT, uint64(fd), x.str("x"), 0, 0)
		x.check(lxE(posix.ENOTEMPTY), posix.SYS_RMDIR, x.str("/tmp/d"))
		x.check(lxE(posix.EISDIR), posix.SYS_UNLINKAT, uint64(dfd), x.str("sub"), 0)
		x.check(0, posix.SYS_UNLINKAT, uint64(dfd), x.str("sub"), posix.AT_REMOVEDIR)
		x.check(lxE(posix.EINVAL), posix.SYS_UNLINKAT, uint64(dfd), x.str("f"), 1)
		x.check(0, posix.SYS_UNLINK, x.str("/tmp/d/f"))
		x.check(lxE(posix.ENOENT), posix.SYS_UNLINK, x.str("/tmp/d/f"))
		x.check(0, posix.SYS_MKDIR, x.str("/tmp/d/e"), 0o755)
		x.check(0, posix.SYS_RMDIR, x.str("/tmp/d/e"))

		// creat truncates and opens for writing only.
		fd = x.sys(posix.SYS_CREAT, x.str("/tmp/d/c"), 0o644)
		x.check(lxE(posix.EBADF), posix.SYS_READ, uint64(fd), x.alloc(1), 1)
		assert.Equal(t, int64(posix.O_WRONLY), x.sys(posix.SYS_FCNTL, uint64(fd), posix.F_GETFL)&posix.O_ACCMODE)
	})
}

// TestLinuxSyscall_Getdents64 checks getdents64: linux_dirent64 records
// written straight into the memory.
func TestLinuxSyscall_Getdents64(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_MKDIR, x.str("/tmp/g"), 0o755)
		for _, n := range []string{"a", "bb"} {
			assert.Positive(t, x.sys(posix.SYS_OPEN, x.str("/tmp/g/"+n), lxI(posix.O_CREAT|posix.O_WRONLY), 0o644))
		}
		dfd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/g"), lxI(posix.O_RDONLY|posix.O_DIRECTORY), 0))
		buf := x.alloc(1024)
		n := x.sys(posix.SYS_GETDENTS64, dfd, buf, 1024)
		assert.Positive(t, n)
		names := map[string]byte{}
		for off := uint64(0); off < uint64(max(n, 0)); {
			// struct linux_dirent64: d_ino 8, d_off 8, d_reclen 2,
			// d_type 1, d_name.
			reclen := binary.LittleEndian.Uint16(x.get(buf+off+16, 2))
			rec := x.get(buf+off, int(reclen))
			name := rec[19:]
			names[string(name[:bytes.IndexByte(name, 0)])] = rec[18]
			if reclen == 0 {
				break
			}
			off += uint64(reclen)
		}
		assert.Equal(t, map[string]byte{".": 4, "..": 4, "a": 8, "bb": 8}, names, "names and d_type")
		x.check(0, posix.SYS_GETDENTS64, dfd, buf, 1024)

		x.check(0, posix.SYS_LSEEK, dfd, 0, posix.SEEK_SET)
		x.check(lxE(posix.EINVAL), posix.SYS_GETDENTS64, dfd, buf, 8) // too small for an entry
		x.check(lxE(posix.EFAULT), posix.SYS_GETDENTS64, dfd, lxMemSize, 1024)
		// A count past the end of the memory is cut to the memory.
		assert.Equal(t, n, x.sys(posix.SYS_GETDENTS64, dfd, lxMemSize-1024, 1<<20))
		x.check(lxE(posix.ENOTDIR), posix.SYS_GETDENTS64, 1, buf, 1024)
	})
}

// TestLinuxSyscall_Rename_Link_Symlink checks rename, renameat, renameat2,
// link, linkat, symlink, symlinkat, readlink and readlinkat.
func TestLinuxSyscall_Rename_Link_Symlink(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_MKDIR, x.str("/tmp/r"), 0o755)
		dfd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/r"), lxI(posix.O_RDONLY|posix.O_DIRECTORY), 0))
		for _, n := range []string{"a", "b"} {
			assert.Positive(t, x.sys(posix.SYS_OPEN, x.str("/tmp/r/"+n), lxI(posix.O_CREAT|posix.O_WRONLY), 0o644))
		}
		x.check(0, posix.SYS_RENAME, x.str("/tmp/r/a"), x.str("/tmp/r/a2"))
		x.check(0, posix.SYS_RENAMEAT, dfd, x.str("a2"), lxFdcwd, x.str("/tmp/r/a3"))
		x.check(lxE(posix.EEXIST), posix.SYS_RENAMEAT2, dfd, x.str("a3"), dfd, x.str("b"), 1) // RENAME_NOREPLACE
		x.check(0, posix.SYS_RENAMEAT2, dfd, x.str("a3"), dfd, x.str("a4"), 1)
		x.check(lxE(posix.EINVAL), posix.SYS_RENAMEAT2, dfd, x.str("a4"), dfd, x.str("a5"), 8)
		x.check(lxE(posix.ENOENT), posix.SYS_RENAME, x.str("/tmp/r/a"), x.str("/tmp/r/z"))

		x.check(0, posix.SYS_LINK, x.str("/tmp/r/b"), x.str("/tmp/r/b2"))
		x.check(0, posix.SYS_LINKAT, dfd, x.str("b"), lxFdcwd, x.str("/tmp/r/b3"), 0)
		st, err := x.p.Stat("/tmp/r/b")
		assert.NoError(t, err)
		assert.Equal(t, uint64(3), st.Nlink)
		x.check(lxE(posix.EEXIST), posix.SYS_LINK, x.str("/tmp/r/b"), x.str("/tmp/r/b2"))
		x.check(lxE(posix.EINVAL), posix.SYS_LINKAT, dfd, x.str("b"), dfd, x.str("b9"), 1)

		x.check(0, posix.SYS_SYMLINK, x.str("target-one"), x.str("/tmp/r/s1"))
		x.check(0, posix.SYS_SYMLINKAT, x.str("t2"), dfd, x.str("s2"))
		x.check(lxE(posix.ENOENT), posix.SYS_SYMLINK, x.str(""), x.str("/tmp/r/s3"))

		buf := x.alloc(32)
		x.check(10, posix.SYS_READLINK, x.str("/tmp/r/s1"), buf, 32)
		assert.Equal(t, "target-one\xee", string(x.get(buf, 11)), "no NUL is stored")
		x.check(4, posix.SYS_READLINK, x.str("/tmp/r/s1"), buf, 4)
		x.check(2, posix.SYS_READLINKAT, dfd, x.str("s2"), buf, 32)
		assert.Equal(t, "t2", string(x.get(buf, 2)))
		x.check(lxE(posix.EINVAL), posix.SYS_READLINK, x.str("/tmp/r/s1"), buf, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_READLINK, x.str("/tmp/r/s1"), buf, lxI(-1))
		x.check(lxE(posix.EINVAL), posix.SYS_READLINK, x.str("/tmp/r/b"), buf, 32) // not a symlink
		x.check(lxE(posix.EFAULT), posix.SYS_READLINK, x.str("/tmp/r/s1"), lxMemSize, 32)
		// A buffer past the end of the memory is cut to it.
		x.check(3, posix.SYS_READLINKAT, dfd, x.str("s1"), lxMemSize-3, 32)
		assert.Equal(t, "tar", string(x.get(lxMemSize-3, 3)))
	})
}

// TestLinuxSyscall_Cwd checks chdir, fchdir and getcwd (its length with the
// NUL, ERANGE, EFAULT).
func TestLinuxSyscall_Cwd(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		buf := x.alloc(64)
		x.check(2, posix.SYS_GETCWD, buf, 64)
		assert.Equal(t, "/\x00", string(x.get(buf, 2)))
		x.check(0, posix.SYS_CHDIR, x.str("/tmp"))
		x.check(5, posix.SYS_GETCWD, buf, 64)
		assert.Equal(t, "/tmp\x00\xee", string(x.get(buf, 6)), "the length counts the NUL")
		x.check(5, posix.SYS_GETCWD, buf, 5)
		x.check(lxE(posix.ERANGE), posix.SYS_GETCWD, buf, 4)
		x.check(lxE(posix.ERANGE), posix.SYS_GETCWD, buf, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_GETCWD, lxMemSize-2, 64)
		x.check(lxE(posix.EFAULT), posix.SYS_GETCWD, 0, 64)
		x.check(lxE(posix.ENOTDIR), posix.SYS_CHDIR, x.str("/dev/null"))

		x.check(0, posix.SYS_MKDIR, x.str("sub"), 0o755)
		fd := x.sys(posix.SYS_OPEN, x.str("sub"), lxI(posix.O_RDONLY|posix.O_DIRECTORY), 0)
		x.check(0, posix.SYS_CHDIR, x.str("/"))
		x.check(0, posix.SYS_FCHDIR, uint64(fd))
		x.check(9, posix.SYS_GETCWD, buf, 64)
		assert.Equal(t, "/tmp/sub", string(x.get(buf, 8)))
		x.check(lxE(posix.ENOTDIR), posix.SYS_FCHDIR, 1)
	})
}

// TestLinuxSyscall_Modes_Owners_Access checks chmod, fchmod, fchmodat, the
// chown family and the access family.
func TestLinuxSyscall_Modes_Owners_Access(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp/p")
		fd := uint64(x.sys(posix.SYS_OPEN, path, lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		mode := func() uint32 {
			st, err := x.p.Stat("/tmp/p")
			assert.NoError(t, err)
			return st.Mode & 0o7777
		}
		x.check(0, posix.SYS_CHMOD, path, 0o644)
		assert.Equal(t, uint32(0o644), mode())
		x.check(0, posix.SYS_FCHMOD, fd, 0o640)
		assert.Equal(t, uint32(0o640), mode())
		x.check(0, posix.SYS_FCHMODAT, lxFdcwd, path, 0o604, 0xdead) // the fourth argument is not fchmodat's
		assert.Equal(t, uint32(0o604), mode())

		x.check(0, posix.SYS_CHOWN, path, 1000, 0xffffffff) // (gid_t)-1 keeps the group
		x.check(0, posix.SYS_LCHOWN, path, lxI(-1), 1000)
		x.check(0, posix.SYS_FCHOWN, fd, 1000, 1000)
		x.check(0, posix.SYS_FCHOWNAT, lxFdcwd, path, 1000, 1000, 0)
		x.check(lxE(posix.EPERM), posix.SYS_CHOWN, path, 0, 0)
		x.check(lxE(posix.EPERM), posix.SYS_FCHOWN, fd, 0, lxI(-1))
		x.check(lxE(posix.EINVAL), posix.SYS_FCHOWNAT, lxFdcwd, path, 1000, 1000, 1)

		x.check(0, posix.SYS_ACCESS, path, posix.R_OK|posix.W_OK)
		x.check(lxE(posix.EACCES), posix.SYS_ACCESS, path, posix.X_OK)
		x.check(lxE(posix.ENOENT), posix.SYS_ACCESS, x.str("/tmp/none"), posix.F_OK)
		x.check(lxE(posix.EINVAL), posix.SYS_ACCESS, path, 8)
		x.check(0, posix.SYS_FACCESSAT, lxFdcwd, path, posix.R_OK, 0xdead) // no flags argument
		x.check(0, posix.SYS_FACCESSAT2, lxFdcwd, path, posix.R_OK, posix.AT_EACCESS)
		x.check(lxE(posix.EINVAL), posix.SYS_FACCESSAT2, lxFdcwd, path, posix.R_OK, 1)
		x.check(lxE(posix.EACCES), posix.SYS_FACCESSAT2, lxFdcwd, path, posix.X_OK, 0)
	})
}

// TestLinuxSyscall_Truncate_Sync checks truncate, ftruncate, fsync and
// fdatasync.
func TestLinuxSyscall_Truncate_Sync(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp/t")
		fd := uint64(x.sys(posix.SYS_OPEN, path, lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		size := func() int64 {
			st, err := x.p.Stat("/tmp/t")
			assert.NoError(t, err)
			return st.Size
		}
		x.check(0, posix.SYS_TRUNCATE, path, 100)
		assert.Equal(t, int64(100), size())
		x.check(0, posix.SYS_FTRUNCATE, fd, 7)
		assert.Equal(t, int64(7), size())
		x.check(lxE(posix.EINVAL), posix.SYS_TRUNCATE, path, lxI(-1))
		x.check(lxE(posix.EINVAL), posix.SYS_FTRUNCATE, fd, lxI(-1))
		x.check(lxE(posix.EISDIR), posix.SYS_TRUNCATE, x.str("/tmp"), 0)

		x.check(0, posix.SYS_FSYNC, fd)
		x.check(0, posix.SYS_FDATASYNC, fd)
		r, _ := x.pipe()
		x.check(lxE(posix.EINVAL), posix.SYS_FSYNC, r)
		x.check(lxE(posix.EINVAL), posix.SYS_FDATASYNC, r)
	})
}

// TestLinuxSyscall_Mknod checks mknod and mknodat.
func TestLinuxSyscall_Mknod(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_MKNOD, x.str("/tmp/fifo"), posix.S_IFIFO|0o600, 0)
		st, err := x.p.Stat("/tmp/fifo")
		assert.NoError(t, err)
		assert.Equal(t, uint32(posix.S_IFIFO|0o600), st.Mode)
		dfd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp"), lxI(posix.O_RDONLY|posix.O_DIRECTORY), 0))
		x.check(0, posix.SYS_MKNODAT, dfd, x.str("reg"), posix.S_IFREG|0o640, 0)
		st, err = x.p.Stat("/tmp/reg")
		assert.NoError(t, err)
		assert.Equal(t, uint32(posix.S_IFREG|0o640), st.Mode)
		x.check(lxE(posix.EPERM), posix.SYS_MKNOD, x.str("/tmp/chr"), posix.S_IFCHR|0o600, 0x0103)
		x.check(lxE(posix.EEXIST), posix.SYS_MKNODAT, dfd, x.str("reg"), posix.S_IFREG|0o640, 0)
	})
}

// TestLinuxSyscall_Utimensat checks utimensat: the times read, NULL times,
// and a NULL path (futimens).
func TestLinuxSyscall_Utimensat(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp/u")
		fd := uint64(x.sys(posix.SYS_OPEN, path, lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		times := func(a, m posix.Timespec) uint64 {
			return x.data(append(lxTimespecBytes(a.Sec, int32(a.Nsec)), lxTimespecBytes(m.Sec, int32(m.Nsec))...))
		}
		stat := func() posix.Stat {
			st, err := x.p.Stat("/tmp/u")
			assert.NoError(t, err)
			return st
		}
		x.check(0, posix.SYS_UTIMENSAT, lxFdcwd, path, times(posix.Timespec{Sec: 10, Nsec: 1}, posix.Timespec{Sec: 20, Nsec: 2}), 0)
		st := stat()
		assert.Equal(t, []posix.Timespec{{Sec: 10, Nsec: 1}, {Sec: 20, Nsec: 2}}, []posix.Timespec{st.Atim, st.Mtim})

		// futimens: a NULL path sets dirfd's own times.
		x.check(0, posix.SYS_UTIMENSAT, fd, 0, times(posix.Timespec{Nsec: posix.UTIME_OMIT}, posix.Timespec{Sec: 30}), 0)
		st = stat()
		assert.Equal(t, []posix.Timespec{{Sec: 10, Nsec: 1}, {Sec: 30}}, []posix.Timespec{st.Atim, st.Mtim}, "UTIME_OMIT keeps atime")
		x.check(0, posix.SYS_UTIMENSAT, fd, 0, 0, 0)
		assert.InDelta(t, time.Now().Unix(), stat().Mtim.Sec, 5, "NULL times: now")
		x.check(lxE(posix.EINVAL), posix.SYS_UTIMENSAT, fd, 0, 0, posix.AT_SYMLINK_NOFOLLOW)
		x.check(lxE(posix.EFAULT), posix.SYS_UTIMENSAT, lxFdcwd, 0, 0, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_UTIMENSAT, lxFdcwd, 0, 0, 0x8000)

		x.check(lxE(posix.EINVAL), posix.SYS_UTIMENSAT, lxFdcwd, path, times(posix.Timespec{Nsec: 1e9}, posix.Timespec{}), 0)
		x.check(lxE(posix.EFAULT), posix.SYS_UTIMENSAT, lxFdcwd, path, lxMemSize-16, 0)
		x.check(lxE(posix.ENOENT), posix.SYS_UTIMENSAT, lxFdcwd, x.str("/tmp/none"), 0, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_UTIMENSAT, lxFdcwd, path, 0, 1)
	})
}

// TestLinuxSyscall_Statfs checks every field of struct statfs at its
// offset, for statfs and fstatfs.
func TestLinuxSyscall_Statfs(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		want, err := x.p.Statfs("/")
		assert.NoError(t, err)
		buf := x.alloc(lxStatfsSz + 8)
		x.check(0, posix.SYS_STATFS, x.str("/"), buf)
		got := []uint64{x.u64(buf + 0), x.u64(buf + 8), x.u64(buf + 16), x.u64(buf + 24), x.u64(buf + 32),
			x.u64(buf + 40), x.u64(buf + 48), x.u64(buf + 64), x.u64(buf + 72), x.u64(buf + 80)}
		assert.Equal(t, []uint64{uint64(want.Type), uint64(want.Bsize), want.Blocks, want.Bfree, want.Bavail,
			want.Files, want.Ffree, uint64(want.Namelen), uint64(want.Frsize), uint64(want.Flags)}, got,
			"f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_namelen, f_frsize, f_flags")
		assert.Equal(t, []uint32{uint32(want.Fsid[0]), uint32(want.Fsid[1])}, []uint32{x.u32(buf + 56), x.u32(buf + 60)}, "f_fsid")
		assert.Equal(t, make([]byte, 32), x.get(buf+88, 32), "f_spare")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(buf+120, 8), "nothing past struct statfs")
		assert.Equal(t, uint64(255), x.u64(buf+64), "f_namelen")

		r, _ := x.pipe()
		x.check(0, posix.SYS_FSTATFS, r, buf)
		assert.Equal(t, uint64(0x50495045), x.u64(buf), "fstatfs of a pipe: f_type PIPEFS_MAGIC, zero padding")
		assert.Equal(t, uint64(4096), x.u64(buf+8), "f_bsize")

		x.check(lxE(posix.EFAULT), posix.SYS_STATFS, x.str("/"), lxMemSize-100)
		x.check(lxE(posix.EFAULT), posix.SYS_FSTATFS, r, 0)
		x.check(lxE(posix.ENOENT), posix.SYS_STATFS, x.str("/none"), buf)
	})
}

// TestLinuxSyscall_NotDecoded_ENOSYS checks that the calls inst.syscall
// keeps, the memory calls the C library serves itself, and every number
// the kernel does not serve answer ENOSYS.
func TestLinuxSyscall_NotDecoded_ENOSYS(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		for _, n := range []int{
			posix.SYS_FORK, posix.SYS_VFORK, posix.SYS_EXECVE, posix.SYS_EXIT, posix.SYS_EXIT_GROUP,
			posix.SYS_RT_SIGACTION, posix.SYS_RT_SIGRETURN,
			posix.SYS_BRK, posix.SYS_MMAP, posix.SYS_MUNMAP, posix.SYS_MREMAP, posix.SYS_MPROTECT, posix.SYS_MADVISE,
			posix.SYS_SOCKET, posix.SYS_PTRACE, posix.SYS_MOUNT, posix.SYS_FUTEX,
			-1, posix.SyscallMax, 1 << 20,
		} {
			x.check(lxE(posix.ENOSYS), n)
		}
	})
}

// TestLinuxSyscall_DecodesTheKernelTable checks that every call of the
// kernel's table is decoded, except the ones inst.syscall serves.
func TestLinuxSyscall_DecodesTheKernelTable(t *testing.T) {
	keep := map[int]bool{
		posix.SYS_FORK: true, posix.SYS_VFORK: true, posix.SYS_EXECVE: true, posix.SYS_EXIT: true,
		posix.SYS_EXIT_GROUP: true, posix.SYS_RT_SIGACTION: true, posix.SYS_RT_SIGRETURN: true,
	}
	served := map[int]bool{}
	for _, s := range cages.Syscalls() {
		served[s.Num] = true
		if !keep[s.Num] {
			assert.NotNil(t, lxCalls[s.Num], "%s (%d) is served by the kernel but not decoded", s.Name, s.Num)
		}
	}
	for n, f := range lxCalls {
		if f != nil {
			assert.True(t, served[n], "%s (%d) is decoded but the kernel does not serve it", posix.SyscallName(n), n)
		}
	}
}

// TestLinuxSyscall_Conventions checks the argument conventions: an int is
// its low 32 bits (sign- or zero-extended alike), and a pointer with any
// high bit set is EFAULT.
func TestLinuxSyscall_Conventions(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		path := x.str("/tmp")
		buf := x.alloc(lxStatSize)
		x.check(0, posix.SYS_NEWFSTATAT, 0xffffff9c, path, buf, 0) // AT_FDCWD zero-extended
		x.check(0, posix.SYS_NEWFSTATAT, 0xdead_0000_ffff_ff9c, path, buf, 0)
		for _, c := range []struct {
			n    int
			args []uint64
		}{
			{posix.SYS_STAT, []uint64{1<<32 | path, buf}},
			{posix.SYS_STAT, []uint64{path, 1<<32 | buf}},
			{posix.SYS_CLOCK_GETTIME, []uint64{0, 1<<63 | buf}},
			{posix.SYS_UNAME, []uint64{1<<32 | buf}},
			{posix.SYS_PIPE, []uint64{1<<32 | buf}},
			{posix.SYS_GETCWD, []uint64{1<<32 | buf, 64}},
			{posix.SYS_RT_SIGPROCMASK, []uint64{0, 1<<32 | buf, 0, 8}},
			{posix.SYS_SETRLIMIT, []uint64{posix.RLIMIT_NOFILE, 1<<32 | buf}},
			{posix.SYS_NANOSLEEP, []uint64{1<<32 | buf, 0}},
			{posix.SYS_WAIT4, []uint64{lxI(-1), 1<<32 | buf, 0, 0}},
		} {
			x.check(lxE(posix.EFAULT), c.n, c.args...)
		}
	})
}

// lxFdSetBytes is an fd_set of n bytes holding fds.
func lxFdSetBytes(n int, fds ...uint64) []byte {
	b := make([]byte, n)
	for _, fd := range fds {
		b[fd/8] |= 1 << (fd % 8)
	}
	return b
}

// TestLinuxSyscall_Select_Pselect6 checks select and pselect6: the fd_sets
// read and stored (only the unsigned longs nfds covers), the time left, and
// pselect6's (mask, size) pair.
func TestLinuxSyscall_Select_Pselect6(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		x.check(1, posix.SYS_WRITE, w, x.data([]byte("!")), 1)
		rs, ws := x.data(lxFdSetBytes(128, r)), x.data(lxFdSetBytes(128, w))
		x.check(2, posix.SYS_SELECT, w+1, rs, ws, 0, x.data(make([]byte, 16)))
		assert.Equal(t, lxFdSetBytes(4, r), x.get(rs, 4), "the read set: r ready")
		assert.Equal(t, lxFdSetBytes(4, w), x.get(ws, 4), "the write set: w ready")

		// Nothing to read: a timeout of 20 ms runs out, the time left is
		// stored, and the set comes back empty.
		x.check(1, posix.SYS_READ, r, x.alloc(1), 1)
		rs = x.alloc(lxFdSetSize)
		x.put(rs, lxFdSetBytes(4, r))
		tv := x.data(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 0), 20000))
		start := time.Now()
		x.check(0, posix.SYS_SELECT, r+1, rs, 0, 0, tv)
		assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond)
		assert.Equal(t, make([]byte, 4), x.get(rs, 4), "no descriptor is ready")
		assert.Equal(t, []byte{0xee, 0xee, 0xee, 0xee}, x.get(rs+4, 4), "only nfds' unsigned longs are stored")
		assert.Equal(t, []int64{0, 0}, []int64{x.i64(tv), x.i64(tv + 8)}, "the time left")

		x.check(lxE(posix.EBADF), posix.SYS_SELECT, 50, x.data(lxFdSetBytes(8, 40)), 0, 0, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_SELECT, lxI(-1), 0, 0, 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_SELECT, 64, lxMemSize-4, 0, 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_SELECT, 1, 0, 0, 0, lxMemSize-8)
		x.check(lxE(posix.EINVAL), posix.SYS_SELECT, 1, 0, 0, 0, x.data(append(binary.LittleEndian.AppendUint64(nil, 1<<63), make([]byte, 8)...)))

		// pselect6: a timespec, and the (mask, size) pair.
		x.check(1, posix.SYS_WRITE, w, x.data([]byte("!")), 1)
		ts := x.data(lxTimespecBytes(5, 0))
		mask := x.data(make([]byte, 8))
		pack := x.data(append(binary.LittleEndian.AppendUint64(nil, mask), binary.LittleEndian.AppendUint64(nil, 8)...))
		rs = x.data(lxFdSetBytes(8, r))
		x.check(1, posix.SYS_PSELECT6, r+1, rs, 0, 0, ts, pack)
		assert.Equal(t, lxFdSetBytes(4, r), x.get(rs, 4))
		noMask := x.data(make([]byte, 16))
		x.check(1, posix.SYS_PSELECT6, r+1, rs, 0, 0, 0, noMask)
		x.check(1, posix.SYS_PSELECT6, r+1, rs, 0, 0, 0, 0)
		badSize := x.data(append(binary.LittleEndian.AppendUint64(nil, mask), binary.LittleEndian.AppendUint64(nil, 4)...))
		x.check(lxE(posix.EINVAL), posix.SYS_PSELECT6, r+1, rs, 0, 0, ts, badSize)
		x.check(lxE(posix.EFAULT), posix.SYS_PSELECT6, r+1, rs, 0, 0, ts, lxMemSize-8)
		x.check(lxE(posix.EINVAL), posix.SYS_PSELECT6, r+1, rs, 0, 0, x.data(lxTimespecBytes(0, 1e9)), 0)
	})
}

// TestLinuxSyscall_Ppoll checks ppoll: the timespec timeout and its time
// left, and the mask.
func TestLinuxSyscall_Ppoll(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		r, w := x.pipe()
		fds := x.data(binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(
			binary.LittleEndian.AppendUint32(nil, uint32(r)), posix.POLLIN), 0x7777))
		ts := x.data(lxTimespecBytes(0, 20e6))
		x.check(0, posix.SYS_PPOLL, fds, 1, ts, 0, 0)
		assert.Equal(t, uint32(0), x.u32(fds+4)>>16, "revents")
		assert.Equal(t, []int64{0, 0}, []int64{x.i64(ts), x.i64(ts + 8)}, "the time left")
		x.check(1, posix.SYS_WRITE, w, x.data([]byte("!")), 1)
		mask := x.data(make([]byte, 8))
		x.check(1, posix.SYS_PPOLL, fds, 1, 0, mask, 8)
		assert.Equal(t, uint32(posix.POLLIN), x.u32(fds+4)>>16, "revents")
		x.check(lxE(posix.EINVAL), posix.SYS_PPOLL, fds, 1, 0, mask, 4)
		x.check(lxE(posix.EFAULT), posix.SYS_PPOLL, fds, 1, 0, lxMemSize-4, 8)
		x.check(lxE(posix.EFAULT), posix.SYS_PPOLL, fds, 1, lxMemSize-8, 0, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_PPOLL, fds, 1, x.data(lxTimespecBytes(-1, 0)), 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_PPOLL, lxMemSize-4, 1, 0, 0, 0)
	})
}

// TestLinuxSyscall_Preadv_Pwritev checks preadv and pwritev, whose offset
// arrives as pos_l and pos_h.
func TestLinuxSyscall_Preadv_Pwritev(t *testing.T) {
	assert.Equal(t, int64(1<<32|3), lxHiLo(3, 1))
	assert.Equal(t, int64(0x8000_0000), lxHiLo(0xffff_ffff_8000_0000, 0), "pos_l is an unsigned long")
	assert.Equal(t, int64(-1), lxHiLo(0xffff_ffff, 0xffff_ffff))
	lxRun(t, func(x *lxEnv) {
		fd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/v"), lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		iov := func(bufs ...[2]uint64) uint64 {
			b := make([]byte, 0, 8*len(bufs))
			for _, v := range bufs {
				b = binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(b, uint32(v[0])), uint32(v[1]))
			}
			return x.data(b)
		}
		x.check(5, posix.SYS_PWRITEV, fd, iov([2]uint64{x.data([]byte("ab")), 2}, [2]uint64{x.data([]byte("cde")), 3}), 2, 10, 0)
		b1, b2 := x.alloc(3), x.alloc(8)
		x.check(5, posix.SYS_PREADV, fd, iov([2]uint64{b1, 3}, [2]uint64{b2, 8}), 2, 10, 0)
		assert.Equal(t, "abcde", string(x.get(b1, 3))+string(x.get(b2, 2)))
		x.check(0, posix.SYS_LSEEK, fd, 0, posix.SEEK_CUR)
		x.check(lxE(posix.EINVAL), posix.SYS_PREADV, fd, iov([2]uint64{b1, 3}), 1, 0, 0xffff_ffff)
		x.check(lxE(posix.EINVAL), posix.SYS_PWRITEV, fd, iov([2]uint64{b1, 3}), 1025, 0, 0)
		r, _ := x.pipe()
		x.check(lxE(posix.ESPIPE), posix.SYS_PREADV, r, iov([2]uint64{b1, 3}), 1, 0, 0)
	})
}

// TestLinuxSyscall_Sendfile_CopyFileRange checks sendfile and
// copy_file_range, and the offsets they store back.
func TestLinuxSyscall_Sendfile_CopyFileRange(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		fd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/s"), lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		x.check(11, posix.SYS_WRITE, fd, x.data([]byte("hello world")), 11)
		r, w := x.pipe()
		off := x.data(binary.LittleEndian.AppendUint64(nil, 6))
		x.check(5, posix.SYS_SENDFILE, w, fd, off, 100)
		assert.Equal(t, int64(11), x.i64(off), "the offset, updated")
		buf := x.alloc(8)
		x.check(5, posix.SYS_READ, r, buf, 8)
		assert.Equal(t, "world", string(x.get(buf, 5)))
		x.check(0, posix.SYS_LSEEK, fd, 0, posix.SEEK_SET)
		x.check(4, posix.SYS_SENDFILE, w, fd, 0, 4) // at fd's own offset
		x.check(4, posix.SYS_LSEEK, fd, 0, posix.SEEK_CUR)
		x.check(lxE(posix.EFAULT), posix.SYS_SENDFILE, w, fd, lxMemSize-4, 4)
		x.check(lxE(posix.EBADF), posix.SYS_SENDFILE, w, 99, 0, 4)

		out := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/c"), lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		offIn := x.data(binary.LittleEndian.AppendUint64(nil, 0))
		x.check(5, posix.SYS_COPY_FILE_RANGE, fd, offIn, out, 0, 5, 0)
		assert.Equal(t, int64(5), x.i64(offIn), "off_in, updated")
		offOut := x.data(binary.LittleEndian.AppendUint64(nil, 100))
		x.check(6, posix.SYS_COPY_FILE_RANGE, fd, offIn, out, offOut, 100, 0)
		assert.Equal(t, []int64{11, 106}, []int64{x.i64(offIn), x.i64(offOut)})
		x.check(0, posix.SYS_COPY_FILE_RANGE, fd, offIn, out, offOut, 100, 0) // at the end: nothing, nothing stored
		assert.Equal(t, []int64{11, 106}, []int64{x.i64(offIn), x.i64(offOut)})
		x.check(lxE(posix.EINVAL), posix.SYS_COPY_FILE_RANGE, fd, 0, out, 0, 5, 1)
		x.check(lxE(posix.EFAULT), posix.SYS_COPY_FILE_RANGE, fd, lxMemSize, out, 0, 5, 0)
		st, err := x.p.Stat("/tmp/c")
		assert.NoError(t, err)
		assert.Equal(t, int64(106), st.Size)
	})
}

// TestLinuxSyscall_Flock_Fadvise_Fallocate_Sync checks flock, fadvise64,
// fallocate, sync, syncfs, sched_yield and getrandom.
func TestLinuxSyscall_Flock_Fadvise_Fallocate_Sync(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		fd := uint64(x.sys(posix.SYS_OPEN, x.str("/tmp/l"), lxI(posix.O_CREAT|posix.O_RDWR), 0o600))
		x.check(0, posix.SYS_FLOCK, fd, posix.LOCK_EX)
		x.check(0, posix.SYS_FLOCK, fd, posix.LOCK_UN)
		x.check(lxE(posix.EBADF), posix.SYS_FLOCK, 99, posix.LOCK_EX)

		x.check(0, posix.SYS_FADVISE64, fd, 0, 0, posix.POSIX_FADV_SEQUENTIAL)
		x.check(lxE(posix.EINVAL), posix.SYS_FADVISE64, fd, 0, 0, 99)
		x.check(lxE(posix.EINVAL), posix.SYS_FADVISE64, fd, 0, lxI(-1), 0)
		x.check(0, posix.SYS_FALLOCATE, fd, 0, 0, 1000)
		st, err := x.p.Stat("/tmp/l")
		assert.NoError(t, err)
		assert.Equal(t, int64(1000), st.Size, "fallocate grew the file")
		x.check(lxE(posix.EINVAL), posix.SYS_FALLOCATE, fd, 0, lxI(-1), 10)

		x.check(0, posix.SYS_SYNC)
		x.check(0, posix.SYS_SYNCFS, fd)
		x.check(lxE(posix.EBADF), posix.SYS_SYNCFS, 99)
		x.check(0, posix.SYS_SCHED_YIELD)

		buf := x.alloc(40)
		x.check(32, posix.SYS_GETRANDOM, buf, 32, 0)
		assert.NotEqual(t, bytes.Repeat([]byte{0xee}, 32), x.get(buf, 32), "random bytes")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(buf+32, 8), "no more than asked")
		x.check(lxE(posix.EFAULT), posix.SYS_GETRANDOM, lxMemSize, 8, 0)
		x.check(4, posix.SYS_GETRANDOM, lxMemSize-4, 8, 0) // cut at the end of the memory
		x.check(0, posix.SYS_GETRANDOM, 0, 0, 0)
	})
}

// TestLinuxSyscall_Threads_Tkill checks gettid, set_tid_address, tkill
// (raise(3)) and tgkill.
func TestLinuxSyscall_Threads_Tkill(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		pid := int64(x.p.Getpid())
		x.check(pid, posix.SYS_GETTID)
		x.check(pid, posix.SYS_SET_TID_ADDRESS, x.alloc(4))
		ran := 0
		assert.NoError(t, x.p.Signal(posix.SIGUSR1, func(int) { ran++ }))
		x.check(0, posix.SYS_TKILL, uint64(pid), posix.SIGUSR1) // raise(3)
		assert.Equal(t, 1, ran, "the handler ran before tkill returned")
		x.check(0, posix.SYS_TGKILL, uint64(pid), uint64(pid), posix.SIGUSR1)
		assert.Equal(t, 2, ran)
		x.check(lxE(posix.EINVAL), posix.SYS_TKILL, lxI(-1), posix.SIGUSR1)
		x.check(lxE(posix.ESRCH), posix.SYS_TKILL, 999999, 0)
	})
}

// TestLinuxSyscall_Waitid checks waitid: the siginfo_t fields it stores,
// and a bad pointer refused before a child is reaped.
func TestLinuxSyscall_Waitid(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		child, err := x.p.Fork(func(*cages.Proc) int { return 7 })
		assert.NoError(t, err)
		x.check(lxE(posix.EFAULT), posix.SYS_WAITID, posix.P_ALL, 0, lxMemSize-8, posix.WEXITED, 0)
		info := x.alloc(lxSiginfoSize)
		x.check(0, posix.SYS_WAITID, posix.P_PID, uint64(child), info, posix.WEXITED, 0)
		assert.Equal(t, []uint32{posix.SIGCHLD, 0, posix.CLD_EXITED, uint32(child), 1000, 7},
			[]uint32{x.u32(info), x.u32(info + 4), x.u32(info + 8), x.u32(info + 12), x.u32(info + 16), x.u32(info + 20)},
			"si_signo, si_errno, si_code, si_pid, si_uid, si_status")
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(info+24), "waitid stores si_signo to si_status only")
		x.check(lxE(posix.ECHILD), posix.SYS_WAITID, posix.P_ALL, 0, info, posix.WEXITED, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_WAITID, posix.P_ALL, 0, info, 0, 0)

		_, err = x.p.Fork(func(*cages.Proc) int { return 0 })
		assert.NoError(t, err)
		ru := x.alloc(lxRusageSize)
		x.check(0, posix.SYS_WAITID, posix.P_ALL, 0, 0, posix.WEXITED, ru)
		assert.Equal(t, make([]byte, lxRusageSize), x.get(ru, lxRusageSize))
	})
}

// TestLinuxSyscall_Sigtimedwait_Sigqueueinfo checks rt_sigtimedwait and
// rt_sigqueueinfo: siginfo_t read and written.
func TestLinuxSyscall_Sigtimedwait_Sigqueueinfo(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		pid := uint64(x.p.Getpid())
		usr1, usr2 := uint64(1)<<(posix.SIGUSR1-1), uint64(1)<<(posix.SIGUSR2-1)
		both := x.data(binary.LittleEndian.AppendUint64(nil, usr1|usr2))
		x.check(0, posix.SYS_RT_SIGPROCMASK, posix.SIG_BLOCK, both, 0, 8)

		info := x.alloc(lxSiginfoSize)
		x.check(lxE(posix.EAGAIN), posix.SYS_RT_SIGTIMEDWAIT, both, info, x.data(lxTimespecBytes(0, 1e6)), 8)
		x.check(0, posix.SYS_KILL, pid, posix.SIGUSR1)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGTIMEDWAIT, both, lxMemSize-8, 0, 8)
		x.check(posix.SIGUSR1, posix.SYS_RT_SIGTIMEDWAIT, both, info, 0, 8)
		assert.Equal(t, []uint32{posix.SIGUSR1, 0, posix.SI_USER, uint32(pid), 1000},
			[]uint32{x.u32(info), x.u32(info + 4), x.u32(info + 8), x.u32(info + 12), x.u32(info + 16)},
			"si_signo, si_errno, si_code, si_pid, si_uid")
		assert.Equal(t, make([]byte, lxSiginfoSize-20), x.get(info+20, lxSiginfoSize-20), "the rest of siginfo_t is zeroed")

		si := make([]byte, lxSiginfoSize)
		binary.LittleEndian.PutUint32(si[0:], posix.SIGUSR2)
		binary.LittleEndian.PutUint32(si[8:], uint32(0xffffffff)) // SI_QUEUE
		binary.LittleEndian.PutUint32(si[12:], uint32(pid))
		binary.LittleEndian.PutUint32(si[16:], 1000)
		binary.LittleEndian.PutUint32(si[20:], 42) // si_value
		x.check(0, posix.SYS_RT_SIGQUEUEINFO, pid, posix.SIGUSR2, x.data(si))
		x.check(posix.SIGUSR2, posix.SYS_RT_SIGTIMEDWAIT, both, info, 0, 8)
		assert.Equal(t, []uint32{posix.SIGUSR2, 0xffffffff, 42}, []uint32{x.u32(info), x.u32(info + 8), x.u32(info + 20)},
			"si_signo, si_code, si_value")
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGQUEUEINFO, pid, posix.SIGUSR2, lxMemSize-64)
		x.check(lxE(posix.EINVAL), posix.SYS_RT_SIGTIMEDWAIT, both, info, 0, 4)
		x.check(lxE(posix.EFAULT), posix.SYS_RT_SIGTIMEDWAIT, lxMemSize-4, info, 0, 8)
	})
}

// TestLinuxSyscall_Sigaltstack checks sigaltstack: the 12-byte stack_t.
func TestLinuxSyscall_Sigaltstack(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		stack := func(sp, flags, size uint32) uint64 {
			return x.data(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, sp), flags), size))
		}
		old := x.alloc(lxStackSize + 4)
		x.check(0, posix.SYS_SIGALTSTACK, stack(0x2000, 0, 8192), old)
		assert.Equal(t, uint32(posix.SS_DISABLE), x.u32(old+4), "no stack before")
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(old+12), "stack_t is 12 bytes")
		x.check(0, posix.SYS_SIGALTSTACK, 0, old)
		assert.Equal(t, []uint32{0x2000, 0, 8192}, []uint32{x.u32(old), x.u32(old + 4), x.u32(old + 8)}, "ss_sp, ss_flags, ss_size")
		x.check(lxE(posix.ENOMEM), posix.SYS_SIGALTSTACK, stack(0x2000, 0, 100), 0)
		x.check(lxE(posix.EFAULT), posix.SYS_SIGALTSTACK, lxMemSize-8, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_SIGALTSTACK, 0, lxMemSize-8)
		x.check(0, posix.SYS_SIGALTSTACK, stack(0, posix.SS_DISABLE, 0), 0)
	})
}

// TestLinuxSyscall_Timers_Clocks checks getitimer and setitimer (musl's
// long[4]), gettimeofday, time, clock_getres and clock_nanosleep.
func TestLinuxSyscall_Timers_Clocks(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		it := func(v ...int32) uint64 {
			b := make([]byte, 0, 16)
			for _, n := range v {
				b = binary.LittleEndian.AppendUint32(b, uint32(n))
			}
			return x.data(b)
		}
		old := x.alloc(lxItimerval32Size)
		x.check(0, posix.SYS_SETITIMER, posix.ITIMER_REAL, it(0, 0, 100, 0), old)
		assert.Equal(t, make([]byte, 16), x.get(old, 16), "no timer before")
		cur := x.alloc(lxItimerval32Size)
		x.check(0, posix.SYS_GETITIMER, posix.ITIMER_REAL, cur)
		assert.True(t, x.u32(cur+8) == 99 || x.u32(cur+8) == 100, "it_value.tv_sec = %d", x.u32(cur+8))
		assert.Equal(t, []uint32{0, 0}, []uint32{x.u32(cur), x.u32(cur + 4)}, "it_interval")
		x.check(0, posix.SYS_SETITIMER, posix.ITIMER_REAL, 0, 0) // NULL: disarm
		x.check(0, posix.SYS_GETITIMER, posix.ITIMER_REAL, cur)
		assert.Equal(t, make([]byte, 16), x.get(cur, 16))
		x.check(lxE(posix.EINVAL), posix.SYS_SETITIMER, posix.ITIMER_REAL, it(0, 0, 1, 1000000), 0)
		x.check(lxE(posix.EINVAL), posix.SYS_GETITIMER, 9, cur)
		x.check(lxE(posix.EFAULT), posix.SYS_GETITIMER, posix.ITIMER_REAL, lxMemSize-8)
		x.check(lxE(posix.EFAULT), posix.SYS_SETITIMER, posix.ITIMER_REAL, lxMemSize-8, 0)

		tv, tz := x.alloc(16), x.alloc(8)
		x.check(0, posix.SYS_GETTIMEOFDAY, tv, tz)
		assert.InDelta(t, time.Now().Unix(), x.i64(tv), 5)
		assert.Less(t, x.i64(tv+8), int64(1e6), "tv_usec")
		assert.Equal(t, make([]byte, 8), x.get(tz, 8), "struct timezone")
		x.check(0, posix.SYS_GETTIMEOFDAY, 0, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_GETTIMEOFDAY, lxMemSize-8, 0)

		tloc := x.alloc(8)
		now := x.sys(posix.SYS_TIME, tloc)
		assert.InDelta(t, time.Now().Unix(), now, 5)
		assert.Equal(t, now, x.i64(tloc))
		assert.InDelta(t, now, x.sys(posix.SYS_TIME, 0), 5)
		x.check(lxE(posix.EFAULT), posix.SYS_TIME, lxMemSize-4)

		res := x.alloc(16)
		x.check(0, posix.SYS_CLOCK_GETRES, posix.CLOCK_MONOTONIC, res)
		assert.Equal(t, []int64{0, 1}, []int64{x.i64(res), x.i64(res + 8)})
		x.check(0, posix.SYS_CLOCK_GETRES, posix.CLOCK_REALTIME, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_CLOCK_GETRES, 99, res)

		// clock_nanosleep, as musl's nanosleep(3) makes it: the request
		// as long long[2].
		req := x.data(append(binary.LittleEndian.AppendUint64(nil, 0), binary.LittleEndian.AppendUint64(nil, 20e6)...))
		start := time.Now()
		x.check(0, posix.SYS_CLOCK_NANOSLEEP, posix.CLOCK_REALTIME, 0, req, 0)
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
		x.check(0, posix.SYS_CLOCK_NANOSLEEP, posix.CLOCK_MONOTONIC, posix.TIMER_ABSTIME, x.data(lxTimespecBytes(1, 0)), 0)
		x.check(lxE(posix.EINVAL), posix.SYS_CLOCK_NANOSLEEP, posix.CLOCK_REALTIME, 0, x.data(lxTimespecBytes(0, 1e9)), 0)
		x.check(lxE(posix.EFAULT), posix.SYS_CLOCK_NANOSLEEP, posix.CLOCK_REALTIME, 0, lxMemSize-8, 0)

		assert.NoError(t, x.p.Signal(posix.SIGUSR1, func(int) {}))
		parent := x.p.Getpid()
		_, err := x.p.Fork(func(c *cages.Proc) int {
			c.Sleep(100 * time.Millisecond)
			c.Kill(parent, posix.SIGUSR1)
			return 0
		})
		assert.NoError(t, err)
		rem := x.alloc(16)
		x.check(lxE(posix.EINTR), posix.SYS_CLOCK_NANOSLEEP, posix.CLOCK_MONOTONIC, 0, x.data(lxTimespecBytes(20, 0)), rem)
		assert.True(t, x.i64(rem) >= 15 && x.i64(rem) < 20, "remain.tv_sec = %d", x.i64(rem))
		x.sys(posix.SYS_WAIT4, lxI(-1), 0, 0, 0)
	})
}

// TestLinuxSyscall_Times_Getrusage_Sysinfo checks times (4-byte clock_t),
// getrusage (the kernel's 144 bytes) and sysinfo (4-byte longs, scaled).
func TestLinuxSyscall_Times_Getrusage_Sysinfo(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		tms := x.alloc(lxTmsSize + 4)
		ticks := x.sys(posix.SYS_TIMES, tms)
		assert.Positive(t, ticks)
		assert.Equal(t, uint32(0), x.u32(tms+4), "tms_stime")
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(tms+16), "struct tms is 16 bytes")
		assert.Positive(t, x.sys(posix.SYS_TIMES, 0))
		x.check(lxE(posix.EFAULT), posix.SYS_TIMES, lxMemSize-8)

		ru := x.alloc(lxRusageSize + 8)
		x.check(0, posix.SYS_GETRUSAGE, 0, ru) // RUSAGE_SELF
		assert.Less(t, x.i64(ru+8), int64(1e6), "ru_utime.tv_usec")
		assert.Equal(t, []int64{0, 0}, []int64{x.i64(ru + 16), x.i64(ru + 24)}, "ru_stime")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(ru+lxRusageSize, 8), "the kernel's rusage is 144 bytes")
		x.check(0, posix.SYS_GETRUSAGE, lxI(-1), ru) // RUSAGE_CHILDREN
		x.check(lxE(posix.EINVAL), posix.SYS_GETRUSAGE, 99, ru)
		x.check(lxE(posix.EFAULT), posix.SYS_GETRUSAGE, 0, lxMemSize-100)

		want, err := x.p.Sysinfo()
		assert.NoError(t, err)
		si := x.alloc(lxSysinfoSize + 8)
		x.check(0, posix.SYS_SYSINFO, si)
		unit := uint64(x.u32(si + 52))
		if want.Totalram>>32 != 0 {
			assert.Equal(t, uint64(lxPageSize), unit, "mem_unit grown to the page size")
		}
		assert.Equal(t, want.Totalram*uint64(max(want.Unit, 1))/unit, uint64(x.u32(si+16)), "totalram, in mem_units")
		assert.GreaterOrEqual(t, binary.LittleEndian.Uint16(x.get(si+40, 2)), uint16(2), "procs")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 8), x.get(si+lxSysinfoSize, 8), "the kernel fills 64 bytes")
		x.check(lxE(posix.EFAULT), posix.SYS_SYSINFO, lxMemSize-32)
	})
}

// TestLinuxSyscall_Credentials_Priority checks the set*id and getres*id
// calls, getgroups, setgroups, getpriority and setpriority.
func TestLinuxSyscall_Credentials_Priority(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_SETUID, 1000)
		x.check(lxE(posix.EPERM), posix.SYS_SETUID, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_SETUID, 0xffffffff)
		x.check(0, posix.SYS_SETGID, 1000)
		x.check(0, posix.SYS_SETREUID, 0xffffffff, 1000)
		x.check(0, posix.SYS_SETREGID, 1000, 0xffffffff)
		x.check(0, posix.SYS_SETRESUID, 1000, 1000, 0xffffffff)
		x.check(0, posix.SYS_SETRESGID, 0xffffffff, 0xffffffff, 1000)
		x.check(lxE(posix.EPERM), posix.SYS_SETRESGID, 0, 0, 0)

		ids := x.alloc(12)
		x.check(0, posix.SYS_GETRESUID, ids, ids+4, ids+8)
		assert.Equal(t, []uint32{1000, 1000, 1000}, []uint32{x.u32(ids), x.u32(ids + 4), x.u32(ids + 8)})
		ids = x.alloc(12)
		x.check(lxE(posix.EFAULT), posix.SYS_GETRESGID, ids, ids+4, lxMemSize)
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(ids), "nothing is stored when one pointer is bad")
		x.check(0, posix.SYS_GETRESGID, ids, ids+4, ids+8)
		assert.Equal(t, []uint32{1000, 1000, 1000}, []uint32{x.u32(ids), x.u32(ids + 4), x.u32(ids + 8)})

		x.check(0, posix.SYS_GETGROUPS, 0, 0)
		x.check(0, posix.SYS_GETGROUPS, 4, x.alloc(16))
		x.check(lxE(posix.EINVAL), posix.SYS_GETGROUPS, lxI(-1), 0)
		x.check(lxE(posix.EPERM), posix.SYS_SETGROUPS, 0, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_SETGROUPS, 65537, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_SETGROUPS, 2, lxMemSize-4)

		x.check(20, posix.SYS_GETPRIORITY, posix.PRIO_PROCESS, 0) // 20-nice
		x.check(0, posix.SYS_SETPRIORITY, posix.PRIO_PROCESS, 0, 5)
		x.check(15, posix.SYS_GETPRIORITY, posix.PRIO_PROCESS, 0)
		x.check(lxE(posix.EINVAL), posix.SYS_GETPRIORITY, 9, 0)
	})
}

// TestLinuxSyscall_Prctl checks prctl's PR_SET_NAME, PR_GET_NAME,
// PR_SET_PDEATHSIG and PR_GET_PDEATHSIG.
func TestLinuxSyscall_Prctl(t *testing.T) {
	lxRun(t, func(x *lxEnv) {
		x.check(0, posix.SYS_PRCTL, posix.PR_SET_NAME, x.str("a-rather-long-program-name"))
		name := x.alloc(lxTaskCommLen + 4)
		x.check(0, posix.SYS_PRCTL, posix.PR_GET_NAME, name)
		assert.Equal(t, "a-rather-long-p\x00", string(x.get(name, 16)), "15 bytes and the NUL")
		assert.Equal(t, uint32(0xeeeeeeee), x.u32(name+16))
		x.put(lxMemSize-3, []byte("abc"))
		x.check(lxE(posix.EFAULT), posix.SYS_PRCTL, posix.PR_SET_NAME, lxMemSize-3)
		x.check(lxE(posix.EFAULT), posix.SYS_PRCTL, posix.PR_SET_NAME, 0)
		x.check(lxE(posix.EFAULT), posix.SYS_PRCTL, posix.PR_GET_NAME, lxMemSize-8)
		x.put(lxMemSize-16, []byte("0123456789abcdef")) // 15 bytes are enough without a NUL
		x.check(0, posix.SYS_PRCTL, posix.PR_SET_NAME, lxMemSize-16)
		x.check(0, posix.SYS_PRCTL, posix.PR_GET_NAME, name)
		assert.Equal(t, "0123456789abcde\x00", string(x.get(name, 16)))

		x.check(0, posix.SYS_PRCTL, posix.PR_SET_PDEATHSIG, posix.SIGTERM)
		sig := x.alloc(4)
		x.check(0, posix.SYS_PRCTL, posix.PR_GET_PDEATHSIG, sig)
		assert.Equal(t, uint32(posix.SIGTERM), x.u32(sig))
		x.check(lxE(posix.EINVAL), posix.SYS_PRCTL, posix.PR_SET_PDEATHSIG, 0xffffffff)
		x.check(lxE(posix.EFAULT), posix.SYS_PRCTL, posix.PR_GET_PDEATHSIG, lxMemSize-2)
		x.check(lxE(posix.EINVAL), posix.SYS_PRCTL, 9999, 0)
	})
}

// TestLinuxSyscall_Ioctl_Terminal checks the terminal requests on a
// terminal (struct termios, struct winsize, the foreground group) and on a
// pipe (ENOTTY).
func TestLinuxSyscall_Ioctl_Terminal(t *testing.T) {
	lxRunSpec(t, cages.Spec{Terminal: true}, func(x *lxEnv) {
		tio := x.alloc(60)
		x.check(0, posix.SYS_IOCTL, 0, posix.TCGETS, tio)
		lflag := x.u32(tio + 12)
		assert.NotZero(t, lflag&posix.ICANON, "a terminal starts canonical")
		assert.Equal(t, bytes.Repeat([]byte{0xee}, 60-lxTermiosSize), x.get(tio+lxTermiosSize, 60-lxTermiosSize),
			"the kernel's termios is 36 bytes, the head of the C library's")
		x.put(tio+12, binary.LittleEndian.AppendUint32(nil, lflag&^posix.ECHO))
		x.put(tio+17+4, []byte{7}) // c_cc[VMIN]
		x.check(0, posix.SYS_IOCTL, 0, posix.TCSETS, tio)
		tio2 := x.alloc(60)
		x.check(0, posix.SYS_IOCTL, 1, posix.TCGETS, tio2)
		assert.Equal(t, x.get(tio, lxTermiosSize), x.get(tio2, lxTermiosSize), "TCSETS then TCGETS")
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, 0, posix.TCSETS, lxMemSize-8)
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, 0, posix.TCGETS, lxMemSize-8)

		ws := x.data([]byte{24, 0, 80, 0, 0, 0, 0, 0})
		x.check(0, posix.SYS_IOCTL, 1, posix.TIOCSWINSZ, ws)
		ws2 := x.alloc(8)
		x.check(0, posix.SYS_IOCTL, 2, posix.TIOCGWINSZ, ws2)
		assert.Equal(t, []byte{24, 0, 80, 0, 0, 0, 0, 0}, x.get(ws2, 8), "ws_row, ws_col")

		pg := x.alloc(4)
		x.check(0, posix.SYS_IOCTL, 0, posix.TIOCGPGRP, pg)
		assert.Equal(t, uint32(x.p.Getpid()), x.u32(pg), "the foreground group")
		x.check(0, posix.SYS_IOCTL, 0, posix.TIOCSPGRP, pg)
		x.check(lxE(posix.EFAULT), posix.SYS_IOCTL, 0, posix.TIOCSPGRP, lxMemSize)

		// On a pipe the terminal requests are ENOTTY, whatever the pointer.
		r, _ := x.pipe()
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, posix.TCGETS, tio)
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, posix.TCSETS, lxMemSize)
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, posix.TIOCGWINSZ, ws2)
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, posix.TIOCSWINSZ, lxMemSize)
		x.check(lxE(posix.ENOTTY), posix.SYS_IOCTL, r, 0x5499, 0) // unknown
		x.check(lxE(posix.EBADF), posix.SYS_IOCTL, 77, posix.TCSETS, lxMemSize)
	})
}
