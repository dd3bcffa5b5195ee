package grates_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
)

// runResult is what a run showed: its output and status.
type runResult struct {
	out, errs string
	st        posix.WaitStatus
}

func (r runResult) String() string {
	return fmt.Sprintf("status %v\nstdout:\n%s\nstderr:\n%s", r.st, r.out, r.errs)
}

// recordRun runs the program at path with argv under a Recorder on a fresh
// tree (setup, if not nil, adds to it) and returns the run and the
// grants recorded, after a trip through the grants file format.
func recordRun(t *testing.T, setup func(k *cages.Kernel), path string, argv ...string) (runResult, []grates.Grant) {
	t.Helper()
	k := grantsTree(t)
	if setup != nil {
		setup(k)
	}
	rec := grates.NewRecorder()
	out, errs, st := runUnder(t, k, []grates.Layer{rec}, path, argv...)
	var file bytes.Buffer
	require.NoError(t, grates.WriteGrants(&file, rec.Grants()))
	gs, err := grates.ParseGrants(&file)
	require.NoError(t, err)
	require.Equal(t, rec.Grants(), gs, "the grants file reads back as written")
	return runResult{out, errs, st}, gs
}

// replayRun runs the program at path with argv confined to gs on a fresh
// tree.
func replayRun(t *testing.T, setup func(k *cages.Kernel), gs []grates.Grant, path string, argv ...string) runResult {
	t.Helper()
	k := grantsTree(t)
	if setup != nil {
		setup(k)
	}
	out, errs, st := runUnder(t, k, []grates.Layer{grates.NewGrants(gs)}, path, argv...)
	return runResult{out, errs, st}
}

// withoutGrant returns gs less its i-th grant.
func withoutGrant(gs []grates.Grant, i int) []grates.Grant {
	return append(append([]grates.Grant(nil), gs[:i]...), gs[i+1:]...)
}

// grantLines renders grants as the lines of a grants file.
func grantLines(gs []grates.Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.String())
	}
	return out
}

// requireMinimalReplay checks that the recorded grants replay the run
// exactly, and that each of them is needed: without it, the run differs.
func requireMinimalReplay(t *testing.T, setup func(k *cages.Kernel), recorded runResult, gs []grates.Grant, path string, argv ...string) {
	t.Helper()
	require.Equal(t, recorded.String(), replayRun(t, setup, gs, path, argv...).String(), "the replay under %q", grantLines(gs))
	for i, g := range gs {
		got := replayRun(t, setup, withoutGrant(gs, i), path, argv...)
		require.NotEqual(t, recorded.String(), got.String(), "the run does not need %q", g.String())
	}
}

func TestRecorder_RecordReplay_RoundTrip(t *testing.T) {
	script := "cat /data/in.txt > /tmp/out/o.txt; ls /data; cat /tmp/out/o.txt"
	recorded, gs := recordRun(t, nil, "/bin/sh", "sh", "-c", script)
	require.Equal(t, runResult{out: "in.txt\nl\nrel\nsub\nthrough\nhello\n", st: posix.Exited(0)}, recorded)
	// ls /data makes each entry listed visible ("-"), not /data readable.
	require.Equal(t, []string{"x /bin/cat", "x /bin/ls", "x /bin/sh",
		"r /data/in.txt", "- /data/l", "- /data/rel", "- /data/sub", "- /data/through",
		"rwc /tmp/out/o.txt"}, grantLines(gs))

	requireMinimalReplay(t, nil, recorded, gs, "/bin/sh", "sh", "-c", script)

	// Where each missing grant makes the run fail.
	for _, tc := range []struct {
		drop string
		want runResult
	}{
		{"r /data/in.txt", runResult{out: "l\nrel\nsub\nthrough\n",
			errs: "cat: /data/in.txt: No such file or directory\n", st: posix.Exited(0)}},
		{"- /data/sub", runResult{out: "in.txt\nl\nrel\nthrough\nhello\n", st: posix.Exited(0)}},
		{"x /bin/ls", runResult{out: "hello\n", errs: "sh: 1: ls: not found\n", st: posix.Exited(0)}},
		{"rwc /tmp/out/o.txt", runResult{out: "in.txt\nl\nrel\nsub\nthrough\n",
			errs: "sh: 1: cannot create /tmp/out/o.txt: Directory nonexistent\n" +
				"cat: /tmp/out/o.txt: No such file or directory\n", st: posix.Exited(1)}},
		{"x /bin/sh", runResult{errs: "gocage: /bin/sh: No such file or directory\n", st: posix.Exited(127)}},
	} {
		i := grantIndex(gs, tc.drop)
		require.GreaterOrEqual(t, i, 0, "no grant %q", tc.drop)
		got := replayRun(t, nil, withoutGrant(gs, i), "/bin/sh", "sh", "-c", script)
		require.Equal(t, tc.want.String(), got.String(), "without %q", tc.drop)
	}
}

// grantIndex returns the index of the grant written as s, or -1.
func grantIndex(gs []grates.Grant, s string) int {
	for i, g := range gs {
		if g.String() == s {
			return i
		}
	}
	return -1
}

func TestRecorder_ShellRun_CreatesMovesLinks(t *testing.T) {
	// A run that makes a tree, moves and links in it, works relative to
	// its working directory, and fails in the ways Grants must reproduce.
	script := `mkdir -p /tmp/out/a/b && cd /tmp/out/a
touch b/f && mv b/f b/g && ln -s g b/h && cat b/h ../a/b/g
echo data > b/g; cat b/h; rm b/g; ls b
cp /data/in.txt ../c && cat ../c
ln -s /data/in.txt ../l && cat ../l
test -r /data/sub/deep.txt && echo readable
test -e /data/nope || echo no-such-file
cat /nope; cat /data/in.txt/x; mkdir /tmp/out/a; echo x > /tmp/out
ls -d /etc; cd /data/sub && cat ../in.txt; cat /data/rel
exit 3`
	recorded, gs := recordRun(t, nil, "/bin/sh", "sh", "-c", script)
	require.Equal(t, "data\nh\nhello\nhello\nreadable\nno-such-file\n/etc\nhello\ndeep\n", recorded.out)
	require.Equal(t, "cat: /nope: No such file or directory\n"+
		"cat: /data/in.txt/x: Not a directory\n"+
		"mkdir: cannot create directory ‘/tmp/out/a’: File exists\n"+
		"sh: 8: cannot create /tmp/out: Is a directory\n", recorded.errs)
	require.Equal(t, posix.Exited(3), recorded.st)
	require.Equal(t, []string{
		"x /bin/cat", "x /bin/cp", "x /bin/ln", "x /bin/ls", "x /bin/mkdir", "x /bin/mv", "x /bin/rm",
		"x /bin/sh", "x /bin/touch",
		"r /data/in.txt", "- /data/rel", "r /data/sub/deep.txt",
		"- /etc",
		// mkdir -p made /tmp/out/a and /tmp/out/a/b: c on the first
		// covers the second, which leads to grants (and so opens for ls).
		"c /tmp/out/a", "wc /tmp/out/a/b/f", "rwc /tmp/out/a/b/g",
		"rwc /tmp/out/c", "c /tmp/out/l",
	}, grantLines(gs))
	requireMinimalReplay(t, nil, recorded, gs, "/bin/sh", "sh", "-c", script)
}

// recordSteps are calls whose results Grants must reproduce from the
// recording of an unconfined run: successes, and failures other than
// ENOENT.
func recordSteps() []probeStep {
	noerr := func(f func(p *cages.Proc) error) func(p *cages.Proc) (string, error) {
		return func(p *cages.Proc) (string, error) { return "", f(p) }
	}
	return []probeStep{
		{"open-read", openStep("/data/in.txt", posix.O_RDONLY)},
		{"open-missing", openStep("/data/nope", posix.O_RDONLY)},
		{"open-dir-for-write", openStep("/data/sub", posix.O_WRONLY)},
		{"open-ancestor", openStep("/work", posix.O_RDONLY|posix.O_DIRECTORY)},
		{"create", openStep("/tmp/out/new", posix.O_CREAT|posix.O_WRONLY)},
		{"create-excl-existing", openStep("/work/old.txt", posix.O_CREAT|posix.O_EXCL|posix.O_WRONLY)},
		{"open-existing-with-creat", openStep("/work/old.txt", posix.O_CREAT|posix.O_RDONLY)},
		{"creat-legacy", rawStep(posix.SYS_CREAT, rawPath("/tmp/out/legacy"), rawInt(0o644))},
		{"mkdir-existing", noerr(func(p *cages.Proc) error { return p.Mkdir("/drop", 0o755) })},
		{"mkdir", noerr(func(p *cages.Proc) error { return p.Mkdir("/drop/d", 0o755) })},
		{"rename-over", noerr(func(p *cages.Proc) error { return p.Rename("/tmp/out/new", "/tmp/out/legacy") })},
		{"rename-noreplace", noerr(func(p *cages.Proc) error {
			return p.Renameat2(posix.AT_FDCWD, "/tmp/out/legacy", posix.AT_FDCWD, "/work/old.txt", 1)
		})},
		{"link", rawStep(posix.SYS_LINK, rawPath("/tmp/out/legacy"), rawPath("/drop/hard"))},
		{"symlink", noerr(func(p *cages.Proc) error { return p.Symlink("../work/old.txt", "/drop/s") })},
		{"open-symlink", openStep("/drop/s", posix.O_RDONLY)},
		{"open-nofollow", openStep("/drop/s", posix.O_RDONLY|posix.O_NOFOLLOW)},
		{"readlink-host-symlink", func(p *cages.Proc) (string, error) { return p.Readlink("/data/l") }},
		{"stat-through", noerr(func(p *cages.Proc) error { _, err := p.Stat("/data/through"); return err })},
		{"stat-loop", noerr(func(p *cages.Proc) error { _, err := p.Stat("/secret/loop/x"); return err })},
		{"stat-enotdir", noerr(func(p *cages.Proc) error { _, err := p.Stat("/secret/key/x"); return err })},
		{"stat-dotdot", noerr(func(p *cages.Proc) error { _, err := p.Stat("/home/../etc/hostname"); return err })},
		{"rmdir-dotdot", noerr(func(p *cages.Proc) error { return p.Rmdir("/drop/d/..") })},
		{"unlink-dir", noerr(func(p *cages.Proc) error { return p.Unlink("/drop/d") })},
		{"chdir-relative", func(p *cages.Proc) (string, error) {
			if err := p.Chdir("/data/sub"); err != nil {
				return "", err
			}
			fd, err := p.Open("deep.txt", posix.O_RDONLY, 0)
			if err != nil {
				return "", err
			}
			p.Close(fd)
			return p.Getcwd()
		}},
		{"list", listDir("/tmp/out")},
		{"utimensat", noerr(func(p *cages.Proc) error { return p.Utimensat(posix.AT_FDCWD, "/work/old.txt", nil, 0) })},
		{"truncate-dir", noerr(func(p *cages.Proc) error { return p.Truncate("/usr", 0) })},
	}
}

func TestRecorder_Calls_ReplayTheSameResults(t *testing.T) {
	setup := func(k *cages.Kernel) {
		require.NoError(t, k.Install("/bin/probe", probeProgram(recordSteps())))
	}
	recorded, gs := recordRun(t, setup, "/bin/probe", "probe")
	require.Equal(t, `open-read: ok
open-missing: ENOENT
open-dir-for-write: EISDIR
open-ancestor: ok
create: ok
create-excl-existing: EEXIST
open-existing-with-creat: ok
creat-legacy: ok
mkdir-existing: EEXIST
mkdir: ok
rename-over: ok
rename-noreplace: EEXIST
link: ok
symlink: ok
open-symlink: ok
open-nofollow: ELOOP
readlink-host-symlink: ok /etc/passwd
stat-through: ok
stat-loop: ELOOP
stat-enotdir: ENOTDIR
stat-dotdot: ok
rmdir-dotdot: ENOTEMPTY
unlink-dir: EISDIR
chdir-relative: ok /data/sub
list: ok legacy
utimensat: ok
truncate-dir: EISDIR
`, recorded.out)
	require.Equal(t, []string{
		"x /bin/probe",
		"r /data/in.txt", "- /data/l", "r /data/sub/deep.txt", "- /data/through",
		"wc /drop/d", "c /drop/hard", "rc /drop/s",
		"- /etc/hostname", "- /home",
		"- /secret/key", "- /secret/loop",
		"rwc /tmp/out/legacy", "wc /tmp/out/new",
		"- /usr",
		"rw /work/old.txt",
	}, grantLines(gs))
	requireMinimalReplay(t, setup, recorded, gs, "/bin/probe", "probe")
}

func TestRecorder_Concurrent(t *testing.T) {
	// test, not [: our sh lists the working directory to glob a lone [.
	script := `i=0; while test $i -lt 8; do
  (mkdir /tmp/out/d$i && echo $i > /tmp/out/d$i/f && cat /tmp/out/d$i/f /data/in.txt) &
  i=$((i+1))
done; wait`
	recorded, gs := recordRun(t, nil, "/bin/sh", "sh", "-c", script)
	lines := strings.Split(strings.TrimSpace(recorded.out), "\n")
	sort.Strings(lines)
	require.Len(t, lines, 16)
	var want []string
	for i := 0; i < 8; i++ {
		want = append(want, fmt.Sprintf("c /tmp/out/d%d", i), fmt.Sprintf("rwc /tmp/out/d%d/f", i))
	}
	// A background job reads /dev/null.
	require.Equal(t, append([]string{"x /bin/cat", "x /bin/mkdir", "x /bin/sh", "r /data/in.txt", "r /dev/null"}, want...), grantLines(gs))
	got := replayRun(t, nil, gs, "/bin/sh", "sh", "-c", script)
	gotLines := strings.Split(strings.TrimSpace(got.out), "\n")
	sort.Strings(gotLines)
	require.Equal(t, lines, gotLines)
	require.Equal(t, recorded.errs, got.errs)
	require.Equal(t, recorded.st, got.st)
}

func TestRecorder_DevStdio_ThroughProcSelf(t *testing.T) {
	script := "echo out > /dev/stdout; echo err > /dev/stderr; cat /dev/stdin < /data/in.txt; cat /dev/fd/0 < /data/sub/deep.txt"
	recorded, gs := recordRun(t, nil, "/bin/sh", "sh", "-c", script)
	require.Equal(t, runResult{out: "out\nhello\ndeep\n", errs: "err\n", st: posix.Exited(0)}, recorded)
	// /dev/stdout leads to /proc/self/fd/1, a magic link to the open
	// file: the right is needed there; the links on the way need only be
	// seen, and the file behind fd 0 needs its own grant.
	require.Equal(t, []string{"x /bin/cat", "x /bin/sh", "r /data/in.txt", "r /data/sub/deep.txt",
		"- /dev/fd", "- /dev/stderr", "- /dev/stdin", "- /dev/stdout",
		"r /proc/self/fd/0", "w /proc/self/fd/1", "w /proc/self/fd/2"}, grantLines(gs))
	requireMinimalReplay(t, nil, recorded, gs, "/bin/sh", "sh", "-c", script)
}
