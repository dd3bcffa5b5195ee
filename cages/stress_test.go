package cages_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Hammer tests: many cages at once, under -race, then the invariants:
// every cage ended as it should, nothing hangs, and nothing leaks (the
// kernel's cage count back to zero, the goroutines back to what they
// were).

// checkLeaks makes t, at its end, wait for the goroutine count to come
// back to its present value (goroutines exit asynchronously) and require
// that k has no cage left.
func checkLeaks(t *testing.T, k *cages.Kernel) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		waitNoCages(t, k)
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("goroutines leaked: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}

// 1,000 cages forking and waiting at the same time, in three shapes.
func TestStress_ThousandCagesForkAndWait(t *testing.T) {
	t.Run("10 parents x 100 children", func(t *testing.T) {
		k := newKernel(cages.Config{})
		checkLeaks(t, k)
		const parents, children = 10, 100
		requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
			var pids []int
			for i := range parents {
				pids = append(pids, mustFork(t, p, func(ch *cages.Proc) int {
					want := map[int]posix.WaitStatus{}
					for j := range children {
						code := (i*children + j) % 251
						pid := mustFork(t, ch, func(*cages.Proc) int { return code })
						want[pid] = posix.Exited(code)
					}
					for range children {
						pid, st, err := ch.Wait4(-1, 0)
						check(t, ch, err == nil, "Wait4(-1) = %d, %s", pid, en(err))
						w, ok := want[pid]
						check(t, ch, ok, "Wait4(-1) = %d, not a child or reaped twice", pid)
						check(t, ch, st == w, "child %d: status %v; want %v", pid, st, w)
						delete(want, pid)
					}
					got, _, err := ch.Wait4(-1, posix.WNOHANG)
					check(t, ch, err == posix.ECHILD, "Wait4(-1) after reaping all = %d, %s; want ECHILD", got, en(err))
					return i
				}))
			}
			for i, pid := range pids {
				mustWait(t, p, pid, posix.Exited(i))
			}
			return 0
		}))
	})

	t.Run("binary tree of 1023", func(t *testing.T) {
		k := newKernel(cages.Config{})
		checkLeaks(t, k)
		// node forks two subtrees of depth d-1 and returns its subtree's
		// size, mod 256.
		var node func(d int) func(*cages.Proc) int
		node = func(d int) func(*cages.Proc) int {
			return func(p *cages.Proc) int {
				if d == 0 {
					return 1
				}
				a := mustFork(t, p, node(d-1))
				b := mustFork(t, p, node(d-1))
				want := posix.Exited((1<<d - 1) & 0xff)
				mustWait(t, p, b, want)
				mustWait(t, p, a, want)
				return (1<<(d+1) - 1) & 0xff
			}
		}
		requireStatus(t, posix.Exited(1023&0xff), runIn(t, k, node(9)))
	})

	t.Run("chain of 500", func(t *testing.T) {
		k := newKernel(cages.Config{})
		checkLeaks(t, k)
		var link func(d int) func(*cages.Proc) int
		link = func(d int) func(*cages.Proc) int {
			return func(p *cages.Proc) int {
				if d == 0 {
					return 0
				}
				pid := mustFork(t, p, link(d-1))
				got, st, err := p.Wait4(pid, 0)
				check(t, p, got == pid && err == nil, "Wait4(%d) = %d, %s", pid, got, en(err))
				return (st.ExitStatus() + 1) & 0xff
			}
		}
		requireStatus(t, posix.Exited(500&0xff), runIn(t, k, link(500)))
	})
}

// storm sends every victim each of sigs, rounds times, from several
// senders at once (cages and host goroutines), then SIGKILL.
func storm(t *testing.T, p *cages.Proc, victims []int, sigs []int, rounds, killers int) {
	t.Helper()
	k := p.Cage().Kernel()
	var killerPids []int
	for i := range killers {
		killerPids = append(killerPids, mustFork(t, p, func(ch *cages.Proc) int {
			for r := range rounds {
				for j := range victims {
					v := victims[(j+i*7+r)%len(victims)]
					for _, sig := range sigs {
						if err := ch.Kill(v, sig); err != nil {
							return fail(t, "killer: Kill(%d, %s) = %s", v, posix.SignalName(sig), en(err))
						}
					}
				}
			}
			for j := range victims {
				v := victims[(j+i*13)%len(victims)]
				if err := ch.Kill(v, posix.SIGKILL); err != nil {
					return fail(t, "killer: Kill(%d, SIGKILL) = %s", v, en(err))
				}
			}
			return 0
		}))
	}
	// The host joins in, through Cage.Signal.
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			for r := range rounds {
				for j := range victims {
					if c := k.Cage(victims[(j+i+r)%len(victims)]); c != nil {
						for _, sig := range sigs {
							c.Signal(sig)
						}
					}
				}
			}
		})
	}
	for _, pid := range killerPids {
		mustWait(t, p, pid, exited0)
	}
	wg.Wait()
}

// A kill storm against cages asleep in read: caught and ignored signals
// leave them reading (SA_RESTART), SIGKILL ends every one of them.
func TestStress_KillStorm_BlockedInRead(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	const n = 200
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		var victims []int
		var gates []gate
		for range n {
			g := newGate()
			gates = append(gates, g)
			victims = append(victims, mustFork(t, p, func(ch *cages.Proc) int {
				mustClose(t, ch, w)
				catch(t, ch, posix.SIGUSR1, posix.SA_RESTART, func(int) {})
				_ = ch.Ignore(posix.SIGUSR2)
				g.arm(ch, posix.SYS_READ)
				b := make([]byte, 1)
				for {
					n, err := ch.Read(r, b)
					if err != nil || n == 0 {
						return fail(t, "victim: Read = %d, %s; want to sleep until killed", n, en(err))
					}
				}
			}))
		}
		for i, pid := range victims {
			gates[i].mustAwait(t, p, pid)
		}
		storm(t, p, victims, []int{posix.SIGUSR1, posix.SIGUSR2, posix.SIGCHLD, posix.SIGURG}, 5, 4)
		for _, pid := range victims {
			mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		}
		mustClose(t, p, w)
		return 0
	}))
}

// A kill storm against cages asleep in write on a full pipe that nobody
// reads.
func TestStress_KillStorm_BlockedInWrite(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	const n = 200
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		var victims []int
		var gates []gate
		for range n {
			g := newGate()
			gates = append(gates, g)
			victims = append(victims, mustFork(t, p, func(ch *cages.Proc) int {
				catch(t, ch, posix.SIGUSR1, posix.SA_RESTART, func(int) {})
				_ = ch.Ignore(posix.SIGUSR2)
				g.arm(ch, posix.SYS_WRITE)
				b := make([]byte, 8192)
				for {
					n, err := ch.Write(w, b)
					if err != nil || n == 0 {
						return fail(t, "victim: Write = %d, %s; want to sleep until killed", n, en(err))
					}
				}
			}))
		}
		for i, pid := range victims {
			gates[i].mustAwait(t, p, pid)
		}
		storm(t, p, victims, []int{posix.SIGUSR1, posix.SIGUSR2}, 5, 4)
		for _, pid := range victims {
			mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		}
		mustClose(t, p, r)
		mustClose(t, p, w)
		return 0
	}))
}

// SIGKILL ends a cage asleep in any blocking call: wait4, poll, nanosleep,
// sigsuspend, pause, read of the host's stdin. The children of the
// killed go to init.
func TestStress_KillStorm_EveryBlockingCall(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)   // never written: readers and pollers sleep
		fr, fw := mustPipe(t, p) // never read: writers sleep once it is full
		// Each sleeps in its call for good: caught SIGUSR2 (SA_RESTART)
		// restarts some calls and ends others with EINTR, which go back
		// to sleep.
		sleepers := map[string]struct {
			num int
			fn  func(ch *cages.Proc)
		}{
			"wait4": {posix.SYS_WAIT4, func(ch *cages.Proc) {
				mustFork(t, ch, untilClosed(t, r, w, 0))
				for {
					_, _, _ = ch.Wait4(-1, 0)
				}
			}},
			"poll": {posix.SYS_POLL, func(ch *cages.Proc) {
				for {
					_, _, _ = pollOne(ch, r, posix.POLLIN, -1)
				}
			}},
			"poll 10 s": {posix.SYS_POLL, func(ch *cages.Proc) {
				for {
					_, _, _ = pollOne(ch, r, posix.POLLIN, 10000)
				}
			}},
			"nanosleep": {posix.SYS_NANOSLEEP, func(ch *cages.Proc) {
				for {
					_ = ch.Sleep(time.Hour)
				}
			}},
			"sigsuspend": {posix.SYS_RT_SIGSUSPEND, func(ch *cages.Proc) {
				for {
					_ = ch.Sigsuspend(posix.SigsetOf(posix.SIGUSR1))
				}
			}},
			"pause": {posix.SYS_RT_SIGSUSPEND, func(ch *cages.Proc) {
				for {
					_ = ch.Pause()
				}
			}},
			"read": {posix.SYS_READ, func(ch *cages.Proc) {
				for {
					_, _ = ch.Read(r, make([]byte, 1))
				}
			}},
			"write": {posix.SYS_WRITE, func(ch *cages.Proc) {
				for {
					_, _ = ch.Write(fw, make([]byte, 1<<17))
				}
			}},
			"blocked all, read": {posix.SYS_READ, func(ch *cages.Proc) {
				all := ^posix.Sigset(0)
				_, _ = ch.Sigprocmask(posix.SIG_SETMASK, &all)
				for {
					_, _ = ch.Read(r, make([]byte, 1))
				}
			}},
		}
		var victims []int
		for range 10 {
			for name, s := range sleepers {
				g := newGate()
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					catch(t, ch, posix.SIGUSR2, posix.SA_RESTART, func(int) {})
					g.arm(ch, s.num)
					s.fn(ch)
					return fail(t, "%s returned in a cage being killed", name)
				})
				g.mustAwait(t, p, pid)
				victims = append(victims, pid)
			}
		}
		storm(t, p, victims, []int{posix.SIGUSR2}, 2, 3)
		for _, pid := range victims {
			mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		}
		mustClose(t, p, w) // the orphaned grandchildren exit; init reaps them
		mustClose(t, p, fr)
		mustClose(t, p, fw)
		return 0
	}))
}

// Under a flood of caught signals, a stream through a pipe arrives whole
// and in order: with SA_RESTART no call fails, without it EINTR comes
// only with nothing transferred and a retry loses nothing.
func TestStress_SignalFlood_PipeStreamIntact(t *testing.T) {
	for _, flags := range []int{posix.SA_RESTART, 0} {
		t.Run(fmt.Sprintf("flags %#x", flags), func(t *testing.T) {
			k := newKernel(cages.Config{})
			checkLeaks(t, k)
			const size = 1 << 20
			requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				// Installed before the forks, so the children catch
				// SIGUSR1 from their first instruction.
				catch(t, p, posix.SIGUSR1, flags, func(int) {})
				writer := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, r)
					buf := make([]byte, size)
					for i := range buf {
						buf[i] = byte(i % 253)
					}
					for off := 0; off < size; {
						end := min(off+1+off%20000, size)
						n, err := ch.Write(w, buf[off:end])
						if err == posix.EINTR && flags == 0 {
							continue
						}
						check(t, ch, err == nil && n > 0, "writer: Write(%d bytes) = %d, %s", end-off, n, en(err))
						off += n
					}
					return 0
				})
				reader := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, w)
					got := 0
					b := make([]byte, 7000)
					for {
						n, err := ch.Read(r, b)
						if err == posix.EINTR && flags == 0 {
							continue
						}
						check(t, ch, err == nil, "reader: Read = %d, %s", n, en(err))
						if n == 0 {
							break
						}
						for i := range n {
							if b[i] != byte((got+i)%253) {
								return fail(t, "reader: byte %d = %d; want %d", got+i, b[i], (got+i)%253)
							}
						}
						got += n
					}
					check(t, ch, got == size, "reader got %d bytes; want %d", got, size)
					return 0
				})
				mustClose(t, p, r)
				mustClose(t, p, w)
				var flooders []int
				for range 3 {
					flooders = append(flooders, mustFork(t, p, func(ch *cages.Proc) int {
						for range 2000 {
							_ = ch.Kill(writer, posix.SIGUSR1)
							_ = ch.Kill(reader, posix.SIGUSR1)
						}
						return 0
					}))
				}
				for _, pid := range flooders {
					mustWait(t, p, pid, exited0)
				}
				mustWait(t, p, writer, exited0)
				mustWait(t, p, reader, exited0)
				return 0
			}))
		})
	}
}

// A pipeline of 50 execve'd cat cages, each stage a pipe: the data comes
// out whole at the end.
func TestStress_Pipeline50Stages(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	k.Install("/bin/cat", func(p *cages.Proc) int {
		b := make([]byte, 5000)
		for {
			n, err := p.Read(0, b)
			if err != nil {
				return 2
			}
			if n == 0 {
				return 0
			}
			for off := 0; off < n; {
				m, err := p.Write(1, b[off:n])
				if err != nil {
					return 3
				}
				off += m
			}
		}
	})
	in := bytes.Repeat([]byte("gocage pipeline "), 1<<14) // 256 KiB
	var out syncBuffer
	proc, err := k.Start(cages.Spec{Path: "/sh", Stdin: bytes.NewReader(in), Stdout: &out, Program: func(p *cages.Proc) int {
		const stages = 50
		var pids []int
		prev := 0 // the read end feeding the next stage
		for i := range stages {
			var r, w int
			last := i == stages-1
			if !last {
				r, w = mustPipe(t, p)
			}
			in := prev // the child's copy: fork copies memory, a closure does not
			pids = append(pids, mustFork(t, p, func(ch *cages.Proc) int {
				if in != 0 {
					_, _ = ch.Dup2(in, 0)
					mustClose(t, ch, in)
				}
				if !last {
					_, _ = ch.Dup2(w, 1)
					mustClose(t, ch, w)
					mustClose(t, ch, r)
				}
				err := ch.Execve("/bin/cat", []string{"cat"}, nil)
				return fail(t, "Execve(/bin/cat) = %s", en(err))
			}))
			if prev != 0 {
				mustClose(t, p, prev)
			}
			if !last {
				mustClose(t, p, w)
				prev = r
			}
		}
		for _, pid := range pids {
			mustWait(t, p, pid, exited0)
		}
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, waitProcess(t, k, proc))
	require.Equal(t, len(in), out.Len(), "bytes out of the pipeline")
	require.True(t, bytes.Equal(in, []byte(out.String())), "the pipeline changed the data")
}

// Many host Starts at once, each cage forking; then Shutdown kills
// everything that is left.
func TestStress_ConcurrentStarts_ThenShutdown(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	const n = 50
	procs := make([]*cages.Process, n)
	ready := make([]gate, n)
	var wg sync.WaitGroup
	for i := range n {
		ready[i] = newGate()
		wg.Go(func() {
			proc, err := k.Start(cages.Spec{Path: "/s", Program: func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				for range 3 {
					mustFork(t, p, untilClosed(t, r, w, 0))
				}
				if i%2 == 0 {
					close(ready[i])
					for {
						// Children killed first may be reaped before
						// the SIGKILL for this cage arrives.
						_, _, _ = p.Wait4(-1, 0)
					}
				}
				ready[i].arm(p, posix.SYS_RT_SIGSUSPEND)
				_ = p.Pause()
				return fail(t, "Pause returned in a cage being shut down")
			}})
			if err != nil {
				t.Errorf("Start = %v", err)
				return
			}
			procs[i] = proc
		})
	}
	wg.Wait()
	for i, proc := range procs {
		require.NotNil(t, proc)
		select {
		case <-ready[i]:
		case <-proc.Done():
			t.Fatalf("cage %d ended early", proc.Pid())
		}
	}
	require.Equal(t, 4*n, k.NumCages(), "NumCages() before Shutdown")
	ctx, cancel := context.WithTimeout(context.Background(), cageTimeout)
	defer cancel()
	require.NoError(t, k.Shutdown(ctx))
	for _, proc := range procs {
		st, err := proc.Wait(ctx)
		require.NoError(t, err)
		requireStatus(t, posix.Signaled(posix.SIGKILL, false), st)
	}
}
