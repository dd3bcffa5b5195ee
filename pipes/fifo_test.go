package pipes_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// openFIFO opens p with flags, which must succeed without blocking, and
// releases the description at the end of the test.
func openFIFO(t *testing.T, p *pipes.Pipe, flags int) *fdtable.Description {
	t.Helper()
	d, err := p.OpenFIFO(host, flags)
	require.Zero(t, err, "OpenFIFO(%#o) = %s; want nil", flags, errName(err))
	t.Cleanup(func() { release(d) })
	return d
}

// openResult is what an OpenFIFO made in a goroutine returned.
type openResult struct {
	d   *fdtable.Description
	err posix.Errno
}

// goOpen opens p with flags in a goroutine.
func goOpen(task fdtable.Task, p *pipes.Pipe, flags int) <-chan openResult {
	ch := make(chan openResult, 1)
	go func() {
		d, err := p.OpenFIFO(task, flags)
		ch <- openResult{d, err}
	}()
	return ch
}

// awaitOpen waits for a goroutine's OpenFIFO and releases what it opened at
// the end of the test.
func awaitOpen(t *testing.T, ch <-chan openResult) openResult {
	t.Helper()
	var r openResult
	select {
	case r = <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("OpenFIFO never returned")
	}
	if r.d != nil {
		t.Cleanup(func() { release(r.d) })
	}
	return r
}

func TestFIFO_OpenReadNonblock_SucceedsAtOnce(t *testing.T) {
	p := pipes.New()
	r := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
	require.Equal(t, posix.O_RDONLY|posix.O_NONBLOCK, r.Flags())

	// No writer has ever opened: end of file, not EAGAIN.
	n, err := r.File().Read(host, r, make([]byte, 10))
	require.Equal(t, result{0, 0}, result{n, err}, "Read(10 bytes) with no writer = %d, %s; want 0, nil", n, errName(err))

	// With a writer present, an empty FIFO is EAGAIN.
	w := openFIFO(t, p, posix.O_WRONLY)
	n, err = r.File().Read(host, r, make([]byte, 10))
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err}, "Read(10 bytes) with a writer = %d, %s; want 0, EAGAIN", n, errName(err))
	mustWrite(t, w, []byte("hi"))
	require.Equal(t, "hi", string(mustRead(t, r, 2)))
}

func TestFIFO_OpenWriteNonblock_NoReader_ENXIO(t *testing.T) {
	p := pipes.New()
	d, err := p.OpenFIFO(host, posix.O_WRONLY|posix.O_NONBLOCK)
	require.Nil(t, d)
	require.Equal(t, posix.ENXIO, err, "OpenFIFO(O_WRONLY|O_NONBLOCK) with no reader = %s; want ENXIO", errName(err))

	// Nothing was counted: a non-blocking reader still sees end of file.
	r := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
	n, rerr := r.File().Read(host, r, make([]byte, 1))
	require.Equal(t, result{0, 0}, result{n, rerr}, "Read after a failed writer open = %d, %s; want 0, nil", n, errName(rerr))

	w := openFIFO(t, p, posix.O_WRONLY|posix.O_NONBLOCK)
	mustWrite(t, w, []byte("x"))
}

func TestFIFO_OpenRDWR_NeverBlocks(t *testing.T) {
	p := pipes.New()
	d := openFIFO(t, p, posix.O_RDWR)
	mustWrite(t, d, []byte("self"))
	require.Equal(t, "self", string(mustRead(t, d, 4)))
	got := d.File().Readiness(d, posix.POLLIN|posix.POLLOUT)
	require.Equal(t, int16(posix.POLLOUT), got, "Readiness(O_RDWR, POLLIN|POLLOUT) = %#x; want POLLOUT", got)

	// It counts as a reader and a writer: O_WRONLY|O_NONBLOCK succeeds,
	// O_RDONLY does not wait.
	openFIFO(t, p, posix.O_WRONLY|posix.O_NONBLOCK)
	openFIFO(t, p, posix.O_RDONLY)
}

func TestFIFO_OpenInvalidAccessMode_EINVAL(t *testing.T) {
	p := pipes.New()
	d, err := p.OpenFIFO(host, posix.O_ACCMODE)
	require.Nil(t, d)
	require.Equal(t, posix.EINVAL, err)
}

func TestFIFO_OpenRead_BlocksUntilWriter(t *testing.T) {
	checkGoroutines(t)
	p := pipes.New()
	k := &fakeTask{}
	ch := goOpen(k, p, posix.O_RDONLY)
	waitSleeping(t, k)
	requireNoOpen(t, ch)
	w := openFIFO(t, p, posix.O_WRONLY) // a reader is counted: does not wait
	res := awaitOpen(t, ch)
	require.Zero(t, res.err, "blocked OpenFIFO(O_RDONLY) after a writer opened = %s; want nil", errName(res.err))
	mustWrite(t, w, []byte("ok"))
	require.Equal(t, "ok", string(mustRead(t, res.d, 2)))
}

func TestFIFO_OpenWrite_BlocksUntilReader(t *testing.T) {
	checkGoroutines(t)
	p := pipes.New()
	k := &fakeTask{}
	ch := goOpen(k, p, posix.O_WRONLY)
	waitSleeping(t, k)
	requireNoOpen(t, ch)
	r := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
	res := awaitOpen(t, ch)
	require.Zero(t, res.err, "blocked OpenFIFO(O_WRONLY) after a reader opened = %s; want nil", errName(res.err))
	mustWrite(t, res.d, []byte("ok"))
	require.Equal(t, "ok", string(mustRead(t, r, 2)))
}

// A reader that opens and closes again while a writer's open waits still
// releases it (Linux's r_counter): the writer then sees EPIPE.
func TestFIFO_OpenWrite_ReleasedByTransientReader(t *testing.T) {
	checkGoroutines(t)
	p := pipes.New()
	k := &fakeTask{}
	ch := goOpen(k, p, posix.O_WRONLY)
	waitSleeping(t, k)

	// Open and close a reader before the woken writer gets the lock back
	// (most likely): the counter, not the reader count, must release it.
	r, err := p.OpenFIFO(host, posix.O_RDONLY|posix.O_NONBLOCK)
	require.Zero(t, err)
	r.DecRef()

	res := awaitOpen(t, ch)
	require.Zero(t, res.err, "blocked OpenFIFO(O_WRONLY) after a reader came and went = %s; want nil", errName(res.err))
	n, werr := res.d.File().Write(host, res.d, []byte("x"))
	require.Equal(t, result{0, posix.EPIPE}, result{n, werr}, "Write with the reader gone = %d, %s; want 0, EPIPE", n, errName(werr))
}

func TestFIFO_OpenRead_ReleasedByTransientWriter(t *testing.T) {
	checkGoroutines(t)
	p := pipes.New()
	k := &fakeTask{}
	ch := goOpen(k, p, posix.O_RDONLY)
	waitSleeping(t, k)
	w := openFIFO(t, p, posix.O_RDWR)
	w.DecRef()
	res := awaitOpen(t, ch)
	require.Zero(t, res.err, "blocked OpenFIFO(O_RDONLY) after an O_RDWR open came and went = %s; want nil", errName(res.err))
	n, err := res.d.File().Read(host, res.d, make([]byte, 1))
	require.Equal(t, result{0, 0}, result{n, err}, "Read with the writer gone = %d, %s; want 0, nil", n, errName(err))
}

func TestFIFO_OpenInterrupted_EINTR(t *testing.T) {
	t.Run("O_RDONLY", func(t *testing.T) {
		checkGoroutines(t)
		p := pipes.New()
		k := &fakeTask{}
		ch := goOpen(k, p, posix.O_RDONLY)
		waitSleeping(t, k)
		k.Interrupt()
		res := awaitOpen(t, ch)
		require.Nil(t, res.d)
		require.Equal(t, posix.EINTR, res.err, "interrupted OpenFIFO(O_RDONLY) = %s; want EINTR", errName(res.err))
		// The reader count was undone.
		_, err := p.OpenFIFO(host, posix.O_WRONLY|posix.O_NONBLOCK)
		require.Equal(t, posix.ENXIO, err, "OpenFIFO(O_WRONLY|O_NONBLOCK) after an interrupted reader = %s; want ENXIO", errName(err))
	})
	t.Run("O_WRONLY", func(t *testing.T) {
		checkGoroutines(t)
		p := pipes.New()
		k := &fakeTask{}
		ch := goOpen(k, p, posix.O_WRONLY)
		waitSleeping(t, k)
		k.Interrupt()
		res := awaitOpen(t, ch)
		require.Nil(t, res.d)
		require.Equal(t, posix.EINTR, res.err, "interrupted OpenFIFO(O_WRONLY) = %s; want EINTR", errName(res.err))
		// The writer count was undone: a non-blocking reader sees EOF.
		r := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
		n, err := r.File().Read(host, r, make([]byte, 1))
		require.Equal(t, result{0, 0}, result{n, err}, "Read after an interrupted writer open = %d, %s; want 0, nil", n, errName(err))
	})
	t.Run("interrupt pending", func(t *testing.T) {
		p := pipes.New()
		k := &fakeTask{}
		k.Interrupt()
		d, err := p.OpenFIFO(k, posix.O_RDONLY)
		require.Nil(t, d)
		require.Equal(t, posix.EINTR, err)
		// A partner already there wins over the interrupt: no wait.
		openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
		d, err = p.OpenFIFO(k, posix.O_WRONLY)
		require.Zero(t, err, "OpenFIFO(O_WRONLY) with a reader and an interrupt pending = %s; want nil", errName(err))
		release(d)
	})
}

// A FIFO opened non-blocking before any writer sees no POLLHUP until a
// writer has opened (and gone); one opened with a writer present does.
func TestFIFO_Readiness_POLLHUPAfterWriterSeen(t *testing.T) {
	p := pipes.New()
	r := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK)
	got := r.File().Readiness(r, posix.POLLIN)
	require.Zero(t, got, "Readiness(reader opened before any writer) = %#x; want 0", got)

	w := openFIFO(t, p, posix.O_WRONLY)
	r2 := openFIFO(t, p, posix.O_RDONLY|posix.O_NONBLOCK) // a writer is there
	release(w)
	for name, d := range map[string]*fdtable.Description{"opened before the writer": r, "opened with the writer": r2} {
		got := d.File().Readiness(d, posix.POLLIN)
		require.Equal(t, int16(posix.POLLHUP), got, "Readiness(reader %s) after the writer closed = %#x; want POLLHUP", name, got)
	}

	// The write side of a FIFO gets POLLERR with no reader, as a pipe.
	rw := openFIFO(t, p, posix.O_RDWR)
	w2 := openFIFO(t, p, posix.O_WRONLY)
	release(r)
	release(r2)
	release(rw)
	got = w2.File().Readiness(w2, posix.POLLOUT)
	require.Equal(t, int16(posix.POLLOUT|posix.POLLERR), got, "Readiness(writer, no reader) = %#x; want POLLOUT|POLLERR", got)
}

// Linux frees a FIFO's pipe when its last open is released: the next open
// starts empty, with the default size.
func TestFIFO_LastClose_DiscardsDataAndSize(t *testing.T) {
	p := pipes.New()
	d, err := p.OpenFIFO(host, posix.O_RDWR)
	require.Zero(t, err)
	mustWrite(t, d, []byte("lost"))
	_, err = p.SetSize(8192)
	require.Zero(t, err)
	d.DecRef()

	d = openFIFO(t, p, posix.O_RDWR|posix.O_NONBLOCK)
	require.Zero(t, p.Len(), "Len() after the FIFO was reopened")
	require.Equal(t, 65536, p.Size(), "Size() after the FIFO was reopened")
	n, err := d.File().Read(host, d, make([]byte, 4))
	require.Equal(t, result{0, posix.EAGAIN}, result{n, err})
}

// requireNoOpen checks that a goroutine's OpenFIFO has not returned.
func requireNoOpen(t *testing.T, ch <-chan openResult) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("OpenFIFO returned %s; want it blocked", errName(r.err))
	default:
	}
}

// Reopening an anonymous pipe (through /proc/self/fd/N) never waits for a
// partner, as fifo_open with is_pipe: after the last writer has gone a
// reader opens at once and reads end of file; after the last reader has
// gone a non-blocking writer opens (no ENXIO) and its write fails with
// EPIPE.
func TestPipe_Reopen_NeverWaits(t *testing.T) {
	p := pipes.New()
	rd0, wr0 := p.Ends(0)
	t.Cleanup(func() { release(rd0) })
	release(wr0)
	r := awaitOpen(t, goOpenAnon(host, p, posix.O_RDONLY))
	require.Zero(t, r.err, "Reopen(O_RDONLY) = %s", errName(r.err))
	n, err := r.d.File().Read(host, r.d, make([]byte, 8))
	require.Zero(t, err)
	require.Equal(t, 0, n, "read after the writer has gone")

	p = pipes.New()
	rd, wr := p.Ends(0)
	t.Cleanup(func() { release(wr) })
	release(rd)
	for _, flags := range []int{posix.O_WRONLY, posix.O_WRONLY | posix.O_NONBLOCK} {
		r = awaitOpen(t, goOpenAnon(host, p, flags))
		require.Zero(t, r.err, "Reopen(%#o) = %s", flags, errName(r.err))
		_, err = r.d.File().Write(host, r.d, []byte("x"))
		require.Equal(t, posix.EPIPE, err, "write after the reader has gone")
	}
}

// goOpenAnon reopens the anonymous pipe p with flags in a goroutine.
func goOpenAnon(task fdtable.Task, p *pipes.Pipe, flags int) <-chan openResult {
	ch := make(chan openResult, 1)
	go func() {
		d, err := p.Reopen(task, flags)
		ch <- openResult{d, err}
	}()
	return ch
}
