package vfs_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
	"github.com/stretchr/testify/require"
)

func TestConcurrent_CreateRenameUnlinkOneDir(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	fs.Mkdir(ctx, vfs.Loc{}, "/tmp/d", 0o755)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				a := fmt.Sprintf("/tmp/d/f%d", (g*7+i)%20)
				b := fmt.Sprintf("/tmp/d/f%d", (g*3+i*5)%20)
				switch i % 5 {
				case 0:
					if d, err := fs.Open(ctx, vfs.Loc{}, a, posix.O_CREAT|posix.O_WRONLY, 0o644); err == 0 {
						d.DecRef()
					}
				case 1:
					fs.Rename(ctx, vfs.Loc{}, a, vfs.Loc{}, b, 0)
				case 2:
					fs.Unlink(ctx, vfs.Loc{}, a, 0)
				case 3:
					fs.Mkdir(ctx, vfs.Loc{}, a, 0o755)
				case 4:
					fs.Unlink(ctx, vfs.Loc{}, a, posix.AT_REMOVEDIR)
					if d, err := fs.Open(ctx, vfs.Loc{}, "/tmp/d", posix.O_RDONLY, 0); err == 0 {
						vfs.Getdents64(d, make([]byte, 256))
						d.DecRef()
					}
				}
			}
		}()
	}
	wg.Wait()
	ents, err := fs.ReadDir("/tmp/d")
	require.NoError(t, err)
	subdirs := 0
	for _, e := range ents {
		_, err := fs.Stat(ctx, vfs.Loc{}, "/tmp/d/"+e.Name, posix.AT_SYMLINK_NOFOLLOW)
		errno(t, 0, err, "stat listed entry")
		if e.Mode&posix.S_IFMT == posix.S_IFDIR {
			subdirs++
		}
	}
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/tmp/d", 0)
	require.Equal(t, uint64(2+subdirs), st.Nlink)
}

func TestConcurrent_CrossDirRenames_NoDeadlock(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	for _, d := range []string{"/tmp/a", "/tmp/b", "/tmp/a/x", "/tmp/b/y"} {
		fs.Mkdir(ctx, vfs.Loc{}, d, 0o755)
	}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/tmp/a/x", "/tmp/b/x", "/tmp/a/y", "/tmp/b/y", "/tmp/a/x/y", "/tmp/b/y/x"}
			for i := 0; i < 500; i++ {
				fs.Rename(ctx, vfs.Loc{}, paths[(g+i)%6], vfs.Loc{}, paths[(g*5+i*7)%6], 0)
			}
		}()
	}
	wg.Wait()
}

func TestConcurrent_WritesApplyWhole(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	open(t, fs, ctx, "/tmp/f", posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			d := open(t, fs, ctx, "/tmp/f", posix.O_WRONLY, 0)
			defer d.DecRef()
			block := bytes.Repeat([]byte{byte('a' + g)}, 8192)
			for i := 0; i < 200; i++ {
				d.File().Pwrite(nil, d, block, 0)
			}
		}()
		go func() {
			defer wg.Done()
			d := open(t, fs, ctx, "/tmp/f", posix.O_RDONLY, 0)
			defer d.DecRef()
			buf := make([]byte, 8192)
			for i := 0; i < 200; i++ {
				n, _ := d.File().Pread(nil, d, buf, 0)
				if n > 0 && bytes.Count(buf[:n], buf[:1]) != n {
					t.Errorf("torn read: %q...", buf[:16])
					return
				}
			}
		}()
	}
	// Appenders: every record lands whole.
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := open(t, fs, ctx, "/tmp/log", posix.O_CREAT|posix.O_WRONLY|posix.O_APPEND, 0o644)
			defer d.DecRef()
			for i := 0; i < 100; i++ {
				d.File().Write(nil, d, []byte(fmt.Sprintf("writer %d line %03d\n", g, i)))
			}
		}()
	}
	wg.Wait()
	b, err := fs.ReadFile("/tmp/log")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.Len(t, lines, 400)
	for _, l := range lines {
		require.Regexp(t, `^writer \d line \d{3}$`, l)
	}
}

// FuzzResolve checks path resolution's invariants: no panic, nothing
// outside a host mount is ever read, ".." at the root stays there.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"/mnt/../secret", "/mnt/up", "../../..", "/mnt/sub/deep", "/proc/self/fd/0/..",
		"/mnt/dotdot/dotdot/secret", "//mnt//./sub/", "/mnt/chain1", "a/b/c", "/dev/fd/../..", ""} {
		f.Add(s)
	}
	fs, ctx, base := hostSetup(f)
	d, _ := fs.Open(ctx, vfs.Loc{}, "/mnt/sub", posix.O_RDONLY, 0)
	ctx.Proc.(*fakeProc).install(d)
	f.Fuzz(func(t *testing.T, path string) {
		got, _ := readPath(fs, ctx, vfs.Loc{}, path)
		if got == secret {
			t.Fatalf("read the host secret through %q", path)
		}
		if l, err := fs.Chdir(ctx, vfs.Loc{}, path); err == 0 {
			p, err := fs.Getcwd(l)
			if err == 0 && !strings.HasPrefix(p, "/") {
				t.Fatalf("Getcwd after Chdir(%q) = %q", path, p)
			}
		}
		fs.Stat(ctx, vfs.Loc{}, path, posix.AT_SYMLINK_NOFOLLOW)
		fs.Readlink(ctx, vfs.Loc{}, path)
		if strings.Trim(path, "./") == "" && strings.HasPrefix(path, "/") {
			l, err := fs.Chdir(ctx, vfs.Loc{}, path)
			if err == 0 {
				p, _ := fs.Getcwd(l)
				if p != "/" {
					t.Fatalf("Chdir(%q) left the root: %q", path, p)
				}
			}
		}
		if b, err := os.ReadFile(filepath.Join(base, "secret")); err != nil || string(b) != secret {
			t.Fatalf("host secret changed")
		}
	})
}
