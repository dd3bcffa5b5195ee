package cages_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Default actions (signal(7)): terminate, core (reported without a core
// dump: RLIMIT_CORE is 0), or ignore.
func TestSignal_DefaultActions(t *testing.T) {
	for _, tc := range []struct {
		sig  int
		want posix.WaitStatus
	}{
		{posix.SIGHUP, posix.Signaled(posix.SIGHUP, false)},
		{posix.SIGINT, posix.Signaled(posix.SIGINT, false)},
		{posix.SIGKILL, posix.Signaled(posix.SIGKILL, false)},
		{posix.SIGUSR1, posix.Signaled(posix.SIGUSR1, false)},
		{posix.SIGUSR2, posix.Signaled(posix.SIGUSR2, false)},
		{posix.SIGPIPE, posix.Signaled(posix.SIGPIPE, false)},
		{posix.SIGALRM, posix.Signaled(posix.SIGALRM, false)},
		{posix.SIGTERM, posix.Signaled(posix.SIGTERM, false)},
		{posix.SIGRTMIN, posix.Signaled(posix.SIGRTMIN, false)},
		{posix.SIGQUIT, posix.Signaled(posix.SIGQUIT, false)},
		{posix.SIGABRT, posix.Signaled(posix.SIGABRT, false)},
		{posix.SIGSEGV, posix.Signaled(posix.SIGSEGV, false)},
		{posix.SIGCHLD, posix.Exited(0)},
		{posix.SIGURG, posix.Exited(0)},
		{posix.SIGWINCH, posix.Exited(0)},
		{posix.SIGCONT, posix.Exited(0)},
	} {
		t.Run(posix.SignalName(tc.sig), func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					err := ch.Kill(ch.Getpid(), tc.sig)
					check(t, ch, err == nil, "Kill(self, %s) = %s", posix.SignalName(tc.sig), en(err))
					return 0
				})
				mustWait(t, p, pid, tc.want)
				return 0
			}))
		})
	}
}

// SIGKILL cannot be caught, ignored or blocked: sigaction refuses it with
// EINVAL; sigprocmask silently leaves it (and SIGSTOP) out of the mask.
func TestSignal_SIGKILL_CannotBeCaughtIgnoredOrBlocked(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		for _, sig := range []int{posix.SIGKILL, posix.SIGSTOP} {
			for _, act := range []cages.SigAction{
				{Disposition: cages.SigCatch, Handler: func(int) {}},
				{Disposition: cages.SigIgnore},
				{Disposition: cages.SigDefault},
			} {
				err := p.Sigaction(sig, &act, nil)
				check(t, p, err == posix.EINVAL, "Sigaction(%s, disposition %d) = %s; want EINVAL", posix.SignalName(sig), act.Disposition, en(err))
			}
			var old cages.SigAction
			err := p.Sigaction(sig, nil, &old)
			check(t, p, err == nil && old.Disposition == cages.SigDefault, "Sigaction(%s, nil, &old) = %s, %+v; want nil, SigDefault", posix.SignalName(sig), en(err), old)
		}
		all := ^posix.Sigset(0)
		_, err := p.Sigprocmask(posix.SIG_SETMASK, &all)
		check(t, p, err == nil, "Sigprocmask(SIG_SETMASK, all) = %s; want nil", en(err))
		got, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
		want := all &^ posix.SigsetOf(posix.SIGKILL, posix.SIGSTOP)
		check(t, p, got == want, "mask after blocking everything = %#x; want %#x (no SIGKILL, SIGSTOP)", uint64(got), uint64(want))

		// A child that blocks everything still dies of SIGKILL, whether
		// it sends it itself or is asleep when it comes.
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			_ = ch.Kill(ch.Getpid(), posix.SIGKILL)
			return fail(t, "survived SIGKILL with every signal blocked")
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		r, w := mustPipe(t, p)
		reading := newGate()
		pid = mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			reading.arm(ch, posix.SYS_READ)
			n, err := ch.Read(r, make([]byte, 1))
			return fail(t, "Read() = %d, %s in a cage killed with SIGKILL", n, en(err))
		})
		reading.mustAwait(t, p, pid)
		check(t, p, p.Kill(pid, posix.SIGKILL) == nil, "Kill(child, SIGKILL)")
		mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		return 0
	}))
}

func TestSigaction_BadSignal_EINVAL(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		act := cages.SigAction{Disposition: cages.SigIgnore}
		for _, sig := range []int{0, -1, 65, 1000} {
			err := p.Sigaction(sig, &act, nil)
			check(t, p, err == posix.EINVAL, "Sigaction(%d, SIG_IGN) = %s; want EINVAL", sig, en(err))
			err = p.Sigaction(sig, nil, &act)
			check(t, p, err == posix.EINVAL, "Sigaction(%d, nil, &old) = %s; want EINVAL", sig, en(err))
		}
		return 0
	}))
}

// sigaction returns the previous action and installs the new one.
func TestSigaction_ReturnsOldAction(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		var old cages.SigAction
		check(t, p, p.Sigaction(posix.SIGUSR1, nil, &old) == nil && old.Disposition == cages.SigDefault, "initial SIGUSR1 = %+v; want SigDefault", old)
		mask := posix.SigsetOf(posix.SIGUSR2, posix.SIGKILL)
		act := cages.SigAction{Disposition: cages.SigCatch, Handler: func(int) {}, Flags: posix.SA_RESTART, Mask: mask}
		check(t, p, p.Sigaction(posix.SIGUSR1, &act, &old) == nil && old.Disposition == cages.SigDefault, "Sigaction(SIGUSR1, handler, &old): old = %+v; want SigDefault", old)
		check(t, p, p.Sigaction(posix.SIGUSR1, &cages.SigAction{Disposition: cages.SigIgnore}, &old) == nil, "Sigaction(SIGUSR1, SIG_IGN)")
		check(t, p, old.Disposition == cages.SigCatch && old.Handler != nil && old.Flags == posix.SA_RESTART, "old action = %+v; want the handler with SA_RESTART", old)
		check(t, p, old.Mask == posix.SigsetOf(posix.SIGUSR2), "old action's mask = %#x; want SIGUSR2 (SIGKILL cannot be masked)", uint64(old.Mask))
		check(t, p, p.Sigaction(posix.SIGUSR1, nil, &old) == nil && old.Disposition == cages.SigIgnore, "SIGUSR1 = %+v; want SigIgnore", old)
		// A caught disposition with no handler is the default.
		check(t, p, p.Sigaction(posix.SIGUSR1, &cages.SigAction{Disposition: cages.SigCatch}, nil) == nil, "Sigaction(SigCatch, nil handler)")
		check(t, p, p.Sigaction(posix.SIGUSR1, nil, &old) == nil && old.Disposition == cages.SigDefault, "SIGUSR1 after SigCatch with nil handler = %+v; want SigDefault", old)
		return 0
	}))
}

// An ignored signal is discarded: nothing runs, nothing stays pending,
// and ignoring a pending signal discards it even when it is blocked. So
// does setting SIG_DFL for a signal whose default is to ignore it.
func TestSignal_SIG_IGN_DiscardsSignal(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Ignore(posix.SIGTERM) == nil, "Ignore(SIGTERM)")
		check(t, p, p.Kill(p.Getpid(), posix.SIGTERM) == nil, "Kill(self, SIGTERM)")
		pend, _ := p.Sigpending()
		check(t, p, pend == 0, "Sigpending() after an ignored, unblocked SIGTERM = %#x; want empty", uint64(pend))

		// Blocked, an ignored signal stays pending (it might be handled
		// when unblocked)...
		set := posix.SigsetOf(posix.SIGTERM, posix.SIGUSR1, posix.SIGCHLD)
		_, _ = p.Sigprocmask(posix.SIG_BLOCK, &set)
		_ = p.Kill(p.Getpid(), posix.SIGTERM)
		_ = p.Kill(p.Getpid(), posix.SIGCHLD)
		_ = p.Kill(p.Getpid(), posix.SIGUSR1)
		pend, _ = p.Sigpending()
		check(t, p, pend == set, "Sigpending() with SIGTERM (ignored), SIGCHLD (default ignore) and SIGUSR1 blocked and sent = %#x; want %#x", uint64(pend), uint64(set))
		// ...until its action is set to SIG_IGN again, or to SIG_DFL when
		// the default is to ignore.
		_ = p.Ignore(posix.SIGUSR1)
		_ = p.Ignore(posix.SIGTERM)
		_ = p.Signal(posix.SIGCHLD, nil)
		pend, _ = p.Sigpending()
		check(t, p, pend == 0, "Sigpending() after SIG_IGN / SIG_DFL on the pending signals = %#x; want empty", uint64(pend))
		_, _ = p.Sigprocmask(posix.SIG_UNBLOCK, &set)
		return 0
	}))
}

// A handler runs at the end of the call during which its signal became
// deliverable, before the call returns: kill(2) on oneself included.
func TestSignal_HandlerRunsBeforeCallReturns(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		var got []int
		for _, sig := range []int{posix.SIGUSR1, posix.SIGUSR2, posix.SIGTERM, posix.SIGCHLD, posix.SIGRTMAX} {
			catch(t, p, sig, 0, func(s int) { got = append(got, s) })
			check(t, p, p.Kill(p.Getpid(), sig) == nil, "Kill(self, %s)", posix.SignalName(sig))
			check(t, p, len(got) == 1 && got[0] == sig, "handler calls when Kill(self, %s) returned = %v; want [%d]", posix.SignalName(sig), got, sig)
			got = got[:0]
		}
		return 0
	}))
}

// A read asleep on an empty pipe and interrupted by a caught signal fails
// with EINTR without SA_RESTART, and is restarted with it; the handler
// has run by the time the read returns.
func TestRead_BlockedPipe_CaughtSignal_EINTRUnlessSA_RESTART(t *testing.T) {
	for _, tc := range []struct {
		name    string
		flags   int
		wantN   int
		wantErr error
	}{
		{"no SA_RESTART: EINTR", 0, 0, posix.EINTR},
		{"SA_RESTART: restarted", posix.SA_RESTART, 4, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				ack, ackw := mustPipe(t, p)
				reading := newGate()
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, w)
					mustClose(t, ch, ack)
					ran := 0
					catch(t, ch, posix.SIGUSR1, tc.flags, func(int) {
						ran++
						mustWrite(t, ch, ackw, "h")
					})
					reading.arm(ch, posix.SYS_READ)
					b := make([]byte, 8)
					n, err := ch.Read(r, b)
					check(t, ch, ran == 1, "handler ran %d times by the time Read returned; want 1", ran)
					check(t, ch, n == tc.wantN && err == tc.wantErr, "Read(empty pipe) interrupted by SIGUSR1 = %d, %s; want %d, %s", n, en(err), tc.wantN, en(tc.wantErr))
					return 0
				})
				mustClose(t, p, ackw)
				reading.mustAwait(t, p, pid)
				check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill(child, SIGUSR1)")
				mustRead(t, p, ack, "h")
				if tc.wantErr == nil {
					mustWrite(t, p, w, "data") // for the restarted read
				}
				mustWait(t, p, pid, exited0)
				return 0
			}))
		})
	}
}

// A blocking pipe write interrupted by a caught signal after part of it
// was written returns that count, with or without SA_RESTART; with
// nothing written, it fails with EINTR unless SA_RESTART restarts it.
func TestWrite_BlockedPipe_CaughtSignal_PartialCountOrEINTR(t *testing.T) {
	for _, tc := range []struct {
		name    string
		flags   int
		prefill int // bytes queued before the write
		size    int
		wantN   int
		wantErr error
	}{
		{"partial, no SA_RESTART: count", 0, 0, 100000, 65536, nil},
		{"partial, SA_RESTART: count", posix.SA_RESTART, 0, 100000, 65536, nil},
		{"partial slot, SA_RESTART: count", posix.SA_RESTART, 61440, 8192, 4096, nil},
		{"nothing written, no SA_RESTART: EINTR", 0, 65536, 10, 0, posix.EINTR},
		{"nothing written, SA_RESTART: restarted", posix.SA_RESTART, 65536, 10, 10, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				ack, ackw := mustPipe(t, p)
				writing := newGate()
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, r)
					mustClose(t, ch, ack)
					ran := 0
					catch(t, ch, posix.SIGUSR1, tc.flags, func(int) {
						ran++
						mustWrite(t, ch, ackw, "h")
					})
					if tc.prefill > 0 {
						_, _ = ch.Fcntl(w, posix.F_SETFL, posix.O_NONBLOCK)
						for done := 0; done < tc.prefill; done += 4096 {
							mustWrite(t, ch, w, string(make([]byte, 4096)))
						}
						_, _ = ch.Fcntl(w, posix.F_SETFL, 0)
					}
					writing.arm(ch, posix.SYS_WRITE)
					n, err := ch.Write(w, make([]byte, tc.size))
					check(t, ch, ran == 1, "handler ran %d times by the time Write returned; want 1", ran)
					check(t, ch, n == tc.wantN && err == tc.wantErr, "Write(%d bytes, %d queued) interrupted by SIGUSR1 = %d, %s; want %d, %s", tc.size, tc.prefill, n, en(err), tc.wantN, en(tc.wantErr))
					return 0
				})
				mustClose(t, p, w)
				mustClose(t, p, ackw)
				writing.mustAwait(t, p, pid)
				check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill(child, SIGUSR1)")
				mustRead(t, p, ack, "h")
				// Drain the pipe: lets a restarted write finish.
				total, b := 0, make([]byte, 65536)
				for {
					n, err := p.Read(r, b)
					check(t, p, err == nil, "Read(pipe) = %s", en(err))
					if n == 0 {
						break
					}
					total += n
				}
				check(t, p, total == tc.prefill+tc.wantN, "bytes in the pipe = %d; want %d", total, tc.prefill+tc.wantN)
				mustWait(t, p, pid, exited0)
				return 0
			}))
		})
	}
}

// When two caught signals are pending at once, Linux sets up a frame for
// each before returning to user space, the lowest-numbered first, so the
// handler of the highest runs first; the first frame's SA_RESTART decides
// whether the interrupted call restarts (x86 handle_signal). Checked on
// Linux 6.x with a reader stopped while both signals were sent.
func TestSignal_TwoPendingAtOnce_FirstSignalDecidesRestart(t *testing.T) {
	for _, tc := range []struct {
		name             string
		hupFlags, u2Flag int
		wantN            int
		wantErr          error
	}{
		{"SIGHUP without SA_RESTART: EINTR", 0, posix.SA_RESTART, 0, posix.EINTR},
		{"SIGHUP with SA_RESTART: restarted", posix.SA_RESTART, 0, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				var order []int
				catch(t, p, posix.SIGHUP, tc.hupFlags, func(s int) { order = append(order, s) })
				catch(t, p, posix.SIGUSR2, tc.u2Flag, func(s int) {
					order = append(order, s)
					mustWrite(t, p, w, "x") // for a restarted read
				})
				// Both signals become pending as the read enters the
				// kernel, before it sleeps.
				onEnter(p, posix.SYS_READ, func() {
					p.Cage().Signal(posix.SIGUSR2)
					p.Cage().Signal(posix.SIGHUP)
				})
				n, err := p.Read(r, make([]byte, 1))
				check(t, p, fmt.Sprint(order) == "[12 1]", "handlers ran in order %v; want [12 1] (SIGUSR2's frame on top of SIGHUP's)", order)
				check(t, p, n == tc.wantN && err == tc.wantErr, "Read = %d, %s; want %d, %s", n, en(err), tc.wantN, en(tc.wantErr))
				return 0
			}))
		})
	}
}

// Pending signals unblocked together: handlers run highest number first,
// as their frames nest on Linux.
func TestSigprocmask_UnblockSeveralPending_HandlersRunHighestFirst(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		var order []int
		for _, sig := range []int{posix.SIGHUP, posix.SIGUSR1, posix.SIGUSR2} {
			catch(t, p, sig, 0, func(s int) { order = append(order, s) })
		}
		set := posix.SigsetOf(posix.SIGHUP, posix.SIGUSR1, posix.SIGUSR2)
		_, _ = p.Sigprocmask(posix.SIG_BLOCK, &set)
		for _, sig := range []int{posix.SIGUSR2, posix.SIGHUP, posix.SIGUSR1} {
			_ = p.Kill(p.Getpid(), sig)
		}
		check(t, p, len(order) == 0, "handlers ran while blocked: %v", order)
		_, _ = p.Sigprocmask(posix.SIG_UNBLOCK, &set)
		check(t, p, fmt.Sprint(order) == "[12 10 1]", "handler order after unblocking SIGUSR2, SIGHUP, SIGUSR1 = %v; want [12 10 1], as on Linux", order)
		return 0
	}))
}

// A fatal signal pending with a caught one kills the cage before any
// handler runs.
func TestSignal_FatalPendingWithCaught_DiesWithoutRunningHandler(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, r)
			catch(t, ch, posix.SIGHUP, 0, func(int) { mustWrite(t, ch, w, "handler ran") })
			set := posix.SigsetOf(posix.SIGHUP, posix.SIGTERM)
			_, _ = ch.Sigprocmask(posix.SIG_BLOCK, &set)
			_ = ch.Kill(ch.Getpid(), posix.SIGTERM)
			_ = ch.Kill(ch.Getpid(), posix.SIGHUP)
			_, _ = ch.Sigprocmask(posix.SIG_UNBLOCK, &set)
			return fail(t, "survived SIGTERM")
		})
		mustClose(t, p, w)
		mustWait(t, p, pid, posix.Signaled(posix.SIGTERM, false))
		mustEOF(t, p, r)
		return 0
	}))
}

// SIGPIPE, end to end: a write to a pipe with no reader raises SIGPIPE,
// which kills by default; ignored or caught, the write fails with EPIPE
// (the handler having run first).
func TestPipe_WriteWithNoReader_SIGPIPE(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, ch *cages.Proc, ran *int)
		want    posix.WaitStatus
		wantRan int
	}{
		{"default: killed by SIGPIPE", func(*testing.T, *cages.Proc, *int) {}, posix.Signaled(posix.SIGPIPE, false), 0},
		{"ignored: EPIPE", func(_ *testing.T, ch *cages.Proc, _ *int) { _ = ch.Ignore(posix.SIGPIPE) }, posix.Exited(0), 0},
		{"caught: handler, then EPIPE", func(t *testing.T, ch *cages.Proc, ran *int) {
			catch(t, ch, posix.SIGPIPE, posix.SA_RESTART, func(int) { *ran++ })
		}, posix.Exited(0), 1},
		{"blocked: EPIPE, SIGPIPE pending", func(_ *testing.T, ch *cages.Proc, _ *int) {
			set := posix.SigsetOf(posix.SIGPIPE)
			_, _ = ch.Sigprocmask(posix.SIG_BLOCK, &set)
		}, posix.Exited(0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					ran := 0
					tc.setup(t, ch, &ran)
					r, w := mustPipe(t, ch)
					mustClose(t, ch, r)
					for _, size := range []int{1, 100000} {
						n, err := ch.Write(w, make([]byte, size))
						check(t, ch, err == posix.EPIPE, "Write(%d bytes, no reader) = %d, %s; want EPIPE", size, n, en(err))
					}
					check(t, ch, ran == 2*tc.wantRan, "SIGPIPE handler ran %d times; want %d", ran, 2*tc.wantRan)
					// A zero-length write raises nothing.
					n, err := ch.Write(w, nil)
					check(t, ch, n == 0 && err == nil, "Write(0 bytes, no reader) = %d, %s; want 0, nil", n, en(err))
					return 0
				})
				mustWait(t, p, pid, tc.want)
				return 0
			}))
		})
	}
}

// A blocking write that made progress before the last reader went
// returns the count, and SIGPIPE is still raised.
func TestPipe_WriteBlocked_ReaderGoes_CountAndSIGPIPE(t *testing.T) {
	for _, tc := range []struct {
		name    string
		catchIt bool
		want    posix.WaitStatus
	}{
		{"default: killed by SIGPIPE", false, posix.Signaled(posix.SIGPIPE, false)},
		{"caught: count returned after the handler", true, posix.Exited(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, r)
					ran := 0
					if tc.catchIt {
						catch(t, ch, posix.SIGPIPE, 0, func(int) { ran++ })
					}
					n, err := ch.Write(w, make([]byte, 100000))
					check(t, ch, n == 65536 && err == nil, "Write(100000 bytes) as the reader goes = %d, %s; want 65536, nil", n, en(err))
					check(t, ch, ran == 1, "SIGPIPE handler ran %d times; want 1", ran)
					return 0
				})
				mustClose(t, p, w)
				// Once the pipe is full, the writer has made progress and is
				// about to sleep or asleep: take the reader away.
				for {
					var n int32
					check(t, p, p.Ioctl(r, posix.FIONREAD, &n) == nil, "Ioctl(FIONREAD)")
					if n == 65536 {
						break
					}
					_ = p.Sleep(time.Millisecond)
				}
				mustClose(t, p, r)
				mustWait(t, p, pid, tc.want)
				return 0
			}))
		})
	}
}

// A cage killed by a signal another cage sends while it sleeps in read
// reports WIFSIGNALED with that signal.
func TestSignal_KilledWhileBlocked_ParentSeesWIFSIGNALED(t *testing.T) {
	for _, sig := range []int{posix.SIGTERM, posix.SIGINT, posix.SIGKILL, posix.SIGALRM} {
		t.Run(posix.SignalName(sig), func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				reading := newGate()
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					mustClose(t, ch, w)
					reading.arm(ch, posix.SYS_READ)
					n, err := ch.Read(r, make([]byte, 1))
					return fail(t, "Read() = %d, %s; want death by %s", n, en(err), posix.SignalName(sig))
				})
				reading.mustAwait(t, p, pid)
				check(t, p, p.Kill(pid, sig) == nil, "Kill(child, %s)", posix.SignalName(sig))
				got, st, err := p.Wait4(pid, 0)
				check(t, p, got == pid && err == nil, "Wait4(%d) = %d, %s", pid, got, en(err))
				check(t, p, st.Signaled() && st.Signal() == sig && !st.Exited(), "status %v: WIFSIGNALED %v, WTERMSIG %d; want true, %d", st, st.Signaled(), st.Signal(), sig)
				return 0
			}))
		})
	}
}

func TestSigprocmask_BlockUnblockSetmask(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		u1, u2, term := posix.SigsetOf(posix.SIGUSR1), posix.SigsetOf(posix.SIGUSR2), posix.SigsetOf(posix.SIGTERM)
		for _, tc := range []struct {
			how       int
			name      string
			set       posix.Sigset
			old, want posix.Sigset
		}{
			{posix.SIG_BLOCK, "SIG_BLOCK", u1, 0, u1},
			{posix.SIG_BLOCK, "SIG_BLOCK", u2 | term, u1, u1 | u2 | term},
			{posix.SIG_UNBLOCK, "SIG_UNBLOCK", u2, u1 | u2 | term, u1 | term},
			{posix.SIG_UNBLOCK, "SIG_UNBLOCK", u2, u1 | term, u1 | term},
			{posix.SIG_SETMASK, "SIG_SETMASK", u2, u1 | term, u2},
			{posix.SIG_SETMASK, "SIG_SETMASK", 0, u2, 0},
		} {
			set := tc.set
			old, err := p.Sigprocmask(tc.how, &set)
			check(t, p, old == tc.old && err == nil, "Sigprocmask(%s, %#x) = %#x, %s; want old %#x", tc.name, uint64(set), uint64(old), en(err), uint64(tc.old))
			got, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
			check(t, p, got == tc.want, "mask after Sigprocmask(%s, %#x) = %#x; want %#x", tc.name, uint64(set), uint64(got), uint64(tc.want))
		}
		_, err := p.Sigprocmask(3, &u1)
		check(t, p, err == posix.EINVAL, "Sigprocmask(3, set) = %s; want EINVAL", en(err))
		got, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
		check(t, p, got == 0, "mask after a failed Sigprocmask = %#x; want 0", uint64(got))
		_, err = p.Sigprocmask(3, nil)
		check(t, p, err == nil, "Sigprocmask(3, nil) = %s; want nil (how is not checked without a set)", en(err))
		return 0
	}))
}

// A signal that arrives blocked stays pending, shows in sigpending, and is
// delivered (its handler run) before the sigprocmask that unblocks it
// returns.
func TestSigprocmask_UnblockDeliversPending(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		ran := 0
		catch(t, p, posix.SIGUSR1, 0, func(int) { ran++ })
		set := posix.SigsetOf(posix.SIGUSR1)
		_, _ = p.Sigprocmask(posix.SIG_BLOCK, &set)
		_ = p.Kill(p.Getpid(), posix.SIGUSR1)
		_ = p.Kill(p.Getpid(), posix.SIGUSR1) // standard signals do not queue
		check(t, p, ran == 0, "handler ran while SIGUSR1 was blocked")
		pend, err := p.Sigpending()
		check(t, p, pend == set && err == nil, "Sigpending() = %#x, %s; want SIGUSR1", uint64(pend), en(err))
		_, _ = p.Sigprocmask(posix.SIG_UNBLOCK, &set)
		check(t, p, ran == 1, "handler ran %d times by the time Sigprocmask(SIG_UNBLOCK) returned; want 1", ran)
		pend, _ = p.Sigpending()
		check(t, p, pend == 0, "Sigpending() after delivery = %#x; want empty", uint64(pend))

		// A pending blocked signal with the default action kills on unblock.
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			_ = ch.Signal(posix.SIGUSR1, nil)
			_, _ = ch.Sigprocmask(posix.SIG_BLOCK, &set)
			_ = ch.Kill(ch.Getpid(), posix.SIGUSR1)
			_, _ = ch.Sigprocmask(posix.SIG_SETMASK, new(posix.Sigset))
			return fail(t, "survived SIGUSR1 on unblocking it")
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGUSR1, false))
		return 0
	}))
}

// sigpending reports the pending signals that are blocked, only.
func TestSigpending_ReportsBlockedPending(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		pend, err := p.Sigpending()
		check(t, p, pend == 0 && err == nil, "Sigpending() in a new cage = %#x, %s; want empty", uint64(pend), en(err))
		set := posix.SigsetOf(posix.SIGUSR1, posix.SIGUSR2, posix.SIGCHLD, posix.SIGRTMAX)
		_, _ = p.Sigprocmask(posix.SIG_BLOCK, &set)
		want := posix.Sigset(0)
		for _, sig := range []int{posix.SIGUSR2, posix.SIGRTMAX, posix.SIGCHLD} {
			_ = p.Kill(p.Getpid(), sig)
			want = want.Add(sig)
			pend, _ = p.Sigpending()
			check(t, p, pend == want, "Sigpending() after Kill(self, %s) = %#x; want %#x", posix.SignalName(sig), uint64(pend), uint64(want))
		}
		_ = p.Ignore(posix.SIGUSR2)
		_ = p.Ignore(posix.SIGRTMAX)
		_ = p.Ignore(posix.SIGCHLD)
		return 0
	}))
}

// sigsuspend replaces the mask and sleeps until a signal's handler has
// run, then fails with EINTR and puts the old mask back. The handler runs
// with the sigsuspend mask plus its own signal blocked.
func TestSigsuspend_HandlerRunsThenEINTR_MaskRestored(t *testing.T) {
	for _, tc := range []struct {
		name string
		// send makes SIGUSR1 arrive: already pending, or from another
		// cage while the caller sleeps.
		pending bool
	}{
		{"signal already pending", true},
		{"signal sent while asleep", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				var inHandler posix.Sigset
				ran := 0
				catch(t, p, posix.SIGUSR1, 0, func(int) {
					ran++
					inHandler, _ = p.Sigprocmask(posix.SIG_BLOCK, nil)
				})
				old := posix.SigsetOf(posix.SIGUSR1, posix.SIGUSR2)
				_, _ = p.Sigprocmask(posix.SIG_SETMASK, &old)
				suspendMask := posix.SigsetOf(posix.SIGUSR2, posix.SIGTERM)
				pid := 0
				if tc.pending {
					_ = p.Kill(p.Getpid(), posix.SIGUSR1)
				} else {
					suspended := newGate()
					suspended.arm(p, posix.SYS_RT_SIGSUSPEND)
					me := p.Getpid()
					pid = mustFork(t, p, func(ch *cages.Proc) int {
						suspended.mustAwait(t, ch, me)
						check(t, ch, ch.Kill(me, posix.SIGUSR1) == nil, "Kill(parent, SIGUSR1)")
						return 0
					})
				}
				err := p.Sigsuspend(suspendMask)
				check(t, p, err == posix.EINTR, "Sigsuspend() = %s; want EINTR", en(err))
				check(t, p, ran == 1, "handler ran %d times by the time Sigsuspend returned; want 1", ran)
				check(t, p, inHandler == suspendMask.Add(posix.SIGUSR1), "mask in the handler = %#x; want the sigsuspend mask plus SIGUSR1 %#x", uint64(inHandler), uint64(suspendMask.Add(posix.SIGUSR1)))
				got, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
				check(t, p, got == old, "mask after Sigsuspend = %#x; want the old mask %#x", uint64(got), uint64(old))
				if pid != 0 {
					mustWait(t, p, pid, exited0)
				}
				return 0
			}))
		})
	}
}

// sigsuspend does not return for a signal that is discarded on delivery
// (here a blocked SIGCHLD with the default action, pending before the
// call): Linux restarts it (-ERESTARTNOHAND with no handler run) and it
// keeps waiting for a signal that runs a handler. Checked on Linux 6.x.
func TestSigsuspend_PendingIgnoredSignal_KeepsWaiting(t *testing.T) {
	k := newKernel(cages.Config{})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		chld := posix.SigsetOf(posix.SIGCHLD)
		_, _ = p.Sigprocmask(posix.SIG_BLOCK, &chld)
		child := mustFork(t, p, func(*cages.Proc) int { return 0 })
		<-k.Cage(child).Done()
		pend, _ := p.Sigpending()
		check(t, p, pend == chld, "Sigpending() after a child exited with SIGCHLD blocked = %#x; want SIGCHLD", uint64(pend))

		ran := 0
		catch(t, p, posix.SIGUSR1, 0, func(int) { ran++ })
		suspended := newGate()
		suspended.arm(p, posix.SYS_RT_SIGSUSPEND)
		me := p.Getpid()
		waker := mustFork(t, p, func(ch *cages.Proc) int {
			suspended.mustAwait(t, ch, me)
			// Give a wrong sigsuspend time to return on the SIGCHLD alone.
			_ = ch.Sleep(20 * time.Millisecond)
			check(t, ch, ch.Kill(me, posix.SIGUSR1) == nil, "Kill(parent, SIGUSR1)")
			return 0
		})
		err := p.Sigsuspend(0)
		check(t, p, err == posix.EINTR && ran == 1, "Sigsuspend(empty) with only an ignored SIGCHLD pending = %s with the SIGUSR1 handler run %d times; want EINTR after the handler ran once", en(err), ran)
		mustWait(t, p, waker, exited0)
		mustWait(t, p, child, exited0)
		return 0
	}))
}

// pause sleeps until a handler has run, then fails with EINTR.
func TestPause_EINTRAfterHandler(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		ran := 0
		catch(t, p, posix.SIGUSR2, posix.SA_RESTART, func(int) { ran++ })
		paused := newGate()
		paused.arm(p, posix.SYS_RT_SIGSUSPEND)
		me := p.Getpid()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			paused.mustAwait(t, ch, me)
			_ = ch.Kill(me, posix.SIGUSR2)
			return 0
		})
		err := p.Pause()
		check(t, p, err == posix.EINTR && ran == 1, "Pause() = %s, handler ran %d times; want EINTR, 1 (even with SA_RESTART)", en(err), ran)
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// SA_RESETHAND: the handler runs once, then the action is back to default.
func TestSigaction_SA_RESETHAND(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ran := 0
			catch(t, ch, posix.SIGUSR1, posix.SA_RESETHAND, func(int) { ran++ })
			_ = ch.Kill(ch.Getpid(), posix.SIGUSR1)
			check(t, ch, ran == 1, "handler ran %d times; want 1", ran)
			var act cages.SigAction
			_ = ch.Sigaction(posix.SIGUSR1, nil, &act)
			check(t, ch, act.Disposition == cages.SigDefault, "action after an SA_RESETHAND delivery = %+v; want SigDefault", act)
			_ = ch.Kill(ch.Getpid(), posix.SIGUSR1)
			return fail(t, "survived the second SIGUSR1")
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGUSR1, false))
		return 0
	}))
}

// Without SA_NODEFER a handler's own signal is blocked while it runs, and
// delivered after it returns; with SA_NODEFER the handler is re-entered.
func TestSigaction_SA_NODEFER(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags int
		want  string
	}{
		{"default: deferred", 0, "enter1 exit1 enter2 exit2"},
		{"SA_NODEFER: nested", posix.SA_NODEFER, "enter1 enter2 exit2 exit1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				var log []string
				calls := 0
				catch(t, p, posix.SIGUSR1, tc.flags, func(int) {
					calls++
					n := calls
					log = append(log, fmt.Sprint("enter", n))
					if n == 1 {
						_ = p.Kill(p.Getpid(), posix.SIGUSR1)
					}
					log = append(log, fmt.Sprint("exit", n))
				})
				_ = p.Kill(p.Getpid(), posix.SIGUSR1)
				got := fmt.Sprint(log)
				check(t, p, got == "["+tc.want+"]", "handler log = %s; want [%s]", got, tc.want)
				return 0
			}))
		})
	}
}

// sa_mask is added to the mask while the handler runs: a masked signal
// sent by the handler waits until it returns. The old mask comes back.
func TestSigaction_Mask_BlockedWhileHandlerRuns(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		var log []string
		var inHandler posix.Sigset
		catch(t, p, posix.SIGUSR2, 0, func(int) { log = append(log, "usr2") })
		act := cages.SigAction{Disposition: cages.SigCatch, Mask: posix.SigsetOf(posix.SIGUSR2), Handler: func(int) {
			log = append(log, "usr1 enter")
			inHandler, _ = p.Sigprocmask(posix.SIG_BLOCK, nil)
			_ = p.Kill(p.Getpid(), posix.SIGUSR2)
			log = append(log, "usr1 exit")
		}}
		check(t, p, p.Sigaction(posix.SIGUSR1, &act, nil) == nil, "Sigaction(SIGUSR1, mask SIGUSR2)")
		base := posix.SigsetOf(posix.SIGTERM)
		_, _ = p.Sigprocmask(posix.SIG_SETMASK, &base)
		_ = p.Kill(p.Getpid(), posix.SIGUSR1)
		check(t, p, fmt.Sprint(log) == "[usr1 enter usr1 exit usr2]", "log = %v; want [usr1 enter usr1 exit usr2]", log)
		want := base | posix.SigsetOf(posix.SIGUSR1, posix.SIGUSR2)
		check(t, p, inHandler == want, "mask in the handler = %#x; want %#x", uint64(inHandler), uint64(want))
		got, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
		check(t, p, got == base, "mask after the handler = %#x; want %#x", uint64(got), uint64(base))
		_ = p.Ignore(posix.SIGTERM)
		return 0
	}))
}

// alarm returns the seconds left on the previous alarm (rounded, at least
// 1 while any time is left), and 0 cancels.
func TestAlarm_ReturnsRemainingSeconds(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		for _, tc := range []struct{ set, want uint }{
			{5, 0},
			{3, 5},
			{100, 3},
			{0, 100},
			{0, 0},
		} {
			got := p.Alarm(tc.set)
			check(t, p, got == tc.want, "Alarm(%d) = %d; want %d", tc.set, got, tc.want)
		}
		// A child does not inherit the alarm.
		p.Alarm(10)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			got := ch.Alarm(0)
			check(t, ch, got == 0, "child: Alarm(0) = %d; want 0 (alarms are not inherited)", got)
			return 0
		})
		mustWait(t, p, pid, exited0)
		check(t, p, p.Alarm(0) == 10, "parent's alarm changed by the child")
		return 0
	}))
}

// When the alarm fires, SIGALRM kills by default and interrupts a sleep
// when caught. This test takes alarm's one-second granularity.
func TestAlarm_Fires(t *testing.T) {
	t.Parallel()
	t.Run("default kills", func(t *testing.T) {
		t.Parallel()
		requireStatus(t, posix.Signaled(posix.SIGALRM, false), runCage(t, func(p *cages.Proc) int {
			p.Alarm(1)
			err := p.Pause()
			return fail(t, "Pause() = %s; want death by SIGALRM", en(err))
		}))
	})
	t.Run("caught interrupts nanosleep", func(t *testing.T) {
		t.Parallel()
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			ran := 0
			catch(t, p, posix.SIGALRM, posix.SA_RESTART, func(int) { ran++ })
			p.Alarm(1)
			var rem posix.Timespec
			err := p.Nanosleep(posix.Timespec{Sec: 10}, &rem)
			check(t, p, err == posix.EINTR && ran == 1, "Nanosleep(10 s) with a 1 s alarm = %s, handler ran %d; want EINTR, 1", en(err), ran)
			check(t, p, rem.Sec >= 5 && rem.Sec <= 9, "remainder = %+v; want about 9 s", rem)
			return 0
		}))
	})
}

// nanosleep interrupted by a caught signal fails with EINTR (never
// restarted, even with SA_RESTART) and stores the time left.
func TestNanosleep_Interrupted_EINTRAndRemainder(t *testing.T) {
	for _, flags := range []int{0, posix.SA_RESTART} {
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			sleeping := newGate()
			pid := mustFork(t, p, func(ch *cages.Proc) int {
				ran := 0
				catch(t, ch, posix.SIGUSR1, flags, func(int) { ran++ })
				sleeping.arm(ch, posix.SYS_NANOSLEEP)
				rem := posix.Timespec{Sec: -1}
				err := ch.Nanosleep(posix.Timespec{Sec: 10, Nsec: 500}, &rem)
				check(t, ch, err == posix.EINTR && ran == 1, "Nanosleep(10 s) interrupted (flags %#x) = %s, handler ran %d; want EINTR, 1", flags, en(err), ran)
				left := time.Duration(rem.Nano())
				check(t, ch, rem.Valid() && left > 5*time.Second && left <= 10*time.Second, "remainder = %+v (%v); want a little under 10 s", rem, left)
				return 0
			})
			sleeping.mustAwait(t, p, pid)
			check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill(child, SIGUSR1)")
			mustWait(t, p, pid, exited0)
			return 0
		}))
	}
}

// poll interrupted by a caught signal fails with EINTR, with or without
// SA_RESTART (Linux never restarts poll after a handler).
func TestPoll_InterruptedBySignal_EINTR(t *testing.T) {
	for _, tc := range []struct {
		flags   int
		timeout int
	}{{0, -1}, {posix.SA_RESTART, -1}, {posix.SA_RESTART, 10000}} {
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			r, w := mustPipe(t, p)
			polling := newGate()
			pid := mustFork(t, p, func(ch *cages.Proc) int {
				mustClose(t, ch, w)
				ran := 0
				catch(t, ch, posix.SIGUSR1, tc.flags, func(int) { ran++ })
				polling.arm(ch, posix.SYS_POLL)
				n, rev, err := pollOne(ch, r, posix.POLLIN, tc.timeout)
				check(t, ch, err == posix.EINTR && ran == 1, "Poll(empty pipe, %d) interrupted (flags %#x) = %d (revents %#x), %s, handler ran %d; want EINTR, 1", tc.timeout, tc.flags, n, rev, en(err), ran)
				return 0
			})
			polling.mustAwait(t, p, pid)
			check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill(child, SIGUSR1)")
			mustWait(t, p, pid, exited0)
			return 0
		}))
	}
}

// wait4 asleep and interrupted by a caught signal fails with EINTR
// without SA_RESTART and is restarted with it.
func TestWait4_Blocked_CaughtSignal_EINTRUnlessSA_RESTART(t *testing.T) {
	for _, flags := range []int{0, posix.SA_RESTART} {
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			r, w := mustPipe(t, p)
			ack, ackw := mustPipe(t, p)
			waiting := newGate()
			pid := mustFork(t, p, func(ch *cages.Proc) int {
				mustClose(t, ch, ack)
				ran := 0
				catch(t, ch, posix.SIGUSR1, flags, func(int) { ran++; mustWrite(t, ch, ackw, "h") })
				grandchild := mustFork(t, ch, untilClosed(t, r, w, 3))
				mustClose(t, ch, w)
				waiting.arm(ch, posix.SYS_WAIT4)
				got, st, err := ch.Wait4(grandchild, 0)
				check(t, ch, ran == 1, "handler ran %d times by the time Wait4 returned", ran)
				if flags == 0 {
					check(t, ch, err == posix.EINTR, "Wait4 interrupted without SA_RESTART = %d, %s; want EINTR", got, en(err))
					mustWait(t, ch, grandchild, posix.Exited(3))
				} else {
					check(t, ch, got == grandchild && st == posix.Exited(3) && err == nil, "Wait4 interrupted with SA_RESTART = %d, %v, %s; want %d, exit 3", got, st, en(err), grandchild)
				}
				return 0
			})
			mustClose(t, p, ackw)
			waiting.mustAwait(t, p, pid)
			check(t, p, p.Kill(pid, posix.SIGUSR1) == nil, "Kill(child, SIGUSR1)")
			mustRead(t, p, ack, "h")
			mustClose(t, p, w) // the grandchild exits
			mustWait(t, p, pid, exited0)
			return 0
		}))
	}
}

// Signals are delivered to the right cage only: a kill of one child does
// not disturb its siblings or parent.
func TestKill_OnlyTargetIsSignalled(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		var pids []int
		for range 3 {
			pids = append(pids, mustFork(t, p, untilClosed(t, r, w, 0)))
		}
		check(t, p, p.Kill(pids[1], posix.SIGTERM) == nil, "Kill(%d, SIGTERM)", pids[1])
		mustWait(t, p, pids[1], posix.Signaled(posix.SIGTERM, false))
		mustClose(t, p, w)
		mustWait(t, p, pids[0], exited0)
		mustWait(t, p, pids[2], exited0)
		return 0
	}))
}

// _exit never returns to the program: a signal that arrives during it
// runs no handler.
func TestExit_SignalDuringExit_NoHandlerRuns(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, r)
			catch(t, ch, posix.SIGUSR1, 0, func(int) { mustWrite(t, ch, w, "handler ran after _exit") })
			onEnter(ch, posix.SYS_EXIT_GROUP, func() { ch.Cage().Signal(posix.SIGUSR1) })
			ch.Exit(4)
			return 1
		})
		mustClose(t, p, w)
		mustWait(t, p, pid, posix.Exited(4))
		mustEOF(t, p, r)
		return 0
	}))
}

// A fatal signal that arrives while execve succeeds kills the cage before
// the new program runs a single instruction.
func TestExecve_FatalSignalDuringExecve_NewProgramNeverRuns(t *testing.T) {
	for _, sig := range []int{posix.SIGTERM, posix.SIGKILL} {
		t.Run(posix.SignalName(sig), func(t *testing.T) {
			k := newKernel(cages.Config{})
			k.Install("/bin/new", func(p *cages.Proc) int {
				mustWrite(t, p, 10, "new program ran")
				return 5
			})
			requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				pid := mustFork(t, p, func(ch *cages.Proc) int {
					_, _ = ch.Dup2(w, 10)
					mustClose(t, ch, r)
					if sig != posix.SIGKILL {
						// Caught before, reset to the default by execve.
						catch(t, ch, sig, 0, func(int) { mustWrite(t, ch, 10, "old handler ran") })
					}
					onEnter(ch, posix.SYS_EXECVE, func() { ch.Cage().Signal(sig) })
					err := ch.Execve("/bin/new", []string{"new"}, nil)
					return fail(t, "Execve(/bin/new) = %s", en(err))
				})
				mustClose(t, p, w)
				mustWait(t, p, pid, posix.Signaled(sig, false))
				mustEOF(t, p, r)
				return 0
			}))
		})
	}
}
