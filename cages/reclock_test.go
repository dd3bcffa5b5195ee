package cages_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// lk is a struct flock on bytes [start, start+n) from SEEK_SET.
func lk(typ int16, start, n int64) posix.Flock {
	return posix.Flock{Type: typ, Whence: posix.SEEK_SET, Start: start, Len: n}
}

// setlkIs checks that FcntlLock(fd, cmd, l) fails with want (nil: succeeds).
func setlkIs(t *testing.T, p *cages.Proc, fd, cmd int, l posix.Flock, want error) {
	t.Helper()
	err := p.FcntlLock(fd, cmd, &l)
	check(t, p, err == want, "FcntlLock(%d, %d, %+v) = %s; want %s", fd, cmd, l, en(err), en(want))
}

// getlkIs checks F_GETLK (or F_OFD_GETLK) of l on fd against want.
func getlkIs(t *testing.T, p *cages.Proc, fd, cmd int, l, want posix.Flock) {
	t.Helper()
	got := l
	err := p.FcntlLock(fd, cmd, &got)
	check(t, p, err == nil && got == want, "FcntlLock(%d, %d, %+v) = %+v, %s; want %+v", fd, cmd, l, got, en(err), want)
}

// unlocked is F_GETLK's answer when nothing conflicts with l.
func unlocked(l posix.Flock) posix.Flock { l.Type = posix.F_UNLCK; return l }

// held is F_GETLK's answer naming a lock.
func held(typ int16, start, n int64, pid int) posix.Flock {
	return posix.Flock{Type: typ, Whence: posix.SEEK_SET, Start: start, Len: n, Pid: int32(pid)}
}

func TestRecLock_ArgumentErrors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		rw := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		ro := mustOpen(t, p, "/tmp/rl", posix.O_RDONLY)
		wo := mustOpen(t, p, "/tmp/rl", posix.O_WRONLY)
		setlkIs(t, p, 99, posix.F_SETLK, lk(posix.F_WRLCK, 0, 1), posix.EBADF)
		setlkIs(t, p, ro, posix.F_SETLK, lk(posix.F_WRLCK, 0, 1), posix.EBADF)
		setlkIs(t, p, wo, posix.F_SETLK, lk(posix.F_RDLCK, 0, 1), posix.EBADF)
		setlkIs(t, p, ro, posix.F_SETLK, lk(posix.F_UNLCK, 0, 1), nil)
		setlkIs(t, p, rw, posix.F_SETLK, lk(7, 0, 1), posix.EINVAL)
		setlkIs(t, p, rw, posix.F_SETLK, posix.Flock{Type: posix.F_WRLCK, Whence: 3}, posix.EINVAL)
		setlkIs(t, p, rw, posix.F_SETLK, lk(posix.F_WRLCK, -1, 1), posix.EINVAL)
		setlkIs(t, p, rw, posix.F_SETLK, lk(posix.F_WRLCK, 2, -3), posix.EINVAL)
		setlkIs(t, p, rw, posix.F_SETLK, lk(posix.F_WRLCK, 1<<62, 1<<62+1), posix.EOVERFLOW)
		setlkIs(t, p, rw, posix.F_GETLK, lk(posix.F_UNLCK, 0, 1), posix.EINVAL)
		setlkIs(t, p, rw, posix.F_OFD_SETLK, posix.Flock{Type: posix.F_WRLCK, Pid: 1}, posix.EINVAL)
		setlkIs(t, p, rw, posix.F_OFD_GETLK, posix.Flock{Type: posix.F_WRLCK, Pid: 1}, posix.EINVAL)
		err := p.FcntlLock(rw, posix.F_SETLK, nil)
		check(t, p, err == posix.EFAULT, "FcntlLock(nil) = %s; want EFAULT", en(err))
		err = p.FcntlLock(99, posix.F_SETLK, nil)
		check(t, p, err == posix.EBADF, "FcntlLock(99, nil) = %s; want EBADF", en(err))
		path, err := p.Open("/tmp/rl", posix.O_PATH, 0)
		check(t, p, err == nil, "open O_PATH: %s", en(err))
		setlkIs(t, p, path, posix.F_GETLK, lk(posix.F_WRLCK, 0, 1), posix.EBADF)
		return 0
	})
	requireStatus(t, exited0, st)
}

// Two cages' locks conflict over shared bytes when one is a write lock;
// F_GETLK names the first conflicting lock and its owner's pid.
func TestRecLock_TwoCagesConflict(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		mustWrite(t, p, fd, "0123456789")
		me := p.Getpid()
		setlkIs(t, p, fd, posix.F_SETLK, posix.Flock{Type: posix.F_WRLCK, Whence: posix.SEEK_CUR, Start: -4, Len: 2}, nil) // [6,8)
		setlkIs(t, p, fd, posix.F_SETLK, posix.Flock{Type: posix.F_RDLCK, Whence: posix.SEEK_END, Start: 5}, nil)          // [15,EOF)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_RDLCK, 3, -2), nil)                                                    // [1,3)
		// The caller's own locks never conflict with its requests.
		getlkIs(t, p, fd, posix.F_GETLK, lk(posix.F_WRLCK, 0, 0), unlocked(lk(posix.F_WRLCK, 0, 0)))
		r, w := mustPipe(t, p)
		r1, w1 := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_WRLCK, 0, 0), held(posix.F_RDLCK, 1, 2, me))
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_RDLCK, 0, 0), held(posix.F_WRLCK, 6, 2, me))
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_WRLCK, 100, 1), held(posix.F_RDLCK, 15, 0, me))
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_RDLCK, 100, 1), unlocked(lk(posix.F_RDLCK, 100, 1)))
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_WRLCK, 3, 3), unlocked(lk(posix.F_WRLCK, 3, 3)))
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_RDLCK, 7, 1), posix.EAGAIN)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 2, 1), posix.EAGAIN)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_RDLCK, 2, 1), nil)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 3, 3), nil)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_UNLCK, 0, 0), nil)
			mustWrite(t, ch, w1, "x")
			mustEOF(t, ch, r)
			// The parent unlocked [6,8) and converted [1,3) to a write lock.
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_RDLCK, 0, 10), held(posix.F_WRLCK, 0, 4, me))
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 4, 4), nil)
			return 0
		})
		mustClose(t, p, r)
		mustRead(t, p, r1, "x")
		// Splits and merges: unlock the middle of the write lock, then
		// take [0,4) for writing, which replaces and merges.
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_UNLCK, 6, 2), nil)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 2), nil)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 2, 2), nil)
		mustClose(t, p, w)
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// A forked child inherits no lock; closing any fd of the file, even
// another description, releases the cage's locks; exit does too.
func TestRecLock_ForkCloseAndExit(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 0), nil)
		me := p.Getpid()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			// Not inherited: the parent's lock conflicts with the child.
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_RDLCK, 5, 1), posix.EAGAIN)
			getlkIs(t, ch, fd, posix.F_GETLK, lk(posix.F_RDLCK, 5, 1), held(posix.F_WRLCK, 0, 0, me))
			return 0
		})
		mustWait(t, p, pid, exited0)
		other := mustOpen(t, p, "/tmp/rl", posix.O_RDONLY)
		mustClose(t, p, other) // releases the lock taken through fd
		pid = mustFork(t, p, func(ch *cages.Proc) int {
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 0), nil)
			return 0 // exit releases it
		})
		mustWait(t, p, pid, exited0)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 0), nil)
		// dup2 onto an fd of the file closes it: the lock goes.
		dup, err := p.Dup(fd)
		check(t, p, err == nil, "Dup: %s", en(err))
		_, err = p.Dup2(fd, dup)
		check(t, p, err == nil, "Dup2: %s", en(err))
		other = mustOpen(t, p, "/tmp/rl", posix.O_RDWR)
		_, err = p.Dup2(other, dup) // closes dup, a descriptor of the file
		check(t, p, err == nil, "Dup2: %s", en(err))
		pid = mustFork(t, p, func(ch *cages.Proc) int {
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 0), nil)
			return 0
		})
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// F_SETLKW waits until the holder unlocks, then gets the lock.
func TestRecLock_SetlkwBlocksUntilUnlock(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 10, 10), nil)
		var unlocked atomic.Bool
		g := newGate()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			g.arm(ch, posix.SYS_FCNTL)
			setlkIs(t, ch, fd, posix.F_SETLKW, lk(posix.F_RDLCK, 15, 1), nil)
			check(t, ch, unlocked.Load(), "F_SETLKW returned before the holder unlocked")
			return 0
		})
		g.mustAwait(t, p, pid)
		time.Sleep(30 * time.Millisecond)
		unlocked.Store(true)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_UNLCK, 0, 0), nil)
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// A handled signal interrupts F_SETLKW with EINTR (no SA_RESTART).
func TestRecLock_SetlkwInterrupted(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		r, w := mustPipe(t, p)   // child -> parent: locked
		r2, w2 := mustPipe(t, p) // parent -> child: done (EOF)
		me := p.Getpid()
		g := newGate()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, r)
			mustClose(t, ch, w2)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 1), nil)
			mustWrite(t, ch, w, "x")
			g.mustAwait(t, ch, me)
			time.Sleep(20 * time.Millisecond)
			check(t, ch, ch.Kill(me, posix.SIGUSR1) == nil, "kill")
			mustEOF(t, ch, r2)
			return 0
		})
		mustClose(t, p, w)
		mustClose(t, p, r2)
		var got atomic.Int32
		catch(t, p, posix.SIGUSR1, 0, func(int) { got.Add(1) })
		mustRead(t, p, r, "x")
		g.arm(p, posix.SYS_FCNTL)
		setlkIs(t, p, fd, posix.F_SETLKW, lk(posix.F_WRLCK, 0, 1), posix.EINTR)
		check(t, p, got.Load() == 1, "handler ran %d times", got.Load())
		mustClose(t, p, w2)
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// Two cages each waiting for the other's lock: the second to wait gets
// EDEADLK (whichever it is), and the first then gets its lock.
func TestRecLock_Deadlock(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_WRLCK, 0, 1), nil)
		r, w := mustPipe(t, p)
		g := newGate()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, r)
			setlkIs(t, ch, fd, posix.F_SETLK, lk(posix.F_WRLCK, 1, 1), nil)
			mustWrite(t, ch, w, "x")
			g.arm(ch, posix.SYS_FCNTL)
			err := ch.FcntlLock(fd, posix.F_SETLKW, &posix.Flock{Type: posix.F_WRLCK, Start: 0, Len: 1})
			switch err {
			case nil:
				return 0
			case posix.EDEADLK:
				return 2
			}
			return fail(t, "child F_SETLKW = %s", en(err))
		})
		mustClose(t, p, w)
		mustRead(t, p, r, "x")
		g.mustAwait(t, p, pid)
		time.Sleep(30 * time.Millisecond)
		err := p.FcntlLock(fd, posix.F_SETLKW, &posix.Flock{Type: posix.F_WRLCK, Start: 1, Len: 1})
		if err == posix.EDEADLK {
			setlkIs(t, p, fd, posix.F_SETLK, lk(posix.F_UNLCK, 0, 0), nil)
			mustWait(t, p, pid, exited0)
			return 0
		}
		check(t, p, err == nil, "parent F_SETLKW = %s; want EDEADLK or nil", en(err))
		mustWait(t, p, pid, posix.WaitStatus(2<<8))
		return 0
	})
	requireStatus(t, exited0, st)
}

// OFD locks belong to the description: dup and fork share them, they
// conflict with every other description (in the same cage too) and with
// traditional locks, F_OFD_GETLK reports l_pid -1, closing another fd
// keeps them and the last close releases them.
func TestRecLock_OFD(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		a := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		b := mustOpen(t, p, "/tmp/rl", posix.O_RDWR)
		setlkIs(t, p, a, posix.F_OFD_SETLK, lk(posix.F_WRLCK, 0, 10), nil)
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_RDLCK, 5, 1), posix.EAGAIN)
		setlkIs(t, p, b, posix.F_SETLK, lk(posix.F_RDLCK, 5, 1), posix.EAGAIN) // traditional vs OFD
		getlkIs(t, p, b, posix.F_OFD_GETLK, lk(posix.F_RDLCK, 5, 1), held(posix.F_WRLCK, 0, 10, -1))
		getlkIs(t, p, b, posix.F_GETLK, lk(posix.F_RDLCK, 5, 1), held(posix.F_WRLCK, 0, 10, -1))
		getlkIs(t, p, a, posix.F_OFD_GETLK, lk(posix.F_WRLCK, 5, 1), unlocked(lk(posix.F_WRLCK, 5, 1)))
		// F_UNLCK asks for the description's own lock.
		getlkIs(t, p, a, posix.F_OFD_GETLK, lk(posix.F_UNLCK, 5, 1), held(posix.F_WRLCK, 0, 10, -1))
		getlkIs(t, p, b, posix.F_OFD_GETLK, lk(posix.F_UNLCK, 5, 1), unlocked(lk(posix.F_UNLCK, 5, 1)))
		dup, err := p.Dup(a)
		check(t, p, err == nil, "Dup: %s", en(err))
		setlkIs(t, p, dup, posix.F_OFD_SETLK, lk(posix.F_WRLCK, 0, 20), nil) // same owner
		c := mustOpen(t, p, "/tmp/rl", posix.O_RDONLY)
		mustClose(t, p, c) // OFD locks survive closing another fd
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_RDLCK, 15, 1), posix.EAGAIN)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			setlkIs(t, ch, a, posix.F_OFD_SETLK, lk(posix.F_UNLCK, 0, 10), nil) // shared by fork
			return 0
		})
		mustWait(t, p, pid, exited0)
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_RDLCK, 5, 1), nil)
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_RDLCK, 15, 1), posix.EAGAIN)
		mustClose(t, p, a)
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_RDLCK, 15, 1), posix.EAGAIN)
		mustClose(t, p, dup) // last close
		setlkIs(t, p, b, posix.F_OFD_SETLK, lk(posix.F_WRLCK, 0, 0), nil)
		return 0
	})
	requireStatus(t, exited0, st)
}

// Many cages take and release overlapping write locks with F_SETLKW: no
// two ever hold overlapping bytes at once, and every one finishes.
func TestRecLock_Hammer(t *testing.T) {
	const cagesN, rounds = 8, 200
	var owner [4]atomic.Int32
	st := runCage(t, func(p *cages.Proc) int {
		fd := mustOpen(t, p, "/tmp/rl", posix.O_RDWR|posix.O_CREAT)
		var pids []int
		for i := 0; i < cagesN; i++ {
			pids = append(pids, mustFork(t, p, func(ch *cages.Proc) int {
				me := int32(ch.Getpid())
				own := mustOpen(t, ch, "/tmp/rl", posix.O_RDWR) // its own description for OFD locks
				for j := 0; j < rounds; j++ {
					s := int64((j + i) % 4)
					n := int64(1 + (j*7+i)%(4-int(s)))
					cmd, lfd := posix.F_SETLKW, fd
					if (i+j)%3 == 0 {
						cmd, lfd = posix.F_OFD_SETLKW, own
					}
					l := posix.Flock{Type: posix.F_WRLCK, Start: s, Len: n}
					if err := ch.FcntlLock(lfd, cmd, &l); err != nil {
						if err == posix.EDEADLK {
							continue
						}
						return fail(t, "F_SETLKW = %s", en(err))
					}
					for b := s; b < s+n; b++ {
						if !owner[b].CompareAndSwap(0, me) {
							return fail(t, "byte %d held by %d and %d", b, owner[b].Load(), me)
						}
					}
					for b := s; b < s+n; b++ {
						owner[b].Store(0)
					}
					l.Type = posix.F_UNLCK
					if err := ch.FcntlLock(lfd, cmd, &l); err != nil {
						return fail(t, "unlock = %s", en(err))
					}
					g := posix.Flock{Type: posix.F_RDLCK, Start: 0, Len: 0}
					if err := ch.FcntlLock(fd, posix.F_GETLK, &g); err != nil {
						return fail(t, "F_GETLK = %s", en(err))
					}
				}
				return 0
			}))
		}
		for _, pid := range pids {
			mustWait(t, p, pid, exited0)
		}
		return 0
	})
	requireStatus(t, exited0, st)
}
