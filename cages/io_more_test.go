package cages_test

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// select reports a pipe's readiness through the same machinery as poll:
// the write end is writable at once, the read end readable once data
// comes; the sets keep only the ready bits; the timeout is updated.
func TestSelect_PipeReadiness(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		var rs, ws posix.FdSet
		rs.Set(r)
		ws.Set(w)
		ws.Set(r) // the read end is never writable
		tv := posix.Timeval{Sec: 5}
		n, err := p.Select(w+1, &rs, &ws, nil, &tv)
		check(t, p, err == nil && n == 1 && !rs.IsSet(r) && ws.IsSet(w) && !ws.IsSet(r), "Select = %d, %s, r %v w %v", n, en(err), rs.IsSet(r), ws.IsSet(w))
		check(t, p, tv.Sec == 4 || tv.Sec == 5, "timeout after = %+v; want about 5s", tv)

		// A read set waits for data written by a child.
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ch.Sleep(10 * time.Millisecond)
			mustWrite(t, ch, w, "x")
			return 0
		})
		rs.Zero()
		rs.Set(r)
		n, err = p.Select(r+1, &rs, nil, nil, nil)
		check(t, p, err == nil && n == 1 && rs.IsSet(r), "Select(read) = %d, %s", n, en(err))
		mustWait(t, p, pid, exited0)

		// Timeout: the sets come back empty and the timeout at zero.
		mustRead(t, p, r, "x")
		rs.Zero()
		rs.Set(r)
		tv = posix.Timeval{Usec: 10000}
		start := time.Now()
		n, err = p.Select(r+1, &rs, nil, nil, &tv)
		check(t, p, err == nil && n == 0 && !rs.IsSet(r) && tv == posix.Timeval{} && time.Since(start) >= 10*time.Millisecond,
			"Select timeout = %d, %s, set %v, tv %+v after %v", n, en(err), rs.IsSet(r), tv, time.Since(start))

		// A writer's end of file makes the read end readable (POLLHUP).
		mustClose(t, p, w)
		rs.Set(r)
		n, err = p.Select(r+1, &rs, nil, nil, &posix.Timeval{})
		check(t, p, err == nil && n == 1 && rs.IsSet(r), "Select after the writer closed = %d, %s", n, en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// select's errors: a closed fd in a set is EBADF (below the descriptor
// table's size), a bad timeout or negative nfds EINVAL; bits at or above
// the table's size are ignored, as Linux cuts nfds to it.
func TestSelect_Errors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		var rs posix.FdSet
		rs.Set(50)
		zero := posix.Timeval{}
		_, err := p.Select(60, &rs, nil, nil, &zero)
		check(t, p, err == posix.EBADF, "Select(closed fd 50) = %s; want EBADF", en(err))
		rs.Zero()
		rs.Set(900)
		n, err := p.Select(1000, &rs, nil, nil, &zero)
		check(t, p, err == nil && n == 0, "Select(fd 900 beyond the table) = %d, %s; want 0, nil", n, en(err))
		_, err = p.Select(-1, nil, nil, nil, &zero)
		check(t, p, err == posix.EINVAL, "Select(-1) = %s; want EINVAL", en(err))
		n, err = p.Select(100000, nil, nil, nil, &zero)
		check(t, p, err == nil && n == 0, "Select(100000) = %d, %s; want 0, nil", n, en(err))
		for _, tv := range []posix.Timeval{{Sec: 1, Usec: -1}, {Sec: -1}, {Sec: -2, Usec: 1000001}} {
			_, err = p.Select(0, nil, nil, nil, &tv)
			check(t, p, err == posix.EINVAL, "Select(timeout %+v) = %s; want EINVAL", tv, en(err))
		}
		// tv_usec's whole seconds count as seconds: -1s + 1.000001s is 1µs.
		tv := posix.Timeval{Sec: -1, Usec: 1000001}
		_, err = p.Select(0, nil, nil, nil, &tv)
		check(t, p, err == nil && tv == posix.Timeval{}, "Select(timeout -1s+1000001µs) = %s, tv %+v; want nil, 0", en(err), tv)
		return 0
	})
	requireStatus(t, exited0, st)
}

// pselect6 and ppoll install their signal mask for the wait only: a
// signal blocked outside is delivered during it (EINTR, the handler
// runs), and the old mask is back afterwards. As the system calls do,
// they store the time left in the timeout.
func TestPselectPpoll_SigmaskDuringWait(t *testing.T) {
	for _, call := range []string{"pselect6", "ppoll"} {
		t.Run(call, func(t *testing.T) {
			st := runCage(t, func(p *cages.Proc) int {
				var got atomic.Int32
				catch(t, p, posix.SIGUSR1, 0, func(int) { got.Add(1) })
				usr1 := posix.SigsetOf(posix.SIGUSR1)
				p.Sigprocmask(posix.SIG_BLOCK, &usr1)
				r, _ := mustPipe(t, p)
				p.Kill(p.Getpid(), posix.SIGUSR1) // pending, blocked
				check(t, p, got.Load() == 0, "delivered while blocked")
				empty := posix.Sigset(0)
				ts := posix.Timespec{Sec: 5}
				var err error
				if call == "pselect6" {
					var rs posix.FdSet
					rs.Set(r)
					_, err = p.Pselect6(r+1, &rs, nil, nil, &ts, &empty)
				} else {
					_, err = p.Ppoll([]posix.PollFd{{Fd: int32(r), Events: posix.POLLIN}}, &ts, &empty)
				}
				check(t, p, err == posix.EINTR && got.Load() == 1, "%s with SIGUSR1 unblocked = %s, handler ran %d times; want EINTR, 1", call, en(err), got.Load())
				mask, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
				check(t, p, mask == usr1, "mask after = %v; want %v", mask, usr1)
				check(t, p, ts.Sec == 4 || ts.Sec == 5, "timeout after = %+v; want the time left", ts)

				// A timeout: the time left is zero, the mask unchanged.
				ts = posix.Timespec{Nsec: 10e6}
				if call == "pselect6" {
					var rs posix.FdSet
					rs.Set(r)
					_, err = p.Pselect6(r+1, &rs, nil, nil, &ts, &empty)
				} else {
					_, err = p.Ppoll([]posix.PollFd{{Fd: int32(r), Events: posix.POLLIN}}, &ts, &empty)
				}
				check(t, p, err == nil && ts == posix.Timespec{}, "%s timeout = %s, ts %+v", call, en(err), ts)
				mask, _ = p.Sigprocmask(posix.SIG_BLOCK, nil)
				check(t, p, mask == usr1, "mask after timeout = %v", mask)
				return 0
			})
			requireStatus(t, exited0, st)
		})
	}
}

// ppoll's and pselect6's argument errors.
func TestPselectPpoll_Errors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		_, err := p.Ppoll(nil, &posix.Timespec{Nsec: 1e9}, nil)
		check(t, p, err == posix.EINVAL, "Ppoll(bad timeout) = %s", en(err))
		_, err = p.Ppoll(nil, &posix.Timespec{Sec: -1}, nil)
		check(t, p, err == posix.EINVAL, "Ppoll(negative timeout) = %s", en(err))
		n, err := p.Ppoll([]posix.PollFd{{Fd: 77, Events: posix.POLLIN}}, &posix.Timespec{}, nil)
		check(t, p, err == nil && n == 1, "Ppoll(closed fd) = %d, %s; want 1 (POLLNVAL)", n, en(err))
		_, err = p.Pselect6(-1, nil, nil, nil, &posix.Timespec{}, nil)
		check(t, p, err == posix.EINVAL, "Pselect6(-1) = %s", en(err))
		_, err = p.Pselect6(0, nil, nil, nil, &posix.Timespec{Nsec: -1}, nil)
		check(t, p, err == posix.EINVAL, "Pselect6(bad timeout) = %s", en(err))
		var rs posix.FdSet
		rs.Set(40)
		_, err = p.Pselect6(41, &rs, nil, nil, &posix.Timespec{}, nil)
		check(t, p, err == posix.EBADF, "Pselect6(closed fd) = %s", en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// preadv and pwritev transfer at an offset, leaving the fd's offset
// alone; a pipe is ESPIPE and a negative offset EINVAL.
func TestPreadvPwritev(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/v", posix.O_RDWR|posix.O_CREAT)
		n, err := p.Pwritev(fd, [][]byte{[]byte("hello, "), nil, []byte("world")}, 3)
		check(t, p, err == nil && n == 12, "Pwritev = %d, %s", n, en(err))
		off, _ := p.Lseek(fd, 0, posix.SEEK_CUR)
		check(t, p, off == 0, "offset after Pwritev = %d", off)
		a, b := make([]byte, 5), make([]byte, 20)
		n, err = p.Preadv(fd, [][]byte{a, b}, 3)
		check(t, p, err == nil && n == 12 && string(a) == "hello" && string(b[:7]) == ", world", "Preadv = %d, %s, %q %q", n, en(err), a, b[:7])
		_, err = p.Preadv(fd, [][]byte{a}, -1)
		check(t, p, err == posix.EINVAL, "Preadv(-1) = %s", en(err))
		r, w := mustPipe(t, p)
		_, err = p.Preadv(r, [][]byte{a}, 0)
		check(t, p, err == posix.ESPIPE, "Preadv(pipe) = %s", en(err))
		_, err = p.Pwritev(w, [][]byte{a}, 0)
		check(t, p, err == posix.ESPIPE, "Pwritev(pipe) = %s", en(err))
		_, err = p.Pwritev(r, [][]byte{a}, -5)
		check(t, p, err == posix.EINVAL, "Pwritev(-5) = %s; want EINVAL (checked first)", en(err))
		_, err = p.Preadv(99, [][]byte{a}, 0)
		check(t, p, err == posix.EBADF, "Preadv(99) = %s", en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// sendfile copies from a file to a pipe or a file, at an offset it
// updates or at the input's own offset, which it advances.
func TestSendfile(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		data := bytes.Repeat([]byte("0123456789"), 20000) // 200000 bytes: several chunks
		in := mustOpen(t, p, "/tmp/in", posix.O_RDWR|posix.O_CREAT)
		p.Write(in, data)
		out := mustOpen(t, p, "/tmp/out", posix.O_RDWR|posix.O_CREAT)
		off := int64(5)
		n, err := p.Sendfile(out, in, &off, 100000)
		check(t, p, err == nil && n == 100000 && off == 100005, "Sendfile(offset) = %d, %s, off %d", n, en(err), off)
		cur, _ := p.Lseek(in, 0, posix.SEEK_CUR)
		check(t, p, cur == int64(len(data)), "input offset moved: %d", cur)
		got := make([]byte, 100000)
		p.Pread(out, got, 0)
		check(t, p, bytes.Equal(got, data[5:100005]), "copied data differ")

		p.Lseek(in, 199990, posix.SEEK_SET)
		r, w := mustPipe(t, p)
		n, err = p.Sendfile(w, in, nil, 100)
		check(t, p, err == nil && n == 10, "Sendfile(to a pipe, at the end) = %d, %s; want 10", n, en(err))
		cur, _ = p.Lseek(in, 0, posix.SEEK_CUR)
		check(t, p, cur == 200000, "input offset = %d; want advanced to 200000", cur)
		mustRead(t, p, r, "0123456789")
		n, err = p.Sendfile(w, in, nil, 100)
		check(t, p, err == nil && n == 0, "Sendfile at EOF = %d, %s", n, en(err))

		// Errors.
		_, err = p.Sendfile(out, r, nil, 10)
		check(t, p, err == posix.EINVAL, "Sendfile(from a pipe) = %s; want EINVAL", en(err))
		off = 0
		_, err = p.Sendfile(out, r, &off, 10)
		check(t, p, err == posix.ESPIPE, "Sendfile(from a pipe, offset) = %s; want ESPIPE", en(err))
		_, err = p.Sendfile(out, w, nil, 10)
		check(t, p, err == posix.EBADF, "Sendfile(from a write end) = %s; want EBADF", en(err))
		_, err = p.Sendfile(r, in, nil, 10)
		check(t, p, err == posix.EBADF, "Sendfile(to a read end) = %s; want EBADF", en(err))
		off = -1
		_, err = p.Sendfile(out, in, &off, 10)
		check(t, p, err == posix.EINVAL, "Sendfile(offset -1) = %s; want EINVAL", en(err))
		app := mustOpen(t, p, "/tmp/out", posix.O_WRONLY|posix.O_APPEND)
		_, err = p.Sendfile(app, in, nil, 10)
		check(t, p, err == posix.EINVAL, "Sendfile(to O_APPEND) = %s; want EINVAL", en(err))
		mustClose(t, p, r)
		p.Lseek(in, 0, posix.SEEK_SET)
		ign := posix.SigsetOf(posix.SIGPIPE)
		p.Sigprocmask(posix.SIG_BLOCK, &ign)
		_, err = p.Sendfile(w, in, nil, 10)
		check(t, p, err == posix.EPIPE, "Sendfile(to a pipe with no reader) = %s; want EPIPE", en(err))
		pending, _ := p.Sigpending()
		check(t, p, pending.Has(posix.SIGPIPE), "no SIGPIPE raised")
		return 0
	})
	requireStatus(t, exited0, st)
}

// copy_file_range copies between regular files, stops at the end of the
// input, updates the offsets it is given or the descriptions' own, and
// refuses what Linux refuses.
func TestCopyFileRange(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		in := mustOpen(t, p, "/tmp/in", posix.O_RDWR|posix.O_CREAT)
		p.Write(in, []byte("abcdefghij"))
		out := mustOpen(t, p, "/tmp/out", posix.O_RDWR|posix.O_CREAT)
		offIn, offOut := int64(2), int64(4)
		n, err := p.CopyFileRange(in, &offIn, out, &offOut, 100, 0)
		check(t, p, err == nil && n == 8 && offIn == 10 && offOut == 12, "CopyFileRange = %d, %s, %d, %d", n, en(err), offIn, offOut)
		got := make([]byte, 20)
		m, _ := p.Pread(out, got, 0)
		check(t, p, m == 12 && string(got[4:12]) == "cdefghij" && bytes.Equal(got[:4], make([]byte, 4)), "out = %q", got[:m])
		p.Lseek(in, 0, posix.SEEK_SET)
		p.Lseek(out, 0, posix.SEEK_SET)
		n, err = p.CopyFileRange(in, nil, out, nil, 3, 0)
		check(t, p, err == nil && n == 3, "CopyFileRange(own offsets) = %d, %s", n, en(err))
		a, _ := p.Lseek(in, 0, posix.SEEK_CUR)
		b, _ := p.Lseek(out, 0, posix.SEEK_CUR)
		check(t, p, a == 3 && b == 3, "offsets after = %d, %d; want 3, 3", a, b)
		offIn = 50
		n, err = p.CopyFileRange(in, &offIn, out, nil, 3, 0)
		check(t, p, err == nil && n == 0 && offIn == 50, "past the end = %d, %s", n, en(err))

		r, w := mustPipe(t, p)
		ro := mustOpen(t, p, "/tmp/out", posix.O_RDONLY)
		app := mustOpen(t, p, "/tmp/out", posix.O_WRONLY|posix.O_APPEND)
		dir := mustOpen(t, p, "/tmp", posix.O_RDONLY|posix.O_DIRECTORY)
		zero, five := int64(0), int64(5)
		for _, c := range []struct {
			name  string
			in    int
			offIn *int64
			out   int
			flags int
			want  error
		}{
			{"flags 1", in, nil, out, 1, posix.EINVAL},
			{"from a pipe", r, nil, out, 0, posix.EINVAL},
			{"to a pipe", in, nil, w, 0, posix.EINVAL},
			{"from a directory", dir, nil, out, 0, posix.EISDIR},
			{"to a read-only fd", in, nil, ro, 0, posix.EBADF},
			{"to O_APPEND", in, nil, app, 0, posix.EBADF},
			{"from a closed fd", 99, nil, out, 0, posix.EBADF},
			{"to a closed fd", in, nil, 99, 0, posix.EBADF},
			{"overlapping in one file", in, &zero, in, 0, posix.EINVAL},
		} {
			offOut := &five
			if c.name != "overlapping in one file" {
				offOut = nil
			}
			_, err := p.CopyFileRange(c.in, c.offIn, c.out, offOut, 10, c.flags)
			check(t, p, err == c.want, "CopyFileRange %s = %s; want %s", c.name, en(err), en(c.want))
		}
		return 0
	})
	requireStatus(t, exited0, st)
}

// fallocate with mode 0 grows a file, never shrinks it; fadvise checks its
// arguments; getrandom fills; sync and syncfs succeed.
func TestFallocateFadviseGetrandomSync(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/f", posix.O_RDWR|posix.O_CREAT)
		err := p.Fallocate(fd, 0, 100, 50)
		sz, _ := p.Fstat(fd)
		check(t, p, err == nil && sz.Size == 150, "Fallocate(100, 50) = %s, size %d; want 150", en(err), sz.Size)
		err = p.Fallocate(fd, 0, 0, 10)
		sz, _ = p.Fstat(fd)
		check(t, p, err == nil && sz.Size == 150, "Fallocate(0, 10) = %s, size %d; want unchanged", en(err), sz.Size)
		err = p.Fallocate(fd, posix.FALLOC_FL_KEEP_SIZE, 0, 1000)
		sz, _ = p.Fstat(fd)
		check(t, p, err == nil && sz.Size == 150, "Fallocate(KEEP_SIZE) = %s, size %d", en(err), sz.Size)
		ro := mustOpen(t, p, "/tmp/f", posix.O_RDONLY)
		r, w := mustPipe(t, p)
		dir := mustOpen(t, p, "/tmp", posix.O_RDONLY|posix.O_DIRECTORY)
		null := mustOpen(t, p, "/dev/null", posix.O_WRONLY)
		for _, c := range []struct {
			name      string
			fd, mode  int
			off, size int64
			want      error
		}{
			{"len 0", fd, 0, 0, 0, posix.EINVAL},
			{"offset -1", fd, 0, -1, 1, posix.EINVAL},
			{"closed fd", 99, 0, 0, 1, posix.EBADF},
			{"read-only fd", ro, 0, 0, 1, posix.EBADF},
			{"unknown mode", fd, 0x100, 0, 1, posix.EOPNOTSUPP},
			{"punch without keep", fd, posix.FALLOC_FL_PUNCH_HOLE, 0, 1, posix.EOPNOTSUPP},
			{"zero range", fd, posix.FALLOC_FL_ZERO_RANGE, 0, 1, posix.EOPNOTSUPP},
			{"pipe write end", w, 0, 0, 1, posix.ESPIPE},
			{"pipe read end", r, 0, 0, 1, posix.EBADF},
			{"directory", dir, 0, 0, 1, posix.EBADF},
			{"device", null, 0, 0, 1, posix.ENODEV},
			{"overflow", fd, 0, 1 << 62, 1 << 62, posix.EFBIG},
		} {
			err := p.Fallocate(c.fd, c.mode, c.off, c.size)
			check(t, p, err == c.want, "Fallocate %s = %s; want %s", c.name, en(err), en(c.want))
		}

		check(t, p, p.Fadvise(fd, 0, 0, posix.POSIX_FADV_SEQUENTIAL) == nil, "Fadvise(SEQUENTIAL)")
		check(t, p, p.Fadvise(fd, 0, 0, 6) == posix.EINVAL, "Fadvise(6)")
		check(t, p, p.Fadvise(fd, 0, -1, 0) == posix.EINVAL, "Fadvise(len -1)")
		check(t, p, p.Fadvise(r, 0, 0, 0) == posix.ESPIPE, "Fadvise(pipe)")
		check(t, p, p.Fadvise(99, 0, 0, 0) == posix.EBADF, "Fadvise(99)")

		b := make([]byte, 64)
		n, err := p.Getrandom(b, 0)
		check(t, p, err == nil && n == 64 && !bytes.Equal(b, make([]byte, 64)), "Getrandom = %d, %s", n, en(err))
		for _, flags := range []int{posix.GRND_NONBLOCK, posix.GRND_RANDOM, posix.GRND_INSECURE, posix.GRND_NONBLOCK | posix.GRND_INSECURE} {
			_, err = p.Getrandom(b, flags)
			check(t, p, err == nil, "Getrandom(%#x) = %s", flags, en(err))
		}
		for _, flags := range []int{posix.GRND_RANDOM | posix.GRND_INSECURE, 8} {
			_, err = p.Getrandom(b, flags)
			check(t, p, err == posix.EINVAL, "Getrandom(%#x) = %s; want EINVAL", flags, en(err))
		}
		p.Sync()
		check(t, p, p.Syncfs(fd) == nil && p.Syncfs(99) == posix.EBADF, "Syncfs")
		check(t, p, p.SchedYield() == nil, "SchedYield")
		return 0
	})
	requireStatus(t, exited0, st)
}
