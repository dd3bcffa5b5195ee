package cages_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
)

// A file written by one cage is read back by another, with offsets,
// lseek, pread and pwrite as on Linux.
func TestFile_WriteReadSeek(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		fd, err := p.Open("/tmp/f", posix.O_CREAT|posix.O_RDWR|posix.O_EXCL, 0o644)
		check(t, p, err == nil, "Open(O_CREAT|O_EXCL) = %s", en(err))
		mustWrite(t, p, fd, "hello, world")
		off, err := p.Lseek(fd, 0, posix.SEEK_CUR)
		check(t, p, off == 12 && err == nil, "Lseek(CUR) = %d, %s; want 12", off, en(err))
		_, err = p.Lseek(fd, -20, posix.SEEK_CUR)
		check(t, p, err == posix.EINVAL, "Lseek(-20, CUR) = %s; want EINVAL", en(err))
		b := make([]byte, 5)
		n, err := p.Pread(fd, b, 7)
		check(t, p, n == 5 && string(b) == "world" && err == nil, "Pread(7) = %d %q %s", n, b, en(err))
		_, err = p.Pread(fd, b, -1)
		check(t, p, err == posix.EINVAL, "Pread(-1) = %s; want EINVAL", en(err))
		_, err = p.Open("/tmp/f", posix.O_CREAT|posix.O_EXCL|posix.O_RDWR, 0o644)
		check(t, p, err == posix.EEXIST, "second O_EXCL open = %s; want EEXIST", en(err))
		mustClose(t, p, fd)

		pid := mustFork(t, p, func(ch *cages.Proc) int {
			fd, err := ch.Open("/tmp/f", posix.O_RDONLY, 0)
			check(t, ch, err == nil, "child Open = %s", en(err))
			mustRead(t, ch, fd, "hello, world")
			_, err = ch.Write(fd, []byte("x"))
			check(t, ch, err == posix.EBADF, "Write on O_RDONLY = %s; want EBADF", en(err))
			fl, _ := ch.Fcntl(fd, posix.F_GETFL, 0)
			check(t, ch, fl == posix.O_RDONLY|posix.O_LARGEFILE, "F_GETFL = %#o; want O_RDONLY|O_LARGEFILE", fl)
			return 0
		})
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// O_APPEND writes go to the end, through every fd sharing the description.
func TestFile_O_APPEND_WritesAtEnd(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		a, _ := p.Open("/tmp/log", posix.O_CREAT|posix.O_WRONLY|posix.O_APPEND, 0o644)
		b, _ := p.Open("/tmp/log", posix.O_WRONLY|posix.O_APPEND, 0)
		mustWrite(t, p, a, "one\n")
		mustWrite(t, p, b, "two\n")
		mustWrite(t, p, a, "three\n")
		st, err := p.Stat("/tmp/log")
		check(t, p, err == nil && st.Size == 14, "Stat size = %d, %s; want 14", st.Size, en(err))
		return 0
	}))
}

// An unlinked file stays readable and writable through an open fd.
func TestFile_UnlinkedStaysOpen(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		fd, _ := p.Open("/tmp/gone", posix.O_CREAT|posix.O_RDWR, 0o600)
		check(t, p, p.Unlink("/tmp/gone") == nil, "Unlink failed")
		_, err := p.Stat("/tmp/gone")
		check(t, p, err == posix.ENOENT, "Stat after unlink = %s; want ENOENT", en(err))
		mustWrite(t, p, fd, "still here")
		p.Lseek(fd, 0, posix.SEEK_SET)
		mustRead(t, p, fd, "still here")
		st, _ := p.Fstat(fd)
		check(t, p, st.Nlink == 0, "Fstat nlink = %d; want 0", st.Nlink)
		return 0
	}))
}

// Paths fail with Linux's errnos.
func TestPath_Errnos(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		p.Mkdir("/tmp/d", 0o755)
		fd, _ := p.Open("/tmp/d/file", posix.O_CREAT|posix.O_WRONLY, 0o644)
		p.Close(fd)
		long := strings.Repeat("a", 256)
		for _, tc := range []struct {
			path  string
			flags int
			want  error
		}{
			{"", posix.O_RDONLY, posix.ENOENT},
			{"/nonexistent", posix.O_RDONLY, posix.ENOENT},
			{"/tmp/d/file/x", posix.O_RDONLY, posix.ENOTDIR},
			{"/tmp/d/file/", posix.O_RDONLY, posix.ENOTDIR},
			{"/tmp/d", posix.O_WRONLY, posix.EISDIR},
			{"/tmp/d/file", posix.O_RDONLY | posix.O_DIRECTORY, posix.ENOTDIR},
			{"/tmp/" + long, posix.O_RDONLY, posix.ENAMETOOLONG},
			{"/" + strings.Repeat("x/", 2100), posix.O_RDONLY, posix.ENAMETOOLONG},
			{"/etc/passwd", posix.O_WRONLY, posix.EACCES},
			{"/tmp/a\x00b", posix.O_RDONLY, posix.EINVAL},
		} {
			_, err := p.Open(tc.path, tc.flags, 0)
			check(t, p, err == tc.want, "Open(%.40q, %#o) = %s; want %s", tc.path, tc.flags, en(err), en(tc.want))
		}
		check(t, p, p.Rmdir("/tmp/d") == posix.ENOTEMPTY, "Rmdir non-empty: want ENOTEMPTY")
		check(t, p, p.Mkdir("/tmp/d", 0o755) == posix.EEXIST, "Mkdir existing: want EEXIST")
		check(t, p, p.Symlink("loop", "/tmp/loop") == nil, "Symlink failed")
		_, err := p.Open("/tmp/loop", posix.O_RDONLY, 0)
		check(t, p, err == posix.ELOOP, "Open(symlink loop) = %s; want ELOOP", en(err))
		_, err = p.Open("/tmp/loop", posix.O_RDONLY|posix.O_NOFOLLOW, 0)
		check(t, p, err == posix.ELOOP, "Open(O_NOFOLLOW on a symlink) = %s; want ELOOP", en(err))
		return 0
	}))
}

// chdir, getcwd and relative paths; getdents64 lists a directory.
func TestChdirGetcwdGetdents(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Mkdir("/tmp/w", 0o755) == nil && p.Chdir("/tmp/w") == nil, "Mkdir/Chdir")
		cwd, err := p.Getcwd()
		check(t, p, cwd == "/tmp/w" && err == nil, "Getcwd = %q, %s", cwd, en(err))
		for _, n := range []string{"b", "a", "c"} {
			fd, err := p.Open(n, posix.O_CREAT|posix.O_WRONLY, 0o644)
			check(t, p, err == nil, "Open(%s) = %s", n, en(err))
			p.Close(fd)
		}
		dfd, err := p.Open(".", posix.O_RDONLY|posix.O_DIRECTORY, 0)
		check(t, p, err == nil, "Open(.) = %s", en(err))
		names := map[string]bool{}
		buf := make([]byte, 4096)
		for {
			n, err := p.Getdents64(dfd, buf)
			check(t, p, err == nil, "Getdents64 = %s", en(err))
			if n == 0 {
				break
			}
			for off := 0; off < n; {
				reclen := int(binary.LittleEndian.Uint16(buf[off+16:]))
				name := buf[off+19 : off+reclen]
				names[strings.TrimRight(string(name), "\x00")] = true
				off += reclen
			}
		}
		check(t, p, len(names) == 5 && names["."] && names[".."] && names["a"] && names["b"] && names["c"], "Getdents64 names = %v", names)
		check(t, p, p.Chdir("/tmp/w/a") == posix.ENOTDIR, "Chdir(file): want ENOTDIR")
		check(t, p, p.Fchdir(dfd) == nil, "Fchdir")
		check(t, p, p.Chdir("..") == nil, "Chdir(..)")
		cwd, _ = p.Getcwd()
		check(t, p, cwd == "/tmp", "Getcwd after .. = %q", cwd)
		return 0
	}))
}

// execve decides by the file: an installed program runs, a #! script runs
// its interpreter with the script's path, a file without x is EACCES, a
// directory EACCES, garbage ENOEXEC, and interpreters nest only so deep.
func TestExecve_FromFiles(t *testing.T) {
	k := newKernel(cages.Config{})
	var got []string
	k.Install("/bin/interp", func(p *cages.Proc) int {
		got = append([]string(nil), p.Args()...)
		return 3
	})
	fs := k.FS()
	require.NoError(t, fs.WriteFile("/tmp/script", []byte("#!/bin/interp -x\necho hi\n"), 0o755))
	require.NoError(t, fs.WriteFile("/tmp/noexec", []byte("#!/bin/interp\n"), 0o644))
	require.NoError(t, fs.WriteFile("/tmp/garbage", []byte("\x7fELF not really"), 0o755))
	require.NoError(t, fs.WriteFile("/tmp/loop", []byte("#!/tmp/loop\n"), 0o755))
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			err := ch.Execve("/tmp/script", []string{"script", "arg1"}, nil)
			return fail(t, "Execve(script) = %s", en(err))
		})
		mustWait(t, p, pid, posix.Exited(3))
		for _, tc := range []struct {
			path string
			want error
		}{
			{"/tmp/noexec", posix.EACCES},
			{"/tmp", posix.EACCES},
			{"/tmp/garbage", posix.ENOEXEC},
			{"/tmp/loop", posix.ELOOP},
			{"/tmp/missing", posix.ENOENT},
		} {
			err := p.Execve(tc.path, []string{tc.path}, nil)
			check(t, p, err == tc.want, "Execve(%s) = %s; want %s", tc.path, en(err), en(tc.want))
		}
		return 0
	}))
	require.Equal(t, []string{"/bin/interp", "-x", "/tmp/script", "arg1"}, got)
}

// A FIFO opened for reading blocks until a writer comes; a signal
// interrupts the blocked open with EINTR.
func TestFIFO_OpenBlocksUntilPartner_EINTR(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Mkfifo("/tmp/fifo", 0o600) == nil, "Mkfifo")
		st, _ := p.Stat("/tmp/fifo")
		check(t, p, st.Mode&posix.S_IFMT == posix.S_IFIFO, "Stat mode = %#o", st.Mode)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			fd, err := ch.Open("/tmp/fifo", posix.O_WRONLY, 0)
			check(t, ch, err == nil, "writer Open = %s", en(err))
			mustWrite(t, ch, fd, "through the fifo")
			return 0
		})
		fd, err := p.Open("/tmp/fifo", posix.O_RDONLY, 0)
		check(t, p, err == nil, "reader Open = %s", en(err))
		mustRead(t, p, fd, "through the fifo")
		mustWait(t, p, pid, exited0)
		mustClose(t, p, fd)
		_, err = p.Open("/tmp/fifo", posix.O_WRONLY|posix.O_NONBLOCK, 0)
		check(t, p, err == posix.ENXIO, "O_WRONLY|O_NONBLOCK with no reader = %s; want ENXIO", en(err))

		g := newGate()
		catch(t, p, posix.SIGUSR1, 0, func(int) {})
		pid = mustFork(t, p, func(ch *cages.Proc) int {
			catch(t, ch, posix.SIGUSR1, 0, func(int) {})
			g.arm(ch, posix.SYS_OPENAT)
			_, err := ch.Open("/tmp/fifo", posix.O_RDONLY, 0)
			check(t, ch, err == posix.EINTR, "blocked FIFO open after a signal = %s; want EINTR", en(err))
			return 0
		})
		check(t, p, g.await(p, pid), "child never reached open")
		p.Kill(pid, posix.SIGUSR1)
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// /dev/null, /dev/zero, /dev/full and /proc/self behave as on Linux.
func TestDevicesAndProcSelf(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		fd, _ := p.Open("/dev/null", posix.O_RDWR, 0)
		n, err := p.Write(fd, []byte("gone"))
		check(t, p, n == 4 && err == nil, "write /dev/null = %d, %s", n, en(err))
		mustEOF(t, p, fd)
		full, _ := p.Open("/dev/full", posix.O_WRONLY, 0)
		_, err = p.Write(full, []byte("x"))
		check(t, p, err == posix.ENOSPC, "write /dev/full = %s; want ENOSPC", en(err))
		zero, _ := p.Open("/dev/zero", posix.O_RDONLY, 0)
		b := []byte("abc")
		n, _ = p.Read(zero, b)
		check(t, p, n == 3 && string(b) == "\x00\x00\x00", "read /dev/zero = %q", b)
		r, w := mustPipe(t, p)
		link, err := p.Readlink("/proc/self/fd/" + itoa(r))
		check(t, p, err == nil && strings.HasPrefix(link, "pipe:["), "Readlink(/proc/self/fd/r) = %q, %s", link, en(err))
		w2, err := p.Open("/dev/fd/"+itoa(w), posix.O_WRONLY, 0)
		check(t, p, err == nil, "Open(/dev/fd/w) = %s", en(err))
		mustWrite(t, p, w2, "via /dev/fd")
		mustRead(t, p, r, "via /dev/fd")
		sfd, err := p.Open("/proc/self/status", posix.O_RDONLY, 0)
		check(t, p, err == nil, "Open(/proc/self/status) = %s", en(err))
		buf := make([]byte, 4096)
		n, _ = p.Read(sfd, buf)
		check(t, p, strings.Contains(string(buf[:n]), "\nPid:\t"+itoa(p.Getpid())+"\n"), "status lacks Pid: %q", buf[:n])
		return 0
	}))
}

// The host seeds and reads the tree; a host directory mounted read-only is
// readable and refuses writes with EROFS; a path out of it through ".."
// lands in the cage's own tree.
func TestHostMount_ReadOnly(t *testing.T) {
	host := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(host, "data"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(host, "data", "in.txt"), []byte("from the host\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(host, "secret"), []byte("do not read"), 0o644))
	k := newKernel(cages.Config{})
	require.NoError(t, k.FS().Mount("/mnt", filepath.Join(host, "data"), true))
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		fd, err := p.Open("/mnt/in.txt", posix.O_RDONLY, 0)
		check(t, p, err == nil, "Open(/mnt/in.txt) = %s", en(err))
		mustRead(t, p, fd, "from the host\n")
		_, err = p.Open("/mnt/new", posix.O_CREAT|posix.O_WRONLY, 0o644)
		check(t, p, err == posix.EROFS, "create in a read-only mount = %s; want EROFS", en(err))
		_, err = p.Open("/mnt/../secret", posix.O_RDONLY, 0)
		check(t, p, err == posix.ENOENT, "Open(/mnt/../secret) = %s; want ENOENT (the cage's /secret)", en(err))
		out, _ := p.Open("/tmp/out.txt", posix.O_CREAT|posix.O_WRONLY, 0o644)
		mustWrite(t, p, out, "result\n")
		return 0
	}))
	got, err := k.FS().ReadFile("/tmp/out.txt")
	require.NoError(t, err)
	require.Equal(t, "result\n", string(got))
	_, err = os.Stat(filepath.Join(host, "data", "new"))
	require.True(t, os.IsNotExist(err))
	var _ = vfs.Loc{}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
