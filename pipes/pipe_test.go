package pipes_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

func TestPipe_New_DefaultSizeAndStat(t *testing.T) {
	p, r, w := newPipe(t, 0)
	q, _, _ := newPipe(t, 0)
	require.Equal(t, 65536, p.Size(), "Size() of a new pipe")
	require.Zero(t, p.Len(), "Len() of a new pipe")
	require.NotZero(t, p.Ino())
	require.NotEqual(t, p.Ino(), q.Ino(), "two pipes share an inode number")

	want := posix.Stat{Ino: p.Ino(), Nlink: 1, Mode: posix.S_IFIFO | 0o600, Blksize: 4096}
	for name, d := range map[string]*fdtable.Description{"read end": r, "write end": w} {
		st, err := d.File().Stat(d)
		require.Zero(t, err, "Stat(%s) = %s", name, errName(err))
		require.Equal(t, want, st, "Stat(%s)", name)
	}
	require.Equal(t, posix.O_RDONLY, r.Flags(), "F_GETFL of the read end")
	require.Equal(t, posix.O_WRONLY, w.Flags(), "F_GETFL of the write end")
}

func TestPipe_Ends_NonblockFlag(t *testing.T) {
	_, r, w := newPipe(t, posix.O_NONBLOCK)
	require.True(t, r.Nonblocking(), "read end of pipe2(O_NONBLOCK) is blocking")
	require.True(t, w.Nonblocking(), "write end of pipe2(O_NONBLOCK) is blocking")
}

func TestPipe_FromFile(t *testing.T) {
	p, r, w := newPipe(t, 0)
	for name, d := range map[string]*fdtable.Description{"read end": r, "write end": w} {
		got, ok := pipes.FromFile(d.File())
		require.True(t, ok, "FromFile(%s) = false", name)
		require.Same(t, p, got, "FromFile(%s)", name)
	}
	_, ok := pipes.FromFile(fdtable.NoFile{})
	require.False(t, ok, "FromFile(NoFile) = true")
}

// Linux counts capacity in slots of 4096 bytes: a write is merged into the
// last slot only when its tail (len % 4096) fits there whole.
func TestPipe_SlotAccounting_FillsAt(t *testing.T) {
	for _, tc := range []struct {
		chunk int
		want  int
	}{
		{1, 65536},
		{1000, 64000},
		{2048, 65536},
		{2049, 16 * 2049},
		{3000, 48000},
		{4096, 65536},
	} {
		_, r, w := newPipe(t, posix.O_NONBLOCK)
		got := fill(t, w, tc.chunk)
		require.Equal(t, tc.want, got, "%d-byte writes filled the pipe at %d bytes; want %d", tc.chunk, got, tc.want)
		var n int64
		require.Zero(t, r.File().Ioctl(host, r, posix.FIONREAD, &n))
		require.Equal(t, int64(tc.want), n, "FIONREAD after %d-byte writes", tc.chunk)
	}
}

func TestPipe_ReadOneByteFromFull_StillFull(t *testing.T) {
	_, r, w := newPipe(t, posix.O_NONBLOCK)
	require.Equal(t, 65536, fill(t, w, 4096))
	mustRead(t, r, 1)

	require.Zero(t, w.File().Readiness(w, posix.POLLOUT), "poll(write end) after reading 1 byte from a full pipe")
	n, err := w.File().Write(host, w, []byte{1})
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Write(1 byte) = %d, %s; want 0, EAGAIN", n, errName(err))

	// Emptying the first slot frees it.
	mustRead(t, r, 4095)
	require.Equal(t, int16(posix.POLLOUT), w.File().Readiness(w, posix.POLLOUT), "poll(write end) after a slot was freed")
	mustWrite(t, w, []byte{1})
}

// The merge test uses the slot's end (offset+len), not its length: bytes
// already read from the front of a slot are not reused.
func TestPipe_Merge_UsesSlotOffset(t *testing.T) {
	for _, tc := range []struct {
		name       string
		write      int // after 3000 written and 2000 read
		freeSlots  int // 4096-byte writes that fit afterwards
		wantMerged bool
	}{
		{"fits after offset", 1096, 15, true},
		{"one byte too many", 1097, 14, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r, w := newPipe(t, posix.O_NONBLOCK)
			mustWrite(t, w, make([]byte, 3000))
			mustRead(t, r, 2000)
			mustWrite(t, w, make([]byte, tc.write))
			got := fill(t, w, 4096) / 4096
			require.Equal(t, tc.freeSlots, got, "free slots after a %d-byte write to a slot at offset 2000 length 1000", tc.write)
		})
	}
}

func TestPipe_PipeBuf_NonblockingAllOrNothing(t *testing.T) {
	_, r, w := newPipe(t, posix.O_NONBLOCK)
	// 16 slots of 4000 bytes: every slot in use, 96 bytes free in the last.
	for range 16 {
		mustWrite(t, w, make([]byte, 4000))
	}
	n, err := w.File().Write(host, w, make([]byte, 97))
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Write(97 bytes) with 96 free in the last slot = %d, %s; want 0, EAGAIN", n, errName(err))
	n, err = w.File().Write(host, w, make([]byte, 4096))
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Write(4096 bytes) to a full pipe = %d, %s; want 0, EAGAIN", n, errName(err))

	// Writev applies the rule to the total: 50+46 fits, 1 more does not.
	n, err = w.File().Writev(host, w, [][]byte{pattern(50, 1), nil, pattern(46, 100)})
	require.Equal(t, result{96, 0}, result{n, err}, "Writev(50+46 bytes) = %d, %s; want 96, nil", n, errName(err))
	n, err = w.File().Writev(host, w, [][]byte{{1}})
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Writev(1 byte) to a full pipe = %d, %s; want 0, EAGAIN", n, errName(err))
	require.Equal(t, 16*4000+96, len(mustRead(t, r, 16*4000+96)))
}

func TestPipe_LargeNonblockingWrite_WritesWhatFits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before int // bytes written first
		write  int
		want   int
	}{
		{"empty pipe", 0, 70000, 65536},
		// 70000 % 4096 = 368 merged into the first slot, then 15 new slots.
		{"after 100 bytes", 100, 70000, 368 + 15*4096},
		{"exactly the capacity", 0, 65536, 65536},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r, w := newPipe(t, posix.O_NONBLOCK)
			if tc.before > 0 {
				mustWrite(t, w, make([]byte, tc.before))
			}
			data := pattern(tc.write, 7)
			n, err := w.File().Write(host, w, data)
			require.Equal(t, result{tc.want, 0}, result{n, err}, "Write(%d bytes) = %d, %s; want %d, nil", tc.write, n, errName(err), tc.want)
			n, err = w.File().Write(host, w, make([]byte, 5000))
			require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Write(5000 bytes) to a full pipe = %d, %s; want 0, EAGAIN", n, errName(err))
			got := mustRead(t, r, tc.before+tc.want)
			require.Equal(t, data[:tc.want], got[tc.before:], "bytes read back")
		})
	}
}

func TestPipe_Read_ReturnsWhatIsAvailableAcrossSlots(t *testing.T) {
	_, r, w := newPipe(t, 0)
	a, b := pattern(4096, 1), pattern(10, 50)
	mustWrite(t, w, a)
	mustWrite(t, w, b) // a new slot: the first is full
	buf := make([]byte, 10000)
	n, err := r.File().Read(host, r, buf)
	require.Equal(t, result{4106, 0}, result{n, err}, "Read(10000 bytes) = %d, %s; want 4106, nil", n, errName(err))
	require.Equal(t, append(a, b...), buf[:n])
}

func TestPipe_Read_EOF(t *testing.T) {
	_, r, w := newPipe(t, 0)
	mustWrite(t, w, []byte("hello"))
	w.DecRef()
	require.Equal(t, []byte("hello"), mustRead(t, r, 5), "queued bytes after the writer closed")
	n, err := r.File().Read(host, r, make([]byte, 10))
	require.Equal(t, result{0, 0}, result{n, err}, "Read(10 bytes) at EOF = %d, %s; want 0, nil", n, errName(err))
}

func TestPipe_Read_EmptyNonblocking_EAGAIN(t *testing.T) {
	_, r, w := newPipe(t, posix.O_NONBLOCK)
	n, err := r.File().Read(host, r, make([]byte, 10))
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Read(10 bytes) = %d, %s; want 0, EAGAIN", n, errName(err))

	// F_SETFL takes effect on the next call.
	checkGoroutines(t)
	r.SetFlags(0)
	ch := goRead(host, r, 10)
	requireBlocked(t, ch, "Read(10 bytes) after F_SETFL(0)")
	w.DecRef()
	res := await(t, ch, "Read(10 bytes)")
	require.Equal(t, result{0, 0}, res, "blocked Read(10 bytes) when the writer closed = %v; want 0, nil", res)
}

func TestPipe_Write_NoReaders_EPIPE(t *testing.T) {
	_, r, w := newPipe(t, 0)
	r.DecRef()
	n, err := w.File().Write(host, w, []byte("x"))
	require.Equal(t, result{0, posix.EPIPE}, result{n, err}, "Write(1 byte) with no reader = %d, %s; want 0, EPIPE", n, errName(err))
	n, err = w.File().Writev(host, w, [][]byte{[]byte("x")})
	require.Equal(t, result{0, posix.EPIPE}, result{n, err}, "Writev(1 byte) with no reader = %d, %s; want 0, EPIPE", n, errName(err))
}

func TestPipe_ZeroLength_ReturnsZeroFirst(t *testing.T) {
	_, r, w := newPipe(t, posix.O_NONBLOCK)
	for _, tc := range []struct {
		name string
		call func() (int, posix.Errno)
		want posix.Errno
	}{
		{"read of an empty non-blocking pipe", func() (int, posix.Errno) { return r.File().Read(host, r, nil) }, 0},
		{"readv of empty buffers", func() (int, posix.Errno) { return r.File().Readv(host, r, [][]byte{{}, nil}) }, 0},
		{"read on the write end", func() (int, posix.Errno) { return w.File().Read(host, w, nil) }, posix.EBADF},
		{"write on the read end", func() (int, posix.Errno) { return r.File().Write(host, r, nil) }, posix.EBADF},
		{"write with no reader", func() (int, posix.Errno) { r.DecRef(); return w.File().Write(host, w, []byte{}) }, 0},
		{"writev with no reader", func() (int, posix.Errno) { return w.File().Writev(host, w, nil) }, 0},
	} {
		n, err := tc.call()
		require.Equal(t, result{0, tc.want}, result{n, err}, "%s = %d, %s; want 0, %s", tc.name, n, errName(err), errName(tc.want))
	}
}

func TestPipe_WrongEnd_EBADF(t *testing.T) {
	_, r, w := newPipe(t, 0)
	mustWrite(t, w, []byte("data"))
	for _, tc := range []struct {
		name string
		call func() (int, posix.Errno)
	}{
		{"Read(write end)", func() (int, posix.Errno) { return w.File().Read(host, w, make([]byte, 4)) }},
		{"Readv(write end)", func() (int, posix.Errno) { return w.File().Readv(host, w, [][]byte{make([]byte, 4)}) }},
		{"Write(read end)", func() (int, posix.Errno) { return r.File().Write(host, r, []byte("x")) }},
		{"Writev(read end)", func() (int, posix.Errno) { return r.File().Writev(host, r, [][]byte{[]byte("x")}) }},
	} {
		n, err := tc.call()
		require.Equal(t, result{0, posix.EBADF}, result{n, err}, "%s = %d, %s; want 0, EBADF", tc.name, n, errName(err))
	}
}

func TestPipe_Seek_ESPIPE(t *testing.T) {
	_, r, w := newPipe(t, 0)
	_, err := r.File().Seek(r, 0, 0)
	require.Equal(t, posix.ESPIPE, err, "Seek(read end)")
	_, err = r.File().Pread(host, r, make([]byte, 1), 0)
	require.Equal(t, posix.ESPIPE, err, "Pread(read end)")
	_, err = w.File().Pwrite(host, w, []byte("x"), 0)
	require.Equal(t, posix.ESPIPE, err, "Pwrite(write end)")
}

func TestPipe_ReadvWritev_OneOperation(t *testing.T) {
	_, r, w := newPipe(t, 0)
	n, err := w.File().Writev(host, w, [][]byte{[]byte("abc"), nil, []byte("defgh"), []byte("ij")})
	require.Equal(t, result{10, 0}, result{n, err}, "Writev(3+0+5+2 bytes) = %d, %s; want 10, nil", n, errName(err))
	a, b, c := make([]byte, 4), make([]byte, 0), make([]byte, 20)
	n, err = r.File().Readv(host, r, [][]byte{a, b, c})
	require.Equal(t, result{10, 0}, result{n, err}, "Readv(4+0+20 bytes) = %d, %s; want 10, nil", n, errName(err))
	require.Equal(t, "abcd", string(a))
	require.Equal(t, "efghij", string(c[:6]))
}

func TestPipe_Fcntl_PipeSize(t *testing.T) {
	for _, tc := range []struct {
		arg  int64
		want int64
		err  posix.Errno
	}{
		{0, 4096, 0},
		{1, 4096, 0},
		{4096, 4096, 0},
		{4097, 8192, 0},
		{65536, 65536, 0},
		{100000, 131072, 0},
		{1 << 20, 1 << 20, 0},
		{1<<20 + 1, 0, posix.EPERM},
		{1 << 31, 0, posix.EPERM},
		{1<<31 + 1, 0, posix.EINVAL},
		{-1, 0, posix.EINVAL},
		{1<<32 + 8192, 8192, 0}, // the kernel takes an unsigned int
	} {
		_, r, w := newPipe(t, 0)
		got, err := w.File().Fcntl(w, posix.F_SETPIPE_SZ, tc.arg)
		require.Equal(t, tc.err, err, "F_SETPIPE_SZ(%d) = %d, %s; want %d, %s", tc.arg, got, errName(err), tc.want, errName(tc.err))
		if tc.err != 0 {
			tc.want = 65536
		} else {
			require.Equal(t, tc.want, got, "F_SETPIPE_SZ(%d)", tc.arg)
		}
		size, err := r.File().Fcntl(r, posix.F_GETPIPE_SZ, 0)
		require.Equal(t, result{int(tc.want), 0}, result{int(size), err}, "F_GETPIPE_SZ after F_SETPIPE_SZ(%d) on the other end", tc.arg)
	}

	t.Run("unknown command", func(t *testing.T) {
		_, r, _ := newPipe(t, 0)
		_, err := r.File().Fcntl(r, posix.F_GETFL, 0)
		require.Equal(t, posix.EINVAL, err, "Fcntl(F_GETFL) on a pipe end")
	})

	t.Run("EPERM only when growing past the maximum", func(t *testing.T) {
		p, _, _ := newPipe(t, 0)
		got, err := p.SetSize(1 << 20)
		require.Equal(t, result{1 << 20, 0}, result{got, err})
		_, err = p.SetSize(1 << 21)
		require.Equal(t, posix.EPERM, err, "SetSize(2 MiB) = %s; want EPERM", errName(err))
		got, err = p.SetSize(8192)
		require.Equal(t, result{8192, 0}, result{got, err}, "shrinking")
	})

	t.Run("EBUSY below the slots in use", func(t *testing.T) {
		p, _, w := newPipe(t, posix.O_NONBLOCK)
		// 3 slots in use for only 4116 bytes: a 10-byte slot, a full
		// one, and a 10-byte one that could not merge into it.
		mustWrite(t, w, pattern(10, 1))
		mustWrite(t, w, pattern(4096, 2))
		mustWrite(t, w, pattern(10, 3))
		_, err := p.SetSize(8192)
		require.Equal(t, posix.EBUSY, err, "SetSize(8192) with 3 slots in use = %s; want EBUSY", errName(err))
		got, err := p.SetSize(12288) // rounds to 16384: 4 slots
		require.Equal(t, result{16384, 0}, result{got, err})
		require.Equal(t, 1, fill(t, w, 4096)/4096, "free slots after resizing to 4 with 3 in use")
	})

	t.Run("resizing keeps the queued bytes in order", func(t *testing.T) {
		p, r, w := newPipe(t, posix.O_NONBLOCK)
		// Make the ring wrap: fill, drain 10 slots, refill.
		var want []byte
		for i := range 16 {
			mustWrite(t, w, pattern(4096, byte(i)))
		}
		mustRead(t, r, 10*4096)
		want = append(want, pattern(4096, 10)...)
		for i := 11; i < 16; i++ {
			want = append(want, pattern(4096, byte(i))...)
		}
		for i := 16; i < 26; i++ {
			mustWrite(t, w, pattern(4096, byte(i)))
			want = append(want, pattern(4096, byte(i))...)
		}
		for _, size := range []int64{1 << 20, 65536, 131072} {
			got, err := p.SetSize(size)
			require.Equal(t, result{int(size), 0}, result{got, err}, "SetSize(%d)", size)
		}
		got := mustRead(t, r, len(want))
		require.True(t, bytes.Equal(want, got), "bytes read after resizing differ")
	})

	t.Run("growing wakes a blocked writer", func(t *testing.T) {
		checkGoroutines(t)
		p, r, w := newPipe(t, 0)
		ch := goWrite(host, w, make([]byte, 65536+4096))
		requireBlocked(t, ch, "Write(69632 bytes)")
		_, err := p.SetSize(131072)
		require.Zero(t, err)
		res := await(t, ch, "Write(69632 bytes)")
		require.Equal(t, result{69632, 0}, res, "Write(69632 bytes) after growing to 131072")
		require.Equal(t, 69632, p.Len())
		_ = r
	})
}

func TestPipe_Ioctl_FIONREAD(t *testing.T) {
	_, r, w := newPipe(t, 0)
	mustWrite(t, w, make([]byte, 5000))
	mustWrite(t, w, make([]byte, 3))
	mustRead(t, r, 1000)
	for name, d := range map[string]*fdtable.Description{"read end": r, "write end": w} {
		var n int64
		err := d.File().Ioctl(host, d, posix.FIONREAD, &n)
		require.Equal(t, result{4003, 0}, result{int(n), err}, "FIONREAD(%s)", name)
	}
	var n int64
	require.Equal(t, posix.ENOTTY, r.File().Ioctl(host, r, posix.FIONBIO, &n), "Ioctl(FIONBIO) reaching the pipe")
}

func TestPipe_Readiness(t *testing.T) {
	const (
		in  = posix.POLLIN | posix.POLLRDNORM
		out = posix.POLLOUT | posix.POLLWRNORM
		all = in | out
	)
	for _, tc := range []struct {
		name        string
		setup       func(t *testing.T, r, w *fdtable.Description)
		mask        int16
		wantR       int16
		wantW       int16
		closeReader bool
		closeWriter bool
	}{
		{name: "empty", mask: all, wantR: 0, wantW: out},
		{name: "data queued", setup: func(t *testing.T, r, w *fdtable.Description) { mustWrite(t, w, []byte("x")) }, mask: all, wantR: in, wantW: out},
		{name: "full", setup: func(t *testing.T, r, w *fdtable.Description) { fill(t, w, 4096) }, mask: all, wantR: in, wantW: 0},
		{name: "mask filters", setup: func(t *testing.T, r, w *fdtable.Description) { mustWrite(t, w, []byte("x")) }, mask: posix.POLLOUT, wantR: 0, wantW: posix.POLLOUT},
		{name: "writer gone, empty", closeWriter: true, mask: all, wantR: posix.POLLHUP},
		{name: "writer gone, POLLHUP outside mask", closeWriter: true, mask: 0, wantR: posix.POLLHUP},
		{name: "writer gone, data queued", setup: func(t *testing.T, r, w *fdtable.Description) { mustWrite(t, w, []byte("x")) }, closeWriter: true, mask: all, wantR: in | posix.POLLHUP},
		{name: "reader gone, room", closeReader: true, mask: all, wantW: posix.POLLERR | out},
		{name: "reader gone, POLLERR outside mask", closeReader: true, mask: 0, wantW: posix.POLLERR},
		{name: "reader gone, full", setup: func(t *testing.T, r, w *fdtable.Description) { fill(t, w, 4096) }, closeReader: true, mask: all, wantW: posix.POLLERR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r, w := newPipe(t, posix.O_NONBLOCK)
			if tc.setup != nil {
				tc.setup(t, r, w)
			}
			if tc.closeReader {
				r.DecRef()
			}
			if tc.closeWriter {
				w.DecRef()
			}
			if !tc.closeReader {
				got := r.File().Readiness(r, tc.mask)
				require.Equal(t, tc.wantR, got, "Readiness(read end, %#x) = %#x; want %#x", tc.mask, got, tc.wantR)
			}
			if !tc.closeWriter {
				got := w.File().Readiness(w, tc.mask)
				require.Equal(t, tc.wantW, got, "Readiness(write end, %#x) = %#x; want %#x", tc.mask, got, tc.wantW)
			}
		})
	}
}

func TestPipe_Queue_NotifiedOnChange(t *testing.T) {
	p, r, w := newPipe(t, posix.O_NONBLOCK)
	require.Same(t, r.File().Queue(), w.File().Queue(), "the ends have different queues")
	q := r.File().Queue()
	require.NotNil(t, q)
	wt := fdtable.NewWaiter()
	q.Register(wt)
	defer q.Unregister(wt)
	notified := func(what string, f func()) {
		t.Helper()
		wt.Mu.Lock()
		wt.Ready = false
		wt.Mu.Unlock()
		f()
		wt.Mu.Lock()
		defer wt.Mu.Unlock()
		require.True(t, wt.Ready, "no Notify after %s", what)
	}
	notified("a write", func() { mustWrite(t, w, make([]byte, 4096)) })
	notified("a read that frees a slot", func() { mustRead(t, r, 4096) })
	notified("a resize", func() { _, err := p.SetSize(8192); require.Zero(t, err) })
	notified("the writer's release", func() { w.DecRef() })
}

func TestPipe_LastWriterClose_WakesAllReaders(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	var chs []<-chan result
	for range 3 {
		chs = append(chs, goRead(host, r, 10))
	}
	for i, ch := range chs {
		requireBlocked(t, ch, "Read")
		_ = i
	}
	w.DecRef()
	for i, ch := range chs {
		res := await(t, ch, "Read")
		require.Equal(t, result{0, 0}, res, "reader %d after the last writer closed = %v; want 0, nil", i, res)
	}
}

func TestPipe_LastReaderClose_WakesAllWriters(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	mustWrite(t, w, make([]byte, 65536))
	var chs []<-chan result
	for range 3 {
		chs = append(chs, goWrite(host, w, []byte("x")))
	}
	for _, ch := range chs {
		requireBlocked(t, ch, "Write to a full pipe")
	}
	r.DecRef()
	for i, ch := range chs {
		res := await(t, ch, "Write")
		require.Equal(t, result{0, posix.EPIPE}, res, "writer %d after the last reader closed = %v; want 0, EPIPE", i, res)
	}
}

func TestPipe_BlockedWrite_EPIPEWithPartialCount(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	k := &fakeTask{}
	ch := goWrite(k, w, make([]byte, 70000))
	waitSleeping(t, k)
	r.DecRef()
	res := await(t, ch, "Write(70000 bytes)")
	require.Equal(t, result{65536, posix.EPIPE}, res, "Write(70000 bytes) when the reader closed = %v; want 65536, EPIPE", res)
}

func TestPipe_InterruptedRead_EINTR(t *testing.T) {
	checkGoroutines(t)
	_, r, _ := newPipe(t, 0)
	k := &fakeTask{}
	ch := goRead(k, r, 10)
	waitSleeping(t, k)
	k.Interrupt()
	res := await(t, ch, "Read(10 bytes)")
	require.Equal(t, result{0, posix.EINTR}, res, "interrupted Read(10 bytes) = %v; want 0, EINTR", res)
}

func TestPipe_PendingInterrupt_DataStillRead(t *testing.T) {
	_, r, w := newPipe(t, 0)
	mustWrite(t, w, []byte("abc"))
	k := &fakeTask{}
	k.Interrupt()
	n, err := r.File().Read(k, r, make([]byte, 10))
	require.Equal(t, result{3, 0}, result{n, err}, "Read(10 bytes) with data and an interrupt pending = %d, %s; want 3, nil", n, errName(err))
	n, err = r.File().Read(k, r, make([]byte, 10))
	require.Equal(t, result{0, posix.EINTR}, result{n, err}, "Read(10 bytes) of an empty pipe with an interrupt pending = %d, %s; want 0, EINTR", n, errName(err))
}

func TestPipe_InterruptedWrite(t *testing.T) {
	t.Run("after partial progress returns the count", func(t *testing.T) {
		checkGoroutines(t)
		_, r, w := newPipe(t, 0)
		k := &fakeTask{}
		ch := goWrite(k, w, make([]byte, 70000))
		waitSleeping(t, k)
		k.Interrupt()
		res := await(t, ch, "Write(70000 bytes)")
		require.Equal(t, result{65536, 0}, res, "interrupted Write(70000 bytes) = %v; want 65536, nil", res)
		require.Equal(t, 65536, len(mustRead(t, r, 65536)))
	})
	t.Run("with no progress is EINTR", func(t *testing.T) {
		checkGoroutines(t)
		_, _, w := newPipe(t, 0)
		mustWrite(t, w, make([]byte, 65536))
		k := &fakeTask{}
		ch := goWrite(k, w, make([]byte, 10))
		waitSleeping(t, k)
		k.Interrupt()
		res := await(t, ch, "Write(10 bytes)")
		require.Equal(t, result{0, posix.EINTR}, res, "interrupted Write(10 bytes) to a full pipe = %v; want 0, EINTR", res)
	})
}

func TestPipe_BlockingWrite_LargerThanCapacity(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	data := pattern(300000, 3)
	ch := goWrite(host, w, data)
	var got []byte
	buf := make([]byte, 7000)
	for len(got) < len(data) {
		n, err := r.File().Read(host, r, buf)
		require.Zero(t, err)
		got = append(got, buf[:n]...)
	}
	res := await(t, ch, "Write(300000 bytes)")
	require.Equal(t, result{300000, 0}, res)
	require.True(t, bytes.Equal(data, got), "bytes read differ from bytes written")
}

// A read already blocked keeps its reference: closing the descriptor's fd
// in another thread does not cut it off.
func TestPipe_BlockedRead_SurvivesClose(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	r.IncRef() // the in-flight call's reference
	ch := make(chan result, 1)
	go func() {
		defer r.DecRef()
		buf := make([]byte, 10)
		n, err := r.File().Read(host, r, buf)
		ch <- result{n, err}
	}()
	requireBlocked(t, ch, "Read")
	r.DecRef() // close(fd)
	requireBlocked(t, ch, "Read after close(fd)")
	mustWrite(t, w, []byte("late"))
	res := await(t, ch, "Read")
	require.Equal(t, result{4, 0}, res)
}

func TestPipe_ZeroAllocsPerWriteRead(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	_, r, w := newPipe(t, 0)
	wb, rb := make([]byte, 64), make([]byte, 64)
	wiov, riov := [][]byte{wb[:32], wb[32:]}, [][]byte{rb[:16], rb[16:]}
	fr, fw := r.File(), w.File()
	for _, tc := range []struct {
		name string
		op   func()
	}{
		{"Write+Read", func() {
			fw.Write(host, w, wb)
			fr.Read(host, r, rb)
		}},
		{"Writev+Readv", func() {
			fw.Writev(host, w, wiov)
			fr.Readv(host, r, riov)
		}},
	} {
		allocs := testing.AllocsPerRun(1000, tc.op)
		require.Zero(t, allocs, "allocations per 64-byte %s", tc.name)
	}
}

// An idle pipe holds no page: 10,000 pipes that have carried data cost a
// small fraction of their 64 KiB capacity each.
func TestPipe_IdlePipesHoldNoPages(t *testing.T) {
	const count = 10000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ends := make([]*fdtable.Description, 0, 2*count)
	b := make([]byte, 100)
	for range count {
		r, w := pipes.New().Ends(0)
		mustWrite(t, w, b)
		mustRead(t, r, 100)
		ends = append(ends, r, w)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perPipe := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / count
	t.Logf("heap per idle pipe: %d bytes", perPipe)
	require.Less(t, perPipe, int64(2048), "heap per idle pipe")
	for _, d := range ends {
		d.DecRef()
	}
}
