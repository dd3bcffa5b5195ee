package fdtable_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// countFile counts its releases.
type countFile struct {
	fdtable.NoFile
	released atomic.Int32
}

func (f *countFile) Release(*fdtable.Description) { f.released.Add(1) }

func newDesc(flags int) (*fdtable.Description, *countFile) {
	f := &countFile{}
	return fdtable.NewDescription(f, flags), f
}

func TestAlloc_LowestFreeFd(t *testing.T) {
	tb := fdtable.NewTable()
	for want := 0; want < 10; want++ {
		d, _ := newDesc(posix.O_RDONLY)
		fd, err := tb.Alloc(d, 0, false)
		require.Equal(t, posix.Errno(0), err)
		require.Equal(t, want, fd, "Alloc = %d; want the lowest free fd %d", fd, want)
	}
	require.Equal(t, posix.Errno(0), tb.Close(3))
	require.Equal(t, posix.Errno(0), tb.Close(7))
	d, _ := newDesc(0)
	fd, _ := tb.Alloc(d, 0, false)
	require.Equal(t, 3, fd)
	d, _ = newDesc(0)
	fd, _ = tb.Alloc(d, 5, false)
	require.Equal(t, 7, fd, "Alloc(min 5) must take the lowest free fd at or above 5")
	d, _ = newDesc(0)
	fd, _ = tb.Alloc(d, 100, false)
	require.Equal(t, 100, fd)
	require.Equal(t, 11, tb.Len())
}

func TestAlloc_AtLimit_EMFILE_MinAboveLimit_EINVAL(t *testing.T) {
	tb := fdtable.NewTable()
	tb.SetLimit(3)
	for i := 0; i < 3; i++ {
		d, _ := newDesc(0)
		_, err := tb.Alloc(d, 0, false)
		require.Equal(t, posix.Errno(0), err)
	}
	d, f := newDesc(0)
	_, err := tb.Alloc(d, 0, false)
	require.Equal(t, posix.EMFILE, err)
	_, err = tb.Alloc(d, 3, false)
	require.Equal(t, posix.EINVAL, err)
	_, err = tb.Alloc(d, -1, false)
	require.Equal(t, posix.EINVAL, err)
	d.DecRef()
	require.Equal(t, int32(1), f.released.Load(), "a failed Alloc leaves the reference with the caller")
}

func TestGet_BadFds_EBADF(t *testing.T) {
	tb := fdtable.NewTable()
	for _, fd := range []int{-1, 0, 3, 1 << 20, 1 << 40, -1 << 40} {
		_, err := tb.Get(fd)
		require.Equal(t, posix.EBADF, err, "Get(%d)", fd)
		require.Equal(t, posix.EBADF, tb.Close(fd), "Close(%d)", fd)
		_, err = tb.Cloexec(fd)
		require.Equal(t, posix.EBADF, err)
		require.Equal(t, posix.EBADF, tb.SetCloexec(fd, true))
	}
}

func TestDescription_ReleasedWhenLastReferenceGoes(t *testing.T) {
	tb := fdtable.NewTable()
	d, f := newDesc(posix.O_WRONLY)
	fd, _ := tb.Alloc(d, 0, false)
	got, _ := tb.Get(fd) // an in-flight call's reference
	d.IncRef()
	fd2, _ := tb.Alloc(d, 0, false) // a dup
	require.Equal(t, posix.Errno(0), tb.Close(fd))
	require.Equal(t, posix.Errno(0), tb.Close(fd2))
	require.Equal(t, int32(0), f.released.Load(), "released while a call still held it")
	got.DecRef()
	require.Equal(t, int32(1), f.released.Load())
	require.False(t, d.TryIncRef(), "a released description cannot be revived")
}

func TestSet_ReplacesAndClosesOld_BeyondLimit_EBADF(t *testing.T) {
	tb := fdtable.NewTable()
	a, fa := newDesc(0)
	b, _ := newDesc(0)
	tb.Alloc(a, 0, true)
	require.Equal(t, posix.Errno(0), tb.Set(0, b, false))
	require.Equal(t, int32(1), fa.released.Load())
	on, _ := tb.Cloexec(0)
	require.False(t, on, "Set must install its own FD_CLOEXEC flag")
	c, _ := newDesc(0)
	require.Equal(t, posix.EBADF, tb.Set(1024, c, false))
	require.Equal(t, posix.EBADF, tb.Set(-1, c, false))
	require.Equal(t, posix.Errno(0), tb.Set(500, c, false))
	d, _ := newDesc(0)
	fd, _ := tb.Alloc(d, 0, false)
	require.Equal(t, 1, fd)
}

func TestFork_SharesDescriptionsAndCloexec(t *testing.T) {
	tb := fdtable.NewTable()
	d, f := newDesc(posix.O_RDONLY)
	tb.Alloc(d, 0, false)
	d.IncRef()
	tb.Alloc(d, 0, true)
	tb.SetLimit(64)
	child := tb.Fork()
	require.Equal(t, []int{0, 1}, child.Fds())
	on, _ := child.Cloexec(1)
	require.True(t, on)
	require.Equal(t, 64, child.Limit())
	got, _ := child.Get(0)
	require.Same(t, d, got)
	got.DecRef()
	got.SetFlags(posix.O_NONBLOCK)
	require.True(t, d.Nonblocking(), "flags live in the shared description")
	tb.CloseAll()
	require.Equal(t, int32(0), f.released.Load())
	child.CloseOnExec()
	require.Equal(t, []int{0}, child.Fds())
	child.CloseAll()
	require.Equal(t, int32(1), f.released.Load())
}

func TestCloseRange(t *testing.T) {
	tb := fdtable.NewTable()
	for i := 0; i < 8; i++ {
		d, _ := newDesc(0)
		tb.Alloc(d, 0, false)
	}
	require.Equal(t, posix.EINVAL, tb.CloseRange(5, 4, 0))
	require.Equal(t, posix.EINVAL, tb.CloseRange(0, 1, 1))
	require.Equal(t, posix.Errno(0), tb.CloseRange(6, ^uint(0)>>1, posix.CLOSE_RANGE_CLOEXEC))
	on, _ := tb.Cloexec(7)
	require.True(t, on)
	require.Equal(t, posix.Errno(0), tb.CloseRange(2, 3, 0))
	require.Equal(t, []int{0, 1, 4, 5, 6, 7}, tb.Fds())
	require.Equal(t, posix.Errno(0), tb.CloseRange(5, ^uint(0)>>1, posix.CLOSE_RANGE_UNSHARE))
	require.Equal(t, []int{0, 1, 4}, tb.Fds())
}

func TestDescription_SetFlags_KeepsAccessMode(t *testing.T) {
	d, _ := newDesc(posix.O_WRONLY | posix.O_CLOEXEC | posix.O_CREAT)
	require.Equal(t, posix.O_WRONLY, d.Flags(), "creation flags and O_CLOEXEC are not status flags")
	d.SetFlags(posix.O_RDWR | posix.O_NONBLOCK | posix.O_APPEND)
	require.Equal(t, posix.O_WRONLY|posix.O_NONBLOCK|posix.O_APPEND, d.Flags())
	require.True(t, d.Writable())
	require.False(t, d.Readable())
}

// TestTable_ConcurrentGetAndClose hammers lookups against closes and
// reallocations: a Get either fails with EBADF or returns a live
// description, and every description is released exactly once.
func TestTable_ConcurrentGetAndClose(t *testing.T) {
	tb := fdtable.NewTable()
	var files []*countFile
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for fd := 0; fd < 40; fd++ {
					if d, err := tb.Get(fd); err == 0 {
						require.Greater(t, d.Refs(), int64(0))
						d.DecRef()
					}
				}
			}
		}()
	}
	for i := 0; i < 3000; i++ {
		d, f := newDesc(0)
		mu.Lock()
		files = append(files, f)
		mu.Unlock()
		fd, err := tb.Alloc(d, 0, false)
		require.Equal(t, posix.Errno(0), err)
		if i%3 != 0 {
			tb.Close(fd)
		}
		if tb.Len() > 30 {
			tb.CloseRange(0, 100, 0)
		}
	}
	close(stop)
	wg.Wait()
	tb.CloseAll()
	for i, f := range files {
		require.Equal(t, int32(1), f.released.Load(), "file %d released %d times", i, f.released.Load())
	}
}

func TestQueue_NotifyWakesRegisteredWaiters(t *testing.T) {
	var q fdtable.Queue
	q.Notify() // nobody registered: nothing happens
	w := fdtable.NewWaiter()
	q.Register(w)
	q.Notify()
	require.True(t, w.Ready)
	w.Ready = false
	q.Unregister(w)
	q.Notify()
	require.False(t, w.Ready)
}

func TestVectored_StopsAtShortCount(t *testing.T) {
	calls := 0
	op := func(_ fdtable.Task, _ *fdtable.Description, b []byte) (int, posix.Errno) {
		calls++
		if calls == 2 {
			return 1, 0
		}
		return len(b), 0
	}
	n, err := fdtable.Vectored(fdtable.HostTask{}, nil, [][]byte{make([]byte, 3), nil, make([]byte, 4), make([]byte, 5)}, op)
	require.Equal(t, posix.Errno(0), err)
	require.Equal(t, 4, n)
	require.Equal(t, 2, calls)
}
