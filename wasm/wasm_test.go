package wasm_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/wasm"
	"github.com/gocage/gocage/wasm/cc"
)

var (
	rt       *wasm.Runtime
	buildDir string
	builds   sync.Map // name → *build
)

type build struct {
	once sync.Once
	bin  []byte
	err  error
}

func TestMain(m *testing.M) {
	var err error
	rt, err = wasm.New(context.Background(), wasm.Options{CacheDir: "-"})
	if err != nil {
		panic(err)
	}
	buildDir, err = os.MkdirTemp("", "gocage-wasm-test")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

// compile builds testdata/name.c once per test run. Without the toolchain
// the test is skipped — except in CI, where that is a failure.
func compile(t *testing.T, name string) []byte {
	t.Helper()
	return compileSource(t, name, filepath.Join("testdata", name+".c"))
}

// wasiPrograms are the test programs that call WASI's functions
// themselves: they are built as plain WASI modules, with wasi-libc, as
// another toolchain would build them, to test the bridge's WASI.
var wasiPrograms = map[string]bool{"faults": true, "spin_wasi": true}

// compileSource is compile for the C file src, built once as name.
func compileSource(t *testing.T, name, src string) []byte {
	t.Helper()
	tc, err := cc.Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have the toolchain: %v", err)
		}
		t.Skipf("no toolchain: %v", err)
	}
	v, _ := builds.LoadOrStore(name, &build{})
	b := v.(*build)
	b.once.Do(func() {
		out := filepath.Join(buildDir, name+".wasm")
		var stderr bytes.Buffer
		if wasiPrograms[name] {
			cmd := exec.Command(tc.Clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", out, src)
			cmd.Stdout, cmd.Stderr = &stderr, &stderr
			if err := cmd.Run(); err != nil {
				b.err = &buildError{err, stderr.String()}
				return
			}
			b.bin, b.err = os.ReadFile(out)
			return
		}
		if err := tc.Run([]string{"-O2", "-o", out, src}, &stderr, &stderr); err != nil {
			b.err = &buildError{err, stderr.String()}
			return
		}
		b.bin, b.err = os.ReadFile(out)
	})
	require.NoError(t, b.err)
	return b.bin
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.output }

// kernel returns a kernel that runs WASM, with sh, the coreutils and the
// named test programs in /bin.
func kernel(t *testing.T, progs ...string) *cages.Kernel {
	t.Helper()
	return kernelConfig(t, cages.Config{}, progs...)
}

// kernelConfig is kernel with cfg's settings (its Wasm is set).
func kernelConfig(t *testing.T, cfg cages.Config, progs ...string) *cages.Kernel {
	t.Helper()
	cfg.Wasm = rt.Program
	k := cages.New(cfg)
	require.NoError(t, programs.Install(k))
	require.NoError(t, k.Install("/bin/sh", sh.Main))
	for _, name := range progs {
		require.NoError(t, k.FS().WriteFile("/bin/"+name, compile(t, name), 0o755))
	}
	return k
}

// run runs sh -c script and returns stdout, stderr and the status.
func run(t *testing.T, k *cages.Kernel, stdin, script string) (string, string, posix.WaitStatus) {
	t.Helper()
	var out, errb syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := k.Run(ctx, cages.Spec{
		Path:   "/bin/sh",
		Args:   []string{"sh", "-c", script},
		Env:    []string{"PATH=/bin", "WHO=cage"},
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
	})
	require.NoError(t, err, "stderr: %s", errb.String())
	return out.String(), errb.String(), st
}

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

func TestWasm_Hello_ArgsEnvExitStatus(t *testing.T) {
	k := kernel(t, "hello")
	out, errs, st := run(t, k, "", "hello a 'b c'; echo status $?; hello")
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	require.Equal(t, "hello from C, argc=3 [a] [b c] WHO=cage\nstatus 3\nhello from C, argc=1 WHO=cage\n", out)
}

func TestWasm_InAShellPipeline(t *testing.T) {
	k := kernel(t, "ccat")
	out, errs, st := run(t, k, "from stdin\n", "seq 1 1000 | ccat | grep 7 | wc -l; ccat; echo hi > /tmp/f; ccat /tmp/f /nope /etc/hostname")
	require.Equal(t, posix.Exited(1), st)
	require.Equal(t, "271\nfrom stdin\nhi\ngocage\n", out)
	require.Equal(t, "ccat: /nope: No such file or directory\n", errs)
}

func TestWasm_FilesystemCalls(t *testing.T) {
	k := kernel(t, "files")
	out, errs, st := run(t, k, "", "files")
	require.Equal(t, posix.Exited(0), st, "stdout: %s stderr: %s", out, errs)
	require.Equal(t, "files ok\n", out)
}

func TestWasm_BadPointers_EFAULT_AndTrapIsSIGABRT(t *testing.T) {
	k := kernel(t, "faults")
	out, _, st := run(t, k, "", "faults")
	require.Equal(t, posix.Exited(0), st)
	require.Equal(t, "fd_write bad iovec: 21\nfd_write bad buffer: 21\nfd_write bad result: 21\n", out, "21 is WASI's EFAULT")
	_, _, st = run(t, k, "", "faults abort; echo $?")
	require.Equal(t, posix.Exited(0), st)
	out, _, _ = run(t, k, "", "faults abort >/dev/null; echo $?")
	require.Equal(t, "134\n", out, "128 + SIGABRT")
}

func TestWasm_KillStopsPureComputation(t *testing.T) {
	k := kernel(t, "spin")
	start := time.Now()
	out, _, st := run(t, k, "", "spin & sleep 0.2; kill -9 $!; wait $!; echo $?")
	require.Equal(t, posix.Exited(0), st)
	require.Equal(t, "spinning\n137\n", out)
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestWasm_NotAModule_ENOEXEC(t *testing.T) {
	k := kernel(t)
	require.NoError(t, k.FS().WriteFile("/bin/bad", []byte("\x00asm\x01\x00\x00\x00garbage"), 0o755))
	_, err := k.Start(cages.Spec{Path: "/bin/bad"})
	require.ErrorIs(t, err, posix.ENOEXEC)
}

func TestCC_MissingToolchain_NamesPackages(t *testing.T) {
	t.Setenv("GOCAGE_CLANG", "clang-does-not-exist")
	_, err := cc.Find()
	require.ErrorIs(t, err, cc.ErrMissing)
	require.Contains(t, err.Error(), cc.Packages)
}

// TestCC_OnlyForkingProgramsImportFork: a program that reads and writes
// but never forks does not import gocage.fork, so gocage cc does not
// Asyncify it (which would cost it speed and size); one that forks does.
func TestCC_OnlyForkingProgramsImportFork(t *testing.T) {
	for name, want := range map[string]bool{"hello": false, "ccat": false, "forks": true} {
		imports, err := cc.Imports(compile(t, name))
		require.NoError(t, err)
		require.Equal(t, want, slices.Contains(imports, "gocage.fork"), "%s imports %v", name, imports)
	}
}
