package cages_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// A cage has one thread: its tid is its pid.
func TestThread_GettidSetTidAddress(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		pid := p.Getpid()
		check(t, p, p.Gettid() == pid, "Gettid() = %d; want %d", p.Gettid(), pid)
		check(t, p, p.SetTidAddress(0x1000) == pid, "SetTidAddress = %d; want %d", p.SetTidAddress(0x1000), pid)
		child := mustFork(t, p, func(ch *cages.Proc) int {
			if ch.Gettid() != ch.Getpid() || ch.Gettid() == pid {
				return 1
			}
			return 0
		})
		mustWait(t, p, child, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// raise(3) in musl is tkill(gettid(), sig): the handler has run when
// tkill returns; abort(3)'s SIGABRT kills.
func TestTkill_RaiseAndAbort(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		var got atomic.Int32
		catch(t, p, posix.SIGUSR1, 0, func(sig int) { got.Store(int32(sig)) })
		err := p.Tkill(p.Gettid(), posix.SIGUSR1)
		check(t, p, err == nil && got.Load() == posix.SIGUSR1, "Tkill(self, SIGUSR1) = %s, handler got %d", en(err), got.Load())
		got.Store(0)
		err = p.Tgkill(p.Getpid(), p.Gettid(), posix.SIGUSR1)
		check(t, p, err == nil && got.Load() == posix.SIGUSR1, "Tgkill(self) = %s, handler got %d", en(err), got.Load())
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ch.Tkill(ch.Gettid(), posix.SIGABRT)
			return 0
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGABRT, false))
		return 0
	})
	requireStatus(t, exited0, st)
}

// tkill's and tgkill's errors, as do_tkill orders them.
func TestTkill_Errors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		self := p.Getpid()
		for _, c := range []struct {
			name string
			err  error
			want error
		}{
			{"tkill(0, 0)", p.Tkill(0, 0), posix.EINVAL},
			{"tkill(-1, 0)", p.Tkill(-1, 0), posix.EINVAL},
			{"tkill(nobody, 99)", p.Tkill(999999, 99), posix.ESRCH},
			{"tkill(self, 99)", p.Tkill(self, 99), posix.EINVAL},
			{"tkill(self, 0)", p.Tkill(self, 0), nil},
			{"tkill(init, 0)", p.Tkill(1, 0), posix.EPERM},
			{"tgkill(0, self, 0)", p.Tgkill(0, self, 0), posix.EINVAL},
			{"tgkill(self, 0, 0)", p.Tgkill(self, 0, 0), posix.EINVAL},
			{"tgkill(other, self, 0)", p.Tgkill(self+1000000, self, 0), posix.ESRCH},
			{"tgkill(self, self, 0)", p.Tgkill(self, self, 0), nil},
		} {
			check(t, p, c.err == c.want, "%s = %s; want %s", c.name, en(c.err), en(c.want))
		}
		return 0
	})
	requireStatus(t, exited0, st)
}

// sigtimedwait takes a pending blocked signal at once, with who sent it;
// waits for one sent later; times out with EAGAIN; and is interrupted
// with EINTR by a signal whose handler runs.
func TestSigtimedwait(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		set := posix.SigsetOf(posix.SIGUSR1, posix.SIGUSR2)
		var handled atomic.Int32
		catch(t, p, posix.SIGUSR1, 0, func(int) { handled.Add(1) })
		p.Sigprocmask(posix.SIG_BLOCK, &set)
		p.Kill(p.Getpid(), posix.SIGUSR2)
		p.Kill(p.Getpid(), posix.SIGUSR1)
		info, err := p.Sigwaitinfo(set)
		check(t, p, err == nil && info.Signo == posix.SIGUSR1 && info.Code == posix.SI_USER && int(info.Pid) == p.Getpid() && int(info.Uid) == p.Getuid(),
			"Sigwaitinfo = %+v, %s; want SIGUSR1 from self (the lowest first)", info, en(err))
		info, err = p.Sigtimedwait(set, &posix.Timespec{})
		check(t, p, err == nil && info.Signo == posix.SIGUSR2, "second = %+v, %s; want SIGUSR2", info, en(err))
		check(t, p, handled.Load() == 0, "the handler ran")
		pending, _ := p.Sigpending()
		check(t, p, pending == 0, "pending after = %v", pending)

		// Timeouts.
		info, err = p.Sigtimedwait(set, &posix.Timespec{})
		check(t, p, err == posix.EAGAIN, "zero timeout = %+v, %s; want EAGAIN", info, en(err))
		start := time.Now()
		_, err = p.Sigtimedwait(set, &posix.Timespec{Nsec: 20e6})
		check(t, p, err == posix.EAGAIN && time.Since(start) >= 20*time.Millisecond, "20ms timeout = %s after %v", en(err), time.Since(start))
		_, err = p.Sigtimedwait(set, &posix.Timespec{Nsec: 1e9})
		check(t, p, err == posix.EINVAL, "bad timeout = %s; want EINVAL", en(err))

		// A signal sent by another cage while waiting, with its pid.
		parent := p.Getpid()
		g := newGate()
		g.arm(p, posix.SYS_RT_SIGTIMEDWAIT)
		child := mustFork(t, p, func(ch *cages.Proc) int {
			<-g
			time.Sleep(10 * time.Millisecond)
			ch.Tkill(parent, posix.SIGUSR2)
			return 0
		})
		info, err = p.Sigwaitinfo(set)
		check(t, p, err == nil && info.Signo == posix.SIGUSR2 && info.Code == posix.SI_TKILL && int(info.Pid) == child,
			"Sigwaitinfo = %+v, %s; want SIGUSR2 from %d by tkill", info, en(err), child)
		mustWait(t, p, child, exited0)

		// A handled signal outside the set interrupts.
		var alrm atomic.Bool
		catch(t, p, posix.SIGALRM, posix.SA_RESTART, func(int) { alrm.Store(true) })
		p.Setitimer(posix.ITIMER_REAL, posix.Itimerval{Value: posix.Timeval{Usec: 10000}})
		_, err = p.Sigwaitinfo(set)
		check(t, p, err == posix.EINTR && alrm.Load(), "Sigwaitinfo with SIGALRM = %s, handler %v; want EINTR, true", en(err), alrm.Load())
		mask, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
		check(t, p, mask == set, "mask after = %v; want %v", mask, set)
		return 0
	})
	requireStatus(t, exited0, st)
}

// sigwait for SIGCHLD, blocked with its default (ignore) disposition: the
// exit of a child is reported with CLD_EXITED and its status.
func TestSigtimedwait_SIGCHLD(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		set := posix.SigsetOf(posix.SIGCHLD)
		p.Sigprocmask(posix.SIG_BLOCK, &set)
		g := newGate()
		g.arm(p, posix.SYS_RT_SIGTIMEDWAIT)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			<-g
			time.Sleep(10 * time.Millisecond)
			return 7
		})
		info, err := p.Sigwaitinfo(set)
		check(t, p, err == nil && info.Signo == posix.SIGCHLD && info.Code == posix.CLD_EXITED && int(info.Pid) == pid && info.Status == 7,
			"Sigwaitinfo(SIGCHLD) = %+v, %s; want CLD_EXITED from %d, status 7", info, en(err), pid)
		mustWait(t, p, pid, posix.Exited(7))
		return 0
	})
	requireStatus(t, exited0, st)
}

// sigqueue's value and code reach sigwaitinfo; a forged code to another
// process is EPERM.
func TestSigqueueinfo(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		set := posix.SigsetOf(posix.SIGRTMIN)
		p.Sigprocmask(posix.SIG_BLOCK, &set)
		err := p.Sigqueue(p.Getpid(), posix.SIGRTMIN, 42)
		check(t, p, err == nil, "Sigqueue = %s", en(err))
		info, err := p.Sigwaitinfo(set)
		check(t, p, err == nil && info.Signo == posix.SIGRTMIN && info.Code == posix.SI_QUEUE && info.Value == 42 && int(info.Pid) == p.Getpid(),
			"Sigwaitinfo = %+v, %s", info, en(err))
		pid := mustFork(t, p, func(ch *cages.Proc) int { ch.Pause(); return 0 })
		err = p.Sigqueueinfo(pid, posix.SIGTERM, posix.Siginfo{Code: posix.SI_USER})
		check(t, p, err == posix.EPERM, "Sigqueueinfo(SI_USER to another) = %s; want EPERM", en(err))
		err = p.Sigqueueinfo(pid, posix.SIGTERM, posix.Siginfo{Code: posix.SI_TKILL})
		check(t, p, err == posix.EPERM, "Sigqueueinfo(SI_TKILL to another) = %s; want EPERM", en(err))
		err = p.Sigqueueinfo(999999, posix.SIGTERM, posix.Siginfo{Code: posix.SI_QUEUE})
		check(t, p, err == posix.ESRCH, "Sigqueueinfo(nobody) = %s; want ESRCH", en(err))
		err = p.Sigqueueinfo(pid, 99, posix.Siginfo{Code: posix.SI_QUEUE})
		check(t, p, err == posix.EINVAL, "Sigqueueinfo(sig 99) = %s; want EINVAL", en(err))
		err = p.Sigqueueinfo(pid, posix.SIGTERM, posix.Siginfo{Code: posix.SI_QUEUE})
		check(t, p, err == nil, "Sigqueueinfo(SIGTERM) = %s", en(err))
		mustWait(t, p, pid, posix.Signaled(posix.SIGTERM, false))
		return 0
	})
	requireStatus(t, exited0, st)
}

// sigaltstack records the stack, reports SS_DISABLE when there is none,
// checks flags and size, is inherited by fork and cleared by execve.
func TestSigaltstack(t *testing.T) {
	k := newKernel(cages.Config{})
	ss := posix.SignalStack{Sp: 0x10000, Size: posix.SIGSTKSZ}
	var afterExec posix.SignalStack
	var execErr error
	if err := k.Install("/bin/altstack", func(p *cages.Proc) int {
		afterExec, execErr = p.Sigaltstack(nil)
		return 0
	}); err != nil {
		t.Fatal(err)
	}
	st := runIn(t, k, func(p *cages.Proc) int {
		old, err := p.Sigaltstack(nil)
		check(t, p, err == nil && old == posix.SignalStack{Flags: posix.SS_DISABLE}, "initial = %+v, %s", old, en(err))
		_, err = p.Sigaltstack(&posix.SignalStack{Sp: 0x10000, Size: posix.MINSIGSTKSZ - 1})
		check(t, p, err == posix.ENOMEM, "small stack = %s; want ENOMEM", en(err))
		_, err = p.Sigaltstack(&posix.SignalStack{Sp: 0x10000, Size: posix.SIGSTKSZ, Flags: 5})
		check(t, p, err == posix.EINVAL, "flags 5 = %s; want EINVAL", en(err))
		_, err = p.Sigaltstack(&ss)
		check(t, p, err == nil, "set = %s", en(err))
		old, _ = p.Sigaltstack(nil)
		check(t, p, old == ss, "get = %+v; want %+v", old, ss)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			got, _ := ch.Sigaltstack(nil)
			check(t, ch, got == ss, "child's = %+v; want %+v", got, ss)
			ch.Execve("/bin/altstack", nil, nil)
			return 1
		})
		mustWait(t, p, pid, exited0)
		old, err = p.Sigaltstack(&posix.SignalStack{Size: 1, Flags: posix.SS_DISABLE})
		check(t, p, err == nil && old == ss, "disable = %+v, %s", old, en(err))
		old, _ = p.Sigaltstack(nil)
		check(t, p, old == posix.SignalStack{Flags: posix.SS_DISABLE}, "after disabling = %+v", old)
		return 0
	})
	requireStatus(t, exited0, st)
	if execErr != nil || afterExec != (posix.SignalStack{Flags: posix.SS_DISABLE}) {
		t.Errorf("after execve: %+v, %v; want disabled", afterExec, execErr)
	}
}

// PR_SET_PDEATHSIG: the child gets the signal when its parent exits; a
// fork does not inherit the setting.
func TestPrctl_Pdeathsig(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		// The middle cage forks the watcher and exits once it is ready.
		mid := mustFork(t, p, func(m *cages.Proc) int {
			mr, mw := mustPipe(t, m)
			mustFork(t, m, func(ch *cages.Proc) int {
				check(t, ch, ch.PrctlSetPdeathsig(posix.SIGUSR1) == nil, "PrctlSetPdeathsig")
				sig, err := ch.PrctlGetPdeathsig()
				check(t, ch, err == nil && sig == posix.SIGUSR1, "PrctlGetPdeathsig = %d, %s", sig, en(err))
				got := make(chan int, 1)
				catch(t, ch, posix.SIGUSR1, 0, func(s int) { got <- s })
				inner := mustFork(t, ch, func(gc *cages.Proc) int {
					s, _ := gc.PrctlGetPdeathsig()
					return s
				})
				mustWait(t, ch, inner, exited0)
				mustWrite(t, ch, mw, "r")
				for len(got) == 0 {
					ch.Pause()
				}
				mustWrite(t, ch, w, "d")
				return 0
			})
			mustRead(t, m, mr, "r")
			return 0
		})
		mustWait(t, p, mid, exited0)
		mustClose(t, p, w)
		mustRead(t, p, r, "d")
		check(t, p, p.PrctlSetPdeathsig(65) == posix.EINVAL, "PR_SET_PDEATHSIG 65")
		return 0
	})
	requireStatus(t, exited0, st)
}
