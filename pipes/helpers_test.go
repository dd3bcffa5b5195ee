package pipes_test

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

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

// checkGoroutines fails t if it leaves more goroutines than it found.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("goroutines leaked: %d before, %d after", before, n)
		}
	})
}

// fakeTask is a Task that can be interrupted, as a cage is by a signal.
type fakeTask struct {
	// interrupted is the pending interrupt: once set, every Block
	// returns EINTR.
	interrupted atomic.Bool

	mu sync.Mutex
	// cond is what the task sleeps on, or nil. Protected by mu.
	cond *sync.Cond
}

// Block implements fdtable.Task.
func (k *fakeTask) Block(c *sync.Cond) posix.Errno {
	// Record the cond before checking the flag: an Interrupt that misses
	// the cond has set the flag already, and one that sees it broadcasts
	// only once Wait has released c.L.
	k.mu.Lock()
	k.cond = c
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cond = nil
		k.mu.Unlock()
	}()
	if k.interrupted.Load() {
		return posix.EINTR
	}
	c.Wait()
	if k.interrupted.Load() {
		return posix.EINTR
	}
	return 0
}

// Interrupt makes the pending and every later Block return EINTR.
func (k *fakeTask) Interrupt() {
	k.interrupted.Store(true)
	k.mu.Lock()
	c := k.cond
	k.mu.Unlock()
	if c != nil {
		c.L.Lock()
		c.Broadcast()
		c.L.Unlock()
	}
}

// Sleeping reports whether the task is inside Block.
func (k *fakeTask) Sleeping() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cond != nil
}

// waitSleeping waits until k sleeps in Block.
func waitSleeping(t *testing.T, k *fakeTask) {
	t.Helper()
	require.Eventually(t, k.Sleeping, 5*time.Second, time.Millisecond, "task never blocked")
}

// host is the Task of calls that must not be interrupted.
var host fdtable.HostTask

// newPipe returns a pipe and its two ends opened with extra; the ends still
// referenced at the end of the test are released then.
func newPipe(t *testing.T, extra int) (*pipes.Pipe, *fdtable.Description, *fdtable.Description) {
	t.Helper()
	p := pipes.New()
	r, w := p.Ends(extra)
	t.Cleanup(func() {
		release(r)
		release(w)
	})
	return p, r, w
}

// release drops every remaining reference to d.
func release(d *fdtable.Description) {
	for d.Refs() > 0 {
		d.DecRef()
	}
}

// pattern returns n bytes counting up from seed.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// result is what a call returned, for calls made in a goroutine.
type result struct {
	n   int
	err posix.Errno
}

func (r result) String() string { return fmt.Sprintf("%d, %v", r.n, errName(r.err)) }

// errName names an errno as the failure messages print it.
func errName(e posix.Errno) string {
	if e == 0 {
		return "nil"
	}
	return e.Name()
}

// goRead reads up to n bytes from d in a goroutine.
func goRead(task fdtable.Task, d *fdtable.Description, n int) <-chan result {
	ch := make(chan result, 1)
	go func() {
		buf := make([]byte, n)
		got, err := d.File().Read(task, d, buf)
		ch <- result{got, err}
	}()
	return ch
}

// goWrite writes b to d in a goroutine.
func goWrite(task fdtable.Task, d *fdtable.Description, b []byte) <-chan result {
	ch := make(chan result, 1)
	go func() {
		got, err := d.File().Write(task, d, b)
		ch <- result{got, err}
	}()
	return ch
}

// await waits for a goroutine's result.
func await(t *testing.T, ch <-chan result, what string) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never returned", what)
		return result{}
	}
}

// requireBlocked checks that ch has no result yet.
func requireBlocked(t *testing.T, ch <-chan result, what string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("%s = %v; want it blocked", what, r)
	case <-time.After(20 * time.Millisecond):
	}
}

// mustWrite writes b to d, which must take all of it.
func mustWrite(t *testing.T, d *fdtable.Description, b []byte) {
	t.Helper()
	n, err := d.File().Write(host, d, b)
	require.Equal(t, result{len(b), 0}, result{n, err}, "Write(%d bytes) = %d, %s; want %d, nil", len(b), n, errName(err), len(b))
}

// mustRead reads exactly n bytes from d in one call and returns them.
func mustRead(t *testing.T, d *fdtable.Description, n int) []byte {
	t.Helper()
	buf := make([]byte, n)
	got, err := d.File().Read(host, d, buf)
	require.Equal(t, result{n, 0}, result{got, err}, "Read(%d bytes) = %d, %s; want %d, nil", n, got, errName(err), n)
	return buf
}

// fill writes chunk-sized non-blocking writes to w until EAGAIN and returns
// the total written. w must be non-blocking.
func fill(t *testing.T, w *fdtable.Description, chunk int) int {
	t.Helper()
	b := make([]byte, chunk)
	total := 0
	for {
		n, err := w.File().Write(host, w, b)
		if err == posix.EAGAIN {
			require.Zero(t, n, "Write(%d bytes) = %d, EAGAIN; want 0, EAGAIN", chunk, n)
			return total
		}
		require.Equal(t, result{chunk, 0}, result{n, err}, "Write(%d bytes) after %d = %d, %s; want %d, nil", chunk, total, n, errName(err), chunk)
		total += n
	}
}
