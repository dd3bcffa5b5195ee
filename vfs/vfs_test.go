package vfs_test

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
	"github.com/stretchr/testify/require"
)

func TestDefaultTree(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	for _, c := range []struct {
		path string
		mode uint32
	}{
		{"/bin", posix.S_IFDIR | 0o755}, {"/tmp", posix.S_IFDIR | 0o1777}, {"/dev/null", posix.S_IFCHR | 0o666},
		{"/etc/passwd", posix.S_IFREG | 0o644}, {"/proc", posix.S_IFDIR | 0o555},
	} {
		st, err := fs.Stat(ctx, vfs.Loc{}, c.path, posix.AT_SYMLINK_NOFOLLOW)
		errno(t, 0, err, c.path)
		require.Equal(t, c.mode, st.Mode, c.path)
	}
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/dev/urandom", 0)
	require.Equal(t, uint64(1<<8|9), st.Rdev)
	l, err := fs.Readlink(ctx, vfs.Loc{}, "/dev/stdout")
	errno(t, 0, err, "readlink")
	require.Equal(t, "/proc/self/fd/1", l)
	b, err2 := fs.ReadFile("/etc/passwd")
	require.NoError(t, err2)
	require.Contains(t, string(b), "root:x:0:0:")
	require.Contains(t, string(b), ":1000:1000:")
}

func TestDevices(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	d := open(t, fs, ctx, "/dev/null", posix.O_RDWR, 0)
	write(t, d, "abc")
	require.Equal(t, "", readAll(t, d))
	z := open(t, fs, ctx, "/dev/zero", posix.O_RDONLY, 0)
	buf := []byte{1, 2, 3}
	n, _ := z.File().Read(fdtable.HostTask{}, z, buf)
	require.Equal(t, 3, n)
	require.Equal(t, []byte{0, 0, 0}, buf)
	f := open(t, fs, ctx, "/dev/full", posix.O_WRONLY, 0)
	_, err := f.File().Write(fdtable.HostTask{}, f, []byte("x"))
	errno(t, posix.ENOSPC, err, "write /dev/full")
}

func TestOpen_Errnos(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	require.NoError(t, fs.WriteFile("/tmp/f", []byte("hello"), 0o644))
	require.NoError(t, fs.WriteFile("/tmp/ro", []byte("x"), 0o400))
	fs.Chown(&vfs.Ctx{}, vfs.Loc{}, "/tmp/ro", 0, 0, 0)
	errno(t, 0, fs.Symlink(ctx, "f", vfs.Loc{}, "/tmp/lnk"), "symlink")
	errno(t, 0, fs.Symlink(ctx, "loop2", vfs.Loc{}, "/tmp/loop1"), "symlink")
	errno(t, 0, fs.Symlink(ctx, "loop1", vfs.Loc{}, "/tmp/loop2"), "symlink")
	long := strings.Repeat("a", 256)
	for _, c := range []struct {
		name  string
		path  string
		flags int
		want  posix.Errno
	}{
		{"empty", "", 0, posix.ENOENT},
		{"missing", "/tmp/nope", 0, posix.ENOENT},
		{"excl exists", "/tmp/f", posix.O_CREAT | posix.O_EXCL | posix.O_WRONLY, posix.EEXIST},
		{"dir for write", "/tmp", posix.O_WRONLY, posix.EISDIR},
		{"dir creat", "/tmp", posix.O_CREAT | posix.O_RDONLY, posix.EISDIR},
		{"O_DIRECTORY on file", "/tmp/f", posix.O_DIRECTORY, posix.ENOTDIR},
		{"nofollow symlink", "/tmp/lnk", posix.O_NOFOLLOW, posix.ELOOP},
		{"loop", "/tmp/loop1", 0, posix.ELOOP},
		{"long component", "/tmp/" + long, 0, posix.ENAMETOOLONG},
		{"long path", "/" + strings.Repeat("a/", 2048), 0, posix.ENAMETOOLONG},
		{"trailing slash on file", "/tmp/f/", 0, posix.ENOTDIR},
		{"through file", "/tmp/f/x", 0, posix.ENOTDIR},
		{"no permission", "/tmp/ro", posix.O_RDONLY, posix.EACCES},
		{"creat in root dir", "/newfile", posix.O_CREAT | posix.O_WRONLY, posix.EACCES},
		{"creat trailing slash", "/tmp/newdir/", posix.O_CREAT | posix.O_WRONLY, posix.EISDIR},
		{"NUL", "/tmp/a\x00b", 0, posix.EINVAL},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := fs.Open(ctx, vfs.Loc{}, c.path, c.flags, 0o644)
			if d != nil {
				d.DecRef()
			}
			errno(t, c.want, err, "Open(%q)", c.path)
		})
	}
}

func TestFile_ReadWriteSeekAppend(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	d := open(t, fs, ctx, "/tmp/f", posix.O_RDWR|posix.O_CREAT, 0o666)
	require.Equal(t, posix.O_LARGEFILE|posix.O_RDWR, d.Flags())
	st, _ := d.File().Stat(d)
	require.Equal(t, uint32(posix.S_IFREG|0o644), st.Mode, "umask applied")
	require.Equal(t, uint32(1000), st.Uid)
	write(t, d, "hello world")
	off, err := d.File().Seek(d, 0, posix.SEEK_SET)
	errno(t, 0, err, "seek")
	require.Zero(t, off)
	require.Equal(t, "hello world", readAll(t, d))
	_, err = d.File().Seek(d, -100, posix.SEEK_CUR)
	errno(t, posix.EINVAL, err, "negative seek")
	end, _ := d.File().Seek(d, 0, posix.SEEK_END)
	require.Equal(t, int64(11), end)
	// A hole reads as zeros.
	d.File().Seek(d, 20, posix.SEEK_SET)
	write(t, d, "!")
	buf := make([]byte, 21)
	n, _ := d.File().Pread(fdtable.HostTask{}, d, buf, 0)
	require.Equal(t, 21, n)
	require.Equal(t, "hello world\x00\x00\x00\x00\x00\x00\x00\x00\x00!", string(buf))
	a := open(t, fs, ctx, "/tmp/f", posix.O_WRONLY|posix.O_APPEND, 0)
	a.File().Pwrite(fdtable.HostTask{}, a, []byte("END"), 0)
	st, _ = a.File().Stat(a)
	require.Equal(t, int64(24), st.Size, "pwrite on O_APPEND appends")
	var nread int64
	d.File().Seek(d, 4, posix.SEEK_SET)
	errno(t, 0, d.File().Ioctl(nil, d, posix.FIONREAD, &nread), "fionread")
	require.Equal(t, int64(20), nread)
	errno(t, 0, vfs.Ftruncate(d, 5), "ftruncate")
	ro := open(t, fs, ctx, "/tmp/f", posix.O_RDONLY, 0)
	errno(t, posix.EINVAL, vfs.Ftruncate(ro, 1), "ftruncate read-only fd")
	require.Equal(t, "hello", readAll(t, ro))
	tr := open(t, fs, ctx, "/tmp/f", posix.O_WRONLY|posix.O_TRUNC, 0)
	st, _ = tr.File().Stat(tr)
	require.Zero(t, st.Size)
}

func TestUnlinkedFileStaysReadable(t *testing.T) {
	// The limit leaves 100 bytes beside /etc's files.
	etc := 0
	for _, p := range []string{"/etc/passwd", "/etc/group", "/etc/hostname", "/etc/hosts", "/etc/nsswitch.conf"} {
		b, _ := vfs.New(vfs.Options{}).ReadFile(p)
		etc += len(b)
	}
	fs := vfs.New(vfs.Options{SizeLimit: int64(100 + etc)})
	ctx := user(fs)
	d := open(t, fs, ctx, "/tmp/f", posix.O_RDWR|posix.O_CREAT, 0o644)
	write(t, d, strings.Repeat("x", 80))
	errno(t, 0, fs.Unlink(ctx, vfs.Loc{}, "/tmp/f", 0), "unlink")
	st, _ := d.File().Stat(d)
	require.Zero(t, st.Nlink)
	d.File().Seek(d, 0, posix.SEEK_SET)
	require.Len(t, readAll(t, d), 80)
	// The space is still held: a second file gets only what is left.
	e := open(t, fs, ctx, "/tmp/g", posix.O_RDWR|posix.O_CREAT, 0o644)
	n, err := e.File().Write(nil, e, make([]byte, 50))
	errno(t, 0, err, "partial write")
	require.Equal(t, 20, n)
	_, err = e.File().Write(nil, e, []byte("y"))
	errno(t, posix.ENOSPC, err, "full")
	d.DecRef()
	n, err = e.File().Write(nil, e, make([]byte, 50))
	errno(t, 0, err, "after the unlinked file closed")
	require.Equal(t, 50, n)
}

func TestMkdirRmdirUnlink_Errnos(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	errno(t, 0, fs.Mkdir(ctx, vfs.Loc{}, "/tmp/d", 0o777), "mkdir")
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/tmp/d", 0)
	require.Equal(t, uint32(posix.S_IFDIR|0o755), st.Mode)
	require.Equal(t, uint64(2), st.Nlink)
	errno(t, 0, fs.Mkdir(ctx, vfs.Loc{}, "/tmp/d/sub/", 0o777), "mkdir trailing slash")
	st, _ = fs.Stat(ctx, vfs.Loc{}, "/tmp/d", 0)
	require.Equal(t, uint64(3), st.Nlink, "2 + subdirs")
	require.NoError(t, fs.WriteFile("/tmp/d/file", nil, 0o644))
	fs.Symlink(ctx, "/nowhere", vfs.Loc{}, "/tmp/dangling")
	for _, c := range []struct {
		name string
		err  posix.Errno
		want posix.Errno
	}{
		{"mkdir exists", fs.Mkdir(ctx, vfs.Loc{}, "/tmp/d", 0o777), posix.EEXIST},
		{"mkdir dangling symlink", fs.Mkdir(ctx, vfs.Loc{}, "/tmp/dangling", 0o777), posix.EEXIST},
		{"mkdir no parent", fs.Mkdir(ctx, vfs.Loc{}, "/tmp/x/y", 0o777), posix.ENOENT},
		{"mkdir in /", fs.Mkdir(ctx, vfs.Loc{}, "/x", 0o777), posix.EACCES},
		{"mkdir /", fs.Mkdir(ctx, vfs.Loc{}, "/", 0o777), posix.EEXIST},
		{"rmdir non-empty", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d", posix.AT_REMOVEDIR), posix.ENOTEMPTY},
		{"rmdir file", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/file", posix.AT_REMOVEDIR), posix.ENOTDIR},
		{"rmdir dot", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/.", posix.AT_REMOVEDIR), posix.EINVAL},
		{"rmdir dotdot", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/sub/..", posix.AT_REMOVEDIR), posix.ENOTEMPTY},
		{"rmdir root", fs.Unlink(ctx, vfs.Loc{}, "/", posix.AT_REMOVEDIR), posix.EBUSY},
		{"unlink dir", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d", 0), posix.EISDIR},
		{"unlink trailing slash", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/file/", 0), posix.ENOTDIR},
		{"unlink missing", fs.Unlink(ctx, vfs.Loc{}, "/tmp/none", 0), posix.ENOENT},
		{"unlink bad flag", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/file", 1), posix.EINVAL},
		{"unlink /etc/passwd", fs.Unlink(ctx, vfs.Loc{}, "/etc/passwd", 0), posix.EACCES},
		{"rmdir /proc (mountpoint)", fs.Unlink(&vfs.Ctx{}, vfs.Loc{}, "/proc", posix.AT_REMOVEDIR), posix.EBUSY},
		{"mknod chr", fs.Mknod(ctx, vfs.Loc{}, "/tmp/c", posix.S_IFCHR|0o666, 1<<8|3), posix.EPERM},
		{"mknod fifo", fs.Mknod(ctx, vfs.Loc{}, "/tmp/fifo", posix.S_IFIFO|0o666, 0), 0},
		{"truncate fifo", fs.Truncate(ctx, vfs.Loc{}, "/tmp/fifo", 0), posix.EINVAL},
		{"truncate dir", fs.Truncate(ctx, vfs.Loc{}, "/tmp/d", 0), posix.EISDIR},
		{"unlink file", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/file", 0), 0},
		{"rmdir sub", fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/sub", posix.AT_REMOVEDIR), 0},
	} {
		errno(t, c.want, c.err, c.name)
	}
}

func TestStickyTmp(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	alice := user(fs)
	bob := user(fs)
	bob.Cred = vfs.Cred{UID: 1001, GID: 1001}
	d := open(t, fs, alice, "/tmp/a", posix.O_CREAT|posix.O_WRONLY, 0o666)
	d.DecRef()
	errno(t, posix.EPERM, fs.Unlink(bob, vfs.Loc{}, "/tmp/a", 0), "bob removes alice's file in /tmp")
	errno(t, posix.EPERM, fs.Rename(bob, vfs.Loc{}, "/tmp/a", vfs.Loc{}, "/tmp/b", 0), "bob renames it")
	errno(t, 0, fs.Unlink(alice, vfs.Loc{}, "/tmp/a", 0), "alice does")
}

func TestRename_Errnos(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	for _, p := range []string{"/tmp/a", "/tmp/a/b", "/tmp/e", "/tmp/full"} {
		errno(t, 0, fs.Mkdir(ctx, vfs.Loc{}, p, 0o755), p)
	}
	require.NoError(t, fs.WriteFile("/tmp/full/x", nil, 0o644))
	require.NoError(t, fs.WriteFile("/tmp/f", []byte("F"), 0o644))
	require.NoError(t, fs.WriteFile("/tmp/g", []byte("G"), 0o644))
	fs.Chown(&vfs.Ctx{}, vfs.Loc{}, "/tmp/f", 1000, 1000, 0)
	fs.Chown(&vfs.Ctx{}, vfs.Loc{}, "/tmp/g", 1000, 1000, 0)
	for _, c := range []struct {
		name     string
		old, new string
		flags    int
		want     posix.Errno
	}{
		{"into own subtree", "/tmp/a", "/tmp/a/b/c", 0, posix.EINVAL},
		{"onto non-empty", "/tmp/e", "/tmp/full", 0, posix.ENOTEMPTY},
		{"dir onto file", "/tmp/e", "/tmp/f", 0, posix.ENOTDIR},
		{"file onto dir", "/tmp/f", "/tmp/e", 0, posix.EISDIR},
		{"across mounts", "/tmp/f", "/proc/f", 0, posix.EXDEV},
		{"missing", "/tmp/none", "/tmp/z", 0, posix.ENOENT},
		{"dot", "/tmp/a/.", "/tmp/z", 0, posix.EBUSY},
		{"noreplace", "/tmp/f", "/tmp/g", vfs.RENAME_NOREPLACE, posix.EEXIST},
		{"bad flags", "/tmp/f", "/tmp/g", 8, posix.EINVAL},
		{"file trailing slash", "/tmp/f/", "/tmp/h", 0, posix.ENOTDIR},
		{"replace file", "/tmp/f", "/tmp/g", 0, 0},
		{"dir onto empty dir", "/tmp/e", "/tmp/a/b", 0, 0},
		{"same file", "/tmp/g", "/tmp/g", 0, 0},
	} {
		errno(t, c.want, fs.Rename(ctx, vfs.Loc{}, c.old, vfs.Loc{}, c.new, c.flags), c.name)
	}
	b, _ := fs.ReadFile("/tmp/g")
	require.Equal(t, "F", string(b))
	_, err := fs.Stat(ctx, vfs.Loc{}, "/tmp/f", 0)
	errno(t, posix.ENOENT, err, "old name gone")
}

func TestLinkSymlinkReadlink(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	d := open(t, fs, ctx, "/tmp/f", posix.O_CREAT|posix.O_WRONLY, 0o644)
	write(t, d, "data")
	errno(t, 0, fs.Link(ctx, vfs.Loc{}, "/tmp/f", vfs.Loc{}, "/tmp/h", 0), "link")
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/tmp/h", 0)
	require.Equal(t, uint64(2), st.Nlink)
	st2, _ := d.File().Stat(d)
	require.Equal(t, st.Ino, st2.Ino)
	errno(t, posix.EEXIST, fs.Link(ctx, vfs.Loc{}, "/tmp/f", vfs.Loc{}, "/tmp/h", 0), "link exists")
	errno(t, posix.EPERM, fs.Link(ctx, vfs.Loc{}, "/tmp", vfs.Loc{}, "/tmp/dl", 0), "link dir")
	errno(t, posix.EXDEV, fs.Link(ctx, vfs.Loc{}, "/tmp/f", vfs.Loc{}, "/proc/x", 0), "link across mounts")
	errno(t, 0, fs.Symlink(ctx, "h", vfs.Loc{}, "/tmp/s"), "symlink")
	errno(t, posix.EEXIST, fs.Symlink(ctx, "h", vfs.Loc{}, "/tmp/s"), "symlink exists")
	errno(t, posix.ENOENT, fs.Symlink(ctx, "", vfs.Loc{}, "/tmp/s2"), "empty target")
	l, err := fs.Readlink(ctx, vfs.Loc{}, "/tmp/s")
	errno(t, 0, err, "readlink")
	require.Equal(t, "h", l)
	_, err = fs.Readlink(ctx, vfs.Loc{}, "/tmp/f")
	errno(t, posix.EINVAL, err, "readlink of a file")
	st, _ = fs.Stat(ctx, vfs.Loc{}, "/tmp/s", posix.AT_SYMLINK_NOFOLLOW)
	require.Equal(t, uint32(posix.S_IFLNK|0o777), st.Mode)
	require.Equal(t, int64(1), st.Size)
	// A dangling symlink: O_CREAT creates its target.
	fs.Symlink(ctx, "/tmp/target", vfs.Loc{}, "/tmp/dang")
	open(t, fs, ctx, "/tmp/dang", posix.O_CREAT|posix.O_WRONLY, 0o600).DecRef()
	_, err = fs.Stat(ctx, vfs.Loc{}, "/tmp/target", 0)
	errno(t, 0, err, "target created")
}

func TestChmodChownUtimensAccess(t *testing.T) {
	now := time.Unix(1700000000, 5)
	fs := vfs.New(vfs.Options{Clock: func() time.Time { return now }})
	ctx := user(fs)
	open(t, fs, ctx, "/tmp/f", posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	errno(t, 0, fs.Chmod(ctx, vfs.Loc{}, "/tmp/f", 0o600, 0), "chmod")
	errno(t, posix.EPERM, fs.Chmod(ctx, vfs.Loc{}, "/etc/passwd", 0o777, 0), "chmod not owner")
	errno(t, posix.EPERM, fs.Chown(ctx, vfs.Loc{}, "/tmp/f", 0, -1, 0), "give away")
	errno(t, 0, fs.Chown(ctx, vfs.Loc{}, "/tmp/f", 1000, 1000, 0), "same ids")
	errno(t, posix.EPERM, fs.Chown(ctx, vfs.Loc{}, "/tmp/f", -1, 5, 0), "foreign group")
	errno(t, 0, fs.Access(ctx, vfs.Loc{}, "/tmp/f", posix.R_OK|posix.W_OK, 0), "access rw")
	errno(t, posix.EACCES, fs.Access(ctx, vfs.Loc{}, "/tmp/f", posix.X_OK, 0), "access x")
	errno(t, posix.EACCES, fs.Access(ctx, vfs.Loc{}, "/etc/passwd", posix.W_OK, 0), "access w passwd")
	errno(t, posix.EINVAL, fs.Access(ctx, vfs.Loc{}, "/tmp/f", 8, 0), "bad mode")
	ts := [2]posix.Timespec{{Sec: 10, Nsec: 0}, {Sec: 0, Nsec: vfs.UTIME_OMIT}}
	errno(t, 0, fs.Utimens(ctx, vfs.Loc{}, "/tmp/f", &ts, 0), "utimens")
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/tmp/f", 0)
	require.Equal(t, int64(10), st.Atim.Sec)
	require.Equal(t, now.Unix(), st.Mtim.Sec)
	require.Equal(t, uint32(posix.S_IFREG|0o600), st.Mode)
	errno(t, posix.EPERM, fs.Utimens(ctx, vfs.Loc{}, "/etc/passwd", &ts, 0), "explicit times, not owner")
	bad := [2]posix.Timespec{{Nsec: 2e9}, {}}
	errno(t, posix.EINVAL, fs.Utimens(ctx, vfs.Loc{}, "/tmp/f", &bad, 0), "bad nsec")
	sf, err := fs.Statfs(ctx, vfs.Loc{}, "/tmp")
	errno(t, 0, err, "statfs")
	require.Equal(t, int64(0x01021994), sf.Type)
}

func TestGetdents64(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	fs.Mkdir(ctx, vfs.Loc{}, "/tmp/d", 0o755)
	for _, n := range []string{"a", "bb", "ccc"} {
		open(t, fs, ctx, "/tmp/d/"+n, posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	}
	d := open(t, fs, ctx, "/tmp/d", posix.O_RDONLY|posix.O_DIRECTORY, 0)
	_, err := vfs.Getdents64(d, make([]byte, 10))
	errno(t, posix.EINVAL, err, "tiny buffer")
	names := func(buf []byte) (out []string) {
		for len(buf) > 0 {
			reclen := binary.LittleEndian.Uint16(buf[16:])
			require.Zero(t, reclen%8)
			name := buf[19:reclen]
			out = append(out, string(name[:strings.IndexByte(string(name), 0)]))
			buf = buf[reclen:]
		}
		return out
	}
	buf := make([]byte, 48) // two records
	n, err := vfs.Getdents64(d, buf)
	errno(t, 0, err, "getdents")
	require.Equal(t, []string{".", ".."}, names(buf[:n]))
	// Removing an entry not yet read and adding one keeps the position.
	fs.Unlink(ctx, vfs.Loc{}, "/tmp/d/bb", 0)
	open(t, fs, ctx, "/tmp/d/dddd", posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	big := make([]byte, 4096)
	n, _ = vfs.Getdents64(d, big)
	require.Equal(t, []string{"a", "ccc", "dddd"}, names(big[:n]))
	n, _ = vfs.Getdents64(d, big)
	require.Zero(t, n, "end of directory")
	f := open(t, fs, ctx, "/tmp/d/a", posix.O_RDONLY, 0)
	_, err = vfs.Getdents64(f, big)
	errno(t, posix.ENOTDIR, err, "getdents on a file")
	ents, err2 := fs.ReadDir("/tmp/d")
	require.NoError(t, err2)
	require.Len(t, ents, 3)
}

func TestCwdChdirGetcwd(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	fs.Mkdir(ctx, vfs.Loc{}, "/tmp/w", 0o755)
	loc, err := fs.Chdir(ctx, vfs.Loc{}, "/tmp/w")
	errno(t, 0, err, "chdir")
	ctx.Cwd = loc
	p, err := fs.Getcwd(loc)
	errno(t, 0, err, "getcwd")
	require.Equal(t, "/tmp/w", p)
	open(t, fs, ctx, "rel", posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	_, err = fs.Stat(ctx, vfs.Loc{}, "/tmp/w/rel", 0)
	errno(t, 0, err, "relative create")
	_, err = fs.Chdir(ctx, vfs.Loc{}, "rel")
	errno(t, posix.ENOTDIR, err, "chdir to file")
	_, err = fs.Chdir(ctx, vfs.Loc{}, "/root")
	errno(t, posix.EACCES, err, "chdir to /root")
	fs.Unlink(ctx, vfs.Loc{}, "/tmp/w/rel", 0)
	fs.Unlink(ctx, vfs.Loc{}, "/tmp/w", posix.AT_REMOVEDIR)
	_, err = fs.Getcwd(loc)
	errno(t, posix.ENOENT, err, "getcwd of a removed dir")
	p, _ = fs.Getcwd(fs.Root())
	require.Equal(t, "/", p)
	up, _ := fs.Chdir(ctx, vfs.Loc{}, "/../../..")
	p, _ = fs.Getcwd(up)
	require.Equal(t, "/", p, ".. at / stays at /")
}

func TestOpenPath(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	d := open(t, fs, ctx, "/tmp", posix.O_PATH|posix.O_DIRECTORY, 0)
	_, err := d.File().Read(nil, d, make([]byte, 1))
	errno(t, posix.EBADF, err, "read O_PATH")
	st, err := d.File().Stat(d)
	errno(t, 0, err, "fstat O_PATH")
	require.True(t, st.Mode&posix.S_IFDIR != 0)
	loc, ok := vfs.LocOf(d)
	require.True(t, ok)
	open(t, fs, ctx, "/tmp/x", posix.O_CREAT|posix.O_WRONLY, 0o644).DecRef()
	_, err = fs.Stat(ctx, loc, "x", 0)
	errno(t, 0, err, "O_PATH as dirfd")
}

func TestFIFO(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	errno(t, 0, fs.Mknod(ctx, vfs.Loc{}, "/tmp/p", posix.S_IFIFO|0o644, 0), "mkfifo")
	_, err := fs.Open(ctx, vfs.Loc{}, "/tmp/p", posix.O_WRONLY|posix.O_NONBLOCK, 0)
	errno(t, posix.ENXIO, err, "nonblocking writer, no reader")
	r := open(t, fs, ctx, "/tmp/p", posix.O_RDONLY|posix.O_NONBLOCK, 0)
	w := open(t, fs, ctx, "/tmp/p", posix.O_WRONLY|posix.O_TRUNC, 0)
	write(t, w, "hi")
	buf := make([]byte, 10)
	n, _ := r.File().Read(nil, r, buf)
	require.Equal(t, "hi", string(buf[:n]))
	st, _ := r.File().Stat(r)
	st2, _ := fs.Stat(ctx, vfs.Loc{}, "/tmp/p", 0)
	require.Equal(t, st2.Ino, st.Ino)
	require.Equal(t, uint32(posix.S_IFIFO|0o644), st.Mode)
	errno(t, posix.EINVAL, vfs.Ftruncate(w, 0), "ftruncate fifo")
	w.DecRef()
	r.DecRef()
}

func TestProcSelf(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	pv := ctx.Proc.(*fakeProc)
	f := open(t, fs, ctx, "/tmp/f", posix.O_CREAT|posix.O_RDWR, 0o644)
	write(t, f, "content")
	fd := pv.install(f)
	l, err := fs.Readlink(ctx, vfs.Loc{}, "/proc/self/fd/"+itoa(fd))
	errno(t, 0, err, "readlink fd")
	require.Equal(t, "/tmp/f", l)
	g := open(t, fs, ctx, "/dev/fd/"+itoa(fd), posix.O_RDONLY, 0)
	require.Equal(t, "content", readAll(t, g), "a fresh description at offset 0")
	st, _ := fs.Stat(ctx, vfs.Loc{}, "/proc/self/status", 0)
	require.True(t, st.Mode&posix.S_IFREG != 0)
	s := readAll(t, open(t, fs, ctx, "/proc/self/status", posix.O_RDONLY, 0))
	require.Contains(t, s, "Name:\tsh\n")
	require.Contains(t, s, "Pid:\t42\n")
	require.Contains(t, s, "PPid:\t1\n")
	require.Contains(t, s, "Uid:\t1000\t1000\t1000\t1000\n")
	require.Equal(t, "sh\x00-c\x00x\x00", readAll(t, open(t, fs, ctx, "/proc/self/cmdline", posix.O_RDONLY, 0)))
	dir := open(t, fs, ctx, "/proc/self/fd", posix.O_RDONLY, 0)
	buf := make([]byte, 4096)
	n, err := vfs.Getdents64(dir, buf)
	errno(t, 0, err, "getdents /proc/self/fd")
	require.NotZero(t, n)
	_, err = fs.Stat(&vfs.Ctx{}, vfs.Loc{}, "/proc/self", 0)
	errno(t, posix.ENOENT, err, "no /proc/self outside a cage")
	fs.Unlink(ctx, vfs.Loc{}, "/tmp/f", 0)
	l, _ = fs.Readlink(ctx, vfs.Loc{}, "/proc/self/fd/"+itoa(fd))
	require.Equal(t, "/tmp/f (deleted)", l)
}

func TestInstallExec(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	require.NoError(t, fs.Install("/bin/true", "TRUE"))
	ex, err := fs.Exec(ctx, vfs.Loc{}, "/bin/true")
	errno(t, 0, err, "exec program")
	require.Equal(t, vfs.ExecProgram, ex.Kind)
	require.Equal(t, "TRUE", ex.Program)
	require.Equal(t, "/bin/true", ex.Path)
	require.NoError(t, fs.WriteFile("/tmp/s", []byte("#! /bin/sh  -e -x \necho"), 0o755))
	ex, err = fs.Exec(ctx, vfs.Loc{}, "/tmp/s")
	errno(t, 0, err, "exec script")
	require.Equal(t, vfs.ExecScript, ex.Kind)
	require.Equal(t, "/bin/sh", ex.Interp)
	require.Equal(t, "-e -x", ex.InterpArg)
	require.NoError(t, fs.WriteFile("/tmp/w", []byte("\x00asm\x01\x00\x00\x00"), 0o755))
	ex, err = fs.Exec(ctx, vfs.Loc{}, "/tmp/w")
	errno(t, 0, err, "exec wasm")
	require.Equal(t, vfs.ExecWasm, ex.Kind)
	require.NoError(t, fs.WriteFile("/tmp/junk", []byte("junk"), 0o755))
	require.NoError(t, fs.WriteFile("/tmp/noexec", []byte("#!/bin/sh"), 0o644))
	require.NoError(t, fs.WriteFile("/tmp/long", []byte("#!/"+strings.Repeat("x", 300)), 0o755))
	for _, c := range []struct {
		path string
		want posix.Errno
	}{{"/tmp/junk", posix.ENOEXEC}, {"/tmp/noexec", posix.EACCES}, {"/tmp", posix.EACCES},
		{"/tmp/none", posix.ENOENT}, {"/tmp/long", posix.ENOEXEC}, {"/dev/null", posix.EACCES}} {
		_, err := fs.Exec(ctx, vfs.Loc{}, c.path)
		errno(t, c.want, err, "Exec(%q)", c.path)
	}
}
func itoa(i int) string { return strconv.Itoa(i) }

// Every cage shows in /proc as /proc/<pid>, not only the caller; the
// listing of /proc holds the pids; /proc/self/fd/N links are r-x, -wx or
// rwx by the description's access mode, with size 64, as on Linux.
func TestProcPids_FdLinkModes(t *testing.T) {
	fs := vfs.New(vfs.Options{})
	ctx := user(fs)
	pv := ctx.Proc.(*fakeProc)
	st, err := fs.Stat(ctx, vfs.Loc{}, "/proc/1", 0)
	errno(t, 0, err, "stat /proc/1")
	require.Equal(t, uint32(posix.S_IFDIR), st.Mode&posix.S_IFMT)
	require.Equal(t, "init\x00", readAll(t, open(t, fs, ctx, "/proc/1/cmdline", posix.O_RDONLY, 0)))
	require.Contains(t, readAll(t, open(t, fs, ctx, "/proc/42/status", posix.O_RDONLY, 0)), "Pid:\t42\n")
	_, err = fs.Stat(ctx, vfs.Loc{}, "/proc/7", 0)
	errno(t, posix.ENOENT, err, "stat /proc/7, no such cage")

	dir := open(t, fs, ctx, "/proc", posix.O_RDONLY|posix.O_DIRECTORY, 0)
	buf := make([]byte, 4096)
	n, err := vfs.Getdents64(dir, buf)
	errno(t, 0, err, "getdents /proc")
	var names []string
	for b := buf[:n]; len(b) > 0; {
		reclen := binary.LittleEndian.Uint16(b[16:])
		name := string(b[19:reclen])
		names = append(names, name[:strings.IndexByte(name, 0)])
		b = b[reclen:]
	}
	require.Equal(t, []string{".", "..", "self", "1", "42"}, names)

	for _, tc := range []struct {
		flags int
		mode  uint32
	}{{posix.O_RDONLY, 0o500}, {posix.O_WRONLY, 0o300}, {posix.O_RDWR, 0o700}} {
		fd := pv.install(open(t, fs, ctx, "/tmp/f", posix.O_CREAT|tc.flags, 0o644))
		st, err := fs.Stat(ctx, vfs.Loc{}, "/proc/self/fd/"+itoa(fd), posix.AT_SYMLINK_NOFOLLOW)
		errno(t, 0, err, "lstat fd %d", fd)
		require.Equal(t, posix.S_IFLNK|tc.mode, st.Mode, "mode of the link of an fd open %#o", tc.flags)
		require.Equal(t, int64(64), st.Size)
	}
}
