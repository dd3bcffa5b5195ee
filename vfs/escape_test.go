package vfs_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
	"github.com/stretchr/testify/require"
)

const secret = "SECRET-HOST-DATA"

// hostSetup makes base/secret and base/granted (with sub/, f, and the
// planted symlinks), mounts granted at /mnt and base/ro read-only at /ro,
// and writes the cage's own /secret.
func hostSetup(t testing.TB) (*vfs.FS, *vfs.Ctx, string) {
	base := t.TempDir()
	g := filepath.Join(base, "granted")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(base, "secret"), []byte(secret), 0o644))
	must(os.MkdirAll(filepath.Join(g, "sub", "deeper"), 0o755))
	must(os.MkdirAll(filepath.Join(base, "ro"), 0o755))
	must(os.WriteFile(filepath.Join(base, "ro", "file"), []byte("ro"), 0o644))
	must(os.WriteFile(filepath.Join(g, "f"), []byte("inside"), 0o644))
	must(os.WriteFile(filepath.Join(g, "sub", "secret"), []byte("INSIDE"), 0o644))
	for name, target := range map[string]string{
		"abs":        "/etc/passwd",
		"up":         "../secret",
		"up2":        "../../secret",
		"chain1":     "chain2",
		"chain2":     "chain3",
		"chain3":     "../secret",
		"dotdot":     "..",
		"hostabs":    filepath.Join(base, "secret"),
		"hostdir":    base,
		"sub/deep":   "../../secret",
		"loop":       "loop",
		"subl":       "sub",
		"rootlink":   "/",
		"procescape": "/proc/self/root/secret",
	} {
		must(os.Symlink(target, filepath.Join(g, name)))
	}
	fs := vfs.New(vfs.Options{})
	require.NoError(t, fs.Mount("/mnt", g, false))
	require.NoError(t, fs.Mount("/ro", filepath.Join(base, "ro"), true))
	require.NoError(t, fs.WriteFile("/secret", []byte("CAGE"), 0o644))
	return fs, user(fs), base
}

// readPath opens and reads path, returning the content or the errno.
func readPath(fs *vfs.FS, ctx *vfs.Ctx, at vfs.Loc, path string) (string, posix.Errno) {
	d, err := fs.Open(ctx, at, path, posix.O_RDONLY, 0)
	if err != 0 {
		return "", err
	}
	defer d.DecRef()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := d.File().Read(nil, d, buf)
		if err != 0 {
			return string(out), err
		}
		if n == 0 {
			return string(out), 0
		}
		out = append(out, buf[:n]...)
	}
}

func TestEscapeCorpus(t *testing.T) {
	fs, ctx, base := hostSetup(t)
	passwd, _ := fs.ReadFile("/etc/passwd")
	sub := open(t, fs, ctx, "/mnt/sub", posix.O_RDONLY|posix.O_DIRECTORY, 0)
	subLoc, _ := vfs.LocOf(sub)
	mnt := open(t, fs, ctx, "/mnt", posix.O_RDONLY|posix.O_DIRECTORY, 0)
	pv := ctx.Proc.(*fakeProc)
	subFd, mntFd := pv.install(sub), pv.install(mnt)
	cases := []struct {
		name string
		at   vfs.Loc
		path string
		want string // content, or "" with err
		err  posix.Errno
	}{
		{"dotdot", vfs.Loc{}, "/mnt/../secret", "CAGE", 0},
		{"dotdot chain", vfs.Loc{}, "/mnt/../../../../secret", "CAGE", 0},
		{"sub dotdot", vfs.Loc{}, "/mnt/sub/../../secret", "CAGE", 0},
		{"deeper dotdot", vfs.Loc{}, "/mnt/sub/deeper/../../../secret", "CAGE", 0},
		{"dot dotdot", vfs.Loc{}, "/mnt/./.././secret", "CAGE", 0},
		{"abs symlink", vfs.Loc{}, "/mnt/abs", string(passwd), 0},
		{"relative symlink out", vfs.Loc{}, "/mnt/up", "CAGE", 0},
		{"relative symlink out 2", vfs.Loc{}, "/mnt/up2", "CAGE", 0},
		{"chain", vfs.Loc{}, "/mnt/chain1", "CAGE", 0},
		{"dotdot symlink", vfs.Loc{}, "/mnt/dotdot/secret", "CAGE", 0},
		{"host absolute path symlink", vfs.Loc{}, "/mnt/hostabs", "", posix.ENOENT},
		{"host dir symlink", vfs.Loc{}, "/mnt/hostdir/secret", "", posix.ENOENT},
		{"nested symlink", vfs.Loc{}, "/mnt/sub/deep", "CAGE", 0},
		{"loop", vfs.Loc{}, "/mnt/loop", "", posix.ELOOP},
		{"symlink then dotdot", vfs.Loc{}, "/mnt/subl/../../secret", "CAGE", 0},
		{"root symlink", vfs.Loc{}, "/mnt/rootlink/secret", "CAGE", 0},
		{"proc root symlink", vfs.Loc{}, "/mnt/procescape", "", posix.ENOENT},
		{"dirfd dotdot", subLoc, "../../../secret", "CAGE", 0},
		{"dirfd deep dotdot", subLoc, "../../../../../../../../secret", "CAGE", 0},
		{"dirfd inside", subLoc, "secret", "INSIDE", 0},
		{"proc fd dotdot", vfs.Loc{}, "/proc/self/fd/" + itoa(subFd) + "/../../secret", "CAGE", 0},
		{"proc fd mount dotdot", vfs.Loc{}, "/proc/self/fd/" + itoa(mntFd) + "/../secret", "CAGE", 0},
		{"dev fd dotdot", vfs.Loc{}, "/dev/fd/" + itoa(mntFd) + "/../../../secret", "CAGE", 0},
		{"host path literally", vfs.Loc{}, filepath.ToSlash(filepath.Join(base, "secret")), "", posix.ENOENT},
		{"long path", vfs.Loc{}, "/mnt/" + strings.Repeat("sub/../", 600) + "../secret", "", posix.ENAMETOOLONG},
		{"long component", vfs.Loc{}, "/mnt/" + strings.Repeat("x", 256), "", posix.ENAMETOOLONG},
		{"triple dot", vfs.Loc{}, "/mnt/.../secret", "", posix.ENOENT},
		{"trailing slash dotdot", vfs.Loc{}, "/mnt/sub/../../secret/", "", posix.ENOTDIR},
		{"secret through file", vfs.Loc{}, "/mnt/f/../../secret", "", posix.ENOTDIR},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readPath(fs, ctx, c.at, c.path)
			require.NotEqual(t, secret, got, "read the host secret through %q", c.path)
			errno(t, c.err, err, "Open(%q)", c.path)
			require.Equal(t, c.want, got)
		})
	}
	// Creation and modification through planted links stay inside too.
	t.Run("create through host-absolute symlink", func(t *testing.T) {
		_, err := fs.Open(ctx, vfs.Loc{}, "/mnt/hostabs", posix.O_CREAT|posix.O_WRONLY|posix.O_TRUNC, 0o644)
		errno(t, posix.ENOENT, err, "create")
	})
	t.Run("truncate through relative symlink hits the cage file", func(t *testing.T) {
		errno(t, posix.EACCES, fs.Truncate(ctx, vfs.Loc{}, "/mnt/up", 0), "truncate /secret (root's)")
	})
	t.Run("rename out of the mount", func(t *testing.T) {
		errno(t, posix.EXDEV, fs.Rename(ctx, vfs.Loc{}, "/mnt/f", vfs.Loc{}, "/tmp/f", 0), "rename")
	})
	t.Run("link out of the mount", func(t *testing.T) {
		errno(t, posix.EXDEV, fs.Link(ctx, vfs.Loc{}, "/mnt/f", vfs.Loc{}, "/tmp/f", 0), "link")
	})
	t.Run("stat through dotdot", func(t *testing.T) {
		st, err := fs.Stat(ctx, vfs.Loc{}, "/mnt/dotdot/secret", 0)
		errno(t, 0, err, "stat")
		require.Equal(t, int64(4), st.Size, "the cage's /secret")
	})
	t.Run("getcwd after dotdot", func(t *testing.T) {
		l, err := fs.Chdir(ctx, vfs.Loc{}, "/mnt/sub/../..")
		errno(t, 0, err, "chdir")
		p, _ := fs.Getcwd(l)
		require.Equal(t, "/", p)
	})
	t.Run("read-only mount", func(t *testing.T) {
		_, err := fs.Open(ctx, vfs.Loc{}, "/ro/file", posix.O_WRONLY, 0)
		errno(t, posix.EROFS, err, "open for write")
		_, err = fs.Open(ctx, vfs.Loc{}, "/ro/new", posix.O_CREAT|posix.O_WRONLY, 0o644)
		errno(t, posix.EROFS, err, "create")
		errno(t, posix.EROFS, fs.Unlink(ctx, vfs.Loc{}, "/ro/file", 0), "unlink")
		errno(t, posix.EROFS, fs.Mkdir(ctx, vfs.Loc{}, "/ro/d", 0o755), "mkdir")
		errno(t, posix.EROFS, fs.Chmod(ctx, vfs.Loc{}, "/ro/file", 0o777, 0), "chmod")
		errno(t, posix.EROFS, fs.Truncate(ctx, vfs.Loc{}, "/ro/file", 0), "truncate")
		got, err := readPath(fs, ctx, vfs.Loc{}, "/ro/file")
		errno(t, 0, err, "read")
		require.Equal(t, "ro", got)
	})
	t.Run("listing shows only the granted dir", func(t *testing.T) {
		ents, err := fs.ReadDir("/mnt")
		require.NoError(t, err)
		for _, e := range ents {
			require.NotEqual(t, "secret", e.Name)
			require.NotEqual(t, "granted", e.Name)
		}
	})
	b, err := os.ReadFile(filepath.Join(base, "secret"))
	require.NoError(t, err)
	require.Equal(t, secret, string(b), "host secret untouched")
}

func TestHostMount_Operations(t *testing.T) {
	fs, ctx, base := hostSetup(t)
	d := open(t, fs, ctx, "/mnt/new", posix.O_CREAT|posix.O_RDWR|posix.O_EXCL, 0o640)
	write(t, d, "hello")
	st, err := d.File().Stat(d)
	errno(t, 0, err, "fstat")
	require.Equal(t, int64(5), st.Size)
	require.Equal(t, uint32(1000), st.Uid, "host files appear owned by the cage user")
	d.DecRef()
	b, _ := os.ReadFile(filepath.Join(base, "granted", "new"))
	require.Equal(t, "hello", string(b))
	a := open(t, fs, ctx, "/mnt/new", posix.O_WRONLY|posix.O_APPEND, 0)
	write(t, a, "!")
	a.DecRef()
	got, _ := readPath(fs, ctx, vfs.Loc{}, "/mnt/new")
	require.Equal(t, "hello!", got)
	errno(t, 0, fs.Mkdir(ctx, vfs.Loc{}, "/mnt/dir", 0o755), "mkdir")
	errno(t, 0, fs.Rename(ctx, vfs.Loc{}, "/mnt/new", vfs.Loc{}, "/mnt/dir/moved", 0), "rename")
	errno(t, posix.ENOTEMPTY, fs.Unlink(ctx, vfs.Loc{}, "/mnt/dir", posix.AT_REMOVEDIR), "rmdir")
	errno(t, posix.EINVAL, fs.Rename(ctx, vfs.Loc{}, "/mnt/dir", vfs.Loc{}, "/mnt/dir/x", 0), "into own subtree")
	errno(t, 0, fs.Unlink(ctx, vfs.Loc{}, "/mnt/dir/moved", 0), "unlink")
	errno(t, 0, fs.Unlink(ctx, vfs.Loc{}, "/mnt/dir", posix.AT_REMOVEDIR), "rmdir")
	errno(t, 0, fs.Symlink(ctx, "f", vfs.Loc{}, "/mnt/ln"), "symlink")
	got, _ = readPath(fs, ctx, vfs.Loc{}, "/mnt/ln")
	require.Equal(t, "inside", got)
	dir := open(t, fs, ctx, "/mnt", posix.O_RDONLY, 0)
	buf := make([]byte, 8192)
	n, err := vfs.Getdents64(dir, buf)
	errno(t, 0, err, "getdents")
	require.Contains(t, string(buf[:n]), "chain1\x00")
	p, _ := fs.Getcwd(func() vfs.Loc { l, _ := fs.Chdir(ctx, vfs.Loc{}, "/mnt/sub/deeper"); return l }())
	require.Equal(t, "/mnt/sub/deeper", p)
}

func TestNewHostRoot(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "secret"), []byte(secret), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "hostname"), []byte("h\n"), 0o644))
	fs, err := vfs.NewHostRoot(root, false, vfs.Options{})
	require.NoError(t, err)
	ctx := user(fs)
	got, e := readPath(fs, ctx, vfs.Loc{}, "/../secret")
	errno(t, posix.ENOENT, e, "escape")
	require.NotEqual(t, secret, got)
	got, e = readPath(fs, ctx, vfs.Loc{}, "/etc/hostname")
	errno(t, 0, e, "read")
	require.Equal(t, "h\n", got)
	d := open(t, fs, ctx, "/dev/null", posix.O_WRONLY, 0)
	write(t, d, "x")
	require.NoError(t, fs.Install("/bin/prog", 1))
	ex, e := fs.Exec(ctx, vfs.Loc{}, "/bin/prog")
	errno(t, 0, e, "exec")
	require.Equal(t, 1, ex.Program)
}

// TestEscape_SwapRace races a goroutine swapping a directory with a
// symlink pointing out of the granted tree against opens through it.
func TestEscape_SwapRace(t *testing.T) {
	fs, ctx, base := hostSetup(t)
	g := filepath.Join(base, "granted")
	swap := filepath.Join(g, "swap")
	require.NoError(t, os.MkdirAll(swap, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(swap, "secret"), []byte("INSIDE"), 0o644))
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			tmp := filepath.Join(g, "swap.tmp")
			if i%2 == 0 {
				os.Remove(tmp)
				os.Rename(swap, filepath.Join(g, "swapdir"))
				target := base
				if i%4 == 0 {
					target = ".."
				}
				os.Symlink(target, tmp)
				os.Rename(tmp, swap)
			} else {
				os.Remove(swap)
				os.Rename(filepath.Join(g, "swapdir"), swap)
			}
		}
	}()
	for i := 0; i < 2000; i++ {
		got, _ := readPath(fs, ctx, vfs.Loc{}, "/mnt/swap/secret")
		if got == secret {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("read the host secret on attempt %d", i)
		}
		require.Contains(t, []string{"", "INSIDE", "CAGE"}, got)
	}
	stop.Store(true)
	wg.Wait()
}
