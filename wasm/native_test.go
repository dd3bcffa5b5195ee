package wasm_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
)

// nativeEnv is the environment both builds of a native test run with.
var nativeEnv = []string{"PATH=/bin:/usr/bin", "LANG=C", "TESTVAR=1", "HOME=/root"}

// TestNative runs each program in testdata/native twice — built by the
// host's cc and run on the host kernel, and built by gocage cc and run
// in a cage — each in a new empty working directory (a host directory
// the cage is given), and compares their output and exit status. The
// host is the oracle.
func TestNative(t *testing.T) {
	srcs, err := filepath.Glob("testdata/native/*.c")
	require.NoError(t, err)
	require.NotEmpty(t, srcs)
	hostcc, err := exec.LookPath("cc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have a host C compiler: %v", err)
		}
		t.Skip("no host C compiler")
	}
	for _, src := range srcs {
		name := strings.TrimSuffix(filepath.Base(src), ".c")
		t.Run(name, func(t *testing.T) {
			bin := compileSource(t, "native_"+name, src)
			native := filepath.Join(t.TempDir(), name)
			out, err := exec.Command(hostcc, "-O2", "-w", "-o", native, src).CombinedOutput()
			require.NoError(t, err, "host cc: %s", out)

			dir := t.TempDir()
			cmd := exec.Command(native, "arg1")
			cmd.Dir, cmd.Env = dir, nativeEnv
			var want bytes.Buffer
			cmd.Stdout, cmd.Stderr = &want, &want
			err = cmd.Run()
			wantCode := 0
			if ee, ok := err.(*exec.ExitError); ok {
				wantCode = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}

			got, st := runNative(t, bin, name)
			require.Equal(t, want.String(), got, "output in gocage (want: the host's)")
			require.Equal(t, wantCode, st.ExitStatus(), "exit status in gocage")
		})
	}
}

// runNative runs the module bin in a cage whose working directory is a
// new host directory, mounted at /w, and returns its output (stdout and
// stderr together) and status.
func runNative(t *testing.T, bin []byte, name string) (string, interface{ ExitStatus() int }) {
	t.Helper()
	dir := t.TempDir()
	k := kernel(t)
	require.NoError(t, k.FS().Mount("/w", dir, false))
	require.NoError(t, k.FS().WriteFile("/bin/"+name, bin, 0o755))
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := k.Run(ctx, cages.Spec{Path: "/bin/" + name, Args: []string{"/bin/" + name, "arg1"}, Env: nativeEnv, Dir: "/w", Stdout: &out, Stderr: &out})
	require.NoError(t, err)
	return out.String(), st
}
