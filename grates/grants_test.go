package grates_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// lockedBuffer is a bytes.Buffer that cages may write concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// grantsTree returns a kernel with sh, the coreutils and this tree, every
// directory and file of it writable by the cages (0777, 0666), so that
// what a cage may not do is the grants' refusal, not the kernel's:
//
//	/data/in.txt          "hello\n"
//	/data/sub/deep.txt    "deep\n"
//	/data/l         ->    /etc/passwd
//	/data/rel       ->    sub/deep.txt
//	/data/through   ->    /secret/../data/in.txt
//	/work/old.txt         "old\n"
//	/tmp/out/  /drop/
//	/secret/key           "key\n"
//	/secret/loop    ->    loop
//
// and the default /etc (passwd, group, hostname...), /bin, /dev, /proc.
func grantsTree(t testing.TB) *cages.Kernel {
	t.Helper()
	k := cages.New(cages.Config{})
	require.NoError(t, programs.Install(k))
	require.NoError(t, k.Install("/bin/sh", sh.Main))
	fs := k.FS()
	for _, d := range []string{"/data/sub", "/work", "/tmp/out", "/drop", "/secret"} {
		require.NoError(t, fs.MkdirAll(d, 0o777))
	}
	for p, s := range map[string]string{
		"/data/in.txt": "hello\n", "/data/sub/deep.txt": "deep\n",
		"/work/old.txt": "old\n", "/secret/key": "key\n",
	} {
		require.NoError(t, fs.WriteFile(p, []byte(s), 0o666))
	}
	ctx := &vfs.Ctx{Cwd: fs.Root()}
	for link, target := range map[string]string{
		"/data/l": "/etc/passwd", "/data/rel": "sub/deep.txt",
		"/data/through": "/secret/../data/in.txt", "/secret/loop": "loop",
	} {
		require.Equal(t, posix.Errno(0), fs.Symlink(ctx, target, vfs.Loc{}, link), "symlink %s", link)
	}
	return k
}

// runUnder runs the program at path with argv under layers and returns
// its stdout, stderr and status.
func runUnder(t testing.TB, k *cages.Kernel, layers []grates.Layer, path string, argv ...string) (string, string, posix.WaitStatus) {
	t.Helper()
	var out, errb lockedBuffer
	proc, err := k.Start(cages.Spec{
		Path:    "/grate",
		Program: grates.Program(layers, path, argv, []string{"PATH=/bin"}),
		Stdout:  &out,
		Stderr:  &errb,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := proc.Wait(ctx)
	require.NoError(t, err, "the run did not end")
	return out.String(), errb.String(), st
}

// mustGrants parses a grants file.
func mustGrants(t testing.TB, text string) []grates.Grant {
	t.Helper()
	gs, err := grates.ParseGrants(strings.NewReader(text))
	require.NoError(t, err)
	return gs
}

// shUnderGrants runs sh -c script confined to the grants file text.
func shUnderGrants(t testing.TB, k *cages.Kernel, grants, script string) (string, string, posix.WaitStatus) {
	t.Helper()
	return runUnder(t, k, []grates.Layer{grates.NewGrants(mustGrants(t, grants))}, "/bin/sh", "sh", "-c", script)
}

func TestRights_String(t *testing.T) {
	for r, want := range map[grates.Rights]string{
		0: "-", grates.Read: "r", grates.Read | grates.Exec: "rx",
		grates.Read | grates.Write | grates.Create: "rwc", grates.Exec | grates.Create: "cx",
		grates.Read | grates.Write | grates.Create | grates.Exec: "rwcx",
	} {
		require.Equal(t, want, r.String(), "Rights(%d).String()", uint8(r))
	}
}

func TestParseGrant(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want grates.Grant
	}{
		{"/etc/hostname", grates.Grant{Path: "/etc/hostname", Rights: grates.Read}},
		{"/data:ro", grates.Grant{Path: "/data", Rights: grates.Read}},
		{"/tmp/out/:rw", grates.Grant{Path: "/tmp/out", Rights: grates.Read | grates.Write | grates.Create}},
		{"/bin:x", grates.Grant{Path: "/bin", Rights: grates.Read | grates.Exec}},
		{"/a/./b/../c", grates.Grant{Path: "/a/c", Rights: grates.Read}},
		{"/", grates.Grant{Path: "/", Rights: grates.Read}},
		{"/odd:name/x:rw", grates.Grant{Path: "/odd:name/x", Rights: grates.Read | grates.Write | grates.Create}},
		{"/odd:name/x", grates.Grant{Path: "/odd:name/x", Rights: grates.Read}},
	} {
		got, err := grates.ParseGrant(tc.in)
		require.NoError(t, err, "ParseGrant(%q)", tc.in)
		require.Equal(t, tc.want, got, "ParseGrant(%q)", tc.in)
	}
	for _, in := range []string{"", "data", "data:ro", ":rw", "/data:rwx", "/data:", "/data:RO"} {
		_, err := grates.ParseGrant(in)
		require.Error(t, err, "ParseGrant(%q)", in)
		require.Contains(t, err.Error(), fmt.Sprintf("%q", in), "the error names the value")
	}
}

func TestParseGrants_WriteGrants_RoundTrip(t *testing.T) {
	text := "# comment\n\nrx /bin\nrwc /tmp\r\nr /etc/hostname\n  \n- /visible only\nx /home/user/my prog\nrwcx /a/../b/\n"
	gs, err := grates.ParseGrants(strings.NewReader(text))
	require.NoError(t, err)
	want := []grates.Grant{
		{Path: "/bin", Rights: grates.Read | grates.Exec},
		{Path: "/tmp", Rights: grates.Read | grates.Write | grates.Create},
		{Path: "/etc/hostname", Rights: grates.Read},
		{Path: "/visible only", Rights: 0},
		{Path: "/home/user/my prog", Rights: grates.Exec},
		{Path: "/b", Rights: grates.Read | grates.Write | grates.Create | grates.Exec},
	}
	require.Equal(t, want, gs)

	var b bytes.Buffer
	require.NoError(t, grates.WriteGrants(&b, gs))
	require.Equal(t, "# gocage grants: RIGHTS PATH (r read, w write, c create, x exec)\n"+
		"rwcx /b\nrx /bin\nr /etc/hostname\nx /home/user/my prog\nrwc /tmp\n- /visible only\n", b.String())
	back, err := grates.ParseGrants(&b)
	require.NoError(t, err)
	require.ElementsMatch(t, want, back)
}

func TestParseGrants_Errors_NameTheLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"r /ok\nrz /bad\n", "line 2"},
		{"r /ok\n\n# c\nrr /bad\n", "line 4"},
		{"r relative\n", "line 1"},
		{"/nopath\n", "line 1"},
		{"r\n", "line 1"},
		{"rx  /two-spaces\n", "line 1"},
		{" r /leading-space\n", "line 1"},
	} {
		_, err := grates.ParseGrants(strings.NewReader(tc.text))
		require.Error(t, err, "ParseGrants(%q)", tc.text)
		require.Contains(t, err.Error(), tc.want, "ParseGrants(%q)", tc.text)
	}
}

func TestWriteGrants_RefusesUnwritablePaths(t *testing.T) {
	for _, p := range []string{"relative", "/new\nline"} {
		var b bytes.Buffer
		err := grates.WriteGrants(&b, []grates.Grant{{Path: "/ok", Rights: grates.Read}, {Path: p, Rights: grates.Read}})
		require.Error(t, err, "WriteGrants(%q)", p)
		require.Empty(t, b.String(), "nothing is written")
	}
}

func TestGrants_GrantedRead_UngrantedIsENOENT(t *testing.T) {
	k := grantsTree(t)
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/cat\nr /data\n",
		"cat /data/in.txt; cat /etc/passwd; cat /secret/key")
	require.Equal(t, "hello\n", out)
	require.Equal(t, "cat: /etc/passwd: No such file or directory\ncat: /secret/key: No such file or directory\n", errs)
	require.Equal(t, posix.Exited(1), st)
}

func TestGrants_ReadOnly_RefusesWriting_EACCES(t *testing.T) {
	k := grantsTree(t)
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/rm\nx /bin/cat\nr /data\n",
		"echo x > /data/in.txt; echo x >> /data/in.txt; rm /data/in.txt; cat /data/in.txt")
	require.Equal(t, "hello\n", out)
	require.Equal(t, "sh: 1: cannot create /data/in.txt: Permission denied\n"+
		"sh: 1: cannot create /data/in.txt: Permission denied\n"+
		"rm: cannot remove '/data/in.txt': Permission denied\n", errs)
	require.Equal(t, posix.Exited(0), st)
	data, err := k.FS().ReadFile("/data/in.txt")
	require.NoError(t, err)
	require.Equal(t, "hello\n", string(data), "the read-only file is unchanged")
}

func TestGrants_Create_NeedsC(t *testing.T) {
	k := grantsTree(t)
	grants := "x /bin/sh\nx /bin/mkdir\nx /bin/cat\nrw /work\nrwc /tmp/out\n"
	out, errs, st := shUnderGrants(t, k, grants,
		"echo new > /work/new.txt; echo over > /work/old.txt; cat /work/old.txt; mkdir /work/d; "+
			"echo new > /tmp/out/new.txt && mkdir /tmp/out/d && cat /tmp/out/new.txt")
	require.Equal(t, "over\nnew\n", out)
	require.Equal(t, "sh: 1: cannot create /work/new.txt: Permission denied\n"+
		"mkdir: cannot create directory ‘/work/d’: Permission denied\n", errs)
	require.Equal(t, posix.Exited(0), st)
	_, err := k.FS().ReadFile("/work/new.txt")
	require.ErrorIs(t, err, posix.ENOENT, "nothing was created without c")
}

func TestGrants_Exec_NeedsX(t *testing.T) {
	k := grantsTree(t)
	// /bin/cat visible but not executable: sh finds it, execve refuses.
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nr /bin\nr /data\n", "cat /data/in.txt")
	require.Equal(t, "", out)
	require.Equal(t, "sh: 1: cat: Permission denied\n", errs)
	require.Equal(t, posix.Exited(126), st)

	// /bin/cat not granted at all: it does not exist.
	out, errs, st = shUnderGrants(t, k, "x /bin/sh\nr /data\n", "cat /data/in.txt")
	require.Equal(t, "", out)
	require.Equal(t, "sh: 1: cat: not found\n", errs)
	require.Equal(t, posix.Exited(127), st)

	// The program itself needs x.
	_, errs, st = shUnderGrants(t, k, "r /bin/sh\n", "exit 0")
	require.Equal(t, "gocage: /bin/sh: Permission denied\n", errs)
	require.Equal(t, posix.Exited(126), st)
	_, errs, st = shUnderGrants(t, k, "r /data\n", "exit 0")
	require.Equal(t, "gocage: /bin/sh: No such file or directory\n", errs)
	require.Equal(t, posix.Exited(127), st)

	// With x, the same runs.
	out, _, st = shUnderGrants(t, k, "x /bin/sh\nx /bin/cat\nr /data\n", "cat /data/in.txt")
	require.Equal(t, "hello\n", out)
	require.Equal(t, posix.Exited(0), st)
}

func TestGrants_SymlinkEscape_IsENOENT(t *testing.T) {
	k := grantsTree(t)
	grants := "x /bin/sh\nx /bin/cat\nx /bin/ln\nx /bin/readlink\nr /data\nrwc /tmp/out\n"
	out, errs, st := shUnderGrants(t, k, grants,
		"cat /data/l; cat /data/rel; readlink /data/l; cat /data/through; "+
			"ln -s /secret/key /tmp/out/k && cat /tmp/out/k; "+
			"ln -s ../../data/in.txt /tmp/out/ok && cat /tmp/out/ok; "+
			"cat /data/../secret/key; cat /secret/../data/in.txt; cat /data/sub/../in.txt")
	require.Equal(t, "deep\n/etc/passwd\nhello\nhello\n", out)
	require.Equal(t, "cat: /data/l: No such file or directory\n"+
		"cat: /data/through: No such file or directory\n"+
		"cat: /tmp/out/k: No such file or directory\n"+
		"cat: /data/../secret/key: No such file or directory\n"+
		"cat: /secret/../data/in.txt: No such file or directory\n", errs)
	require.Equal(t, posix.Exited(0), st)
}

func TestGrants_RelativePathsAndCd(t *testing.T) {
	k := grantsTree(t)
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/cat\nr /data\nr /etc/hostname\n",
		"cd /data/sub && cat deep.txt ../in.txt && pwd; cat ../../etc/passwd; cd /secret; "+
			"cd ../..; pwd; cat data/in.txt; cd /etc && cat hostname && pwd; cat passwd")
	require.Equal(t, "deep\nhello\n/data/sub\n/\nhello\ngocage\n/etc\n", out)
	require.Equal(t, "cat: ../../etc/passwd: No such file or directory\n"+
		"sh: 1: cd: can't cd to /secret\n"+
		"cat: passwd: No such file or directory\n", errs)
	require.Equal(t, posix.Exited(1), st)
}

func TestGrants_ListAncestors_ShowsOnlyWhatLeadsToGrants(t *testing.T) {
	k := grantsTree(t)
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/ls\nr /data\nr /etc/hostname\nrwc /tmp/out\n",
		"ls /; echo --; ls /etc; echo --; ls /tmp; echo --; ls /data; echo --; ls /bin")
	require.Equal(t, "bin\ndata\netc\ntmp\n--\nhostname\n--\nout\n--\nin.txt\nl\nrel\nsub\nthrough\n--\nls\nsh\n", out)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
}

func TestGrants_ListFilter_ReadsOnPastHiddenBatches(t *testing.T) {
	// A directory of many hidden entries and one granted: the listing's
	// first batches filter to nothing, which must not read as the end.
	k := grantsTree(t)
	require.NoError(t, k.FS().MkdirAll("/many", 0o755))
	for i := 0; i < 3000; i++ {
		require.NoError(t, k.FS().WriteFile(fmt.Sprintf("/many/f%04d-with-a-long-name-to-fill-batches", i), nil, 0o644))
	}
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/ls\nr /many/f2999-with-a-long-name-to-fill-batches\n", "ls /many")
	require.Empty(t, errs)
	require.Equal(t, "f2999-with-a-long-name-to-fill-batches\n", out)
	require.Equal(t, posix.Exited(0), st)
}

// probeStep is one call of the probe program: it returns what to print
// ("" for nothing more than the errno).
type probeStep struct {
	name string
	do   func(p *cages.Proc) (string, error)
}

// probeProgram returns a program that runs steps in order and prints a line per
// step, "name: ok" or "name: ERRNO", with what the step returned.
func probeProgram(steps []probeStep) cages.Program {
	return func(p *cages.Proc) int {
		var b strings.Builder
		for _, s := range steps {
			got, err := s.do(p)
			fmt.Fprintf(&b, "%s: %s", s.name, errnoName(err))
			if got != "" {
				fmt.Fprintf(&b, " %s", got)
			}
			b.WriteByte('\n')
		}
		p.Write(1, []byte(b.String()))
		return 0
	}
}

// errnoName is "ok" for nil, the errno's name ("ENOENT") otherwise.
func errnoName(err error) string {
	if err == nil {
		return "ok"
	}
	var e posix.Errno
	if errors.As(err, &e) {
		return e.Name()
	}
	return err.Error()
}

// rawCall makes system call num with args through the cage's table: for
// the calls the Proc API does not make (open, creat, rename, link...).
func rawCall(p *cages.Proc, num int, args ...threei.Arg) (int64, error) {
	c := threei.Call{Num: num, Caller: p.Cage()}
	copy(c.Args[:], args)
	r, err := p.Cage().Table().Dispatch(&c)
	if err != 0 {
		return r, err
	}
	return r, nil
}

// rawPath is a path argument; rawInt a scalar one.
func rawPath(s string) threei.Arg { return threei.Arg{Val: uint64(len(s)), Buf: []byte(s)} }
func rawInt(v int) threei.Arg     { return threei.Arg{Val: uint64(int64(v))} }

// openStep opens path with flags, as openat(2), and closes it.
func openStep(path string, flags int) func(p *cages.Proc) (string, error) {
	return func(p *cages.Proc) (string, error) {
		fd, err := p.Open(path, flags, 0o644)
		if err == nil {
			p.Close(fd)
		}
		return "", err
	}
}

// rawStep makes a raw call whose result is only its errno.
func rawStep(num int, args ...threei.Arg) func(p *cages.Proc) (string, error) {
	return func(p *cages.Proc) (string, error) {
		_, err := rawCall(p, num, args...)
		return "", err
	}
}

// listDir returns the names in directory path, sorted, without . and ..
func listDir(path string) func(p *cages.Proc) (string, error) {
	return func(p *cages.Proc) (string, error) {
		fd, err := p.Open(path, posix.O_RDONLY|posix.O_DIRECTORY, 0)
		if err != nil {
			return "", err
		}
		defer p.Close(fd)
		var names []string
		buf := make([]byte, 256)
		for {
			n, err := p.Getdents64(fd, buf)
			if err != nil {
				return "", err
			}
			if n == 0 {
				break
			}
			for off := 0; off < n; {
				reclen := int(binary.LittleEndian.Uint16(buf[off+16:]))
				name, _, _ := strings.Cut(string(buf[off+19:off+reclen]), "\x00")
				if name != "." && name != ".." {
					names = append(names, name)
				}
				off += reclen
			}
		}
		sort.Strings(names)
		return strings.Join(names, " "), nil
	}
}

// probeSteps exercise each rule of Grants; the comments are the grants
// of TestGrants_Calls.
func probeSteps() []probeStep {
	noerr := func(f func(p *cages.Proc) error) func(p *cages.Proc) (string, error) {
		return func(p *cages.Proc) (string, error) { return "", f(p) }
	}
	return []probeStep{
		// r /data
		{"open-read", openStep("/data/in.txt", posix.O_RDONLY)},
		{"open-write-ro", openStep("/data/in.txt", posix.O_WRONLY)},
		{"open-rdwr-ro", openStep("/data/in.txt", posix.O_RDWR)},
		{"open-trunc-ro", openStep("/data/in.txt", posix.O_RDONLY|posix.O_TRUNC)},
		{"open-missing-write-ro", openStep("/data/nope", posix.O_WRONLY)},
		{"open-path-ro", openStep("/data/in.txt", posix.O_PATH)},
		// nothing granted
		{"open-hidden", openStep("/etc/passwd", posix.O_RDONLY)},
		{"open-hidden-missing", openStep("/secret/nope", posix.O_RDONLY)},
		{"open-hidden-create", openStep("/secret/new", posix.O_CREAT|posix.O_WRONLY)},
		// r /etc/hostname: /etc is an ancestor
		{"open-ancestor", openStep("/etc", posix.O_RDONLY|posix.O_DIRECTORY)},
		{"open-ancestor-write", openStep("/etc", posix.O_WRONLY)},
		{"open-ancestor-sibling", openStep("/etc/group", posix.O_RDONLY)},
		{"open-ancestor-grant", openStep("/etc/hostname", posix.O_RDONLY)},
		{"openat-dirfd", func(p *cages.Proc) (string, error) {
			dfd, err := p.Open("/data", posix.O_RDONLY|posix.O_DIRECTORY, 0)
			if err != nil {
				return "", err
			}
			defer p.Close(dfd)
			fd, err := p.Openat(dfd, "sub/deep.txt", posix.O_RDONLY, 0)
			if err != nil {
				return "", err
			}
			p.Close(fd)
			_, err = p.Openat(dfd, "../etc/passwd", posix.O_RDONLY, 0)
			return "escape " + errnoName(err), nil
		}},
		{"openat-bad-dirfd", rawStep(posix.SYS_OPENAT, rawInt(99), rawPath("in.txt"), rawInt(posix.O_RDONLY), rawInt(0))},
		{"open-legacy", rawStep(posix.SYS_OPEN, rawPath("/data/in.txt"), rawInt(posix.O_RDONLY), rawInt(0))},
		// rwc /tmp/out, rw /work, c /drop
		{"create-rwc", openStep("/tmp/out/new", posix.O_CREAT|posix.O_WRONLY)},
		{"create-rw", openStep("/work/new", posix.O_CREAT|posix.O_WRONLY)},
		{"create-rw-existing", openStep("/work/old.txt", posix.O_CREAT|posix.O_WRONLY|posix.O_TRUNC)},
		{"create-excl-existing", openStep("/work/old.txt", posix.O_CREAT|posix.O_EXCL|posix.O_WRONLY)},
		{"create-dir-existing", openStep("/work", posix.O_CREAT|posix.O_RDONLY)},
		{"creat-rw-existing", rawStep(posix.SYS_CREAT, rawPath("/work/old.txt"), rawInt(0o644))},
		{"creat-rw-missing", rawStep(posix.SYS_CREAT, rawPath("/work/new"), rawInt(0o644))},
		{"create-c-only", openStep("/drop/f", posix.O_CREAT|posix.O_WRONLY)},
		{"mkdir-c-only", noerr(func(p *cages.Proc) error { return p.Mkdir("/drop/d", 0o755) })},
		{"mkdir-legacy", rawStep(posix.SYS_MKDIR, rawPath("/tmp/out/legacy"), rawInt(0o755))},
		{"mkdir-ro", noerr(func(p *cages.Proc) error { return p.Mkdir("/data/x", 0o755) })},
		{"mkdir-existing-ro", noerr(func(p *cages.Proc) error { return p.Mkdir("/data/sub", 0o755) })},
		{"mkdir-existing-ancestor", noerr(func(p *cages.Proc) error { return p.Mkdir("/etc", 0o755) })},
		{"mkdir-hidden-existing", noerr(func(p *cages.Proc) error { return p.Mkdir("/secret", 0o755) })},
		{"mkdir-trailing-slash", noerr(func(p *cages.Proc) error { return p.Mkdir("/tmp/out/d/", 0o755) })},
		{"rmdir-dotdot", noerr(func(p *cages.Proc) error { return p.Rmdir("/tmp/out/d/..") })},
		{"rmdir-trailing-slash", noerr(func(p *cages.Proc) error { return p.Rmdir("/tmp/out/d/") })},
		{"unlink-ro", noerr(func(p *cages.Proc) error { return p.Unlink("/data/in.txt") })},
		{"unlink-missing-ro", noerr(func(p *cages.Proc) error { return p.Unlink("/data/nope") })},
		{"unlink-rwc", noerr(func(p *cages.Proc) error { return p.Unlink("/tmp/out/new") })},
		{"truncate-ro", noerr(func(p *cages.Proc) error { return p.Truncate("/data/in.txt", 0) })},
		{"chmod-ro", noerr(func(p *cages.Proc) error { return p.Chmod("/data/in.txt", 0o600) })},
		{"utimensat-ro", noerr(func(p *cages.Proc) error { return p.Utimensat(posix.AT_FDCWD, "/data/in.txt", nil, 0) })},
		{"stat-ro", noerr(func(p *cages.Proc) error { _, err := p.Stat("/data/in.txt"); return err })},
		{"access-ancestor", noerr(func(p *cages.Proc) error { return p.Access("/etc", posix.R_OK) })},
		{"access-hidden", noerr(func(p *cages.Proc) error { return p.Access("/etc/passwd", posix.F_OK) })},
		// rename and link
		{"rename-away-ro", noerr(func(p *cages.Proc) error { return p.Rename("/data/in.txt", "/tmp/out/in") })},
		{"rename-into-rw", noerr(func(p *cages.Proc) error { return p.Rename("/tmp/out/legacy", "/work/legacy") })},
		{"rename-into-c", noerr(func(p *cages.Proc) error { return p.Rename("/tmp/out/legacy", "/drop/legacy") })},
		{"rename-over-c", rawStep(posix.SYS_RENAME, rawPath("/drop/d"), rawPath("/drop/legacy"))},
		{"link-ro", noerr(func(p *cages.Proc) error { return p.Link("/data/in.txt", "/tmp/out/hard") })},
		{"link-rw", rawStep(posix.SYS_LINK, rawPath("/work/old.txt"), rawPath("/tmp/out/hard"))},
		{"link-empty-path-ro", func(p *cages.Proc) (string, error) {
			fd, err := p.Open("/data/in.txt", posix.O_RDONLY, 0)
			if err != nil {
				return "", err
			}
			defer p.Close(fd)
			return "", p.Linkat(fd, "", posix.AT_FDCWD, "/tmp/out/empty", posix.AT_EMPTY_PATH)
		}},
		// symlinks
		{"symlink-out", noerr(func(p *cages.Proc) error { return p.Symlink("/secret/key", "/tmp/out/s") })},
		{"open-symlink-out", openStep("/tmp/out/s", posix.O_RDONLY)},
		{"lstat-symlink-out", noerr(func(p *cages.Proc) error { _, err := p.Lstat("/tmp/out/s"); return err })},
		{"readlink-symlink-out", func(p *cages.Proc) (string, error) { return p.Readlink("/tmp/out/s") }},
		{"open-host-symlink-out", openStep("/data/l", posix.O_RDONLY)},
		{"open-relative-symlink", openStep("/data/rel", posix.O_RDONLY)},
		{"open-symlink-through-hidden", openStep("/data/through", posix.O_RDONLY)},
		{"open-nofollow-symlink", openStep("/data/rel", posix.O_RDONLY|posix.O_NOFOLLOW)},
		{"symlink-loop", noerr(func(p *cages.Proc) error { return p.Symlink("loop", "/tmp/out/loop") })},
		{"stat-loop-visible", noerr(func(p *cages.Proc) error { _, err := p.Stat("/tmp/out/loop/x"); return err })},
		{"stat-loop-hidden", noerr(func(p *cages.Proc) error { _, err := p.Stat("/secret/loop/x"); return err })},
		{"stat-enotdir-visible", noerr(func(p *cages.Proc) error { _, err := p.Stat("/data/in.txt/x"); return err })},
		{"stat-enotdir-hidden", noerr(func(p *cages.Proc) error { _, err := p.Stat("/secret/key/x"); return err })},
		{"stat-unsearchable-hidden", noerr(func(p *cages.Proc) error { _, err := p.Stat("/root/.profile"); return err })},
		{"stat-too-long", noerr(func(p *cages.Proc) error { _, err := p.Stat("/data/" + strings.Repeat("x/", 2100)); return err })},
		{"open-trailing-slash-file", openStep("/data/in.txt/", posix.O_RDONLY)},
		{"symlink-to-hidden-dir", noerr(func(p *cages.Proc) error { return p.Symlink("/secret", "/tmp/out/sd") })},
		{"lstat-symlink-to-hidden-dir", noerr(func(p *cages.Proc) error { _, err := p.Lstat("/tmp/out/sd"); return err })},
		{"lstat-trailing-slash-hidden", noerr(func(p *cages.Proc) error { _, err := p.Lstat("/tmp/out/sd/"); return err })},
		{"unlink-trailing-slash-hidden", noerr(func(p *cages.Proc) error { return p.Unlink("/tmp/out/sd/") })},
		{"lstat-trailing-slash-file-link", noerr(func(p *cages.Proc) error { _, err := p.Lstat("/data/rel/"); return err })},
		// "." and ".." are not entries a call can make, move or remove
		{"mkdir-dot", noerr(func(p *cages.Proc) error { return p.Mkdir("/data/sub/.", 0o755) })},
		{"rmdir-dot", noerr(func(p *cages.Proc) error { return p.Rmdir("/data/sub/.") })},
		{"unlink-dotdot", noerr(func(p *cages.Proc) error { return p.Unlink("/data/sub/..") })},
		{"rename-dot", noerr(func(p *cages.Proc) error { return p.Rename("/tmp/out/.", "/tmp/out/z") })},
		{"rmdir-root", noerr(func(p *cages.Proc) error { return p.Rmdir("/") })},
		{"stat-dotdot-hidden", noerr(func(p *cages.Proc) error { _, err := p.Stat("/secret/../data/in.txt"); return err })},
		{"stat-dotdot-visible", noerr(func(p *cages.Proc) error { _, err := p.Stat("/data/sub/../in.txt"); return err })},
		// the working directory
		{"chdir-relative", func(p *cages.Proc) (string, error) {
			if err := p.Chdir("/data/sub"); err != nil {
				return "", err
			}
			fd, err := p.Open("../in.txt", posix.O_RDONLY, 0)
			if err != nil {
				return "", err
			}
			p.Close(fd)
			_, err = p.Open("../../etc/passwd", posix.O_RDONLY, 0)
			return "escape " + errnoName(err), nil
		}},
		{"chdir-hidden", noerr(func(p *cages.Proc) error { return p.Chdir("/secret") })},
		{"chdir-ancestor", func(p *cages.Proc) (string, error) {
			if err := p.Chdir("/etc"); err != nil {
				return "", err
			}
			return p.Getcwd()
		}},
		// exec
		{"execve-no-x", noerr(func(p *cages.Proc) error { return p.Execve("/data/in.txt", []string{"x"}, nil) })},
		{"execve-hidden", noerr(func(p *cages.Proc) error { return p.Execve("/bin/sh", []string{"sh"}, nil) })},
		// listing
		{"list-root", listDir("/")},
		{"list-etc", listDir("/etc")},
		{"list-bin", listDir("/bin")},
		{"list-data", listDir("/data")},
		{"list-hidden", listDir("/secret")},
	}
}

func TestGrants_Calls(t *testing.T) {
	k := grantsTree(t)
	require.NoError(t, k.Install("/bin/probe", probeProgram(probeSteps())))
	gs := mustGrants(t, "x /bin/probe\nr /data\nr /etc/hostname\nrwc /tmp/out\nrw /work\nc /drop\n")
	out, errs, st := runUnder(t, k, []grates.Layer{grates.NewGrants(gs)}, "/bin/probe", "probe")
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	want := `open-read: ok
open-write-ro: EACCES
open-rdwr-ro: EACCES
open-trunc-ro: EACCES
open-missing-write-ro: ENOENT
open-path-ro: ok
open-hidden: ENOENT
open-hidden-missing: ENOENT
open-hidden-create: ENOENT
open-ancestor: ok
open-ancestor-write: EISDIR
open-ancestor-sibling: ENOENT
open-ancestor-grant: ok
openat-dirfd: ok escape ENOENT
openat-bad-dirfd: EBADF
open-legacy: ok
create-rwc: ok
create-rw: EACCES
create-rw-existing: ok
create-excl-existing: EEXIST
create-dir-existing: EISDIR
creat-rw-existing: ok
creat-rw-missing: EACCES
create-c-only: EACCES
mkdir-c-only: ok
mkdir-legacy: ok
mkdir-ro: EACCES
mkdir-existing-ro: EEXIST
mkdir-existing-ancestor: EEXIST
mkdir-hidden-existing: ENOENT
mkdir-trailing-slash: ok
rmdir-dotdot: ENOTEMPTY
rmdir-trailing-slash: ok
unlink-ro: EACCES
unlink-missing-ro: ENOENT
unlink-rwc: ok
truncate-ro: EACCES
chmod-ro: EACCES
utimensat-ro: EACCES
stat-ro: ok
access-ancestor: ok
access-hidden: ENOENT
rename-away-ro: EACCES
rename-into-rw: EACCES
rename-into-c: ok
rename-over-c: EACCES
link-ro: EACCES
link-rw: ok
link-empty-path-ro: EACCES
symlink-out: ok
open-symlink-out: ENOENT
lstat-symlink-out: ok
readlink-symlink-out: ok /secret/key
open-host-symlink-out: ENOENT
open-relative-symlink: ok
open-symlink-through-hidden: ENOENT
open-nofollow-symlink: ELOOP
symlink-loop: ok
stat-loop-visible: ELOOP
stat-loop-hidden: ENOENT
stat-enotdir-visible: ENOTDIR
stat-enotdir-hidden: ENOENT
stat-unsearchable-hidden: ENOENT
stat-too-long: ENAMETOOLONG
open-trailing-slash-file: ENOTDIR
symlink-to-hidden-dir: ok
lstat-symlink-to-hidden-dir: ok
lstat-trailing-slash-hidden: ENOENT
unlink-trailing-slash-hidden: ENOENT
lstat-trailing-slash-file-link: ENOTDIR
mkdir-dot: EEXIST
rmdir-dot: EINVAL
unlink-dotdot: EISDIR
rename-dot: EBUSY
rmdir-root: EBUSY
stat-dotdot-hidden: ENOENT
stat-dotdot-visible: ok
chdir-relative: ok escape ENOENT
chdir-hidden: ENOENT
chdir-ancestor: ok /etc
execve-no-x: EACCES
execve-hidden: ENOENT
list-root: ok bin data drop etc tmp work
list-etc: ok hostname
list-bin: ok probe
list-data: ok in.txt l rel sub through
list-hidden: ENOENT
`
	require.Equal(t, want, out)
	// What was refused did not happen.
	for _, p := range []string{"/work/new", "/drop/f", "/data/x", "/tmp/out/in", "/work/legacy", "/tmp/out/empty"} {
		_, err := k.FS().ReadDir(p)
		require.ErrorIs(t, err, posix.ENOENT, "%s exists", p)
	}
	data, err := k.FS().ReadFile("/data/in.txt")
	require.NoError(t, err)
	require.Equal(t, "hello\n", string(data))
}

// TestGrants_Hammer runs many cages at once under one Grants, each
// reading what it may and failing what it may not.
func TestGrants_Hammer(t *testing.T) {
	k := grantsTree(t)
	script := `i=0; while test $i -lt 8; do
  (mkdir /tmp/out/d$i && echo $i > /tmp/out/d$i/f && cat /tmp/out/d$i/f /data/in.txt && cat /etc/passwd 2>/dev/null || echo hidden$i) &
  i=$((i+1))
done; wait`
	out, errs, st := shUnderGrants(t, k, "x /bin/sh\nx /bin/cat\nx /bin/mkdir\nr /data\nrwc /tmp/out\nw /dev/null\n", script)
	require.Empty(t, errs)
	require.Equal(t, posix.Exited(0), st)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(lines)
	var want []string
	for i := 0; i < 8; i++ {
		want = append(want, fmt.Sprint(i), "hello", fmt.Sprintf("hidden%d", i))
	}
	sort.Strings(want)
	require.Equal(t, want, lines)
}
