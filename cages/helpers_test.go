package cages_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Cage programs run on their own goroutines, where t.FailNow must not be
// called: inside a cage, tests report with t.Errorf (through check and
// fail) and end the cage with a non-zero status; the test goroutine then
// requires the status it expected.

// TestMain fails the run if goroutines started by the tests outlive them.
func TestMain(m *testing.M) {
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			fmt.Fprintf(os.Stderr, "leaked goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
			code = 1
		}
	}
	os.Exit(code)
}

// cageTimeout bounds how long one test's cages may run before the test is
// declared hung.
const cageTimeout = 20 * time.Second

// en names an error the way failure messages print it: "nil" or the errno
// name ("EINVAL").
func en(err error) string {
	if err == nil {
		return "nil"
	}
	if e, ok := err.(posix.Errno); ok {
		return e.Name()
	}
	return err.Error()
}

// check reports a failure from inside a cage program and ends that cage
// with status 1: the cage-side require. p must be the Proc of the cage
// whose goroutine calls check.
func check(t *testing.T, p *cages.Proc, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
		p.Exit(1)
	}
}

// fail reports a failure from inside a cage program and returns the
// status the program should end with.
func fail(t *testing.T, format string, args ...any) int {
	t.Helper()
	t.Errorf(format, args...)
	return 1
}

// newKernel returns a kernel with cfg's settings.
func newKernel(cfg cages.Config) *cages.Kernel { return cages.New(cfg) }

// runCage runs prog as a cage of a new default kernel; see runIn.
func runCage(t *testing.T, prog cages.Program) posix.WaitStatus {
	t.Helper()
	return runIn(t, newKernel(cages.Config{}), prog)
}

// runIn starts prog as a cage of k (its fd 2 going to the test log on
// failure), waits for it, then waits until every cage it left behind has
// been reaped, and returns its wait status.
func runIn(t *testing.T, k *cages.Kernel, prog cages.Program) posix.WaitStatus {
	t.Helper()
	var stderr syncBuffer
	proc, err := k.Start(cages.Spec{Path: "/test", Program: prog, Stderr: &stderr})
	require.NoError(t, err, "Start")
	st := waitProcess(t, k, proc)
	if (t.Failed() || st != exited0) && stderr.Len() > 0 {
		t.Logf("cage stderr:\n%s", stderr.String())
	}
	return st
}

// waitProcess waits for proc and then for k to have no cage left; a cage
// tree that outlives cageTimeout fails the test (after being killed).
func waitProcess(t *testing.T, k *cages.Kernel, proc *cages.Process) posix.WaitStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cageTimeout)
	defer cancel()
	st, err := proc.Wait(ctx)
	if err != nil {
		buf := make([]byte, 1<<20)
		t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
		sctx, scancel := context.WithTimeout(context.Background(), time.Second)
		defer scancel()
		k.Shutdown(sctx)
		t.Fatalf("cage %d still running after %v", proc.Pid(), cageTimeout)
	}
	waitNoCages(t, k)
	return st
}

// waitProcessOnly waits for proc alone, failing the test after
// cageTimeout.
func waitProcessOnly(t *testing.T, proc *cages.Process) posix.WaitStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cageTimeout)
	defer cancel()
	st, err := proc.Wait(ctx)
	require.NoError(t, err, "cage %d still running after %v", proc.Pid(), cageTimeout)
	return st
}

// waitNoCages waits until every cage of k has been reaped. Orphans are
// reaped by init as they exit, which happens asynchronously.
func waitNoCages(t *testing.T, k *cages.Kernel) {
	t.Helper()
	deadline := time.Now().Add(cageTimeout)
	for k.NumCages() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.Zero(t, k.NumCages(), "NumCages() after every cage ended")
}

// requireStatus requires st to be want.
func requireStatus(t *testing.T, want, st posix.WaitStatus) {
	t.Helper()
	require.Equal(t, want, st, "cage ended with %v; want %v", st, want)
}

// exited0 is the status of a cage whose checks all passed.
var exited0 = posix.Exited(0)

// mustPipe creates a pipe in cage p or ends it.
func mustPipe(t *testing.T, p *cages.Proc) (r, w int) {
	t.Helper()
	r, w, err := p.Pipe()
	check(t, p, err == nil, "Pipe() = %d, %d, %s; want nil", r, w, en(err))
	return r, w
}

// mustFork forks cage p or ends it.
func mustFork(t *testing.T, p *cages.Proc, fn func(child *cages.Proc) int) int {
	t.Helper()
	pid, err := p.Fork(fn)
	check(t, p, err == nil, "Fork() = %d, %s; want a pid", pid, en(err))
	return pid
}

// mustWait waits in cage p for child pid and checks its status.
func mustWait(t *testing.T, p *cages.Proc, pid int, want posix.WaitStatus) {
	t.Helper()
	got, st, err := p.Wait4(pid, 0)
	check(t, p, err == nil && got == pid, "Wait4(%d, 0) = %d, %s; want %d, nil", pid, got, en(err), pid)
	check(t, p, st == want, "child %d ended with %v; want %v", pid, st, want)
}

// mustWrite writes s to fd in full or ends the cage.
func mustWrite(t *testing.T, p *cages.Proc, fd int, s string) {
	t.Helper()
	n, err := p.Write(fd, []byte(s))
	check(t, p, err == nil && n == len(s), "Write(fd %d, %d bytes) = %d, %s; want %d, nil", fd, len(s), n, en(err), len(s))
}

// mustRead reads len(want) bytes from fd in one read and checks that it
// gets exactly want.
func mustRead(t *testing.T, p *cages.Proc, fd int, want string) {
	t.Helper()
	b := make([]byte, len(want))
	n, err := p.Read(fd, b)
	check(t, p, err == nil && string(b[:n]) == want, "Read(fd %d) = %q, %s; want %q, nil", fd, b[:n], en(err), want)
}

// mustEOF checks that a read of fd returns end of file.
func mustEOF(t *testing.T, p *cages.Proc, fd int) {
	t.Helper()
	b := make([]byte, 16)
	n, err := p.Read(fd, b)
	check(t, p, err == nil && n == 0, "Read(fd %d) = %d, %s; want 0, nil (end of file)", fd, n, en(err))
}

// mustClose closes fd or ends the cage.
func mustClose(t *testing.T, p *cages.Proc, fd int) {
	t.Helper()
	err := p.Close(fd)
	check(t, p, err == nil, "Close(%d) = %s; want nil", fd, en(err))
}

// catch installs handler for sig with flags (SA_RESTART or not).
func catch(t *testing.T, p *cages.Proc, sig, flags int, handler func(int)) {
	t.Helper()
	err := p.Sigaction(sig, &cages.SigAction{Disposition: cages.SigCatch, Handler: handler, Flags: flags}, nil)
	check(t, p, err == nil, "Sigaction(%s, handler) = %s; want nil", posix.SignalName(sig), en(err))
}

// gate lets one cage (or the test) wait until another cage has entered a
// system call: the call has reached the kernel, so a signal sent after the
// gate opens interrupts it (it is asleep, or finds the signal pending as it
// goes to sleep) rather than being delivered before it.
type gate chan struct{}

func newGate() gate { return make(gate) }

// arm makes cage p's next call of num open the gate as it enters the
// kernel. The hook stays in p's table (and is inherited by fork) but opens
// the gate only once.
func (g gate) arm(p *cages.Proc, num int) {
	onEnter(p, num, func() { close(g) })
}

// onEnter makes cage p's next call of num run fn on entry, in the kernel,
// before the kernel's handler; later calls are untouched. fn runs on the
// cage's goroutine.
func onEnter(p *cages.Proc, num int, fn func()) {
	var once sync.Once
	onEveryEnter(p, num, func(int) { once.Do(fn) })
}

// onEveryEnter makes every later call of num by cage p (and by children
// forked after it) run fn on entry, with the number of entries so far
// (1, 2, ...), before the kernel's handler.
func onEveryEnter(p *cages.Proc, num int, fn func(n int)) {
	c := p.Cage()
	orig := c.Table()
	h := orig.Handler(num)
	var n atomic.Int64
	c.SetTable(orig.With(num, func(call *threei.Call) (int64, posix.Errno) {
		fn(int(n.Add(1)))
		return h(call)
	}))
}

// await waits in cage p until the gate opens or cage pid ends first, and
// reports whether the gate opened.
func (g gate) await(p *cages.Proc, pid int) bool {
	c := p.Cage().Kernel().Cage(pid)
	if c == nil {
		select {
		case <-g:
			return true
		default:
			return false
		}
	}
	select {
	case <-g:
		return true
	case <-c.Done():
		select {
		case <-g:
			return true
		default:
			return false
		}
	}
}

// mustAwait is await that ends the cage when pid ended before the gate.
func (g gate) mustAwait(t *testing.T, p *cages.Proc, pid int) {
	t.Helper()
	check(t, p, g.await(p, pid), "cage %d ended before entering the call", pid)
}

// syncBuffer is a bytes.Buffer safe for concurrent use, for host output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// memFile is a seekable in-memory file, so tests can see a description's
// offset being shared (pipes have none). Reads and writes move the
// description's offset.
type memFile struct {
	fdtable.NoFile
	mu   sync.Mutex
	data []byte
}

// Read implements fdtable.File.
func (f *memFile) Read(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	off := d.LockOffset()
	f.mu.Lock()
	n := 0
	if off < int64(len(f.data)) {
		n = copy(p, f.data[off:])
	}
	f.mu.Unlock()
	d.UnlockOffset(off + int64(n))
	return n, 0
}

// Write implements fdtable.File.
func (f *memFile) Write(_ fdtable.Task, d *fdtable.Description, p []byte) (int, posix.Errno) {
	off := d.LockOffset()
	f.mu.Lock()
	if d.Flags()&posix.O_APPEND != 0 {
		off = int64(len(f.data))
	}
	for int64(len(f.data)) < off+int64(len(p)) {
		f.data = append(f.data, 0)
	}
	copy(f.data[off:], p)
	f.mu.Unlock()
	d.UnlockOffset(off + int64(len(p)))
	return len(p), 0
}

// openMem installs a description of a memFile holding data at the lowest
// free fd of cage p, opened with flags, as open(2) would.
func openMem(t *testing.T, p *cages.Proc, data string, flags int) int {
	t.Helper()
	d := fdtable.NewDescription(&memFile{data: []byte(data)}, flags)
	fd, err := p.Cage().Fds().Alloc(d, 0, flags&posix.O_CLOEXEC != 0)
	check(t, p, err == 0, "Alloc(memFile) = %d, %s", fd, err.Name())
	return fd
}

// untilClosed returns a child program that closes its copy of w, waits
// until every other writer of the pipe r..w has closed it too (end of
// file on r), and returns code: a child that runs as long as its parent
// keeps w open.
func untilClosed(t *testing.T, r, w, code int) func(ch *cages.Proc) int {
	return func(ch *cages.Proc) int {
		mustClose(t, ch, w)
		mustEOF(t, ch, r)
		return code
	}
}
