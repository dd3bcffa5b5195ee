package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gocage runs the command line with stdin and returns the exit status,
// stdout and stderr.
func gocage(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRun_ExitStatusOfProgram(t *testing.T) {
	code, out, _ := gocage(t, "", "run", "--", "seq", "1", "3")
	require.Equal(t, 0, code)
	require.Equal(t, "1\n2\n3\n", out)
	code, _, _ = gocage(t, "", "run", "false")
	require.Equal(t, 1, code)
	code, out, _ = gocage(t, "b\na\n", "run", "sort")
	require.Equal(t, 0, code)
	require.Equal(t, "a\nb\n", out)
}

func TestRun_KilledBySignal_128PlusN(t *testing.T) {
	// kill signals its own process group, itself included.
	code, _, _ := gocage(t, "", "run", "--timeout", "10s", "--", "kill", "-TERM", "0")
	require.Equal(t, 128+15, code)
}

func TestRun_Timeout_Exits124(t *testing.T) {
	start := time.Now()
	code, _, errs := gocage(t, "", "run", "--timeout", "200ms", "--", "sleep", "10")
	require.Equal(t, 124, code)
	require.Contains(t, errs, "timed out")
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestRun_MountReadOnly_RefusesWrites(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte("host data\n"), 0o644))
	code, out, _ := gocage(t, "", "run", "--mount", dir+":/data:ro", "--", "cat", "/data/in")
	require.Equal(t, 0, code)
	require.Equal(t, "host data\n", out)
	code, _, errs := gocage(t, "", "run", "--mount", dir+":/data:ro", "--", "touch", "/data/new")
	require.Equal(t, 1, code)
	require.Contains(t, errs, "Read-only file system")
	_, err := os.Stat(filepath.Join(dir, "new"))
	require.True(t, os.IsNotExist(err), "the host directory was written")
	code, _, _ = gocage(t, "", "run", "--mount", dir+":/data", "--", "touch", "/data/new")
	require.Equal(t, 0, code)
	_, err = os.Stat(filepath.Join(dir, "new"))
	require.NoError(t, err, "a read-write mount must reach the host directory")
}

func TestRun_MissingProgram_127(t *testing.T) {
	code, _, errs := gocage(t, "", "run", "--", "nosuchprogram")
	require.Equal(t, 127, code)
	require.Contains(t, errs, "nosuchprogram")
}

func TestRun_BadFlags_OneLineAndExit2(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--bogus", "x"},
		{"run", "--timeout", "soon", "x"},
		{"run", "--mount", "nocolon", "x"},
		{"run", "--max-cages", "-1", "x"},
		{"run"},
		{"frobnicate"},
	} {
		code, out, errs := gocage(t, "", args...)
		require.Equal(t, 2, code, "%q", args)
		require.Empty(t, out, "%q", args)
		require.Equal(t, 1, strings.Count(errs, "\n"), "%q: want one line, got %q", args, errs)
	}
}

func TestRun_Help_ExplainsEveryFlag(t *testing.T) {
	code, out, _ := gocage(t, "", "run", "--help")
	require.Equal(t, 0, code)
	for _, f := range []string{"-mount", "-root", "-env", "-clear-env", "-cwd", "-timeout", "-max-cages", "-max-fds", "Examples:"} {
		require.Contains(t, out, f)
	}
	code, out, _ = gocage(t, "", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "gocage run")
}

func TestRun_EnvAndCwd(t *testing.T) {
	code, out, _ := gocage(t, "", "run", "--clear-env", "--env", "A=1", "--", "env")
	require.Equal(t, 0, code)
	require.Equal(t, "PATH=/bin:/usr/bin\nA=1\n", out)
	code, out, _ = gocage(t, "", "run", "--cwd", "/tmp", "--", "pwd")
	require.Equal(t, 0, code)
	require.Equal(t, "/tmp\n", out)
}

func TestRun_MaxFds(t *testing.T) {
	code, _, errs := gocage(t, "", "run", "--max-fds", "2", "--", "cat", "/etc/passwd")
	require.NotEqual(t, 0, code)
	require.Contains(t, errs, "Too many open files")
}

func TestSyscalls_ListsTheTable(t *testing.T) {
	code, out, _ := gocage(t, "", "syscalls")
	require.Equal(t, 0, code)
	require.Contains(t, out, "pipe2")
	require.Contains(t, out, "full")
}

// The README's first command: a pipeline in sh.
func TestRun_ShPipeline_READMECommand(t *testing.T) {
	code, out, _ := gocage(t, "", "run", "--", "sh", "-c", "seq 1 100 | grep 7 | wc -l")
	require.Equal(t, 0, code)
	require.Equal(t, "19\n", out)
}

// A command sh cannot find: status 127 and dash's message.
func TestRun_ShMissingCommand_127(t *testing.T) {
	code, _, errs := gocage(t, "", "run", "--", "sh", "-c", "x")
	require.Equal(t, 127, code)
	require.Equal(t, "sh: 1: x: not found\n", errs)
}

// A pipeline stage killed by SIGPIPE ends quietly: yes | head -n 1.
func TestRun_SIGPIPE_EndsQuietly(t *testing.T) {
	code, out, errs := gocage(t, "", "run", "--", "sh", "-c", "yes | head -n 1")
	require.Equal(t, 0, code)
	require.Equal(t, "y\n", out)
	require.Empty(t, errs)
}

// A signal that kills sh itself gives 128+N.
func TestRun_ShKilled_128PlusN(t *testing.T) {
	code, _, _ := gocage(t, "", "run", "--", "sh", "-c", "kill -TERM $$")
	require.Equal(t, 128+15, code)
}

// HOME is the cage user's home, which exists in the cage tree: cd with no
// argument works.
func TestRun_HomeExistsInTheCage(t *testing.T) {
	code, out, errs := gocage(t, "", "run", "--", "sh", "-c", "cd && pwd && echo $HOME")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "/home/user\n/home/user\n", out)
}
