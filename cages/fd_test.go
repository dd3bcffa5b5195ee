package cages_test

import (
	"math"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// A Start-ed cage has fds 0, 1 and 2; a pipe gets the lowest two free
// numbers, and a closed number is reused before any higher one.
func TestFd_NewFd_IsLowestFree(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		check(t, p, r == 3 && w == 4, "Pipe() = %d, %d; want 3, 4", r, w)
		r2, w2 := mustPipe(t, p)
		check(t, p, r2 == 5 && w2 == 6, "Pipe() = %d, %d; want 5, 6", r2, w2)
		mustClose(t, p, 4)
		fd, err := p.Dup(r)
		check(t, p, fd == 4 && err == nil, "Dup(%d) with fd 4 free = %d, %s; want 4, nil", r, fd, en(err))
		mustClose(t, p, 0)
		fd, err = p.Dup(r)
		check(t, p, fd == 0 && err == nil, "Dup(%d) with fd 0 free = %d, %s; want 0, nil", r, fd, en(err))
		fd, err = p.Dup(r)
		check(t, p, fd == 7 && err == nil, "Dup(%d) with 0-6 used = %d, %s; want 7, nil", r, fd, en(err))
		return 0
	}))
}

func TestFcntl_F_DUPFD_LowestFreeAtOrAboveMin(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		for _, tc := range []struct{ min, want int }{
			{10, 10},
			{10, 11},
			{0, 5},
			{11, 12},
			{1023, 1023},
		} {
			fd, err := p.Fcntl(r, posix.F_DUPFD, tc.min)
			check(t, p, fd == tc.want && err == nil, "Fcntl(%d, F_DUPFD, %d) = %d, %s; want %d, nil", r, tc.min, fd, en(err), tc.want)
		}
		return 0
	}))
}

func TestFcntl_F_DUPFD_Errors(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		for _, tc := range []struct {
			name string
			min  int
			want posix.Errno
		}{
			{"minimum at the limit", 1024, posix.EINVAL},
			{"minimum above the limit", 5000, posix.EINVAL},
			{"negative minimum", -1, posix.EINVAL},
			{"INT_MIN minimum", math.MinInt32, posix.EINVAL},
		} {
			for _, cmd := range []int{posix.F_DUPFD, posix.F_DUPFD_CLOEXEC} {
				fd, err := p.Fcntl(r, cmd, tc.min)
				check(t, p, err == tc.want, "%s: Fcntl(%d, %d, %d) = %d, %s; want -1, %s", tc.name, r, cmd, tc.min, fd, en(err), tc.want.Name())
			}
		}

		// No free fd between the minimum and the limit: EMFILE.
		check(t, p, p.Setrlimit(posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 20, Max: 20}) == nil, "Setrlimit(NOFILE, 20)")
		for fd := 15; fd < 20; fd++ {
			got, err := p.Dup2(r, fd)
			check(t, p, got == fd && err == nil, "Dup2(%d, %d) = %d, %s", r, fd, got, en(err))
		}
		fd, err := p.Fcntl(r, posix.F_DUPFD, 15)
		check(t, p, err == posix.EMFILE, "Fcntl(%d, F_DUPFD, 15) with 15-19 used, limit 20 = %d, %s; want -1, EMFILE", r, fd, en(err))
		fd, err = p.Fcntl(r, posix.F_DUPFD, 14)
		check(t, p, fd == 14 && err == nil, "Fcntl(%d, F_DUPFD, 14) = %d, %s; want 14, nil", r, fd, en(err))
		return 0
	}))
}

func TestFcntl_F_DUPFD_CLOEXEC_SetsCloexec_F_DUPFD_ClearsIt(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _, err := p.Pipe2(posix.O_CLOEXEC)
		check(t, p, err == nil, "Pipe2(O_CLOEXEC) = %s", en(err))
		for _, tc := range []struct {
			cmd  int
			name string
			want int
		}{
			{posix.F_DUPFD, "F_DUPFD", 0},
			{posix.F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC", posix.FD_CLOEXEC},
		} {
			fd, err := p.Fcntl(r, tc.cmd, 0)
			check(t, p, err == nil, "Fcntl(%d, %s, 0) = %d, %s", r, tc.name, fd, en(err))
			got, err := p.Fcntl(fd, posix.F_GETFD, 0)
			check(t, p, got == tc.want && err == nil, "after %s: Fcntl(%d, F_GETFD) = %d, %s; want %d, nil", tc.name, fd, got, en(err), tc.want)
		}
		return 0
	}))
}

func TestDup_ClearsCloexecOnNewFd(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _, err := p.Pipe2(posix.O_CLOEXEC)
		check(t, p, err == nil, "Pipe2(O_CLOEXEC) = %s", en(err))
		fd, err := p.Dup(r)
		check(t, p, err == nil, "Dup(%d) = %s", r, en(err))
		got, err := p.Fcntl(fd, posix.F_GETFD, 0)
		check(t, p, got == 0 && err == nil, "Fcntl(dup, F_GETFD) = %d, %s; want 0, nil", got, en(err))
		got, err = p.Fcntl(r, posix.F_GETFD, 0)
		check(t, p, got == posix.FD_CLOEXEC && err == nil, "Fcntl(original, F_GETFD) = %d, %s; want FD_CLOEXEC, nil", got, en(err))

		// dup2 too: the target gets FD_CLOEXEC clear, even when the fd it
		// replaced had it set.
		_, w2, _ := p.Pipe2(posix.O_CLOEXEC)
		got, err = p.Dup2(r, w2)
		check(t, p, got == w2 && err == nil, "Dup2(%d, %d) = %d, %s", r, w2, got, en(err))
		got, err = p.Fcntl(w2, posix.F_GETFD, 0)
		check(t, p, got == 0 && err == nil, "Fcntl(dup2 target, F_GETFD) = %d, %s; want 0, nil", got, en(err))
		return 0
	}))
}

func TestDup2_SameFd_ReturnsFdIfValidElseEBADF(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		for _, tc := range []struct {
			fd   int
			want int
			err  error
		}{
			{r, r, nil},
			{1, 1, nil},
			{50, -1, posix.EBADF},
			{-1, -1, posix.EBADF},
			{100000, -1, posix.EBADF},
		} {
			got, err := p.Dup2(tc.fd, tc.fd)
			if tc.err != nil {
				check(t, p, err == tc.err, "Dup2(%d, %d) = %d, %s; want -1, %s", tc.fd, tc.fd, got, en(err), en(tc.err))
			} else {
				check(t, p, got == tc.want && err == nil, "Dup2(%d, %d) = %d, %s; want %d, nil", tc.fd, tc.fd, got, en(err), tc.want)
			}
		}
		// The valid fd was left open and untouched.
		got, err := p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, got == posix.O_RDONLY && err == nil, "Fcntl(%d, F_GETFL) after Dup2(%d, %d) = %d, %s; want O_RDONLY", r, r, r, got, en(err))
		return 0
	}))
}

// dup2 onto an open fd closes what was there without a word: here the
// write end of a pipe, whose reader then sees end of file.
func TestDup2_OntoOpenFd_ClosesItSilently(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r1, w1 := mustPipe(t, p)
		r2, w2 := mustPipe(t, p)
		got, err := p.Dup2(w1, w2)
		check(t, p, got == w2 && err == nil, "Dup2(%d, %d) = %d, %s; want %d, nil", w1, w2, got, en(err), w2)
		mustEOF(t, p, r2)
		// w2 now refers to pipe 1.
		mustWrite(t, p, w2, "via w2")
		mustRead(t, p, r1, "via w2")
		return 0
	}))
}

func TestDup3_Errors(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		for _, tc := range []struct {
			name           string
			old, new, flag int
			want           posix.Errno
		}{
			{"old == new", r, r, 0, posix.EINVAL},
			{"old == new with O_CLOEXEC", r, r, posix.O_CLOEXEC, posix.EINVAL},
			{"flags other than O_CLOEXEC", r, 10, posix.O_NONBLOCK, posix.EINVAL},
			{"flags 1", r, 10, 1, posix.EINVAL},
			{"target at the limit", r, 1024, 0, posix.EBADF},
			{"target above the limit", r, 1 << 20, 0, posix.EBADF},
			{"negative target", r, -1, 0, posix.EBADF},
			{"old not open", 50, 10, 0, posix.EBADF},
			{"old negative", -1, 10, 0, posix.EBADF},
		} {
			got, err := p.Dup3(tc.old, tc.new, tc.flag)
			check(t, p, err == tc.want, "%s: Dup3(%d, %d, %#x) = %d, %s; want -1, %s", tc.name, tc.old, tc.new, tc.flag, got, en(err), tc.want.Name())
		}
		// Nothing was created at 10.
		_, err := p.Fcntl(10, posix.F_GETFD, 0)
		check(t, p, err == posix.EBADF, "Fcntl(10, F_GETFD) after failed dup3s = %s; want EBADF", en(err))

		got, err := p.Dup3(r, 10, posix.O_CLOEXEC)
		check(t, p, got == 10 && err == nil, "Dup3(%d, 10, O_CLOEXEC) = %d, %s; want 10, nil", r, got, en(err))
		fl, err := p.Fcntl(10, posix.F_GETFD, 0)
		check(t, p, fl == posix.FD_CLOEXEC && err == nil, "Fcntl(10, F_GETFD) after Dup3(O_CLOEXEC) = %d, %s; want FD_CLOEXEC", fl, en(err))
		return 0
	}))
}

// The duplicate shares the open file description: the offset and the
// status flags, whichever fd changes them.
func TestDup_SharesOffsetAndStatusFlags(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		fd := openMem(t, p, "abcdefgh", posix.O_RDWR)
		dups := map[string]func() (int, error){
			"Dup":     func() (int, error) { return p.Dup(fd) },
			"Dup2":    func() (int, error) { return p.Dup2(fd, 20) },
			"Dup3":    func() (int, error) { return p.Dup3(fd, 21, posix.O_CLOEXEC) },
			"F_DUPFD": func() (int, error) { return p.Fcntl(fd, posix.F_DUPFD, 30) },
		}
		for name, dup := range dups {
			nfd, err := dup()
			check(t, p, err == nil, "%s(%d) = %d, %s", name, fd, nfd, en(err))
			// The offset: a read through one fd moves the other's.
			mustRead(t, p, fd, "ab")
			mustRead(t, p, nfd, "cdefgh")
			mustEOF(t, p, fd)

			// The status flags, both ways.
			_, err = p.Fcntl(nfd, posix.F_SETFL, posix.O_APPEND)
			check(t, p, err == nil, "Fcntl(%d, F_SETFL, O_APPEND) = %s", nfd, en(err))
			fl, _ := p.Fcntl(fd, posix.F_GETFL, 0)
			check(t, p, fl == posix.O_RDWR|posix.O_APPEND, "%s: F_GETFL of original after F_SETFL(O_APPEND) on dup = %#o; want O_RDWR|O_APPEND", name, fl)
			_, err = p.Fcntl(fd, posix.F_SETFL, 0)
			check(t, p, err == nil, "Fcntl(%d, F_SETFL, 0) = %s", fd, en(err))
			fl, _ = p.Fcntl(nfd, posix.F_GETFL, 0)
			check(t, p, fl == posix.O_RDWR, "%s: F_GETFL of dup after F_SETFL(0) on original = %#o; want O_RDWR", name, fl)
			mustClose(t, p, nfd)
			mustClose(t, p, fd)
			fd = openMem(t, p, "abcdefgh", posix.O_RDWR)
		}
		return 0
	}))
}

// FD_CLOEXEC belongs to the fd, not the description: F_SETFD on one fd
// leaves its duplicate alone. F_GETFD and F_SETFD speak FD_CLOEXEC = 1
// and ignore other bits.
func TestFcntl_F_GETFD_F_SETFD_PerFd(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		d, _ := p.Dup(r)
		for _, tc := range []struct {
			arg, want int
		}{
			{posix.FD_CLOEXEC, posix.FD_CLOEXEC},
			{0, 0},
			{posix.FD_CLOEXEC | 0x10, posix.FD_CLOEXEC},
			{0x10, 0},
		} {
			got, err := p.Fcntl(r, posix.F_SETFD, tc.arg)
			check(t, p, got == 0 && err == nil, "Fcntl(%d, F_SETFD, %#x) = %d, %s; want 0, nil", r, tc.arg, got, en(err))
			got, err = p.Fcntl(r, posix.F_GETFD, 0)
			check(t, p, got == tc.want && err == nil, "Fcntl(%d, F_GETFD) after F_SETFD(%#x) = %d, %s; want %d", r, tc.arg, got, en(err), tc.want)
		}
		_, _ = p.Fcntl(r, posix.F_SETFD, posix.FD_CLOEXEC)
		got, _ := p.Fcntl(d, posix.F_GETFD, 0)
		check(t, p, got == 0, "Fcntl(dup, F_GETFD) after F_SETFD on original = %d; want 0", got)

		// FIOCLEX and FIONCLEX are the ioctl spelling.
		check(t, p, p.Ioctl(d, posix.FIOCLEX, nil) == nil, "Ioctl(FIOCLEX)")
		got, _ = p.Fcntl(d, posix.F_GETFD, 0)
		check(t, p, got == posix.FD_CLOEXEC, "F_GETFD after FIOCLEX = %d; want 1", got)
		check(t, p, p.Ioctl(d, posix.FIONCLEX, nil) == nil, "Ioctl(FIONCLEX)")
		got, _ = p.Fcntl(d, posix.F_GETFD, 0)
		check(t, p, got == 0, "F_GETFD after FIONCLEX = %d; want 0", got)
		return 0
	}))
}

// F_GETFL reports the access mode and status flags; F_SETFL changes only
// the status flags (the access mode stays) and O_NONBLOCK takes effect.
func TestFcntl_F_GETFL_F_SETFL(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		got, err := p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, got == posix.O_RDONLY && err == nil, "Fcntl(read end, F_GETFL) = %#o, %s; want O_RDONLY", got, en(err))
		got, err = p.Fcntl(w, posix.F_GETFL, 0)
		check(t, p, got == posix.O_WRONLY && err == nil, "Fcntl(write end, F_GETFL) = %#o, %s; want O_WRONLY", got, en(err))

		_, err = p.Fcntl(r, posix.F_SETFL, posix.O_NONBLOCK|posix.O_RDWR)
		check(t, p, err == nil, "Fcntl(read end, F_SETFL, O_NONBLOCK|O_RDWR) = %s", en(err))
		got, _ = p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, got == posix.O_RDONLY|posix.O_NONBLOCK, "F_GETFL after F_SETFL(O_NONBLOCK|O_RDWR) = %#o; want O_RDONLY|O_NONBLOCK", got)
		n, err := p.Read(r, make([]byte, 8))
		check(t, p, err == posix.EAGAIN, "Read(empty pipe, O_NONBLOCK) = %d, %s; want 0, EAGAIN", n, en(err))
		n, err = p.Write(r, []byte("x"))
		check(t, p, err == posix.EBADF, "Write(read end after F_SETFL(O_RDWR)) = %d, %s; want EBADF", n, en(err))

		_, _ = p.Fcntl(r, posix.F_SETFL, 0)
		got, _ = p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, got == posix.O_RDONLY, "F_GETFL after F_SETFL(0) = %#o; want O_RDONLY", got)

		_, err = p.Fcntl(r, 9999, 0)
		check(t, p, err == posix.EINVAL, "Fcntl(fd, 9999) = %s; want EINVAL", en(err))
		return 0
	}))
}

// fork copies the fd table: the child's fds refer to the same
// descriptions, so the offset and the status flags are shared both ways.
func TestFork_FdsShareOffsetAndStatusFlags(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		fd := openMem(t, p, "0123456789", posix.O_RDWR)
		r, w := mustPipe(t, p)
		sr, sw := mustPipe(t, p) // the parent closes sw once its F_SETFL is done
		mustRead(t, p, fd, "01")
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, sw)
			mustRead(t, ch, fd, "234")
			_, err := ch.Fcntl(r, posix.F_SETFL, posix.O_NONBLOCK)
			check(t, ch, err == nil, "child: Fcntl(F_SETFL, O_NONBLOCK) = %s", en(err))
			mustEOF(t, ch, sr)
			fl, _ := ch.Fcntl(w, posix.F_GETFL, 0)
			check(t, ch, fl == posix.O_WRONLY|posix.O_NONBLOCK, "child: F_GETFL(write end) after parent's F_SETFL = %#o; want O_WRONLY|O_NONBLOCK", fl)
			return 0
		})
		_, err := p.Fcntl(w, posix.F_SETFL, posix.O_NONBLOCK)
		check(t, p, err == nil, "Fcntl(F_SETFL) = %s", en(err))
		mustClose(t, p, sw)
		mustWait(t, p, pid, exited0)
		mustRead(t, p, fd, "56789")
		fl, _ := p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, fl == posix.O_RDONLY|posix.O_NONBLOCK, "parent: F_GETFL(read end) after child's F_SETFL = %#o; want O_RDONLY|O_NONBLOCK", fl)
		return 0
	}))
}

func TestClose_NotOpen_EBADF(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		mustClose(t, p, r)
		err := p.Close(r)
		check(t, p, err == posix.EBADF, "Close(%d) twice = %s; want EBADF", r, en(err))
		return 0
	}))
}

// Bad descriptor numbers, negative or huge, are EBADF for every call that
// takes one: never a crash.
func TestFd_BadNumbers_EBADF(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		b := make([]byte, 4)
		var n int32
		for _, fd := range []int{-1, -2, math.MinInt32, math.MaxInt32, 1 << 20, 1023, 1024, 99} {
			calls := map[string]func() error{
				"Close":  func() error { return p.Close(fd) },
				"Read":   func() error { _, err := p.Read(fd, b); return err },
				"Write":  func() error { _, err := p.Write(fd, b); return err },
				"Readv":  func() error { _, err := p.Readv(fd, [][]byte{b}); return err },
				"Writev": func() error { _, err := p.Writev(fd, [][]byte{b}); return err },
				"Dup":    func() error { _, err := p.Dup(fd); return err },
				"Dup2":   func() error { _, err := p.Dup2(fd, 5); return err },
				"Dup2To": func() error { _, err := p.Dup2(1, fd); return err },
				"Dup3":   func() error { _, err := p.Dup3(fd, 5, 0); return err },
				"Fcntl":  func() error { _, err := p.Fcntl(fd, posix.F_GETFD, 0); return err },
				"Ioctl":  func() error { return p.Ioctl(fd, posix.FIONREAD, &n) },
			}
			for name, call := range calls {
				if name == "Dup2To" && fd >= 0 && fd < 1024 {
					continue // a valid target
				}
				err := call()
				check(t, p, err == posix.EBADF, "%s(fd %d) = %s; want EBADF", name, fd, en(err))
			}
		}
		// Reading the write end and writing the read end: EBADF too.
		r, w := mustPipe(t, p)
		_, err := p.Read(w, b)
		check(t, p, err == posix.EBADF, "Read(write end) = %s; want EBADF", en(err))
		_, err = p.Write(r, b)
		check(t, p, err == posix.EBADF, "Write(read end) = %s; want EBADF", en(err))
		return 0
	}))
}

func TestCloseRange_ClosesOrMarksCloexec_EINVAL(t *testing.T) {
	// openFds returns which of fds 0..19 are open.
	openFds := func(p *cages.Proc) []int {
		var open []int
		for fd := range 20 {
			if _, err := p.Fcntl(fd, posix.F_GETFD, 0); err == nil {
				open = append(open, fd)
			}
		}
		return open
	}
	cloexecFds := func(p *cages.Proc) []int {
		var on []int
		for fd := range 20 {
			if fl, err := p.Fcntl(fd, posix.F_GETFD, 0); err == nil && fl == posix.FD_CLOEXEC {
				on = append(on, fd)
			}
		}
		return on
	}
	for _, tc := range []struct {
		name        string
		first, last uint
		flags       int
		err         error
		open        []int
		cloexec     []int
	}{
		{"closes first..last inclusive", 4, 6, 0, nil, []int{0, 1, 2, 3, 7, 8, 9}, nil},
		{"to ~0 closes everything above", 5, math.MaxUint32, 0, nil, []int{0, 1, 2, 3, 4}, nil},
		{"first == last closes one", 9, 9, 0, nil, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, nil},
		{"holes and unopened fds are fine", 8, 100, 0, nil, []int{0, 1, 2, 3, 4, 5, 6, 7}, nil},
		{"CLOSE_RANGE_CLOEXEC marks, closes nothing", 3, 5, posix.CLOSE_RANGE_CLOEXEC, nil, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []int{3, 4, 5}},
		{"first > last: EINVAL", 6, 5, 0, posix.EINVAL, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, nil},
		{"unknown flags: EINVAL", 3, 9, 0x8, posix.EINVAL, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				for range 7 {
					_, err := p.Dup(1)
					check(t, p, err == nil, "Dup(1) = %s", en(err))
				}
				err := p.CloseRange(tc.first, tc.last, tc.flags)
				check(t, p, err == tc.err, "CloseRange(%d, %d, %#x) = %s; want %s", tc.first, tc.last, tc.flags, en(err), en(tc.err))
				got := openFds(p)
				check(t, p, equalInts(got, tc.open), "open fds after CloseRange(%d, %d, %#x) = %v; want %v", tc.first, tc.last, tc.flags, got, tc.open)
				got = cloexecFds(p)
				check(t, p, equalInts(got, tc.cloexec), "FD_CLOEXEC fds after CloseRange(%d, %d, %#x) = %v; want %v", tc.first, tc.last, tc.flags, got, tc.cloexec)
				return 0
			}))
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// At RLIMIT_NOFILE, every call that makes a new fd fails with EMFILE; a
// pipe needing two fds with one free makes none.
func TestRlimitNofile_AtLimit_EMFILE(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		err := p.Setrlimit(posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 8, Max: 64})
		check(t, p, err == nil, "Setrlimit(NOFILE, {8, 64}) = %s", en(err))
		rl, err := p.Getrlimit(posix.RLIMIT_NOFILE)
		check(t, p, err == nil && rl == posix.Rlimit{Cur: 8, Max: 64}, "Getrlimit(NOFILE) = %+v, %s; want {8 64}", rl, en(err))
		r, _ := mustPipe(t, p) // 3, 4
		_, _ = mustPipe(t, p)  // 5, 6
		fd, err := p.Dup(r)
		check(t, p, fd == 7 && err == nil, "Dup at 7 free, limit 8 = %d, %s; want 7", fd, en(err))
		for name, call := range map[string]func() (int, error){
			"Dup":             func() (int, error) { return p.Dup(r) },
			"F_DUPFD":         func() (int, error) { return p.Fcntl(r, posix.F_DUPFD, 0) },
			"F_DUPFD_CLOEXEC": func() (int, error) { return p.Fcntl(r, posix.F_DUPFD_CLOEXEC, 3) },
			"Pipe":            func() (int, error) { a, _, err := p.Pipe(); return a, err },
		} {
			fd, err := call()
			check(t, p, err == posix.EMFILE, "%s with all 8 fds used = %d, %s; want -1, EMFILE", name, fd, en(err))
		}
		mustClose(t, p, 7)
		a, b, err := p.Pipe()
		check(t, p, err == posix.EMFILE, "Pipe() with one fd free = %d, %d, %s; want EMFILE", a, b, en(err))
		fd, err = p.Dup(r)
		check(t, p, fd == 7 && err == nil, "Dup after the failed pipe = %d, %s; want 7 (the pipe left no fd behind)", fd, en(err))
		// dup2 may target any number below the limit, and none above.
		fd, err = p.Dup2(r, 8)
		check(t, p, err == posix.EBADF, "Dup2(%d, 8) with limit 8 = %d, %s; want EBADF", r, fd, en(err))

		// Raising the soft limit back (up to the hard limit) makes room.
		check(t, p, p.Setrlimit(posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 64, Max: 64}) == nil, "Setrlimit(NOFILE, {64, 64})")
		fd, err = p.Dup(r)
		check(t, p, fd == 8 && err == nil, "Dup after raising the limit = %d, %s; want 8", fd, en(err))
		return 0
	}))
}

func TestGetrlimit_Setrlimit(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		rl, err := p.Getrlimit(posix.RLIMIT_NOFILE)
		check(t, p, err == nil && rl.Cur == 1024 && rl.Max >= 1024, "Getrlimit(NOFILE) = %+v, %s; want Cur 1024", rl, en(err))
		hard := rl.Max

		_, err = p.Getrlimit(posix.RLIM_NLIMITS)
		check(t, p, err == posix.EINVAL, "Getrlimit(RLIM_NLIMITS) = %s; want EINVAL", en(err))
		_, err = p.Getrlimit(-1)
		check(t, p, err == posix.EINVAL, "Getrlimit(-1) = %s; want EINVAL", en(err))

		for _, tc := range []struct {
			name string
			res  int
			rl   posix.Rlimit
			want error
		}{
			{"cur > max", posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 100, Max: 50}, posix.EINVAL},
			{"raising max", posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 100, Max: hard + 1}, posix.EPERM},
			{"unknown resource", 99, posix.Rlimit{Cur: 1, Max: 1}, posix.EINVAL},
			{"lowering max", posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 100, Max: 200}, nil},
			{"raising max back", posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 100, Max: 201}, posix.EPERM},
			{"cur up to max", posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 200, Max: 200}, nil},
			{"another resource, lowering", posix.RLIMIT_CORE, posix.Rlimit{Cur: 0, Max: 0}, nil},
			{"another resource, raising", posix.RLIMIT_CORE, posix.Rlimit{Cur: 0, Max: 1}, posix.EPERM},
		} {
			err := p.Setrlimit(tc.res, tc.rl)
			check(t, p, err == tc.want, "%s: Setrlimit(%d, %+v) = %s; want %s", tc.name, tc.res, tc.rl, en(err), en(tc.want))
		}
		rl, err = p.Getrlimit(posix.RLIMIT_NOFILE)
		check(t, p, err == nil && rl == posix.Rlimit{Cur: 200, Max: 200}, "Getrlimit(NOFILE) after the changes = %+v, %s; want {200 200}", rl, en(err))

		// A child inherits the limits.
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			rl, err := ch.Getrlimit(posix.RLIMIT_NOFILE)
			check(t, ch, err == nil && rl == posix.Rlimit{Cur: 200, Max: 200}, "child: Getrlimit(NOFILE) = %+v, %s; want {200 200}", rl, en(err))
			return 0
		})
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

func TestIoctl_FIONREAD_QueuedBytesOnEitherEnd(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		for _, tc := range []struct {
			write string
			read  int
			want  int32
		}{
			{"", 0, 0},
			{"hello", 0, 5},
			{" world", 0, 11},
			{"", 4, 7},
			{"", 7, 0},
		} {
			if tc.write != "" {
				mustWrite(t, p, w, tc.write)
			}
			if tc.read > 0 {
				n, err := p.Read(r, make([]byte, tc.read))
				check(t, p, n == tc.read && err == nil, "Read(%d) = %d, %s", tc.read, n, en(err))
			}
			for _, fd := range []int{r, w} {
				got := int32(-1)
				err := p.Ioctl(fd, posix.FIONREAD, &got)
				check(t, p, got == tc.want && err == nil, "Ioctl(fd %d, FIONREAD) = %d, %s; want %d, nil", fd, got, en(err), tc.want)
			}
		}
		err := p.Ioctl(r, posix.FIONREAD, nil)
		check(t, p, err == posix.EFAULT, "Ioctl(FIONREAD, NULL) = %s; want EFAULT", en(err))
		var v int32
		err = p.Ioctl(r, posix.TCGETS, &v)
		check(t, p, err == posix.ENOTTY, "Ioctl(pipe, TCGETS) = %s; want ENOTTY", en(err))
		return 0
	}))
}

func TestIoctl_FIONBIO_SetsAndClearsNonblock(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		d, _ := p.Dup(r)
		on, off := int32(1), int32(0)
		check(t, p, p.Ioctl(r, posix.FIONBIO, &on) == nil, "Ioctl(FIONBIO, 1)")
		fl, _ := p.Fcntl(d, posix.F_GETFL, 0)
		check(t, p, fl == posix.O_RDONLY|posix.O_NONBLOCK, "F_GETFL(dup) after FIONBIO(1) = %#o; want O_NONBLOCK", fl)
		n, err := p.Read(r, make([]byte, 4))
		check(t, p, err == posix.EAGAIN, "Read(empty pipe) after FIONBIO(1) = %d, %s; want EAGAIN", n, en(err))
		check(t, p, p.Ioctl(d, posix.FIONBIO, &off) == nil, "Ioctl(FIONBIO, 0)")
		fl, _ = p.Fcntl(r, posix.F_GETFL, 0)
		check(t, p, fl == posix.O_RDONLY, "F_GETFL after FIONBIO(0) = %#o; want O_RDONLY", fl)
		return 0
	}))
}

// pollOne polls a single fd and returns the count and revents.
func pollOne(p *cages.Proc, fd int, events int16, timeout int) (int, int16, error) {
	fds := []posix.PollFd{{Fd: int32(fd), Events: events}}
	n, err := p.Poll(fds, timeout)
	return n, fds[0].Revents, err
}

func TestPoll_PipeReadiness(t *testing.T) {
	const in, out = posix.POLLIN, posix.POLLOUT
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, p *cages.Proc, r, w int) int // returns the fd to poll
		events int16
		want   int16
	}{
		{"read end, empty: nothing", func(_ *testing.T, _ *cages.Proc, r, _ int) int { return r }, in, 0},
		{"read end, data: POLLIN", func(t *testing.T, p *cages.Proc, r, w int) int { mustWrite(t, p, w, "x"); return r }, in, posix.POLLIN},
		{"read end, no writer: POLLHUP", func(t *testing.T, p *cages.Proc, r, w int) int { mustClose(t, p, w); return r }, in, posix.POLLHUP},
		{"read end, data and no writer: POLLIN|POLLHUP", func(t *testing.T, p *cages.Proc, r, w int) int {
			mustWrite(t, p, w, "x")
			mustClose(t, p, w)
			return r
		}, in, posix.POLLIN | posix.POLLHUP},
		{"read end, POLLHUP even when not asked", func(t *testing.T, p *cages.Proc, r, w int) int { mustClose(t, p, w); return r }, 0, posix.POLLHUP},
		{"write end, room: POLLOUT", func(_ *testing.T, _ *cages.Proc, _, w int) int { return w }, out, posix.POLLOUT},
		{"write end, full: nothing", func(t *testing.T, p *cages.Proc, _, w int) int { fillPipe(t, p, w); return w }, out, 0},
		{"write end, no reader: POLLERR|POLLOUT", func(t *testing.T, p *cages.Proc, r, w int) int { mustClose(t, p, r); return w }, out, posix.POLLERR | posix.POLLOUT},
		{"write end, full, no reader: POLLERR", func(t *testing.T, p *cages.Proc, r, w int) int {
			fillPipe(t, p, w)
			mustClose(t, p, r)
			return w
		}, out, posix.POLLERR},
		{"write end, POLLERR even when not asked", func(t *testing.T, p *cages.Proc, r, w int) int { mustClose(t, p, r); return w }, 0, posix.POLLERR},
		{"closed fd: POLLNVAL", func(t *testing.T, p *cages.Proc, r, _ int) int { mustClose(t, p, r); return r }, in, posix.POLLNVAL},
		{"never opened fd: POLLNVAL", func(*testing.T, *cages.Proc, int, int) int { return 99 }, in, posix.POLLNVAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				fd := tc.setup(t, p, r, w)
				n, rev, err := pollOne(p, fd, tc.events, 0)
				want := 0
				if tc.want != 0 {
					want = 1
				}
				check(t, p, n == want && rev == tc.want && err == nil, "Poll([{fd %d, events %#x}], 0) = %d (revents %#x), %s; want %d (revents %#x), nil", fd, tc.events, n, rev, en(err), want, tc.want)
				return 0
			}))
		})
	}
}

// fillPipe fills the pipe behind write end w without blocking.
func fillPipe(t *testing.T, p *cages.Proc, w int) int {
	t.Helper()
	fl, _ := p.Fcntl(w, posix.F_GETFL, 0)
	_, _ = p.Fcntl(w, posix.F_SETFL, fl|posix.O_NONBLOCK)
	total := 0
	b := make([]byte, 4096)
	for {
		n, err := p.Write(w, b)
		if err == posix.EAGAIN {
			break
		}
		check(t, p, err == nil, "Write(pipe) while filling = %d, %s", n, en(err))
		total += n
	}
	_, _ = p.Fcntl(w, posix.F_SETFL, fl)
	return total
}

// Negative fds are skipped (revents 0, not counted); the count is the
// number of entries with events.
func TestPoll_SeveralFds_CountsEntriesWithEvents(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		mustWrite(t, p, w, "x")
		fds := []posix.PollFd{
			{Fd: int32(r), Events: posix.POLLIN},
			{Fd: -1, Events: posix.POLLIN, Revents: 0x7},
			{Fd: int32(w), Events: posix.POLLOUT},
			{Fd: 77, Events: posix.POLLIN},
			{Fd: int32(r), Events: posix.POLLOUT},
		}
		n, err := p.Poll(fds, 0)
		check(t, p, n == 3 && err == nil, "Poll(5 fds, 0) = %d, %s; want 3, nil", n, en(err))
		want := []int16{posix.POLLIN, 0, posix.POLLOUT, posix.POLLNVAL, 0}
		for i := range fds {
			check(t, p, fds[i].Revents == want[i], "Poll: fds[%d] (fd %d, events %#x) revents = %#x; want %#x", i, fds[i].Fd, fds[i].Events, fds[i].Revents, want[i])
		}
		n, err = p.Poll(nil, 0)
		check(t, p, n == 0 && err == nil, "Poll(nil, 0) = %d, %s; want 0, nil", n, en(err))
		return 0
	}))
}

func TestPoll_Timeout0_ReturnsAtOnce(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		start := time.Now()
		n, rev, err := pollOne(p, r, posix.POLLIN, 0)
		check(t, p, n == 0 && rev == 0 && err == nil, "Poll(empty pipe, 0) = %d (revents %#x), %s; want 0, nil", n, rev, en(err))
		check(t, p, time.Since(start) < time.Second, "Poll(timeout 0) took %v", time.Since(start))
		return 0
	}))
}

func TestPoll_TimeoutExpires_Returns0(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, _ := mustPipe(t, p)
		const timeout = 30 * time.Millisecond
		start, _ := p.ClockGettime(posix.CLOCK_MONOTONIC)
		n, rev, err := pollOne(p, r, posix.POLLIN, int(timeout/time.Millisecond))
		end, _ := p.ClockGettime(posix.CLOCK_MONOTONIC)
		check(t, p, n == 0 && rev == 0 && err == nil, "Poll(empty pipe, 30) = %d (revents %#x), %s; want 0, nil", n, rev, en(err))
		elapsed := time.Duration(end.Nano() - start.Nano())
		check(t, p, elapsed >= timeout, "Poll(empty pipe, 30 ms) returned after %v", elapsed)
		return 0
	}))
}

// A poll asleep on an empty pipe wakes when another cage writes to it.
func TestPoll_Blocked_WokenByDataFromAnotherCage(t *testing.T) {
	for _, timeout := range []int{-1, 10000} {
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			r, w := mustPipe(t, p)
			polling := newGate()
			pid := mustFork(t, p, func(ch *cages.Proc) int {
				polling.arm(ch, posix.SYS_POLL)
				n, rev, err := pollOne(ch, r, posix.POLLIN, timeout)
				check(t, ch, n == 1 && rev == posix.POLLIN && err == nil, "Poll(pipe, %d) = %d (revents %#x), %s; want 1 (POLLIN), nil", timeout, n, rev, en(err))
				mustRead(t, ch, r, "wake")
				return 0
			})
			polling.mustAwait(t, p, pid)
			mustWrite(t, p, w, "wake")
			mustWait(t, p, pid, exited0)
			return 0
		}))
	}
}

// A poll asleep on a pipe's read end wakes with POLLHUP when the last
// writer, in another cage, exits.
func TestPoll_Blocked_WokenByLastWriterExiting(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		polling := newGate()
		parent := p.Getpid()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, r)
			polling.mustAwait(t, ch, parent)
			return 0 // exiting closes w, the last writer
		})
		mustClose(t, p, w)
		polling.arm(p, posix.SYS_POLL)
		n, rev, err := pollOne(p, r, posix.POLLIN, -1)
		check(t, p, n == 1 && rev == posix.POLLHUP && err == nil, "Poll(read end, -1) as the last writer exits = %d (revents %#x), %s; want 1 (POLLHUP), nil", n, rev, en(err))
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// poll with more entries than RLIMIT_NOFILE fails with EINVAL.
func TestPoll_MoreFdsThanLimit_EINVAL(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Setrlimit(posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 16, Max: 16}) == nil, "Setrlimit(NOFILE, 16)")
		fds := make([]posix.PollFd, 17)
		for i := range fds {
			fds[i].Fd = -1
		}
		n, err := p.Poll(fds, 0)
		check(t, p, err == posix.EINVAL, "Poll(17 fds) with RLIMIT_NOFILE 16 = %d, %s; want EINVAL", n, en(err))
		n, err = p.Poll(fds[:16], 0)
		check(t, p, n == 0 && err == nil, "Poll(16 fds) with RLIMIT_NOFILE 16 = %d, %s; want 0, nil", n, en(err))
		return 0
	}))
}

// readv and writev move the buffers in order as one operation; more than
// UIO_MAXIOV (1024) buffers is EINVAL.
func TestReadvWritev_Pipe_InOrder_EINVALAboveUIO_MAXIOV(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		n, err := p.Writev(w, [][]byte{[]byte("ab"), nil, []byte("cde"), []byte("f")})
		check(t, p, n == 6 && err == nil, "Writev(ab, -, cde, f) = %d, %s; want 6, nil", n, en(err))
		a, b := make([]byte, 4), make([]byte, 4)
		n, err = p.Readv(r, [][]byte{a, nil, b})
		check(t, p, n == 6 && err == nil && string(a) == "abcd" && string(b[:2]) == "ef", "Readv = %d, %s, %q %q; want 6, abcd, ef", n, en(err), a, b[:2])
		n, err = p.Writev(w, nil)
		check(t, p, n == 0 && err == nil, "Writev(no buffers) = %d, %s; want 0, nil", n, en(err))
		many := make([][]byte, 1025)
		for i := range many {
			many[i] = []byte{'x'}
		}
		n, err = p.Writev(w, many)
		check(t, p, err == posix.EINVAL, "Writev(1025 buffers) = %d, %s; want EINVAL", n, en(err))
		n, err = p.Readv(r, many)
		check(t, p, err == posix.EINVAL, "Readv(1025 buffers) = %d, %s; want EINVAL", n, en(err))
		n, err = p.Writev(w, many[:1024])
		check(t, p, n == 1024 && err == nil, "Writev(1024 buffers) = %d, %s; want 1024, nil", n, en(err))
		return 0
	}))
}
