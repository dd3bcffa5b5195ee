//go:build linux

package cages_test

// The host twins of the filesystem benchmarks in bench_fs_test.go: the same
// system calls (through golang.org/x/sys/unix, one trap each) on a tmpfs,
// /dev/shm, when it is one, else in os.TempDir(). Which one is logged once
// per run as "hostfs: ..." (benchreport prints it with the machine).

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// hostFSBase is the directory the host twins make their directories in,
// and a description of it; chosen once per process.
var hostFSBase = sync.OnceValues(func() (string, string) {
	var st unix.Statfs_t
	if err := unix.Statfs("/dev/shm", &st); err == nil && st.Type == unix.TMPFS_MAGIC {
		return "/dev/shm", "/dev/shm (tmpfs)"
	}
	dir := os.TempDir()
	kind := "not tmpfs"
	if err := unix.Statfs(dir, &st); err == nil {
		kind = fmt.Sprintf("filesystem type %#x", st.Type)
		if st.Type == unix.TMPFS_MAGIC {
			kind = "tmpfs"
		}
	}
	return dir, fmt.Sprintf("%s (%s; /dev/shm is not a tmpfs)", dir, kind)
})

// hostFSLogged makes the "hostfs:" line appear once per process.
var hostFSLogged sync.Once

// hostFSDir returns a new empty directory for one host twin, removed when
// b ends.
func hostFSDir(b *testing.B) string {
	b.Helper()
	base, desc := hostFSBase()
	hostFSLogged.Do(func() { b.Logf("hostfs: %s", desc) })
	dir, err := os.MkdirTemp(base, "gocage-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// hostFSFile makes a file of fsFileSize bytes in a new directory and
// returns its path.
func hostFSFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(hostFSDir(b), "file")
	if err := os.WriteFile(path, make([]byte, fsFileSize), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

func hostOpenClose(b *testing.B) {
	b.ReportAllocs()
	path := hostFSFile(b)
	for b.Loop() {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := unix.Close(fd); err != nil {
			b.Fatal(err)
		}
	}
}

func hostStat(b *testing.B) {
	b.ReportAllocs()
	path := hostFSFile(b)
	var st unix.Stat_t
	for b.Loop() {
		if err := unix.Stat(path, &st); err != nil || st.Size != fsFileSize {
			b.Fatalf("stat: size %d, %v", st.Size, err)
		}
	}
}

func hostFileIO4K(b *testing.B, write bool) {
	b.ReportAllocs()
	b.SetBytes(fsFileSize)
	fd, err := unix.Open(hostFSFile(b), unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(fd)
	buf := make([]byte, fsFileSize)
	for i := range buf {
		buf[i] = byte(i)
	}
	for b.Loop() {
		var n int
		if write {
			n, err = unix.Pwrite(fd, buf, 0)
		} else {
			n, err = unix.Pread(fd, buf, 0)
		}
		if n != fsFileSize || err != nil {
			b.Fatalf("pread/pwrite (write %v): %d, %v", write, n, err)
		}
	}
}

// hostOpenDir opens dir for openat and getdents64.
func hostOpenDir(b *testing.B, dir string) int {
	b.Helper()
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(fd) })
	return fd
}

func hostCreateDelete(b *testing.B, n int) {
	b.ReportAllocs()
	names := fsNames(n)
	dir := hostOpenDir(b, hostFSDir(b))
	iters := 0
	for b.Loop() {
		iters++
		for _, name := range names {
			fd, err := unix.Openat(dir, name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
			if err != nil {
				b.Fatalf("create %s: %v", name, err)
			}
			unix.Close(fd)
		}
		for _, name := range names {
			if err := unix.Unlinkat(dir, name, 0); err != nil {
				b.Fatalf("unlink %s: %v", name, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/file")
}

func hostListDir(b *testing.B, n int) {
	b.ReportAllocs()
	dir := hostOpenDir(b, hostFSDir(b))
	for _, name := range fsNames(n) {
		fd, err := unix.Openat(dir, name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			b.Fatalf("create %s: %v", name, err)
		}
		unix.Close(fd)
	}
	buf := make([]byte, fsDentsBuf)
	iters := 0
	for b.Loop() {
		if _, err := unix.Seek(dir, 0, unix.SEEK_SET); err != nil {
			b.Fatal(err)
		}
		seen := 0
		for {
			m, err := unix.Getdents(dir, buf)
			if err != nil {
				b.Fatal(err)
			}
			if m == 0 {
				break
			}
			if iters == 0 {
				seen += fsCountDirents(buf[:m])
			}
		}
		if iters == 0 && seen != n+2 {
			b.Fatalf("listed %d entries, want %d", seen, n+2)
		}
		iters++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/entry")
}
