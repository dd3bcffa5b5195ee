package wasm_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
)

// Real programs, unchanged: Debian's bzip2, lua5.4, dash and sqlite3,
// built from their source packages by gocage cc and by the host's cc
// (scripts/cprograms.sh), run on the same inputs in a cage and on the
// host; the outputs must be the same.

// cprogramsBuilt builds the real programs once; it returns the build
// directory.
var cprogramsBuilt = sync.OnceValues(func() (string, error) {
	dir, err := filepath.Abs(filepath.Join("..", "build", "cprograms"))
	if err != nil {
		return "", err
	}
	out, err := exec.Command("bash", filepath.Join("..", "scripts", "cprograms.sh"), dir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("scripts/cprograms.sh: %v\n%s", err, out)
	}
	return dir, nil
})

// realProgram returns the paths of name's two builds, or skips the test
// (a failure in CI).
func realProgram(t *testing.T, name string) (wasmPath, nativePath string) {
	t.Helper()
	compile(t, "hello") // the toolchain, or skip (a failure in CI)
	if testing.Short() {
		t.Skip("fetches and builds Debian source packages (-short)")
	}
	dir, err := cprogramsBuilt()
	require.NoError(t, err)
	return filepath.Join(dir, name+".wasm"), filepath.Join(dir, name+".native")
}

// runBoth runs the program natively (argv[0] the native build) and in a
// cage (the module installed as /bin/NAME), each in its own copy of the
// working directory files, with stdin; it returns both outputs (stdout,
// then stderr) and exit statuses, and the two working directories.
func runBoth(t *testing.T, name string, files map[string][]byte, stdin []byte, args ...string) (native, cage string, nst, cst int, ndir, cdir string) {
	t.Helper()
	wasmPath, nativePath := realProgram(t, name)
	ndir, cdir = t.TempDir(), t.TempDir()
	for f, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(ndir, f), b, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(cdir, f), b, 0o644))
	}
	var nout, nerr bytes.Buffer
	cmd := exec.Command(nativePath, args...)
	cmd.Dir, cmd.Env = ndir, nativeEnv
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &nout, &nerr
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "%v", err)
		nst = ee.ExitCode()
	}

	bin, err := os.ReadFile(wasmPath)
	require.NoError(t, err)
	k := kernel(t)
	require.NoError(t, k.FS().Mount("/w", cdir, false))
	require.NoError(t, k.FS().WriteFile("/bin/"+name, bin, 0o755))
	var cout, cerr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := k.Run(ctx, cages.Spec{Path: "/bin/" + name, Args: append([]string{name}, args...), Env: nativeEnv,
		Dir: "/w", Stdin: bytes.NewReader(stdin), Stdout: &cout, Stderr: &cerr})
	require.NoError(t, err)
	return nout.String() + nerr.String(), cout.String() + cerr.String(), nst, st.ExitStatus(), ndir, cdir
}

func TestRealProgram_Bzip2_10MB_SameBytesAsNative(t *testing.T) {
	in := gzipInput()
	native, cage, nst, cst, _, _ := runBoth(t, "bzip2", nil, in, "-c")
	require.Equal(t, 0, nst)
	require.Equal(t, 0, cst, "bzip2 in a cage")
	require.Greater(t, len(cage), 1000)
	require.Equal(t, sha256.Sum256([]byte(native)), sha256.Sum256([]byte(cage)), "compressed bytes differ from native bzip2's")
	back, _, _, cst, _, _ := runBoth(t, "bzip2", nil, []byte(cage), "-dc")
	require.Equal(t, 0, cst)
	require.Equal(t, sha256.Sum256(in), sha256.Sum256([]byte(back)), "round trip")

	// Files: bzip2 FILE writes FILE.bz2 with FILE's mode and removes FILE.
	_, _, nst, cst, ndir, cdir := runBoth(t, "bzip2", map[string][]byte{"data": in[:100000]}, nil, "data")
	require.Equal(t, nst, cst)
	for _, dir := range []string{ndir, cdir} {
		_, err := os.Stat(filepath.Join(dir, "data"))
		require.True(t, os.IsNotExist(err), "bzip2 removed its input in %s", dir)
	}
	nb, err := os.ReadFile(filepath.Join(ndir, "data.bz2"))
	require.NoError(t, err)
	cb, err := os.ReadFile(filepath.Join(cdir, "data.bz2"))
	require.NoError(t, err)
	require.Equal(t, nb, cb)
}

func TestRealProgram_Lua_SuiteSameAsNative(t *testing.T) {
	suite, err := os.ReadFile("testdata/cprograms/suite.lua")
	require.NoError(t, err)
	native, cage, nst, cst, _, _ := runBoth(t, "lua", map[string][]byte{"suite.lua": suite}, nil, "suite.lua")
	require.Equal(t, 0, nst, native)
	require.Equal(t, native, cage)
	require.Equal(t, nst, cst)
	require.Contains(t, cage, "popen\tfrom popen|second|")
}

func TestRealProgram_Sqlite3_SameAsNative_DatabaseReadByNative(t *testing.T) {
	script, err := os.ReadFile("testdata/cprograms/sqlite.sql")
	require.NoError(t, err)
	native, cage, nst, cst, _, cdir := runBoth(t, "sqlite3", nil, script, "test.db")
	require.Equal(t, 0, nst, native)
	require.Equal(t, native, cage)
	require.Equal(t, nst, cst)
	require.Contains(t, cage, "100000|")
	_, nativePath := realProgram(t, "sqlite3")
	out, err := exec.Command(nativePath, filepath.Join(cdir, "test.db"), "PRAGMA integrity_check; SELECT count(*), sum(grp) FROM t;").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "ok\n100000|300000\n", string(out), "the native sqlite3 reads the database the cage wrote")
}

func TestRealProgram_Dash_ScenariosSameAsNative(t *testing.T) {
	script, err := os.ReadFile("testdata/cprograms/dash.sh")
	require.NoError(t, err)
	native, cage, nst, cst, _, _ := runBoth(t, "dash", map[string][]byte{"s.sh": script}, nil, "s.sh", "a", "b c")
	require.Equal(t, native, cage)
	require.Equal(t, nst, cst)
	require.True(t, strings.HasSuffix(cage, "trapped\n"), cage)
}
