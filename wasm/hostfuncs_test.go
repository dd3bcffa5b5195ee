package wasm_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// TestWasm_Calls runs testdata/calls.c, which exercises through ordinary C
// the calls the gocage host module and the WASI bridge serve (pipes, dup,
// fcntl, ioctl, poll, select, process groups, rlimits, files, FIFOs,
// umask, the working directory, clocks, sleeping), and compares its report
// with testdata/calls.out, which is what the program prints on Linux
// (TestWasm_Calls_MatchesNative).
func TestWasm_Calls(t *testing.T) {
	k := kernel(t, "calls")
	out, errs, st := run(t, k, "", "mkdir /tmp/w && CALLS_VAR=v calls /tmp/w a 'b c'; echo status $?; ls -ld /tmp/w/masked /tmp/w/maskeddir | cut -c1-10")
	want, err := os.ReadFile("testdata/calls.out")
	require.NoError(t, err)
	require.Equal(t, string(want)+"status 0\n-rw-r-----\ndrwxr-x---\n", out, "the umask applies")
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasm_Calls_MatchesNative compiles testdata/calls.c with the host's
// gcc and checks that Linux prints testdata/calls.out too: the golden
// file is Linux's behaviour, not gocage's.
func TestWasm_Calls_MatchesNative(t *testing.T) {
	bin := native(t, "calls")
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, dir, "a", "b c")
	cmd.Env = []string{"CALLS_VAR=v", "PATH=/usr/bin:/bin"}
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	want, err := os.ReadFile("testdata/calls.out")
	require.NoError(t, err)
	require.Equal(t, string(want), string(out))
	require.Empty(t, stderr.String())
	for name, perm := range map[string]os.FileMode{"masked": 0o640, "maskeddir": 0o750} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, perm, fi.Mode().Perm(), name)
	}
}

// native builds testdata/name.c with the host's gcc, once per test run,
// for the tests that check that Linux behaves as a WASM test expects.
// Without gcc the test is skipped, in CI as well: the WASM side of each
// comparison runs without it.
func native(t *testing.T, name string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Log("no gcc on this host: the comparison with Linux is skipped")
		t.Skip(err)
	}
	v, _ := nativeBuilds.LoadOrStore(name, &build{})
	b := v.(*build)
	b.once.Do(func() {
		out := filepath.Join(buildDir, name+".native")
		cmd := exec.Command(gcc, "-O2", "-o", out, filepath.Join("testdata", name+".c"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.err = &buildError{err, stderr.String()}
		}
	})
	require.NoError(t, b.err)
	return filepath.Join(buildDir, name+".native")
}

// nativeBuilds are native's builds, by name.
var nativeBuilds sync.Map

// TestWasm_Imports_BadPointers_EFAULT calls every host function of both
// modules that takes a pointer, as an import, with each pointer out of
// the memory or running past its end: each answers EFAULT (Linux's 14,
// negated, from gocage.syscall; WASI's 21 from WASI's functions), leaks
// no fd, and the program goes on.
func TestWasm_Imports_BadPointers_EFAULT(t *testing.T) {
	gocageCalls := []string{"pipe2(fds)", "pipe2(fds at the end)", "fionread(count)",
		"execve(path)", "execve(path, unterminated)", "execve(argv)", "execve(argv[1])", "execve(envp)", "execve(envp[1])",
		"wait4(status)", "sigaction(act)", "sigaction(old)", "sigprocmask(set)", "sigprocmask(old)", "sigprocmask(set at the end)",
		"sigpending(set)", "sigsuspend(mask)", "getrlimit(rlim)", "getrlimit(rlim at the end)", "setrlimit(rlim)",
		"setrlimit(rlim at the end)", "mknod(path)", "mknod(path, unterminated)", "poll(fds)", "poll(fds at the end)",
		"chdir(path)", "chdir(path, unterminated)", "getcwd(buf)", "getcwd(buf at the end)", "read(buf)", "write(buf)",
		"stat(statbuf)", "fstat(statbuf at the end)", "open(path)"}
	wasiCalls := []string{"args_get(argv)", "args_get(buf)", "args_sizes_get(count)", "args_sizes_get(size)",
		"environ_get(environ)", "environ_get(buf)", "environ_sizes_get(count)", "environ_sizes_get(size)",
		"clock_res_get(res)", "clock_time_get(time)", "clock_time_get(time at the end)",
		"fd_fdstat_get(stat)", "fd_filestat_get(stat)", "fd_filestat_get(stat at the end)",
		"fd_pread(iovs)", "fd_pread(iov buffer)", "fd_pread(iov buffer at the end)", "fd_pread(nread)",
		"fd_pwrite(iovs)", "fd_pwrite(iov buffer)", "fd_pwrite(nwritten)",
		"fd_read(iovs)", "fd_read(iov buffer)", "fd_read(nread)",
		"fd_write(iovs)", "fd_write(iov buffer)", "fd_write(nwritten)",
		"fd_readdir(buf)", "fd_readdir(buf at the end)", "fd_readdir(bufused)",
		"fd_seek(newoffset)", "fd_tell(offset)",
		"path_create_directory(path)", "path_create_directory(path length)",
		"path_filestat_get(path)", "path_filestat_get(stat)", "path_filestat_set_times(path)",
		"path_link(old path)", "path_link(new path)",
		"path_open(path)", "path_open(fd)", "path_open(fd at the end)", "!path_open leaked no fd: 1",
		"path_readlink(path)", "path_readlink(buf)", "path_readlink(bufused)",
		"path_remove_directory(path)", "path_rename(old path)", "path_rename(new path)",
		"path_symlink(target)", "path_symlink(link path)", "path_unlink_file(path)",
		"poll_oneoff(in)", "poll_oneoff(out)", "poll_oneoff(out at the end)", "poll_oneoff(nevents)",
		"random_get(buf)", "random_get(buf at the end)", "!the file is intact: 1", "!still running"}
	var want strings.Builder
	for _, c := range gocageCalls {
		want.WriteString(c + ": -14\n") // Linux's EFAULT
	}
	for _, c := range wasiCalls {
		if line, ok := strings.CutPrefix(c, "!"); ok {
			want.WriteString(line + "\n")
		} else {
			want.WriteString(c + ": 21\n")
		}
	}
	k := kernel(t, "imports")
	// ls: the calls created nothing in /tmp (the program removes its own
	// files).
	out, errs, st := run(t, k, "", "imports efault; echo status $?; ls /tmp")
	require.Equal(t, want.String()+"status 0\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasm_Imports_Direct: the WASI functions no libc call reaches, called
// as imports: fd_tell, fd_advise, fd_allocate, fd_fdstat_set_flags,
// fd_fdstat_set_rights, fd_renumber, sched_yield, the sock_* stubs
// (ENOSYS, 52), and proc_raise, whose signal numbers are WASI's (16 is
// SIGCHLD, Linux's 17).
func TestWasm_Imports_Direct(t *testing.T) {
	k := kernel(t, "imports")
	out, errs, st := run(t, k, "", "imports direct")
	require.Equal(t, `fd_tell: 0
fd_tell offset: 10
fd_advise: 0
fd_advise bad fd: 8
fd_allocate: 0
size after fd_allocate: 100
fd_allocate bad fd: 8
fd_fdstat_set_flags append: 0
F_GETFL O_APPEND: 1
fd_fdstat_set_flags 0: 0
F_GETFL O_APPEND: 0
fd_fdstat_set_rights: 0
fd_fdstat_set_rights bad fd: 8
fd_renumber: 0
old fd closed: 1
new fd open: 1
fd_renumber bad fd: 8
sched_yield: 0
sock_accept: 52
sock_recv: 52
sock_send: 52
sock_shutdown: 52
proc_raise 10: 0
caught: 10
proc_raise 16: 0
caught: 17
proc_raise 99: 28
still running
`, out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

// TestWasm_Isatty: a cage started on a terminal sees its stdio as one
// (the bridge's fd_fdstat_get answers as wasi-libc's isatty expects); a
// pipe is none.
func TestWasm_Isatty(t *testing.T) {
	k := kernel(t, "execs")
	var out syncBuffer
	st, err := k.Run(context.Background(), cages.Spec{Path: "/bin/execs", Args: []string{"execs", "tty"},
		Stdout: &out, Terminal: true})
	require.NoError(t, err)
	require.Equal(t, posix.Exited(0), st)
	require.Equal(t, "isatty: 1 1 1\n", out.String())
	o, _, _ := run(t, k, "", "execs tty | cat")
	require.Equal(t, "isatty: 0 0 0\n", o)
}
