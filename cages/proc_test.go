package cages_test

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

func TestFork_ChildHasNewPidAndCallerAsParent(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		me := p.Getpid()
		check(t, p, p.Getppid() == 1, "Getppid() of a started cage = %d; want 1 (init)", p.Getppid())
		var childPid, childPpid int
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			childPid, childPpid = ch.Getpid(), ch.Getppid()
			return 0
		})
		mustWait(t, p, pid, exited0)
		check(t, p, pid != me && pid > 1, "Fork() = %d; want a new pid (caller is %d)", pid, me)
		check(t, p, childPid == pid, "child's Getpid() = %d; want %d, what Fork returned", childPid, pid)
		check(t, p, childPpid == me, "child's Getppid() = %d; want %d, the caller", childPpid, me)
		return 0
	}))
}

// The child starts with no children of its own: wait gives ECHILD.
func TestFork_ChildHasNoChildren(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		first := mustFork(t, p, untilClosed(t, r, w, 0))
		second := mustFork(t, p, func(ch *cages.Proc) int {
			got, _, err := ch.Wait4(-1, posix.WNOHANG)
			check(t, ch, err == posix.ECHILD, "child: Wait4(-1, WNOHANG) = %d, %s; want ECHILD (the parent's other child is not ours)", got, en(err))
			got, _, err = ch.Wait4(first, 0)
			check(t, ch, err == posix.ECHILD, "child: Wait4(sibling %d) = %d, %s; want ECHILD", first, got, en(err))
			return 0
		})
		mustWait(t, p, second, exited0)
		mustClose(t, p, w)
		mustWait(t, p, first, exited0)
		return 0
	}))
}

// fork copies the fd table: the same descriptions under the same numbers,
// FD_CLOEXEC kept; closing in the child leaves the parent's fds alone.
func TestFork_CopiesFdTable(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		rc, wc, err := p.Pipe2(posix.O_CLOEXEC)
		check(t, p, err == nil, "Pipe2(O_CLOEXEC) = %s", en(err))
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			for _, tc := range []struct{ fd, want int }{{r, 0}, {w, 0}, {rc, posix.FD_CLOEXEC}, {wc, posix.FD_CLOEXEC}} {
				fl, err := ch.Fcntl(tc.fd, posix.F_GETFD, 0)
				check(t, ch, fl == tc.want && err == nil, "child: Fcntl(%d, F_GETFD) = %d, %s; want %d, nil", tc.fd, fl, en(err), tc.want)
			}
			mustWrite(t, ch, w, "from child")
			mustClose(t, ch, r)
			mustClose(t, ch, w)
			return 0
		})
		mustWait(t, p, pid, exited0)
		mustRead(t, p, r, "from child")
		mustWrite(t, p, w, "still open")
		mustRead(t, p, r, "still open")
		return 0
	}))
}

// fork copies the working directory, the umask, the environment, and the
// process group and session.
func TestFork_CopiesCwdUmaskEnvPgidSid(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Mkdir("/tmp/work", 0o755) == nil && p.Chdir("/tmp/work") == nil, "Mkdir/Chdir /tmp/work failed")
		old := p.Umask(0o027)
		check(t, p, old == 0o022, "Umask() of a new cage = %#o; want 022", old)
		p.Setenv("GOCAGE_TEST", "inherited")
		pgid, sid := p.Getpgrp(), 0
		sid, _ = p.Getsid(0)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			check(t, ch, ch.Cage().Cwd() == "/tmp/work", "child: cwd = %q; want /tmp/work", ch.Cage().Cwd())
			got := ch.Umask(0)
			check(t, ch, got == 0o027, "child: Umask() = %#o; want 027", got)
			check(t, ch, ch.Getenv("GOCAGE_TEST") == "inherited", "child: Getenv(GOCAGE_TEST) = %q; want inherited", ch.Getenv("GOCAGE_TEST"))
			ch.Setenv("GOCAGE_TEST", "changed in child")
			check(t, ch, ch.Getpgrp() == pgid, "child: Getpgrp() = %d; want %d", ch.Getpgrp(), pgid)
			s, err := ch.Getsid(0)
			check(t, ch, s == sid && err == nil, "child: Getsid(0) = %d, %s; want %d", s, en(err), sid)
			check(t, ch, ch.Chdir("/") == nil, "child: Chdir(/) failed")
			return 0
		})
		mustWait(t, p, pid, exited0)
		check(t, p, p.Getenv("GOCAGE_TEST") == "inherited", "parent's environment changed by the child: %q", p.Getenv("GOCAGE_TEST"))
		check(t, p, p.Umask(0o022) == 0o027, "parent's umask changed by the child")
		check(t, p, p.Cage().Cwd() == "/tmp/work", "parent's cwd changed by the child: %q", p.Cage().Cwd())
		return 0
	}))
}

// fork copies the signal dispositions and the mask, but the child starts
// with no pending signal.
func TestFork_CopiesDispositionsAndMask_NoPendingSignals(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		check(t, p, p.Ignore(posix.SIGUSR1) == nil, "Ignore(SIGUSR1)")
		catch(t, p, posix.SIGHUP, 0, func(int) {})
		mask := posix.SigsetOf(posix.SIGUSR2, posix.SIGTERM)
		_, err := p.Sigprocmask(posix.SIG_BLOCK, &mask)
		check(t, p, err == nil, "Sigprocmask(SIG_BLOCK) = %s", en(err))
		check(t, p, p.Kill(p.Getpid(), posix.SIGTERM) == nil, "Kill(self, SIGTERM)")
		pending, _ := p.Sigpending()
		check(t, p, pending == posix.SigsetOf(posix.SIGTERM), "Sigpending() = %#x; want SIGTERM", pending)

		pid := mustFork(t, p, func(ch *cages.Proc) int {
			got, _ := ch.Sigprocmask(posix.SIG_BLOCK, nil)
			check(t, ch, got == mask, "child: mask = %#x; want %#x", got, mask)
			pend, _ := ch.Sigpending()
			check(t, ch, pend == 0, "child: Sigpending() = %#x; want empty", pend)
			var act cages.SigAction
			check(t, ch, ch.Sigaction(posix.SIGUSR1, nil, &act) == nil && act.Disposition == cages.SigIgnore, "child: SIGUSR1 disposition = %v; want SigIgnore", act.Disposition)
			check(t, ch, ch.Sigaction(posix.SIGHUP, nil, &act) == nil && act.Disposition == cages.SigCatch, "child: SIGHUP disposition = %v; want SigCatch", act.Disposition)
			check(t, ch, ch.Kill(ch.Getpid(), posix.SIGUSR1) == nil, "child: Kill(self, SIGUSR1)")
			return 0 // alive: SIGUSR1 was ignored
		})
		mustWait(t, p, pid, exited0)
		// The parent still has its pending SIGTERM; drop it by ignoring it.
		_ = p.Ignore(posix.SIGTERM)
		return 0
	}))
}

func TestFork_BeyondMaxCages_EAGAIN(t *testing.T) {
	k := newKernel(cages.Config{MaxCages: 3})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		block := untilClosed(t, r, w, 0)
		a := mustFork(t, p, block)
		b := mustFork(t, p, block)
		pid, err := p.Fork(block)
		check(t, p, err == posix.EAGAIN, "Fork() with 3 of 3 cages = %d, %s; want -1, EAGAIN", pid, en(err))
		check(t, p, k.NumCages() == 3, "NumCages() = %d; want 3 (the failed fork left nothing)", k.NumCages())
		mustClose(t, p, w)
		// Zombies still count.
		<-k.Cage(a).Done()
		<-k.Cage(b).Done()
		pid, err = p.Fork(block)
		check(t, p, err == posix.EAGAIN, "Fork() with two zombie children filling the table = %d, %s; want EAGAIN", pid, en(err))
		// A reaped child does not.
		mustWait(t, p, a, exited0)
		pid = mustFork(t, p, func(*cages.Proc) int { return 7 })
		mustWait(t, p, pid, posix.Exited(7))
		mustWait(t, p, b, exited0)
		return 0
	}))
}

// execve keeps the pid, the parent, the process group and every fd but
// those marked FD_CLOEXEC; argv and envp are the new program's.
func TestExecve_KeepsPidPpidFds_ClosesCloexec(t *testing.T) {
	k := newKernel(cages.Config{})
	type seen struct {
		pid, ppid, pgid int
		args, env       []string
		open, cloexec   bool
	}
	var got seen
	var keep, drop int
	k.Install("/bin/probe", func(p *cages.Proc) int {
		got.pid, got.ppid, got.pgid = p.Getpid(), p.Getppid(), p.Getpgrp()
		got.args, got.env = p.Args(), p.Environ()
		_, err := p.Fcntl(keep, posix.F_GETFD, 0)
		got.open = err == nil
		_, err = p.Fcntl(drop, posix.F_GETFD, 0)
		got.cloexec = err == nil
		mustWrite(t, p, keep, "after exec")
		return 5
	})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		keep = w
		rc, wc, _ := p.Pipe2(posix.O_CLOEXEC)
		drop = wc
		me := p.Getpid()
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ch.Setenv("IGNORED", "x")
			err := ch.Execve("/bin/probe", []string{"probe", "-v"}, []string{"A=1"})
			return fail(t, "Execve(/bin/probe) = %s; want no return", en(err))
		})
		mustWait(t, p, pid, posix.Exited(5))
		mustClose(t, p, w)
		mustRead(t, p, r, "after exec")
		mustClose(t, p, wc)
		mustEOF(t, p, rc) // the exec closed the child's copy of wc
		check(t, p, got.pid == pid, "after execve: Getpid() = %d; want %d", got.pid, pid)
		check(t, p, got.ppid == me, "after execve: Getppid() = %d; want %d", got.ppid, me)
		check(t, p, got.pgid == p.Getpgrp(), "after execve: Getpgrp() = %d; want %d", got.pgid, p.Getpgrp())
		check(t, p, strings.Join(got.args, " ") == "probe -v", "after execve: argv = %q; want [probe -v]", got.args)
		check(t, p, strings.Join(got.env, " ") == "A=1", "after execve: environ = %q; want [A=1]", got.env)
		check(t, p, got.open, "after execve: fd %d (no FD_CLOEXEC) is closed", keep)
		check(t, p, !got.cloexec, "after execve: fd %d (FD_CLOEXEC) is still open", drop)
		return 0
	}))
}

// execve resets caught signals to the default action; ignored signals
// stay ignored, and the mask and pending signals stay.
func TestExecve_ResetsCaughtSignals_KeepsIgnoredAndMask(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/bin/sigs", func(p *cages.Proc) int {
		var act cages.SigAction
		_ = p.Sigaction(posix.SIGUSR1, nil, &act)
		check(t, p, act.Disposition == cages.SigDefault && act.Handler == nil, "after execve: SIGUSR1 (was caught) = %+v; want SigDefault", act)
		_ = p.Sigaction(posix.SIGUSR2, nil, &act)
		check(t, p, act.Disposition == cages.SigIgnore, "after execve: SIGUSR2 (was ignored) = %+v; want SigIgnore", act)
		mask, _ := p.Sigprocmask(posix.SIG_BLOCK, nil)
		check(t, p, mask == posix.SigsetOf(posix.SIGTERM), "after execve: mask = %#x; want SIGTERM", mask)
		pend, _ := p.Sigpending()
		check(t, p, pend == posix.SigsetOf(posix.SIGTERM), "after execve: pending = %#x; want SIGTERM", pend)
		check(t, p, p.Kill(p.Getpid(), posix.SIGUSR2) == nil, "Kill(self, SIGUSR2)")
		// SIGUSR1 now kills.
		_ = p.Kill(p.Getpid(), posix.SIGUSR1)
		return fail(t, "after execve: survived SIGUSR1 with the default action")
	})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			catch(t, ch, posix.SIGUSR1, posix.SA_RESTART, func(int) {})
			check(t, ch, ch.Ignore(posix.SIGUSR2) == nil, "Ignore(SIGUSR2)")
			mask := posix.SigsetOf(posix.SIGTERM)
			_, _ = ch.Sigprocmask(posix.SIG_SETMASK, &mask)
			_ = ch.Kill(ch.Getpid(), posix.SIGTERM)
			err := ch.Execve("/bin/sigs", []string{"sigs"}, nil)
			return fail(t, "Execve(/bin/sigs) = %s", en(err))
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGUSR1, false))
		return 0
	}))
}

// execve clears every action's flags and mask (flush_signal_handlers):
// SA_NOCLDWAIT on a default SIGCHLD no longer reaps the new program's
// children, and an ignored signal stays ignored with no flags. Checked on
// Linux 6.x.
func TestExecve_ClearsActionFlagsAndMasks(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/bin/flags", func(p *cages.Proc) int {
		var act cages.SigAction
		_ = p.Sigaction(posix.SIGCHLD, nil, &act)
		check(t, p, act.Disposition == cages.SigDefault && act.Handler == nil && act.Flags == 0 && act.Mask == 0, "after execve: SIGCHLD (was SIG_DFL with SA_NOCLDWAIT) = %+v; want the zero SigAction", act)
		_ = p.Sigaction(posix.SIGUSR2, nil, &act)
		check(t, p, act.Disposition == cages.SigIgnore && act.Handler == nil && act.Flags == 0 && act.Mask == 0, "after execve: SIGUSR2 (was SIG_IGN, SA_RESTART, mask SIGINT) = %+v; want SigIgnore alone", act)
		pid := mustFork(t, p, func(*cages.Proc) int { return 3 })
		mustWait(t, p, pid, posix.Exited(3)) // a zombie again, not auto-reaped
		return 0
	})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			check(t, ch, ch.Sigaction(posix.SIGCHLD, &cages.SigAction{Flags: posix.SA_NOCLDWAIT}, nil) == nil, "Sigaction(SIGCHLD, SA_NOCLDWAIT)")
			ign := cages.SigAction{Disposition: cages.SigIgnore, Flags: posix.SA_RESTART, Mask: posix.SigsetOf(posix.SIGINT)}
			check(t, ch, ch.Sigaction(posix.SIGUSR2, &ign, nil) == nil, "Sigaction(SIGUSR2, SIG_IGN)")
			g := mustFork(t, ch, func(*cages.Proc) int { return 3 })
			got, _, err := ch.Wait4(g, 0)
			check(t, ch, err == posix.ECHILD, "Wait4 with SA_NOCLDWAIT = %d, %s; want ECHILD", got, en(err))
			err = ch.Execve("/bin/flags", []string{"flags"}, nil)
			return fail(t, "Execve(/bin/flags) = %s", en(err))
		})
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// execve keeps the working directory, the umask, the limits and the
// pending alarm.
func TestExecve_KeepsCwdUmaskRlimitsAlarm(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/bin/attrs", func(p *cages.Proc) int {
		check(t, p, p.Cage().Cwd() == "/tmp/srv", "after execve: cwd = %q; want /tmp/srv", p.Cage().Cwd())
		check(t, p, p.Umask(0) == 0o077, "after execve: umask changed")
		rl, _ := p.Getrlimit(posix.RLIMIT_NOFILE)
		check(t, p, rl == posix.Rlimit{Cur: 100, Max: 200}, "after execve: RLIMIT_NOFILE = %+v; want {100 200}", rl)
		left := p.Alarm(0)
		check(t, p, left == 30, "after execve: Alarm(0) = %d; want 30 (alarms survive execve)", left)
		return 0
	})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			check(t, ch, ch.Mkdir("/tmp/srv", 0o755) == nil && ch.Chdir("/tmp/srv") == nil, "Mkdir/Chdir /tmp/srv failed")
			ch.Umask(0o077)
			_ = ch.Setrlimit(posix.RLIMIT_NOFILE, posix.Rlimit{Cur: 100, Max: 200})
			ch.Alarm(30)
			err := ch.Execve("/bin/attrs", []string{"attrs"}, nil)
			return fail(t, "Execve(/bin/attrs) = %s", en(err))
		})
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// A failed execve leaves the caller as it was: same program, fds
// (FD_CLOEXEC ones included), handlers.
func TestExecve_ENOENT_LeavesCallerUntouched(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/bin/true", func(*cages.Proc) int { return 42 }) // must not run
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		ran := false
		catch(t, p, posix.SIGUSR1, 0, func(int) { ran = true })
		r, w, _ := p.Pipe2(posix.O_CLOEXEC)
		for _, path := range []string{"/bin/missing", "", "bin/missing", "/bin/tr\x00ue", "/usr/bin/true"} {
			err := p.Execve(path, []string{"x"}, nil)
			check(t, p, err == posix.ENOENT, "Execve(%q) = %s; want ENOENT", path, en(err))
		}
		fl, err := p.Fcntl(w, posix.F_GETFD, 0)
		check(t, p, fl == posix.FD_CLOEXEC && err == nil, "after failed execve: Fcntl(%d, F_GETFD) = %d, %s; want FD_CLOEXEC", w, fl, en(err))
		mustWrite(t, p, w, "ok")
		mustRead(t, p, r, "ok")
		check(t, p, p.Kill(p.Getpid(), posix.SIGUSR1) == nil && ran, "after failed execve: SIGUSR1 handler did not run")
		check(t, p, len(p.Args()) == 1 && p.Args()[0] == "/test", "after failed execve: argv = %q", p.Args())
		return 0
	}))
}

// A relative path is looked up from the working directory.
func TestExecve_RelativePath_FromCwd(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/usr/bin/seven", func(*cages.Proc) int { return 7 })
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			check(t, ch, ch.Chdir("/usr") == nil, "Chdir(/usr) failed")
			err := ch.Execve("bin/seven", []string{"seven"}, nil)
			return fail(t, "Execve(bin/seven) from /usr = %s", en(err))
		})
		mustWait(t, p, pid, posix.Exited(7))
		return 0
	}))
}

// _exit closes every fd, so a reader of a pipe the cage held sees end of
// file, even before the parent waits.
func TestExit_ClosesFds_PipeReaderSeesEOF(t *testing.T) {
	for name, end := range map[string]func(ch *cages.Proc) int{
		"return":       func(*cages.Proc) int { return 0 },
		"Exit":         func(ch *cages.Proc) int { ch.Exit(0); return 1 },
		"killed":       func(ch *cages.Proc) int { _ = ch.Kill(ch.Getpid(), posix.SIGTERM); return 1 },
		"with dup fds": func(ch *cages.Proc) int { _, _ = ch.Dup(4); _, _ = ch.Fcntl(4, posix.F_DUPFD, 100); return 0 },
	} {
		t.Run(name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				check(t, p, w == 4, "write end = %d; want 4", w)
				pid := mustFork(t, p, end)
				mustClose(t, p, w)
				mustEOF(t, p, r)
				_, _, err := p.Wait4(pid, 0)
				check(t, p, err == nil, "Wait4(%d) = %s", pid, en(err))
				return 0
			}))
		})
	}
}

// A cage whose parent exits is adopted by init: getppid() == 1 then, and
// init reaps it when it exits.
func TestExit_OrphansReparentedToInit(t *testing.T) {
	k := newKernel(cages.Config{})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		go1, go1w := mustPipe(t, p)       // tells the orphan its parent is gone
		report, reportw := mustPipe(t, p) // the orphan's getppid()
		var orphan int
		parent := mustFork(t, p, func(mid *cages.Proc) int {
			orphan = mustFork(t, mid, func(o *cages.Proc) int {
				mustClose(t, o, go1w)
				mustClose(t, o, report)
				mustEOF(t, o, go1)
				ppid := o.Getppid()
				_, err := o.Write(reportw, []byte{byte(ppid)})
				check(t, o, err == nil, "orphan: Write = %s", en(err))
				return 0
			})
			return 3 // exits with its child running
		})
		mustClose(t, p, reportw)
		mustClose(t, p, go1)
		mustWait(t, p, parent, posix.Exited(3))
		mustClose(t, p, go1w) // the orphan may look now
		b := make([]byte, 1)
		n, err := p.Read(report, b)
		check(t, p, n == 1 && err == nil, "Read(report) = %d, %s", n, en(err))
		check(t, p, b[0] == 1, "orphan's Getppid() after its parent exited = %d; want 1 (init)", b[0])
		// Not our child: init reaps it.
		got, _, err := p.Wait4(orphan, 0)
		check(t, p, err == posix.ECHILD, "Wait4(orphan %d) = %d, %s; want ECHILD", orphan, got, en(err))
		return 0
	}))
}

// A child that exits stays a zombie, visible to kill and getpgid, until
// its parent waits for it.
func TestExit_ZombieUntilWaited(t *testing.T) {
	k := newKernel(cages.Config{})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(*cages.Proc) int { return 9 })
		<-k.Cage(pid).Done()
		check(t, p, k.NumCages() == 2, "NumCages() with a zombie child = %d; want 2", k.NumCages())
		check(t, p, p.Kill(pid, 0) == nil, "Kill(zombie %d, 0) = %s; want nil", pid, en(p.Kill(pid, 0)))
		check(t, p, p.Kill(pid, posix.SIGKILL) == nil, "Kill(zombie %d, SIGKILL) = %s; want nil", pid, en(p.Kill(pid, posix.SIGKILL)))
		g, err := p.Getpgid(pid)
		check(t, p, g == p.Getpgrp() && err == nil, "Getpgid(zombie) = %d, %s; want %d", g, en(err), p.Getpgrp())
		mustWait(t, p, pid, posix.Exited(9)) // the SIGKILL changed nothing
		check(t, p, k.NumCages() == 1, "NumCages() after wait = %d; want 1", k.NumCages())
		err = p.Kill(pid, 0)
		check(t, p, err == posix.ESRCH, "Kill(reaped %d, 0) = %s; want ESRCH", pid, en(err))
		_, err = p.Getpgid(pid)
		check(t, p, err == posix.ESRCH, "Getpgid(reaped %d) = %s; want ESRCH", pid, en(err))
		return 0
	}))
}

// A parent's children that are zombies when it exits go to init, which
// reaps them.
func TestExit_ZombieChildrenOfExitingParent_Reaped(t *testing.T) {
	k := newKernel(cages.Config{})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(mid *cages.Proc) int {
			for range 5 {
				z := mustFork(t, mid, func(*cages.Proc) int { return 0 })
				<-k.Cage(z).Done()
			}
			return 0
		})
		mustWait(t, p, pid, exited0)
		check(t, p, k.NumCages() == 1, "NumCages() after a parent of 5 zombies exited = %d; want 1", k.NumCages())
		return 0
	}))
}

func TestExit_SendsSIGCHLDToParent(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		var got []int
		catch(t, p, posix.SIGCHLD, posix.SA_RESTART, func(sig int) { got = append(got, sig) })
		pid := mustFork(t, p, func(*cages.Proc) int { return 0 })
		mustWait(t, p, pid, exited0)
		check(t, p, len(got) == 1 && got[0] == posix.SIGCHLD, "handler calls after a child exited = %v; want [SIGCHLD]", got)
		return 0
	}))
}

// waitpid's pid selects: > 0 that child; -1 any; 0 any in the caller's
// group; < -1 any in group -pid.
func TestWaitpid_PidSelectsChildren(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		// Two children in our group, two in a group of their own.
		var own, other []int
		var leader int
		for i := range 4 {
			pid := mustFork(t, p, func(*cages.Proc) int { return 10 + i })
			if i < 2 {
				own = append(own, pid)
				continue
			}
			if leader == 0 {
				leader = pid
			}
			err := p.Setpgid(pid, leader)
			check(t, p, err == nil, "Setpgid(%d, %d) = %s", pid, leader, en(err))
			other = append(other, pid)
		}
		for _, pid := range append(own, other...) {
			<-p.Cage().Kernel().Cage(pid).Done()
		}
		wantStatus := map[int]int{own[0]: 10, own[1]: 11, other[0]: 12, other[1]: 13}
		reap := func(sel int, from []int) {
			got, st, err := p.Wait4(sel, 0)
			check(t, p, err == nil, "Wait4(%d) = %d, %s", sel, got, en(err))
			found := false
			for _, pid := range from {
				found = found || pid == got
			}
			check(t, p, found, "Wait4(%d) = %d; want one of %v", sel, got, from)
			check(t, p, st == posix.Exited(wantStatus[got]), "Wait4(%d) status of %d = %v; want exit %d", sel, got, st, wantStatus[got])
		}
		reap(other[1], other[1:])
		reap(-leader, other[:1])
		got, _, err := p.Wait4(-leader, posix.WNOHANG)
		check(t, p, err == posix.ECHILD, "Wait4(-%d) with the group reaped = %d, %s; want ECHILD", leader, got, en(err))
		reap(0, own)
		reap(-1, own)
		got, _, err = p.Wait4(-1, 0)
		check(t, p, err == posix.ECHILD, "Wait4(-1) with every child reaped = %d, %s; want ECHILD", got, en(err))
		return 0
	}))
}

// waitpid(0) waits for the children in the caller's group at the time of
// the call, not those that moved out.
func TestWaitpid_0_OnlyChildrenInCallersGroup(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(*cages.Proc) int { return 0 })
		check(t, p, p.Setpgid(pid, pid) == nil, "Setpgid(child, child)")
		<-p.Cage().Kernel().Cage(pid).Done()
		got, _, err := p.Wait4(0, posix.WNOHANG)
		check(t, p, err == posix.ECHILD, "Wait4(0, WNOHANG) with the only child in another group = %d, %s; want ECHILD", got, en(err))
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

func TestWaitpid_WNOHANG_NoChildReady_Returns0(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := mustFork(t, p, untilClosed(t, r, w, 4))
		for _, sel := range []int{pid, -1, 0, -p.Getpgrp()} {
			got, st, err := p.Wait4(sel, posix.WNOHANG)
			check(t, p, got == 0 && st == 0 && err == nil, "Wait4(%d, WNOHANG) with a running child = %d, %v, %s; want 0, nil", sel, got, st, en(err))
		}
		mustClose(t, p, w)
		<-p.Cage().Kernel().Cage(pid).Done()
		got, st, err := p.Wait4(-1, posix.WNOHANG)
		check(t, p, got == pid && st == posix.Exited(4) && err == nil, "Wait4(-1, WNOHANG) with a zombie child = %d, %v, %s; want %d, exit 4", got, st, en(err), pid)
		return 0
	}))
}

func TestWaitpid_Errors(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := mustFork(t, p, untilClosed(t, r, w, 0))
		for _, tc := range []struct {
			name      string
			pid, opts int
			want      posix.Errno
		}{
			{"pid not a child", 1, 0, posix.ECHILD},
			{"pid not a cage", 99999, 0, posix.ECHILD},
			{"self", p.Getpid(), 0, posix.ECHILD},
			{"group with no child", -99999, 0, posix.ECHILD},
			{"unknown option 0x100", -1, 0x100, posix.EINVAL},
			{"WNOWAIT is waitid's", -1, posix.WNOWAIT, posix.EINVAL},
			{"WEXITED is waitid's", -1, posix.WEXITED, posix.EINVAL},
			{"INT_MIN", math.MinInt32, 0, posix.ESRCH},
			{"INT_MIN with a bad option: EINVAL first", math.MinInt32, 0x100, posix.EINVAL},
		} {
			got, _, err := p.Wait4(tc.pid, tc.opts)
			check(t, p, err == tc.want, "%s: Wait4(%d, %#x) = %d, %s; want -1, %s", tc.name, tc.pid, tc.opts, got, en(err), tc.want.Name())
		}
		mustClose(t, p, w)
		mustWait(t, p, pid, exited0)
		return 0
	}))
}

// The status encodes the exit code's low 8 bits (WIFEXITED, WEXITSTATUS)
// or the killing signal (WIFSIGNALED, WTERMSIG).
func TestWaitpid_StatusEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		prog func(ch *cages.Proc) int
		want posix.WaitStatus
	}{
		{"return 0", func(*cages.Proc) int { return 0 }, 0x0000},
		{"return 1", func(*cages.Proc) int { return 1 }, 0x0100},
		{"return 255", func(*cages.Proc) int { return 255 }, 0xff00},
		{"return 256", func(*cages.Proc) int { return 256 }, 0x0000},
		{"return 257", func(*cages.Proc) int { return 257 }, 0x0100},
		{"return -1", func(*cages.Proc) int { return -1 }, 0xff00},
		{"Exit(42)", func(ch *cages.Proc) int { ch.Exit(42); return 0 }, 0x2a00},
		{"Exit(-2)", func(ch *cages.Proc) int { ch.Exit(-2); return 0 }, 0xfe00},
		{"SIGTERM", func(ch *cages.Proc) int { _ = ch.Kill(ch.Getpid(), posix.SIGTERM); return 0 }, 15},
		{"SIGKILL", func(ch *cages.Proc) int { _ = ch.Kill(ch.Getpid(), posix.SIGKILL); return 0 }, 9},
		{"SIGUSR2", func(ch *cages.Proc) int { _ = ch.Kill(ch.Getpid(), posix.SIGUSR2); return 0 }, 12},
		{"SIGRTMAX", func(ch *cages.Proc) int { _ = ch.Kill(ch.Getpid(), posix.SIGRTMAX); return 0 }, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				pid := mustFork(t, p, tc.prog)
				got, st, err := p.Wait4(pid, 0)
				check(t, p, got == pid && err == nil, "Wait4(%d) = %d, %s", pid, got, en(err))
				check(t, p, st == tc.want, "status = %#x (%v); want %#x (%v)", uint32(st), st, uint32(tc.want), tc.want)
				return 0
			}))
		})
	}
}

// With SIGCHLD ignored, children are reaped as they exit: wait blocks
// until the last is gone and then fails with ECHILD.
func TestWaitpid_SIGCHLDIgnored_AutoReapsAndECHILD(t *testing.T) {
	for name, setup := range map[string]func(p *cages.Proc) error{
		"SIG_IGN": func(p *cages.Proc) error { return p.Ignore(posix.SIGCHLD) },
		"SA_NOCLDWAIT": func(p *cages.Proc) error {
			return p.Sigaction(posix.SIGCHLD, &cages.SigAction{Flags: posix.SA_NOCLDWAIT}, nil)
		},
		// With a handler, SA_NOCLDWAIT still reaps, and SIGCHLD is still
		// sent (kernel/signal.c do_notify_parent).
		"SA_NOCLDWAIT with a handler": func(p *cages.Proc) error {
			return p.Sigaction(posix.SIGCHLD, &cages.SigAction{Disposition: cages.SigCatch, Handler: func(int) {}, Flags: posix.SA_NOCLDWAIT | posix.SA_RESTART}, nil)
		},
	} {
		t.Run(name, func(t *testing.T) {
			k := newKernel(cages.Config{})
			requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
				check(t, p, setup(p) == nil, "setting up SIGCHLD")
				r, w := mustPipe(t, p)
				r1, w1 := mustPipe(t, p)
				done := mustFork(t, p, untilClosed(t, r1, w1, 1))
				c := k.Cage(done) // alive until w1 closes
				mustClose(t, p, w1)
				<-c.Done()
				check(t, p, k.Cage(done) == nil, "child %d is a zombie with SIGCHLD ignored", done)
				running := mustFork(t, p, untilClosed(t, r, w, 2))
				got, _, err := p.Wait4(-1, posix.WNOHANG)
				check(t, p, got == 0 && err == nil, "Wait4(-1, WNOHANG) with a child running = %d, %s; want 0", got, en(err))
				mustClose(t, p, w)
				got, _, err = p.Wait4(-1, 0)
				check(t, p, err == posix.ECHILD, "Wait4(-1) with SIGCHLD ignored = %d, %s; want ECHILD after %d exits", got, en(err), running)
				check(t, p, k.Cage(running) == nil, "child %d still in the table after wait returned ECHILD", running)
				return 0
			}))
		})
	}
}

// The SIGCHLD handler has run by the time waitpid returns the child.
func TestWaitpid_SIGCHLDHandlerHasRunWhenWaitReturns(t *testing.T) {
	for _, flags := range []int{0, posix.SA_RESTART} {
		requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
			calls := 0
			catch(t, p, posix.SIGCHLD, flags, func(int) { calls++ })
			r, w := mustPipe(t, p)
			pid := mustFork(t, p, untilClosed(t, r, w, 0))
			mustClose(t, p, w)
			got, _, err := p.Wait4(pid, 0)
			if err == posix.EINTR && flags == 0 {
				// The handler interrupted the wait before the child was
				// reaped, as Linux may; wait again.
				got, _, err = p.Wait4(pid, 0)
			}
			check(t, p, got == pid && err == nil, "Wait4(%d) = %d, %s", pid, got, en(err))
			check(t, p, calls == 1, "SIGCHLD handler ran %d times by the time Wait4 returned; want 1", calls)
			return 0
		}))
	}
}

// kill's pid selects: > 0 one cage; 0 the caller's group (caller
// included); -1 every cage but init and the caller; < -1 group -pid.
func TestKill_PidSelectsTargets(t *testing.T) {
	for _, tc := range []struct {
		name string
		// pid returns kill's pid given the caller, the child in the
		// caller's group and the two in another group (a leads it).
		pid        func(me, same, a, b int) int
		hitSame    bool
		hitOther   bool
		callerHit  bool
		targetsAll bool
	}{
		{"pid > 0", func(_, same, _, _ int) int { return same }, true, false, false, false},
		{"0: caller's group", func(_, _, _, _ int) int { return 0 }, true, false, true, false},
		{"-1: everyone but caller", func(_, _, _, _ int) int { return -1 }, true, true, false, true},
		{"< -1: group", func(_, _, a, _ int) int { return -a }, false, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
				r, w := mustPipe(t, p)
				victim := untilClosed(t, r, w, 0)
				same := mustFork(t, p, victim)
				a := mustFork(t, p, victim)
				b := mustFork(t, p, victim)
				check(t, p, p.Setpgid(a, a) == nil, "Setpgid(a, a)")
				check(t, p, p.Setpgid(b, a) == nil, "Setpgid(b, a)")
				hit := 0 // installed after the forks: the victims keep the default
				catch(t, p, posix.SIGUSR1, posix.SA_RESTART, func(int) { hit++ })
				pid := tc.pid(p.Getpid(), same, a, b)
				err := p.Kill(pid, posix.SIGUSR1)
				check(t, p, err == nil, "Kill(%d, SIGUSR1) = %s; want nil", pid, en(err))
				check(t, p, (hit == 1) == tc.callerHit, "Kill(%d, SIGUSR1): caller's handler ran %d times; want hit=%v", pid, hit, tc.callerHit)
				mustClose(t, p, w)
				want := func(h bool) posix.WaitStatus {
					if h {
						return posix.Signaled(posix.SIGUSR1, false)
					}
					return exited0
				}
				mustWait(t, p, same, want(tc.hitSame))
				mustWait(t, p, a, want(tc.hitOther))
				mustWait(t, p, b, want(tc.hitOther))
				return 0
			}))
		})
	}
}

func TestKill_Signal0_ChecksExistence(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := mustFork(t, p, untilClosed(t, r, w, 0))
		for _, tc := range []struct {
			pid  int
			want error
		}{
			{pid, nil},
			{p.Getpid(), nil},
			{0, nil},
			{-p.Getpgrp(), nil},
			{-1, nil},
			{1, posix.EPERM}, // init exists but is not ours to signal, as for an unprivileged Linux caller
			{99999, posix.ESRCH},
			{-99999, posix.ESRCH},
			{math.MinInt32, posix.ESRCH},
		} {
			err := p.Kill(tc.pid, 0)
			check(t, p, err == tc.want, "Kill(%d, 0) = %s; want %s", tc.pid, en(err), en(tc.want))
		}
		mustClose(t, p, w)
		mustWait(t, p, pid, exited0) // signal 0 delivered nothing
		return 0
	}))
}

func TestKill_Errors(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		me := p.Getpid()
		for _, tc := range []struct {
			name     string
			pid, sig int
			want     posix.Errno
		}{
			{"signal 65", me, 65, posix.EINVAL},
			{"signal -1", me, -1, posix.EINVAL},
			{"signal 65 to the group", 0, 65, posix.EINVAL},
			{"no such cage", 99999, posix.SIGTERM, posix.ESRCH},
			{"no such group", -99999, posix.SIGTERM, posix.ESRCH},
			{"INT_MIN", math.MinInt32, posix.SIGTERM, posix.ESRCH},
			{"-1 with no other cage", -1, posix.SIGTERM, posix.ESRCH},
			{"no such cage beats a bad signal", 99999, 65, posix.ESRCH},
			{"INT_MIN beats a bad signal", math.MinInt32, 65, posix.ESRCH},
		} {
			err := p.Kill(tc.pid, tc.sig)
			check(t, p, err == tc.want, "%s: Kill(%d, %d) = %s; want %s", tc.name, tc.pid, tc.sig, en(err), tc.want.Name())
		}
		return 0
	}))
}

// Job control is not modelled: SIGSTOP is refused clearly.
func TestKill_SIGSTOP_Refused(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		err := p.Kill(p.Getpid(), posix.SIGSTOP)
		check(t, p, err == posix.EINVAL, "Kill(self, SIGSTOP) = %s; want EINVAL (job control is not modelled)", en(err))
		return 0
	}))
}

func TestGetpgid_Getsid_SelfInitAndESRCH(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		me := p.Getpid()
		for name, get := range map[string]func(int) (int, error){"Getpgid": p.Getpgid, "Getsid": p.Getsid} {
			for _, tc := range []struct {
				pid, want int
				err       error
			}{
				{0, me, nil},
				{me, me, nil},
				{1, 1, nil},
				{99999, -1, posix.ESRCH},
				{-1, -1, posix.ESRCH},
			} {
				got, err := get(tc.pid)
				if tc.err != nil {
					check(t, p, err == tc.err, "%s(%d) = %d, %s; want %s", name, tc.pid, got, en(err), en(tc.err))
				} else {
					check(t, p, got == tc.want && err == nil, "%s(%d) = %d, %s; want %d, nil", name, tc.pid, got, en(err), tc.want)
				}
			}
		}
		check(t, p, p.Getpgrp() == me, "Getpgrp() of a started cage = %d; want %d", p.Getpgrp(), me)
		return 0
	}))
}

// setpgid as kernel/sys.c: the caller or a child not yet execve'd, into a
// new group or an existing group of the same session; never a session
// leader.
func TestSetpgid_Rules(t *testing.T) {
	k := newKernel(cages.Config{})
	k.Install("/bin/wait", func(p *cages.Proc) int {
		mustWrite(t, p, 1, "x") // execve'd
		mustEOF(t, p, 0)
		return 0
	})
	requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
		me := p.Getpid()
		err := p.Setpgid(0, 0)
		check(t, p, err == posix.EPERM, "Setpgid(0, 0) in a session leader = %s; want EPERM", en(err))
		err = p.Setpgid(0, -1)
		check(t, p, err == posix.EINVAL, "Setpgid(0, -1) = %s; want EINVAL", en(err))
		err = p.Setpgid(1, 1)
		check(t, p, err == posix.ESRCH, "Setpgid(init, 1) = %s; want ESRCH (not a child)", en(err))
		err = p.Setpgid(99999, 0)
		check(t, p, err == posix.ESRCH, "Setpgid(99999, 0) = %s; want ESRCH", en(err))

		r, w := mustPipe(t, p)
		checked, checkedw := mustPipe(t, p)
		mid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			mustClose(t, ch, checked)
			self := ch.Getpid()
			err := ch.Setpgid(0, 0)
			check(t, ch, err == nil, "child: Setpgid(0, 0) = %s; want nil", en(err))
			check(t, ch, ch.Getpgrp() == self, "child: Getpgrp() after Setpgid(0, 0) = %d; want %d", ch.Getpgrp(), self)
			err = ch.Setpgid(self, me)
			check(t, ch, err == nil, "child: Setpgid(self, parent's group %d) = %s; want nil", me, en(err))
			check(t, ch, ch.Getpgrp() == me, "child: Getpgrp() = %d; want %d", ch.Getpgrp(), me)
			err = ch.Setpgid(0, 99999)
			check(t, ch, err == posix.EPERM, "child: Setpgid(0, no such group) = %s; want EPERM", en(err))
			err = ch.Setpgid(me, me)
			check(t, ch, err == posix.ESRCH, "child: Setpgid(parent, ...) = %s; want ESRCH", en(err))
			mustClose(t, ch, checkedw)
			mustEOF(t, ch, r)
			return 0
		})
		mustClose(t, p, checkedw)
		mustEOF(t, p, checked) // the child is done with its own calls
		// A child, from the parent, into a new group and back.
		err = p.Setpgid(mid, mid)
		check(t, p, err == nil, "Setpgid(child, child) = %s; want nil", en(err))
		g, _ := p.Getpgid(mid)
		check(t, p, g == mid, "Getpgid(child) = %d; want %d", g, mid)
		err = p.Setpgid(mid, me)
		check(t, p, err == nil, "Setpgid(child, own group) = %s; want nil", en(err))

		// A child in another session: EPERM, both into its own and ours.
		ready, readyw := mustPipe(t, p)
		leader := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			_, err := ch.Setsid()
			check(t, ch, err == nil, "child: Setsid() = %s", en(err))
			mustClose(t, ch, readyw)
			mustEOF(t, ch, r)
			return 0
		})
		mustClose(t, p, readyw)
		mustEOF(t, p, ready)
		for _, pg := range []int{leader, me, 0} {
			err := p.Setpgid(leader, pg)
			check(t, p, err == posix.EPERM, "Setpgid(child in another session, %d) = %s; want EPERM", pg, en(err))
		}
		// A group in another session cannot be joined.
		err = p.Setpgid(mid, leader)
		check(t, p, err == posix.EPERM, "Setpgid(child, group of another session) = %s; want EPERM", en(err))

		// A child that has execve'd: EACCES.
		execd, execdw := mustPipe(t, p)
		ex := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			_, _ = ch.Dup2(r, 0)
			_, _ = ch.Dup2(execdw, 1)
			err := ch.Execve("/bin/wait", []string{"wait"}, nil)
			return fail(t, "Execve(/bin/wait) = %s", en(err))
		})
		mustClose(t, p, execdw)
		mustRead(t, p, execd, "x")
		for _, pg := range []int{ex, me} {
			err := p.Setpgid(ex, pg)
			check(t, p, err == posix.EACCES, "Setpgid(child after execve, %d) = %s; want EACCES", pg, en(err))
		}

		mustClose(t, p, w)
		for _, pid := range []int{mid, leader, ex} {
			mustWait(t, p, pid, exited0)
		}
		return 0
	}))
}

// setsid makes the caller lead a new session and group, unless it already
// leads a group.
func TestSetsid_NewSessionUnlessGroupLeader(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		got, err := p.Setsid()
		check(t, p, err == posix.EPERM, "Setsid() in a group leader = %d, %s; want EPERM", got, en(err))
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			self := ch.Getpid()
			got, err := ch.Setsid()
			check(t, ch, got == self && err == nil, "child: Setsid() = %d, %s; want %d, nil", got, en(err), self)
			sid, _ := ch.Getsid(0)
			check(t, ch, sid == self && ch.Getpgrp() == self, "child after Setsid: sid %d, pgid %d; want %d, %d", sid, ch.Getpgrp(), self, self)
			got, err = ch.Setsid()
			check(t, ch, err == posix.EPERM, "child: second Setsid() = %d, %s; want EPERM", got, en(err))
			return 0
		})
		mustWait(t, p, pid, exited0)
		sid, _ := p.Getsid(0)
		check(t, p, sid == p.Getpid(), "parent's session changed: %d", sid)
		return 0
	}))
}

// A panic in a cage program kills that cage as SIGSEGV would, with the
// panic's text on its fd 2; its parent carries on.
func TestPanic_KillsOnlyThatCage_SIGSEGVAndTextOnStderr(t *testing.T) {
	k := newKernel(cages.Config{})
	var stderr syncBuffer
	proc, err := k.Start(cages.Spec{Path: "/test", Stderr: &stderr, Program: func(p *cages.Proc) int {
		pid := mustFork(t, p, func(*cages.Proc) int {
			var s []int
			return s[len(os.Args)+1] // a runtime panic: index out of range
		})
		mustWait(t, p, pid, posix.Signaled(posix.SIGSEGV, false))
		pid = mustFork(t, p, func(*cages.Proc) int { panic("cage bug 42") })
		mustWait(t, p, pid, posix.Signaled(posix.SIGSEGV, false))
		mustWrite(t, p, 2, "parent still running\n")
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, waitProcess(t, k, proc))
	out := stderr.String()
	require.Contains(t, out, "panic: runtime error: index out of range", "stderr")
	require.Contains(t, out, "panic: cage bug 42", "stderr")
	require.Contains(t, out, "parent still running", "stderr")
}

// A panic inside a signal handler kills the cage the same way.
func TestPanic_InSignalHandler_SIGSEGV(t *testing.T) {
	requireStatus(t, posix.Signaled(posix.SIGSEGV, false), runCage(t, func(p *cages.Proc) int {
		catch(t, p, posix.SIGUSR1, 0, func(int) { panic("in handler") })
		_ = p.Kill(p.Getpid(), posix.SIGUSR1)
		return fail(t, "survived a panicking handler")
	}))
}

func TestUname_ReportsLinuxAndHostname(t *testing.T) {
	for _, tc := range []struct{ cfg, want string }{{"", "gocage"}, {"box", "box"}} {
		k := newKernel(cages.Config{Hostname: tc.cfg})
		requireStatus(t, exited0, runIn(t, k, func(p *cages.Proc) int {
			u, err := p.Uname()
			check(t, p, err == nil, "Uname() = %s", en(err))
			for _, f := range []struct {
				name     string
				got      [65]byte
				want     string
				wantSome bool
			}{
				{"Sysname", u.Sysname, "Linux", false},
				{"Nodename", u.Nodename, tc.want, false},
				{"Machine", u.Machine, "x86_64", false},
				{"Release", u.Release, "", true},
				{"Version", u.Version, "", true},
			} {
				s := posix.UtsString(f.got)
				if f.wantSome {
					check(t, p, s != "", "Uname().%s is empty", f.name)
				} else {
					check(t, p, s == f.want, "Uname().%s = %q; want %q", f.name, s, f.want)
				}
			}
			return 0
		}))
	}
}

func TestGetuid_Getgid_ConfiguredIds(t *testing.T) {
	for _, tc := range []struct {
		cfg      cages.Config
		uid, gid int
	}{
		{cages.Config{}, 1000, 1000},
		{cages.Config{UID: 500, GID: 600}, 500, 600},
	} {
		requireStatus(t, exited0, runIn(t, newKernel(tc.cfg), func(p *cages.Proc) int {
			for _, c := range []struct {
				name      string
				got, want int
			}{
				{"Getuid", p.Getuid(), tc.uid},
				{"Geteuid", p.Geteuid(), tc.uid},
				{"Getgid", p.Getgid(), tc.gid},
				{"Getegid", p.Getegid(), tc.gid},
			} {
				check(t, p, c.got == c.want, "%s() = %d; want %d", c.name, c.got, c.want)
			}
			return 0
		}))
	}
}

func TestClockGettime_MonotonicAdvances_EINVALForBadClock(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		for _, clk := range []int{posix.CLOCK_MONOTONIC, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_BOOTTIME, posix.CLOCK_MONOTONIC_COARSE} {
			a, err := p.ClockGettime(clk)
			check(t, p, err == nil && a.Valid() && a.Nano() > 0, "ClockGettime(%d) = %+v, %s", clk, a, en(err))
			check(t, p, p.Sleep(2_000_000) == nil, "Sleep(2ms)")
			b, _ := p.ClockGettime(clk)
			check(t, p, b.Nano()-a.Nano() >= 2_000_000, "ClockGettime(%d) advanced %d ns over a 2 ms sleep", clk, b.Nano()-a.Nano())
		}
		rt, err := p.ClockGettime(posix.CLOCK_REALTIME)
		check(t, p, err == nil && rt.Sec > 1_600_000_000, "ClockGettime(CLOCK_REALTIME) = %+v, %s", rt, en(err))
		for _, clk := range []int{99, -1, 16} {
			_, err := p.ClockGettime(clk)
			check(t, p, err == posix.EINVAL, "ClockGettime(%d) = %s; want EINVAL", clk, en(err))
		}
		return 0
	}))
}

func TestNanosleep_BadTimespec_EINVAL(t *testing.T) {
	requireStatus(t, exited0, runCage(t, func(p *cages.Proc) int {
		for _, ts := range []posix.Timespec{{Sec: 0, Nsec: -1}, {Sec: 0, Nsec: 1_000_000_000}, {Sec: -1, Nsec: 0}} {
			err := p.Nanosleep(ts, nil)
			check(t, p, err == posix.EINVAL, "Nanosleep(%+v) = %s; want EINVAL", ts, en(err))
		}
		check(t, p, p.Nanosleep(posix.Timespec{}, nil) == nil, "Nanosleep(0) = %s", en(p.Nanosleep(posix.Timespec{}, nil)))
		return 0
	}))
}

// Host side: the cage's fd 0 is the host's reader; its end is the cage's
// end of file. No reader at all is end of file at once.
func TestHostStdin_EOF(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   io.Reader
		want string
	}{
		{"nil", nil, ""},
		{"empty", strings.NewReader(""), ""},
		{"data", strings.NewReader("hello, cage"), "hello, cage"},
		{"large", strings.NewReader(strings.Repeat("x", 200000)), strings.Repeat("x", 200000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernel(cages.Config{})
			var got []byte
			proc, err := k.Start(cages.Spec{Path: "/cat", Stdin: tc.in, Program: func(p *cages.Proc) int {
				b := make([]byte, 4096)
				for {
					n, err := p.Read(0, b)
					if err != nil {
						return fail(t, "Read(0) = %d, %s", n, en(err))
					}
					if n == 0 {
						return 0
					}
					got = append(got, b[:n]...)
				}
			}})
			require.NoError(t, err)
			requireStatus(t, exited0, waitProcess(t, k, proc))
			require.Equal(t, tc.want, string(got), "what the cage read from stdin")
		})
	}
}

// Reopening the host stdin (an anonymous pipe a host goroutine fills)
// through /dev/stdin or /proc/self/fd/0 never waits for a writer, as
// Linux's fifo_open for a pipefs inode: before end of file the new fd reads
// the rest, after it (the goroutine has closed its end) it reads end of
// file at once instead of blocking forever.
func TestHostStdin_ReopenThroughProcSelfFd(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   io.Reader
	}{
		{"nil", nil},
		{"data", strings.NewReader("hello, cage")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernel(cages.Config{})
			var got []byte
			proc, err := k.Start(cages.Spec{Path: "/cat", Stdin: tc.in, Program: func(p *cages.Proc) int {
				b := make([]byte, 4096)
				for _, path := range []string{"/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"} {
					fd, err := p.Open(path, posix.O_RDONLY, 0)
					if err != nil {
						return fail(t, "Open(%s) = %s", path, en(err))
					}
					for {
						n, err := p.Read(fd, b)
						if err != nil {
							return fail(t, "Read(%s) = %d, %s", path, n, en(err))
						}
						if n == 0 {
							break
						}
						got = append(got, b[:n]...)
					}
					check(t, p, p.Close(fd) == nil, "Close")
				}
				return 0
			}})
			require.NoError(t, err)
			requireStatus(t, exited0, waitProcess(t, k, proc))
			if tc.in == nil {
				require.Empty(t, got)
			} else {
				require.Equal(t, "hello, cage", string(got))
			}
		})
	}
}

// A host writer whose reader is gone (an io.Pipe with its reader closed)
// is a pipe without reader: the write fails with EPIPE and raises SIGPIPE,
// which kills by default.
func TestHostStdout_ReaderClosed_EPIPEAndSIGPIPE(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(p *cages.Proc)
		want  posix.WaitStatus
	}{
		{"default: killed by SIGPIPE", func(*cages.Proc) {}, posix.Signaled(posix.SIGPIPE, false)},
		{"ignored: EPIPE", func(p *cages.Proc) { _ = p.Ignore(posix.SIGPIPE) }, posix.Exited(32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			pr.Close()
			k := newKernel(cages.Config{})
			proc, err := k.Start(cages.Spec{Path: "/writer", Stdout: pw, Program: func(p *cages.Proc) int {
				tc.setup(p)
				n, err := p.Write(1, []byte("hello"))
				if err != posix.EPIPE {
					return fail(t, "Write(1) to a closed host pipe = %d, %s; want EPIPE", n, en(err))
				}
				return 32
			}})
			require.NoError(t, err)
			requireStatus(t, tc.want, waitProcess(t, k, proc))
		})
	}
}

// Stdout and stderr reach the host writers, the same writer for both
// when given twice.
func TestHostStdoutStderr_ReachHostWriters(t *testing.T) {
	k := newKernel(cages.Config{})
	var out, errb, both syncBuffer
	st, err := k.Run(context.Background(), cages.Spec{Path: "/w", Stdout: &out, Stderr: &errb, Program: func(p *cages.Proc) int {
		mustWrite(t, p, 1, "out")
		mustWrite(t, p, 2, "err")
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, st)
	require.Equal(t, "out", out.String())
	require.Equal(t, "err", errb.String())
	st, err = k.Run(context.Background(), cages.Spec{Path: "/w", Stdout: &both, Stderr: &both, Program: func(p *cages.Proc) int {
		mustWrite(t, p, 1, "1")
		mustWrite(t, p, 2, "2")
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, st)
	require.Equal(t, "12", both.String())
}

// Process.Kill ends a cage asleep in read with SIGKILL.
func TestProcess_Kill_CageBlockedInRead(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	k := newKernel(cages.Config{})
	reading := newGate()
	proc, err := k.Start(cages.Spec{Path: "/reader", Stdin: pr, Program: func(p *cages.Proc) int {
		reading.arm(p, posix.SYS_READ)
		n, err := p.Read(0, make([]byte, 10))
		return fail(t, "Read(0) returned %d, %s to a killed cage", n, en(err))
	}})
	require.NoError(t, err)
	select {
	case <-reading:
	case <-proc.Done():
		t.Fatal("cage ended before reading")
	}
	proc.Kill()
	requireStatus(t, posix.Signaled(posix.SIGKILL, false), waitProcess(t, k, proc))
}

// Process.Signal delivers like kill(2); an invalid signal is EINVAL.
func TestProcess_Signal_DeliversAndRejectsInvalid(t *testing.T) {
	k := newKernel(cages.Config{})
	pr, pw := io.Pipe()
	defer pw.Close()
	reading := newGate()
	proc, err := k.Start(cages.Spec{Path: "/reader", Stdin: pr, Program: func(p *cages.Proc) int {
		reading.arm(p, posix.SYS_READ)
		_, _ = p.Read(0, make([]byte, 10))
		return 1
	}})
	require.NoError(t, err)
	require.ErrorIs(t, proc.Signal(65), posix.EINVAL, "Signal(65)")
	require.ErrorIs(t, proc.Signal(-1), posix.EINVAL, "Signal(-1)")
	require.NoError(t, proc.Signal(0), "Signal(0)")
	<-reading
	require.NoError(t, proc.Signal(posix.SIGTERM))
	requireStatus(t, posix.Signaled(posix.SIGTERM, false), waitProcess(t, k, proc))
}

// Wait with a context that ends first returns the context's error and
// leaves the cage running.
func TestProcess_Wait_CancelledContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	k := newKernel(cages.Config{})
	proc, err := k.Start(cages.Spec{Path: "/reader", Stdin: pr, Program: func(p *cages.Proc) int {
		n, err := p.Read(0, make([]byte, 10))
		if n != 0 || err != nil {
			return fail(t, "Read(0) = %d, %s; want 0, nil", n, en(err))
		}
		return 6
	}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := proc.Wait(ctx)
	require.True(t, errors.Is(err, context.Canceled), "Wait(cancelled) = %v, %v; want context.Canceled", st, err)
	select {
	case <-proc.Done():
		t.Fatal("cage ended when Wait's context was cancelled")
	default:
	}
	pw.Close() // end of file: the cage exits by itself
	requireStatus(t, posix.Exited(6), waitProcess(t, k, proc))
}

// Kernel.Run kills the cage when its context ends first.
func TestKernelRun_ContextEnds_KillsCage(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	k := newKernel(cages.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	reading := newGate()
	go func() { <-reading; cancel() }()
	_, err := k.Run(ctx, cages.Spec{Path: "/reader", Stdin: pr, Program: func(p *cages.Proc) int {
		reading.arm(p, posix.SYS_READ)
		_, _ = p.Read(0, make([]byte, 10))
		return 1
	}})
	require.ErrorIs(t, err, context.Canceled)
	waitNoCages(t, k)
}

// Spec's Args, Env and Dir are the program's argv, environment and
// working directory.
func TestStart_ArgsEnvDir(t *testing.T) {
	k := newKernel(cages.Config{})
	require.NoError(t, k.FS().MkdirAll("/tmp/d", 0o755))
	proc, err := k.Start(cages.Spec{Path: "/bin/x", Args: []string{"x", "-a"}, Env: []string{"K=v"}, Dir: "/tmp/d", Program: func(p *cages.Proc) int {
		check(t, p, strings.Join(p.Args(), " ") == "x -a", "Args() = %q; want [x -a]", p.Args())
		check(t, p, p.Getenv("K") == "v" && len(p.Environ()) == 1, "Environ() = %q; want [K=v]", p.Environ())
		check(t, p, p.Cage().Cwd() == "/tmp/d", "cwd = %q; want /tmp/d", p.Cage().Cwd())
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, waitProcess(t, k, proc))
}

// Process.KillGroup signals the cage's process group: the cage and the
// children it did not move out.
func TestProcess_KillGroup_SignalsGroupOnly(t *testing.T) {
	k := newKernel(cages.Config{})
	var stayed, moved int
	movedDone := make(chan struct{})
	ready := newGate()
	proc, err := k.Start(cages.Spec{Path: "/sh", Program: func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		stayed = mustFork(t, p, untilClosed(t, r, w, 0))
		moved = mustFork(t, p, func(ch *cages.Proc) int {
			_, _ = ch.Read(r, make([]byte, 1)) // holds w itself: sleeps until killed
			return fail(t, "Read returned in the child moved out of the group")
		})
		check(t, p, p.Setpgid(moved, moved) == nil, "Setpgid(moved, moved)")
		go func() { <-k.Cage(moved).Done(); close(movedDone) }()
		ready.arm(p, posix.SYS_WAIT4)
		_, _, _ = p.Wait4(stayed, 0)
		return fail(t, "Wait4 returned in a cage whose group was killed")
	}})
	require.NoError(t, err)
	<-ready
	require.ErrorIs(t, proc.KillGroup(65), posix.EINVAL, "KillGroup(65)")
	require.NoError(t, proc.KillGroup(posix.SIGTERM))
	requireStatus(t, posix.Signaled(posix.SIGTERM, false), waitProcessOnly(t, proc))
	// The child in the group is killed too; the one moved out lives on,
	// adopted by init.
	require.Eventually(t, func() bool { return k.Cage(stayed) == nil }, cageTimeout, time.Millisecond, "child in the killed group still exists")
	select {
	case <-movedDone:
		t.Fatalf("child moved out of the group ended")
	default:
	}
	k.Cage(moved).Signal(posix.SIGKILL)
	waitNoCages(t, k)
}

// A host reader that never ends does not outlive a cage that stops
// reading it: its copier goroutine sees the cage's stdin closed.
func TestHostStdin_EndlessReader_NoLeakWhenCageExits(t *testing.T) {
	k := newKernel(cages.Config{})
	checkLeaks(t, k)
	proc, err := k.Start(cages.Spec{Path: "/head", Stdin: endless{}, Program: func(p *cages.Proc) int {
		mustRead(t, p, 0, "yyyy")
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, waitProcess(t, k, proc))
}

// endless reads as an endless stream of 'y'.
type endless struct{}

func (endless) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'y'
	}
	return len(b), nil
}

func TestStart_MissingProgram_ENOENT(t *testing.T) {
	k := newKernel(cages.Config{})
	_, err := k.Start(cages.Spec{Path: "/bin/missing"})
	require.ErrorIs(t, err, posix.ENOENT, "Start(missing program)")
	require.Zero(t, k.NumCages(), "NumCages() after a failed Start")
}
