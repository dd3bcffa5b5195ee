package cages_test

import (
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// mustOpen opens path in cage p or ends it.
func mustOpen(t *testing.T, p *cages.Proc, path string, flags int) int {
	t.Helper()
	fd, err := p.Open(path, flags, 0o644)
	check(t, p, err == nil, "Open(%s, %#o) = %d, %s; want an fd", path, flags, fd, en(err))
	return fd
}

// flockIs checks that Flock(fd, op) fails with want (nil: succeeds).
func flockIs(t *testing.T, p *cages.Proc, fd, op int, want error) {
	t.Helper()
	err := p.Flock(fd, op)
	check(t, p, err == want, "Flock(%d, %#x) = %s; want %s", fd, op, en(err), en(want))
}

// Two opens of one file are two descriptions: their locks conflict as
// flock(2) says (shared with shared is fine, exclusive with anything is
// not), LOCK_NB fails with EWOULDBLOCK, and converting a lock drops it
// first.
func TestFlock_ConflictsBetweenDescriptions(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		a := mustOpen(t, p, "/tmp/lock", posix.O_RDWR|posix.O_CREAT)
		b := mustOpen(t, p, "/tmp/lock", posix.O_RDONLY)
		flockIs(t, p, a, posix.LOCK_SH, nil)
		flockIs(t, p, b, posix.LOCK_SH|posix.LOCK_NB, nil)
		flockIs(t, p, a, posix.LOCK_EX|posix.LOCK_NB, posix.EWOULDBLOCK)
		// The failed conversion lost a's shared lock (Linux removes the
		// old lock first): b can now convert to exclusive.
		flockIs(t, p, b, posix.LOCK_EX|posix.LOCK_NB, nil)
		flockIs(t, p, a, posix.LOCK_SH|posix.LOCK_NB, posix.EWOULDBLOCK)
		flockIs(t, p, b, posix.LOCK_EX, nil) // same lock again: nothing to do
		flockIs(t, p, b, posix.LOCK_UN, nil)
		flockIs(t, p, a, posix.LOCK_EX|posix.LOCK_NB, nil)
		flockIs(t, p, a, posix.LOCK_UN, nil)
		flockIs(t, p, a, posix.LOCK_UN, nil) // unlocking nothing succeeds
		return 0
	})
	requireStatus(t, exited0, st)
}

// The lock belongs to the open file description: a dup'd fd and a forked
// child's fd are the same holder, and only the last close releases it.
func TestFlock_SharedByDupAndFork_ReleasedAtLastClose(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		a := mustOpen(t, p, "/tmp/lock", posix.O_RDWR|posix.O_CREAT)
		other := mustOpen(t, p, "/tmp/lock", posix.O_RDWR)
		flockIs(t, p, a, posix.LOCK_EX, nil)
		dup, err := p.Dup(a)
		check(t, p, err == nil, "Dup = %s", en(err))
		flockIs(t, p, dup, posix.LOCK_EX|posix.LOCK_NB, nil) // same holder
		mustClose(t, p, a)
		flockIs(t, p, other, posix.LOCK_SH|posix.LOCK_NB, posix.EWOULDBLOCK)

		r, w := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			// The child's dup shares the description: its unlock is the
			// parent's too.
			flockIs(t, ch, dup, posix.LOCK_EX|posix.LOCK_NB, nil)
			mustEOF(t, ch, r)
			return 0
		})
		mustClose(t, p, r)
		mustClose(t, p, dup) // the child still holds the description
		flockIs(t, p, other, posix.LOCK_SH|posix.LOCK_NB, posix.EWOULDBLOCK)
		mustClose(t, p, w) // the child reads EOF and exits: last close
		mustWait(t, p, pid, exited0)
		flockIs(t, p, other, posix.LOCK_EX|posix.LOCK_NB, nil)
		return 0
	})
	requireStatus(t, exited0, st)
}

// Locks are kept by inode across the cages of one kernel, and dup2 over
// the last fd of a description, execve's close-on-exec and exit release
// them.
func TestFlock_ReleasedByDup2ExecAndExit(t *testing.T) {
	k := newKernel(cages.Config{})
	require.NoError(t, k.Install("/bin/holdexec", func(p *cages.Proc) int { return 0 }))
	st := runIn(t, k, func(p *cages.Proc) int {
		other := mustOpen(t, p, "/tmp/lock", posix.O_RDWR|posix.O_CREAT)
		a := mustOpen(t, p, "/tmp/lock", posix.O_RDWR)
		flockIs(t, p, a, posix.LOCK_EX, nil)
		null := mustOpen(t, p, "/dev/null", posix.O_RDONLY)
		_, err := p.Dup2(null, a)
		check(t, p, err == nil, "Dup2 = %s", en(err))
		flockIs(t, p, other, posix.LOCK_EX|posix.LOCK_NB, nil)
		flockIs(t, p, other, posix.LOCK_UN, nil)

		for _, how := range []string{"exec", "exit"} {
			r, w := mustPipe(t, p)
			pid := mustFork(t, p, func(ch *cages.Proc) int {
				mustClose(t, ch, r)
				fd := mustOpen(t, ch, "/tmp/lock", posix.O_RDWR|posix.O_CLOEXEC)
				flockIs(t, ch, fd, posix.LOCK_EX, nil)
				mustWrite(t, ch, w, "l")
				if how == "exec" {
					ch.Execve("/bin/holdexec", []string{"holdexec"}, nil)
					return 1
				}
				return 0
			})
			mustClose(t, p, w)
			mustRead(t, p, r, "l")
			mustClose(t, p, r)
			mustWait(t, p, pid, exited0)
			flockIs(t, p, other, posix.LOCK_EX|posix.LOCK_NB, nil)
			flockIs(t, p, other, posix.LOCK_UN, nil)
		}
		return 0
	})
	requireStatus(t, exited0, st)
}

// A conflicting lock blocks until the holder releases it, and the wait is
// interruptible: a signal with a handler (no SA_RESTART) ends it with
// EINTR.
func TestFlock_BlocksUntilReleased_EINTR(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		a := mustOpen(t, p, "/tmp/lock", posix.O_RDWR|posix.O_CREAT)
		flockIs(t, p, a, posix.LOCK_EX, nil)
		g := newGate()
		g.arm(p, posix.SYS_FLOCK)
		start := make(chan struct{})
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			fd := mustOpen(t, ch, "/tmp/lock", posix.O_RDWR)
			close(start)
			flockIs(t, ch, fd, posix.LOCK_SH, nil) // blocks until the parent unlocks
			var got atomic.Bool
			catch(t, ch, posix.SIGUSR1, 0, func(int) { got.Store(true) })
			fd2 := mustOpen(t, ch, "/tmp/lock", posix.O_RDWR)
			err := ch.Flock(fd2, posix.LOCK_EX) // blocks on its own shared lock
			check(t, ch, err == posix.EINTR && got.Load(), "Flock(LOCK_EX) under a signal = %s, handler ran %v; want EINTR, true", en(err), got.Load())
			return 0
		})
		<-start
		g.mustAwait(t, p, pid)
		time.Sleep(20 * time.Millisecond) // let the child sleep in flock
		flockIs(t, p, a, posix.LOCK_UN, nil)
		// The child takes its shared lock, then blocks for the exclusive
		// one; it is interrupted there.
		deadline := time.Now().Add(cageTimeout)
		for {
			if err := p.Flock(a, posix.LOCK_EX|posix.LOCK_NB); err == posix.EWOULDBLOCK {
				break
			}
			p.Flock(a, posix.LOCK_UN)
			check(t, p, time.Now().Before(deadline), "the child never took its lock")
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill")
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// flock's errors, in Linux's order: the operation before the fd.
func TestFlock_Errors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		flockIs(t, p, -1, 0, posix.EINVAL)
		flockIs(t, p, -1, posix.LOCK_SH|posix.LOCK_EX, posix.EINVAL)
		flockIs(t, p, -1, posix.LOCK_SH, posix.EBADF)
		flockIs(t, p, 99, posix.LOCK_UN, posix.EBADF)
		flockIs(t, p, -1, posix.LOCK_MAND|posix.LOCK_SH, nil) // ignored
		path, err := p.Open("/tmp", posix.O_PATH, 0)
		check(t, p, err == nil, "Open(O_PATH) = %s", en(err))
		flockIs(t, p, path, posix.LOCK_SH, posix.EBADF)
		// Pipes have an inode too: they can be locked.
		r, w := mustPipe(t, p)
		flockIs(t, p, r, posix.LOCK_EX, nil)
		flockIs(t, p, w, posix.LOCK_EX|posix.LOCK_NB, posix.EWOULDBLOCK)
		return 0
	})
	requireStatus(t, exited0, st)
}

// Hammer: many cages increment a counter kept in a file, each increment a
// read-modify-write under LOCK_EX; readers take LOCK_SH and must never
// see a torn update (the two copies of the counter differ). The final
// count proves mutual exclusion.
func TestFlock_Hammer(t *testing.T) {
	const writers, readers, rounds = 8, 4, 200
	k := newKernel(cages.Config{})
	require.NoError(t, k.FS().WriteFile("/tmp/counter", make([]byte, 16), 0o666))
	var procs []*cages.Process
	for i := 0; i < writers+readers; i++ {
		writer := i < writers
		proc, err := k.Start(cages.Spec{Path: "/hammer", Program: func(p *cages.Proc) int {
			fd := mustOpen(t, p, "/tmp/counter", posix.O_RDWR)
			b := make([]byte, 16)
			for r := 0; r < rounds; r++ {
				op := posix.LOCK_SH
				if writer {
					op = posix.LOCK_EX
				}
				flockIs(t, p, fd, op, nil)
				n, err := p.Pread(fd, b, 0)
				check(t, p, err == nil && n == 16, "Pread = %d, %s", n, en(err))
				x, y := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
				check(t, p, x == y, "torn counter: %d, %d", x, y)
				if writer {
					binary.LittleEndian.PutUint64(b, x+1)
					p.Pwrite(fd, b[:8], 0)
					p.SchedYield() // widen the window a lock must close
					binary.LittleEndian.PutUint64(b[8:], x+1)
					p.Pwrite(fd, b[8:], 8)
				}
				flockIs(t, p, fd, posix.LOCK_UN, nil)
			}
			return 0
		}})
		require.NoError(t, err)
		procs = append(procs, proc)
	}
	for _, proc := range procs {
		requireStatus(t, exited0, waitProcessOnly(t, proc))
	}
	waitNoCages(t, k)
	data, err := k.FS().ReadFile("/tmp/counter")
	require.NoError(t, err)
	require.Equal(t, uint64(writers*rounds), binary.LittleEndian.Uint64(data))
}
