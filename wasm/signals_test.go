package wasm_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// signalCases are testdata/sigs.c's modes with what they print and how
// they end, on Linux (TestWasmSignals_MatchNative) as in a cage.
var signalCases = []struct {
	args   []string
	out    string
	status int // the shell's $?: 128+N for signal N
}{
	{[]string{"raise", "15"}, "raising 15\n", 128 + posix.SIGTERM},
	{[]string{"raise", "10"}, "raising 10\n", 128 + posix.SIGUSR1},
	{[]string{"raise", "13"}, "raising 13\n", 128 + posix.SIGPIPE},
	{[]string{"children"}, `raise(SIGTERM): killed by signal 15
kill(getpid(), SIGKILL): killed by signal 9
exit(3): exited 3
abort(): killed by signal 6
write to a pipe without readers: killed by signal 13
divide by zero: killed by signal 8
out-of-bounds store: killed by signal 11
SIGTERM from the parent while blocked in read: killed by signal 15
SIGKILL though SIGTERM is ignored: killed by signal 9
SIGUSR1 from the parent while in pause: killed by signal 10
`, 0},
	{[]string{"restart"}, "handler ran: 1; read: 4 data\n", 0},
	{[]string{"eintr"}, "handler ran: 1; read: -1 EINTR\nread again: 4 data\n", 0},
	{[]string{"mask"}, `sigprocmask SIG_BLOCK: 0
old mask had SIGUSR1: 0
after raise: caught 0, pending SIGUSR1 1, pending SIGUSR2 0
mask has SIGUSR1 1, SIGKILL 0
after unblock: caught 1 (signals do not queue)
pending SIGUSR1: 0
sigprocmask bad how: -1 EINVAL
the child of a process with SIGUSR1 pending has it pending: 0
after SIG_SETMASK: caught 1
`, 0},
	{[]string{"chld"}, `SIGCHLD caught: 1
SA_SIGINFO handler: caught 17, si_signo 17
with SIGCHLD ignored, waitpid: -1 ECHILD
`, 0},
	{[]string{"alarm"}, `alarm(5): 0
alarm(1): 5
pause: -1 EINTR, SIGALRM caught 1
alarm(0): 0
waiting for the default SIGALRM
`, 128 + posix.SIGALRM},
	{[]string{"suspend"}, "sigsuspend: -1 EINTR, caught 1\nthe mask is back: SIGUSR1 blocked 1\n", 0},
	{[]string{"exit"}, "handler: exiting\n", 7},
}

// TestWasmSignals: default actions kill with the right status (as the
// shell's $? and a C parent's WIFSIGNALED/WTERMSIG see it), handlers run,
// SA_RESTART restarts a blocked read and its absence makes it fail with
// EINTR, sigprocmask blocks and sigpending shows, SIGCHLD, alarm, pause,
// sigsuspend, _exit in a handler.
func TestWasmSignals(t *testing.T) {
	k := kernel(t, "sigs")
	for _, c := range signalCases {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			out, _, st := run(t, k, "", "sigs "+strings.Join(c.args, " ")+"; echo status $?")
			require.Equal(t, c.out+"status "+strconv.Itoa(c.status)+"\n", out)
			require.Equal(t, posix.Exited(0), st)
		})
	}
}

// TestWasmSignals_MatchNative: Linux prints what TestWasmSignals expects.
func TestWasmSignals_MatchNative(t *testing.T) {
	bin := native(t, "sigs")
	for _, c := range signalCases {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			var out bytes.Buffer
			cmd.Stdout = &out
			err := cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
				if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					status = 128 + int(ws.Signal())
				}
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, c.out, out.String())
			require.Equal(t, c.status, status)
		})
	}
}

// TestWasmSignals_IgnoredSurvivesAndStaysIgnoredAcrossExec: SIG_IGN
// survives raise and kill, and the exec'd program still ignores SIGUSR1.
func TestWasmSignals_IgnoredSurvivesAndStaysIgnoredAcrossExec(t *testing.T) {
	k := kernel(t, "sigs")
	out, errs, st := run(t, k, "", "sigs ignore; echo status $?")
	require.Equal(t, "survived; SIGTERM's handler is SIG_IGN: 1\nraising 10\nraise returned 0\nstatus 0\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmSignals_KillFromTheShell: kill(1) from the shell ends a module
// blocked in read(2) at once, with SIGTERM's status, or runs its handler;
// SIGKILL ends one in a host call; and a module that computes without
// calls dies of SIGTERM and SIGHUP too, not only of SIGKILL. (Not of
// SIGINT: a shell without job control starts background jobs with SIGINT
// ignored.)
func TestWasmSignals_KillFromTheShell(t *testing.T) {
	k := kernel(t, "sigs", "spin")
	// Each program runs in the background, its output to /tmp/out; the
	// shell waits until it has printed that it is blocking or spinning,
	// then signals it and waits for it.
	for _, c := range []struct{ prog, kill, out string }{
		{"sigs block", "kill", "blocking\nstatus 143\n"},
		{"sigs block", "kill -USR1", "blocking\nstatus 138\n"},
		{"sigs block", "kill -9", "blocking\nstatus 137\n"},
		{"sigs handleblock", "kill", "blocking\nhandler: exiting\nstatus 7\n"},
		{"spin", "kill", "spinning\nstatus 143\n"},
		{"spin", "kill -HUP", "spinning\nstatus 129\n"},
		{"spin", "kill -9", "spinning\nstatus 137\n"},
	} {
		script := "rm -f /tmp/out; " + c.prog + " > /tmp/out & until test -s /tmp/out; do sleep 0.01; done; " +
			c.kill + " $!; wait $!; echo status $? >> /tmp/out; cat /tmp/out"
		start := time.Now()
		out, _, st := run(t, k, "", script)
		require.Equal(t, c.out, out, script)
		require.Equal(t, posix.Exited(0), st)
		require.Less(t, time.Since(start), 5*time.Second, script)
	}
}

// TestWasmSignals_Timeout: what gocage run --timeout does, through a
// context: the cage it started is killed when the context ends, a module
// computing without calls included, and Shutdown kills the rest.
func TestWasmSignals_Timeout(t *testing.T) {
	k := kernel(t, "spin", "sigs")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := k.Run(ctx, cages.Spec{Path: "/bin/spin"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, st)
	require.Less(t, time.Since(start), 5*time.Second)

	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	_, err = k.Run(ctx2, cages.Spec{Path: "/bin/sh", Args: []string{"sh", "-c", "spin & sigs block & spin"}, Env: []string{"PATH=/bin"}})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotZero(t, k.NumCages(), "the background jobs outlive the shell")
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	require.NoError(t, k.Shutdown(sctx))
	require.Eventually(t, func() bool { return k.NumCages() == 0 }, 5*time.Second, 10*time.Millisecond)
}

// TestWasmExample_Signals: examples/c/signals.c prints what its comment
// promises.
func TestWasmExample_Signals(t *testing.T) {
	k := kernel(t)
	require.NoError(t, k.FS().WriteFile("/bin/signals", compileSource(t, "example-signals", "../examples/c/signals.c"), 0o755))
	out, errs, st := run(t, k, "", "signals; echo status $?")
	require.Equal(t, `child exited 7; SIGUSR1 blocked, caught 0 so far
SIGUSR1 pending: 1
after unblocking: caught 1, SIGCHLD 1
read: -1 (Interrupted system call), SIGALRM 1
status 1
`, out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasm_SpinningCages_GCKeepsRunning: two C cages spin without a
// system call on a machine of two cores, while the host allocates and
// collects: every runtime.GC() completes in milliseconds (compiled
// WebAssembly reaches a safe point at its loop headers, every few
// thousand iterations), and a kill stops both. One is built by gocage
// cc, the other for plain WASI (its loop checks need an import the
// loader adds).
func TestWasm_SpinningCages_GCKeepsRunning(t *testing.T) {
	k := kernel(t, "spin", "spin_wasi")
	var procs []*cages.Process
	for _, prog := range []string{"/bin/spin", "/bin/spin_wasi"} {
		var out syncBuffer
		p, err := k.Start(cages.Spec{Path: prog, Stdout: &out})
		require.NoError(t, err)
		procs = append(procs, p)
		require.Eventually(t, func() bool { return out.String() == "spinning\n" }, 10*time.Second, time.Millisecond)
	}
	var worst time.Duration
	for i := range 30 {
		gcSink = append(gcSink, make([]byte, 1<<20))
		start := time.Now()
		runtime.GC()
		worst = max(worst, time.Since(start))
		if i%10 == 0 {
			gcSink = nil
		}
	}
	t.Logf("slowest of 30 GCs beside two spinning cages: %v", worst)
	require.Less(t, worst, 500*time.Millisecond, "a GC waited on compiled WebAssembly")
	for _, p := range procs {
		p.Kill()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		st, err := p.Wait(ctx)
		cancel()
		require.NoError(t, err)
		require.Equal(t, posix.Signaled(posix.SIGKILL, false), st)
	}
}

// gcSink keeps the GC test's allocations alive between collections.
var gcSink [][]byte
