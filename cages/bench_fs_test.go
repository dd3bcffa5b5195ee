package cages_test

// Filesystem benchmarks (issue 3): a Go cage program making file calls
// through Proc, the 3i table, the kernel and the in-memory filesystem
// (/tmp of a new kernel), each beside the same system calls on the host
// kernel (bench_fs_host_linux_test.go) on a tmpfs (/dev/shm) or, if there
// is none, os.TempDir(). Targets: every operation at least 3× faster than
// the host's; directory operations O(1) or O(log n) per entry, shown by
// the cost per entry at 1,000, 10,000 and 100,000 entries.
//
// As in bench_test.go, each gocage variant runs in one cage whose program
// alone calls b.Loop; the files and directories it works on are made
// before the first b.Loop, which is not timed.

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Sizes of the filesystem benchmarks.
const (
	// fsFileSize is the size of the file and of each read and write in
	// BenchmarkFileRead4K and BenchmarkFileWrite4K.
	fsFileSize = 4 << 10
	// fsDentsBuf is the getdents64 buffer of BenchmarkListDir.
	fsDentsBuf = 32 << 10
)

// fsDirSizes are the directory sizes of BenchmarkCreateDelete and
// BenchmarkListDir, for the growth from 1,000 to 100,000 entries.
var fsDirSizes = []int{1000, 10000, 100000}

// fsCageDir is the directory the gocage variants work in.
const fsCageDir = "/tmp/gocage-bench"

// fsNames returns the names of n files, all of one length.
func fsNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("f%07d", i)
	}
	return names
}

// fsCountDirents returns the number of linux_dirent64 records in buf.
func fsCountDirents(buf []byte) int {
	n := 0
	for len(buf) >= 19 {
		reclen := int(binary.LittleEndian.Uint16(buf[16:]))
		if reclen == 0 || reclen > len(buf) {
			break
		}
		n++
		buf = buf[reclen:]
	}
	return n
}

// cageFSFile makes fsCageDir and in it a file of fsFileSize bytes, and
// returns the file's path.
func cageFSFile(p *cages.Proc) (string, error) {
	if err := p.Mkdir(fsCageDir, 0o755); err != nil {
		return "", fmt.Errorf("mkdir: %w", err)
	}
	path := fsCageDir + "/file"
	fd, err := p.Open(path, posix.O_CREAT|posix.O_EXCL|posix.O_WRONLY, 0o644)
	if err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	defer p.Close(fd)
	if n, err := p.Write(fd, make([]byte, fsFileSize)); n != fsFileSize || err != nil {
		return "", fmt.Errorf("write: %d, %v", n, err)
	}
	return path, nil
}

// BenchmarkOpenClose measures open(O_RDONLY) and close of an existing
// file by its absolute path (three components). Target: ≥ 3× the host.
func BenchmarkOpenClose(b *testing.B) {
	b.Run("gocage", cageOpenClose)
	b.Run("host", hostOpenClose)
}

func cageOpenClose(b *testing.B) {
	b.ReportAllocs()
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		path, err := cageFSFile(p)
		if err != nil {
			failure = err
			return 1
		}
		for b.Loop() {
			fd, err := p.Open(path, posix.O_RDONLY|posix.O_CLOEXEC, 0)
			if err != nil {
				failure = fmt.Errorf("open: %w", err)
				return 1
			}
			if err := p.Close(fd); err != nil {
				failure = fmt.Errorf("close: %w", err)
				return 1
			}
		}
		return 0
	})
}

// BenchmarkStat measures stat of an existing file by its absolute path.
// Target: ≥ 3× the host.
func BenchmarkStat(b *testing.B) {
	b.Run("gocage", cageStat)
	b.Run("host", hostStat)
}

func cageStat(b *testing.B) {
	b.ReportAllocs()
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		path, err := cageFSFile(p)
		if err != nil {
			failure = err
			return 1
		}
		for b.Loop() {
			st, err := p.Stat(path)
			if err != nil || st.Size != fsFileSize {
				failure = fmt.Errorf("stat: size %d, %v", st.Size, err)
				return 1
			}
		}
		return 0
	})
}

// BenchmarkFileRead4K measures pread of 4 KiB at offset 0 of a 4 KiB file
// open for reading. Target: ≥ 3× the host.
func BenchmarkFileRead4K(b *testing.B) {
	b.Run("gocage", func(b *testing.B) { cageFileIO4K(b, false) })
	b.Run("host", func(b *testing.B) { hostFileIO4K(b, false) })
}

// BenchmarkFileWrite4K measures pwrite of 4 KiB at offset 0 of a 4 KiB
// file (overwriting it; the size does not change). Target: ≥ 3× the host.
func BenchmarkFileWrite4K(b *testing.B) {
	b.Run("gocage", func(b *testing.B) { cageFileIO4K(b, true) })
	b.Run("host", func(b *testing.B) { hostFileIO4K(b, true) })
}

func cageFileIO4K(b *testing.B, write bool) {
	b.ReportAllocs()
	b.SetBytes(fsFileSize)
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		path, err := cageFSFile(p)
		if err != nil {
			failure = err
			return 1
		}
		fd, err := p.Open(path, posix.O_RDWR, 0)
		if err != nil {
			failure = fmt.Errorf("open: %w", err)
			return 1
		}
		buf := make([]byte, fsFileSize)
		for i := range buf {
			buf[i] = byte(i)
		}
		for b.Loop() {
			var n int
			if write {
				n, err = p.Pwrite(fd, buf, 0)
			} else {
				n, err = p.Pread(fd, buf, 0)
			}
			if n != fsFileSize || err != nil {
				failure = fmt.Errorf("pread/pwrite (write %v): %d, %v", write, n, err)
				return 1
			}
		}
		return 0
	})
}

// BenchmarkCreateDelete measures, per op, creating n files in one empty
// directory (openat O_CREAT|O_EXCL relative to the directory's fd, then
// close) and then unlinking all n; the directory is empty again at the end
// of each op. It reports the cost per file (ns/file: one create, one close
// and one unlink) so that its growth with n shows. Targets: at 10,000
// files ≥ 3× the host; ns/file at 100,000 no more than about 3× that at
// 1,000.
func BenchmarkCreateDelete(b *testing.B) {
	b.Run("gocage", func(b *testing.B) {
		for _, n := range fsDirSizes {
			b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { cageCreateDelete(b, n) })
		}
	})
	b.Run("host", func(b *testing.B) {
		for _, n := range fsDirSizes {
			b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { hostCreateDelete(b, n) })
		}
	})
}

func cageCreateDelete(b *testing.B, n int) {
	b.ReportAllocs()
	var failure error
	iters := 0
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		names := fsNames(n)
		if err := p.Mkdir(fsCageDir, 0o755); err != nil {
			failure = fmt.Errorf("mkdir: %w", err)
			return 1
		}
		dir, err := p.Open(fsCageDir, posix.O_RDONLY|posix.O_DIRECTORY, 0)
		if err != nil {
			failure = fmt.Errorf("open dir: %w", err)
			return 1
		}
		for b.Loop() {
			iters++
			for _, name := range names {
				fd, err := p.Openat(dir, name, posix.O_CREAT|posix.O_EXCL|posix.O_WRONLY|posix.O_CLOEXEC, 0o644)
				if err != nil {
					failure = fmt.Errorf("create %s: %w", name, err)
					return 1
				}
				p.Close(fd)
			}
			for _, name := range names {
				if err := p.Unlinkat(dir, name, 0); err != nil {
					failure = fmt.Errorf("unlink %s: %w", name, err)
					return 1
				}
			}
		}
		return 0
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/file")
}

// BenchmarkListDir measures reading a whole directory of n files with
// getdents64 and a 32 KiB buffer (lseek to 0, then getdents64 until it
// returns 0). The files are made before the timing starts. It reports the
// cost per entry (ns/entry). Targets: at 10,000 entries ≥ 3× the host;
// ns/entry at 100,000 no more than about 3× that at 1,000.
func BenchmarkListDir(b *testing.B) {
	b.Run("gocage", func(b *testing.B) {
		for _, n := range fsDirSizes {
			b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { cageListDir(b, n) })
		}
	})
	b.Run("host", func(b *testing.B) {
		for _, n := range fsDirSizes {
			b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { hostListDir(b, n) })
		}
	})
}

func cageListDir(b *testing.B, n int) {
	b.ReportAllocs()
	var failure error
	iters := 0
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		if err := p.Mkdir(fsCageDir, 0o755); err != nil {
			failure = fmt.Errorf("mkdir: %w", err)
			return 1
		}
		dir, err := p.Open(fsCageDir, posix.O_RDONLY|posix.O_DIRECTORY, 0)
		if err != nil {
			failure = fmt.Errorf("open dir: %w", err)
			return 1
		}
		for _, name := range fsNames(n) {
			fd, err := p.Openat(dir, name, posix.O_CREAT|posix.O_EXCL|posix.O_WRONLY, 0o644)
			if err != nil {
				failure = fmt.Errorf("create %s: %w", name, err)
				return 1
			}
			p.Close(fd)
		}
		buf := make([]byte, fsDentsBuf)
		for b.Loop() {
			if _, err := p.Lseek(dir, 0, posix.SEEK_SET); err != nil {
				failure = fmt.Errorf("lseek: %w", err)
				return 1
			}
			seen := 0
			for {
				m, err := p.Getdents64(dir, buf)
				if err != nil {
					failure = fmt.Errorf("getdents64: %w", err)
					return 1
				}
				if m == 0 {
					break
				}
				if iters == 0 {
					seen += fsCountDirents(buf[:m])
				}
			}
			if iters == 0 && seen != n+2 {
				failure = fmt.Errorf("listed %d entries, want %d", seen, n+2)
				return 1
			}
			iters++
		}
		return 0
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/entry")
}
