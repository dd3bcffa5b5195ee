package wasm_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// TestWasmFork_1000FramesDeep: fork at the bottom of a recursion 1000
// frames deep; on the way back up, every frame of the child and of the
// parent finds its locals (those Asyncify saved and those in the copied
// linear memory) as they were.
func TestWasmFork_1000FramesDeep(t *testing.T) {
	k := kernel(t, "forks")
	out, errs, st := run(t, k, "", "forks deep 1000")
	require.Equal(t, "child: 1000 frames unwound, sum right\nparent: 1000 frames unwound, sum right; child status 0\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmFork_TooDeep_ClearErrorAndSIGABRT: a fork whose saved stack
// does not fit the unwind buffer ends the program with a message and
// SIGABRT, whether the overrun stays inside the memory (8000 frames) or
// runs past its end (50000); no side of the fork returns. 2000 frames
// fit.
func TestWasmFork_TooDeep_ClearErrorAndSIGABRT(t *testing.T) {
	k := kernel(t, "forks")
	for _, depth := range []string{"8000", "50000"} {
		out, errs, st := run(t, k, "", "forks toodeep "+depth+"; echo status $?")
		require.Equal(t, "forking "+depth+" frames deep\nstatus 134\n", out, "no side of the fork returned")
		require.Equal(t, "gocage: forks: fork: the call stack is too deep to fork (the unwind buffer overflowed)\nAborted\n", errs)
		require.Equal(t, posix.Exited(0), st)
	}
	out, _, _ := run(t, k, "", "forks toodeep 2000")
	require.Equal(t, "forking 2000 frames deep\nchild: returned from fork 2000 frames deep\nparent: returned from fork 2000 frames deep\n", sortedAfterFirst(out))
}

// TestWasmFork_100Children_DistinctStatuses: 100 children, child i
// exiting i+1, all reaped by wait(2) with their own statuses.
func TestWasmFork_100Children_DistinctStatuses(t *testing.T) {
	k := kernel(t, "forks")
	out, errs, st := run(t, k, "", "forks loop 100")
	require.Equal(t, "reaped 100 of 100 children with their statuses; then wait: ECHILD\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	require.Zero(t, k.NumCages(), "every cage reaped")
}

// TestWasmFork_Bomb_EAGAINAtTheCageLimit: every process of a fork bomb
// forks until the kernel's cage limit makes fork fail with EAGAIN; all
// report it, reap their children and exit cleanly.
func TestWasmFork_Bomb_EAGAINAtTheCageLimit(t *testing.T) {
	k := kernelConfig(t, cages.Config{MaxCages: 20}, "forks")
	out, errs, st := run(t, k, "", "forks bomb")
	require.Equal(t, "bomb: fork failed: EAGAIN\nbomb: every process's fork failed with EAGAIN and all were reaped: yes\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	require.Zero(t, k.NumCages(), "every cage reaped")
}

// sortedAfterFirst keeps out's first line and sorts the others, which two
// processes print in either order.
func sortedAfterFirst(out string) string {
	lines := strings.SplitAfter(out, "\n")
	sort.Strings(lines[1:])
	return strings.Join(lines, "")
}

// TestWasmExec_FdsAcrossExec: exec keeps the fds and closes the
// close-on-exec ones, however the flag was set; what Linux prints for
// the same program.
func TestWasmExec_FdsAcrossExec(t *testing.T) {
	k := kernel(t, "execs")
	out, errs, st := run(t, k, "", "execs fds")
	require.Equal(t, `before exec: plain: FD_CLOEXEC 0
before exec: F_SETFD FD_CLOEXEC: FD_CLOEXEC 1
before exec: open O_CLOEXEC: FD_CLOEXEC 1
before exec: pipe2 O_CLOEXEC: FD_CLOEXEC 1
before exec: F_DUPFD_CLOEXEC: FD_CLOEXEC 1
before exec: dup3 O_CLOEXEC: FD_CLOEXEC 1
before exec: dup of a FD_CLOEXEC fd: FD_CLOEXEC 0
before exec: dup2 of a FD_CLOEXEC fd: FD_CLOEXEC 0
after exec: plain: open, reads kept line
after exec: F_SETFD FD_CLOEXEC: EBADF
after exec: open O_CLOEXEC: EBADF
after exec: pipe2 O_CLOEXEC: EBADF
after exec: F_DUPFD_CLOEXEC: EBADF
after exec: dup3 O_CLOEXEC: EBADF
after exec: dup of a FD_CLOEXEC fd: open, reads setfd line
after exec: dup2 of a FD_CLOEXEC fd: open, reads setfd line
`, out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmExec_BetweenWasmAndGo: a module execs a Go program and another
// module; the shell (a Go program) execs a module, which keeps the pid.
func TestWasmExec_BetweenWasmAndGo(t *testing.T) {
	k := kernel(t, "execs", "hello")
	out, errs, st := run(t, k, "", "execs run /bin/echo from Go; execs run /bin/hello a b; execs run /bin/execs run /bin/execs run /bin/echo twice")
	require.Equal(t, "from Go\nhello from C, argc=3 [a] [b] WHO=cage\ntwice\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)

	out, errs, st = run(t, k, "", "sh -c 'echo $$; exec execs pid'; echo after $?")
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	lines := strings.Split(out, "\n")
	require.Len(t, lines, 4, out)
	require.True(t, strings.HasPrefix(lines[1], "pid "+lines[0]+" ppid "), "exec kept the pid: %q", out)
	require.Equal(t, "after 0", lines[2])
}

// TestWasmExec_ExecvpSearchesPATH: execvp goes past a missing directory
// and a file that is not executable to the right one.
func TestWasmExec_ExecvpSearchesPATH(t *testing.T) {
	k := kernel(t, "execs")
	require.NoError(t, k.FS().MkdirAll("/tmp/noexec", 0o755))
	require.NoError(t, k.FS().WriteFile("/tmp/noexec/echo", []byte("#!/bin/sh\necho wrong\n"), 0o644))
	out, errs, st := run(t, k, "", "execs path")
	require.Equal(t, "found through PATH\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmExec_Failures_ErrnoAndTheProgramGoesOn: an exec that fails
// returns Linux's errno, and the program goes on with its fds intact.
func TestWasmExec_Failures_ErrnoAndTheProgramGoesOn(t *testing.T) {
	k := kernel(t, "execs")
	require.NoError(t, k.FS().MkdirAll("/tmp/noexec", 0o755))
	require.NoError(t, k.FS().WriteFile("/tmp/noexec/echo", []byte("#!/bin/sh\necho wrong\n"), 0o644))
	require.NoError(t, k.FS().WriteFile("/tmp/garbage", []byte("\x01\x02 not a program"), 0o755))
	out, errs, st := run(t, k, "", "execs fail")
	require.Equal(t, `execv a missing file: ENOENT
execv a missing directory: ENOENT
execv a directory: EACCES
execv under a file: ENOTDIR
execv a file without x: EACCES
execv neither ELF, module nor script: ENOEXEC
execvp no-such-command: ENOENT
execvp "": ENOENT
still running, lowest free fd 3
`, out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmExec_Chain: 50 execs in one cage leak neither fds (each module's
// preopened "/" is close-on-exec) nor cages.
func TestWasmExec_Chain(t *testing.T) {
	k := kernel(t, "execs")
	out, errs, st := run(t, k, "", "execs chain 50")
	require.Equal(t, "chain done, lowest free fd 3\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	require.Zero(t, k.NumCages())
}

// TestWasm_MiddleOfAPipeline_1MB: a module between Go programs passes a
// megabyte through, every byte.
func TestWasm_MiddleOfAPipeline_1MB(t *testing.T) {
	k := kernel(t, "ccat")
	var want int
	for i := 1; i <= 200000; i++ {
		want += len(strconv.Itoa(i)) + 1
	}
	require.Greater(t, want, 1<<20)
	out, errs, st := run(t, k, "", "seq 1 200000 | ccat | wc -c; seq 1 200000 | ccat | ccat | tail -n 1; seq 1 200000 | ccat | sort -n | uniq | wc -l")
	require.Equal(t, fmt.Sprintf("%d\n200000\n200000\n", want), out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasmExample_Pipeline: examples/c/pipeline.c, a shell's work by hand
// (fork, pipe, dup2, execvp of Go programs, waitpid), runs as documented.
func TestWasmExample_Pipeline(t *testing.T) {
	k := kernel(t)
	require.NoError(t, k.FS().WriteFile("/bin/pipeline", compileSource(t, "example-pipeline", "../examples/c/pipeline.c"), 0o755))
	out, errs, st := run(t, k, "", "pipeline; pipeline seq 1 1000 '|' grep 7 '|' wc -l; pipeline false; echo $?")
	require.Equal(t, "11\n271\n1\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasm_CStackOverflow_SIGSEGV: a recursion that outgrows the 1 MiB C
// stack dies of SIGSEGV (gocage cc links the stack first, below the
// data), where wasm-ld's default layout would let it overwrite the
// program's static data and go on.
func TestWasm_CStackOverflow_SIGSEGV(t *testing.T) {
	k := kernel(t, "forks")
	out, errs, st := run(t, k, "", "forks cstack 500; forks cstack 1100; echo status $?")
	require.Equal(t, "recursing\nsurvived, 501\nrecursing\nstatus 139\n", out)
	require.Equal(t, "Segmentation fault\n", errs)
	require.Equal(t, posix.Exited(0), st)
}
