package grates_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
)

var update = flag.Bool("update", false, "rewrite the golden files of the trace tests")

// shKernel returns a kernel with sh, the coreutils and /bin/demo.
func shKernel(t testing.TB) *cages.Kernel {
	t.Helper()
	k := cages.New(cages.Config{})
	require.NoError(t, programs.Install(k))
	require.NoError(t, k.Install("/bin/sh", sh.Main))
	require.NoError(t, k.Install("/bin/demo", demo))
	return k
}

// demo makes a fixed set of calls, for the golden trace.
func demo(p *cages.Proc) int {
	fd, _ := p.Open("/etc/hostname", posix.O_RDONLY|posix.O_CLOEXEC, 0)
	buf := make([]byte, 4096)
	n, _ := p.Read(fd, buf)
	p.Write(1, buf[:n])
	p.Close(fd)
	p.Open("/nope", posix.O_RDONLY, 0)
	p.Open("/tmp/new", posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 0o644)
	p.Write(1, []byte("\x00\x01a\t\"\\\xff7\x1b[\x1b9\n"))
	p.Write(1, []byte(strings.Repeat("long ", 10)))
	p.Stat("/tmp/new")
	p.Umask(0o27)
	r, w, _ := p.Pipe2(posix.O_CLOEXEC)
	pid, _ := p.Fork(func(c *cages.Proc) int {
		c.Write(w, []byte("hi"))
		return 3
	})
	p.Wait4(pid, 0)
	p.Read(r, buf[:2])
	p.Fcntl(r, posix.F_GETFL, 0)
	p.Kill(pid, posix.SIGTERM)
	p.Dup2(w, 9)
	p.Lseek(9, 0, posix.SEEK_END)
	return 0
}

// runLayers runs argv under layers and returns its stdout, stderr and
// status.
func runLayers(t testing.TB, k *cages.Kernel, layers []grates.Layer, argv ...string) (string, string, posix.WaitStatus) {
	t.Helper()
	var out, errb syncBuffer
	proc, err := k.Start(cages.Spec{
		Path:    "/grate",
		Program: grates.Program(layers, argv[0], argv, []string{"PATH=/bin"}),
		Stdout:  &out,
		Stderr:  &errb,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := proc.Wait(ctx)
	require.NoError(t, err, "the run did not end")
	return out.String(), errb.String(), st
}

// addrs matches the addresses a trace shows, which vary from run to run.
var addrs = regexp.MustCompile(`0x[0-9a-f]{6,}`)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	require.Equal(t, string(want), got)
}

func TestTracer_Golden_StraceFormat(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace})
	_, _, st := runLayers(t, k, []grates.Layer{tr}, "/bin/demo")
	require.Equal(t, posix.Exited(0), st)
	golden(t, "demo.trace", addrs.ReplaceAllString(trace.String(), "0xADDR"))
}

func TestTracer_File_PidColumn(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace, File: true})
	runLayers(t, k, []grates.Layer{tr}, "/bin/demo")
	golden(t, "demo-file.trace", addrs.ReplaceAllString(trace.String(), "0xADDR"))
}

func TestTracer_Filter_ByNameAndClass(t *testing.T) {
	for _, tc := range []struct {
		spec      string
		want      []string // calls that must appear
		wantNot   []string // calls that must not
		wantError string
	}{
		{spec: "openat", want: []string{"openat("}, wantNot: []string{"read(", "write(", "fork("}},
		{spec: "trace=%file", want: []string{"openat(", "newfstatat("}, wantNot: []string{"read(", "fork("}},
		{spec: "process", want: []string{"fork(", "wait4(", "kill(", "exit_group("}, wantNot: []string{"openat("}},
		{spec: "desc", want: []string{"read(", "write(", "close(", "openat(", "pipe2(", "dup2(", "lseek("}, wantNot: []string{"fork(", "umask("}},
		{spec: "signal", want: []string{"kill("}, wantNot: []string{"openat("}},
		{spec: "!write,read", want: []string{"openat(", "fork("}, wantNot: []string{"write(", "read("}},
		{spec: "opn", wantError: "invalid system call 'opn'"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			f, err := grates.ParseFilter(tc.spec)
			if tc.wantError != "" {
				require.EqualError(t, err, tc.wantError)
				return
			}
			require.NoError(t, err)
			k := shKernel(t)
			var trace syncBuffer
			tr := grates.NewTracer(grates.TraceOptions{Output: &trace, Filter: f})
			runLayers(t, k, []grates.Layer{tr}, "/bin/demo")
			for _, w := range tc.want {
				require.Contains(t, trace.String(), w)
			}
			for _, w := range tc.wantNot {
				require.NotContains(t, trace.String(), "] "+w)
				require.False(t, strings.Contains("\n"+trace.String(), "\n"+w), "%q traced:\n%s", w, trace.String())
			}
		})
	}
}

func TestTracer_Summary_CountsCallsAndErrors(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace, Summary: true})
	runLayers(t, k, []grates.Layer{tr}, "/bin/demo")
	out := trace.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Equal(t, "% time     seconds  usecs/call     calls    errors syscall", lines[0])
	require.Equal(t, "------ ----------- ----------- --------- --------- ----------------", lines[1])
	counts := map[string][2]string{}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) == 5 {
			counts[f[4]] = [2]string{f[3], ""}
		} else if len(f) == 6 {
			counts[f[5]] = [2]string{f[3], f[4]}
		}
	}
	// The demo writes 3 times, its child once; opens 3 files, 1 missing.
	require.Equal(t, [2]string{"4", ""}, counts["write"], out)
	require.Equal(t, [2]string{"3", "1"}, counts["openat"], out)
	require.Equal(t, [2]string{"2", ""}, counts["exit_group"], out)
	require.Contains(t, counts, "total")
	require.NotContains(t, out, "openat(", "a summary alone prints no call lines")
}

func TestTracer_Pipeline_ThroughShell(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace})
	out, _, st := runLayers(t, k, []grates.Layer{tr}, "/bin/sh", "-c", "echo hello | tr a-z A-Z; exit 4")
	require.Equal(t, "HELLO\n", out)
	require.Equal(t, posix.Exited(4), st, "the grate exits with the program's status")
	tr2 := trace.String()
	require.Regexp(t, `\[pid +\d+\] execve\("/bin/tr", \["tr", "a-z", "A-Z"\], 0x[0-9a-f]+ /\* 1 vars \*/\) = 0`, tr2)
	require.Regexp(t, `\[pid +\d+\] write\(1, "HELLO\\n", 6\) += 6`, tr2)
	require.Regexp(t, `(?m)^exit_group\(4\) +\= \?$`, tr2)
	require.Regexp(t, `(?m)^\+\+\+ exited with 4 \+\+\+$`, tr2)
}

func TestTracer_KilledBySignal(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace})
	_, _, st := runLayers(t, k, []grates.Layer{tr}, "/bin/sh", "-c", "kill -TERM $$")
	require.Equal(t, posix.Signaled(posix.SIGTERM, false), st, "the grate dies of the program's signal")
	require.Regexp(t, `kill\(\d+, SIGTERM\) += 0`, trace.String())
	require.Contains(t, trace.String(), "+++ killed by SIGTERM +++\n")
}

func TestTracer_ExecFailure_Reported(t *testing.T) {
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace})
	_, errs, st := runLayers(t, k, []grates.Layer{tr}, "/bin/nonesuch")
	require.Equal(t, posix.Exited(127), st)
	require.Equal(t, "gocage: /bin/nonesuch: No such file or directory\n", errs)
	require.Contains(t, trace.String(), `execve("/bin/nonesuch", ["/bin/nonesuch"], 0x`)
	require.Contains(t, trace.String(), `= -1 ENOENT (No such file or directory)`)
}

func TestTracer_Stacked_TraceSeesConfinedResults(t *testing.T) {
	// A tracer stacked above a grate that answers every getpid: the trace
	// shows the answer the program got.
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace, Filter: mustFilter(t, "getpid")})
	_, errs, st := runLayers(t, k, []grates.Layer{fixedPid{}, tr}, "/bin/sh", "-c", "exit 0")
	require.Equal(t, posix.Exited(0), st, errs)
	require.Contains(t, trace.String(), "getpid()                                = 4242\n")
	require.NotContains(t, bytes.ToLower([]byte(trace.String())), []byte("write("))
}

func mustFilter(t *testing.T, spec string) *grates.Filter {
	t.Helper()
	f, err := grates.ParseFilter(spec)
	require.NoError(t, err)
	return f
}

func TestTracer_ShellTestBracket_ListsNothing(t *testing.T) {
	// dash reads no directory for a lone "[" (no "]" closes it).
	k := shKernel(t)
	var trace syncBuffer
	tr := grates.NewTracer(grates.TraceOptions{Output: &trace, Filter: mustFilter(t, "getdents64")})
	_, _, st := runLayers(t, k, []grates.Layer{tr}, "/bin/sh", "-c", "[ 1 -lt 2 ] && echo [x")
	require.Equal(t, posix.Exited(0), st)
	require.NotContains(t, trace.String(), "getdents64(")
}
