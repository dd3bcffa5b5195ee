package vfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
)

// TestHostMount_Mkfifo_RealFIFOOnTheHost_OpensMeetInOnePipe: mkfifo in a
// host directory makes a FIFO on the host (mode with the umask applied,
// as Linux does), and the cage's opens of it meet in one kernel pipe
// with the FIFO open rules; nothing appears outside the directory.
func TestHostMount_Mkfifo_RealFIFOOnTheHost_OpensMeetInOnePipe(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "box")
	require.NoError(t, os.Mkdir(dir, 0o755))
	fs := vfs.New(vfs.Options{})
	require.NoError(t, fs.Mount("/w", dir, false))
	ctx := user(fs)

	errno(t, 0, fs.Mknod(ctx, vfs.Loc{}, "/w/f", posix.S_IFIFO|0o666, 0), "mkfifo")
	fi, err := os.Lstat(filepath.Join(dir, "f"))
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&os.ModeNamedPipe, "a FIFO on the host")
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "the cage's umask 022 applies, not more")
	errno(t, posix.EEXIST, fs.Mknod(ctx, vfs.Loc{}, "/w/f", posix.S_IFIFO|0o666, 0), "mkfifo again")
	errno(t, 0, fs.Mknod(ctx, vfs.Loc{}, "/w/../tmp/f2", posix.S_IFIFO|0o666, 0), "mkfifo at /w/../tmp/f2 is /tmp/f2, in memory")
	_, err = os.Lstat(filepath.Join(base, "tmp"))
	require.True(t, os.IsNotExist(err), "nothing outside the mount")

	_, e := fs.Open(ctx, vfs.Loc{}, "/w/f", posix.O_WRONLY|posix.O_NONBLOCK, 0)
	errno(t, posix.ENXIO, e, "O_WRONLY|O_NONBLOCK with no reader")
	r := open(t, fs, ctx, "/w/f", posix.O_RDONLY|posix.O_NONBLOCK, 0)
	w := open(t, fs, ctx, "/w/f", posix.O_WRONLY, 0)
	st, e := r.File().Stat(r)
	errno(t, 0, e, "fstat")
	require.Equal(t, uint32(posix.S_IFIFO), st.Mode&posix.S_IFMT)
	write(t, w, "through the host FIFO")
	w.DecRef()
	require.Equal(t, "through the host FIFO", readAll(t, r))

	ro := vfs.New(vfs.Options{})
	require.NoError(t, ro.Mount("/r", dir, true))
	errno(t, posix.EROFS, ro.Mknod(user(ro), vfs.Loc{}, "/r/g", posix.S_IFIFO|0o666, 0), "mkfifo in a read-only mount")
}
