package cages_test

import (
	"strings"
	"testing"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// rawCall makes system call num with integer arguments through cage p's
// 3i table, as a C program's syscall(2) would.
func rawCall(p *cages.Proc, num int, args ...uint64) (int64, posix.Errno) {
	call := &threei.Call{Num: num, Caller: p.Cage()}
	for i, a := range args {
		call.Args[i].Val = a
	}
	return p.Cage().Table().Dispatch(call)
}

// rawCallArgs is rawCall with Go-typed arguments: integers are values,
// anything else travels as Ptr (nil: a NULL pointer).
func rawCallArgs(p *cages.Proc, num int, args ...any) (int64, posix.Errno) {
	call := &threei.Call{Num: num, Caller: p.Cage()}
	for i, a := range args {
		switch v := a.(type) {
		case int:
			call.Args[i].Val = uint64(v)
		case uint64:
			call.Args[i].Val = v
		case nil:
		default:
			call.Args[i].Ptr = v
		}
	}
	return p.Cage().Table().Dispatch(call)
}

// Cages are one unprivileged user: setting an id to the current one
// succeeds, anything else is EPERM; there are no supplementary groups.
func TestIDs_UnprivilegedUser(t *testing.T) {
	st := runIn(t, newKernel(cages.Config{UID: 1234, GID: 567}), func(p *cages.Proc) int {
		uid, gid := p.Getuid(), p.Getgid()
		check(t, p, uid == 1234 && gid == 567, "ids = %d, %d", uid, gid)
		for _, c := range []struct {
			name string
			err  error
			want error
		}{
			{"setuid(own)", p.Setuid(uid), nil},
			{"setuid(0)", p.Setuid(0), posix.EPERM},
			{"setuid(-1)", p.Setuid(-1), posix.EINVAL},
			{"setgid(own)", p.Setgid(gid), nil},
			{"setgid(0)", p.Setgid(0), posix.EPERM},
			{"setgid(-1)", p.Setgid(-1), posix.EINVAL},
			{"setreuid(-1, -1)", p.Setreuid(-1, -1), nil},
			{"setreuid(own, own)", p.Setreuid(uid, uid), nil},
			{"setreuid(own, 0)", p.Setreuid(uid, 0), posix.EPERM},
			{"setregid(0, -1)", p.Setregid(0, -1), posix.EPERM},
			{"setregid(own, -1)", p.Setregid(gid, -1), nil},
			{"setresuid(-1, own, -1)", p.Setresuid(-1, uid, -1), nil},
			{"setresuid(-1, -1, 0)", p.Setresuid(-1, -1, 0), posix.EPERM},
			{"setresgid(own, own, own)", p.Setresgid(gid, gid, gid), nil},
			{"setresgid(1, own, own)", p.Setresgid(1, gid, gid), posix.EPERM},
			{"setgroups([])", p.Setgroups(nil), posix.EPERM},
			{"setgroups([own])", p.Setgroups([]int{gid}), posix.EPERM},
		} {
			check(t, p, c.err == c.want, "%s = %s; want %s", c.name, en(c.err), en(c.want))
		}
		r, e, s, err := p.Getresuid()
		check(t, p, err == nil && r == uid && e == uid && s == uid, "Getresuid = %d %d %d, %s", r, e, s, en(err))
		r, e, s, err = p.Getresgid()
		check(t, p, err == nil && r == gid && e == gid && s == gid, "Getresgid = %d %d %d, %s", r, e, s, en(err))
		groups, err := p.Getgroups()
		check(t, p, err == nil && len(groups) == 0, "Getgroups = %v, %s; want none", groups, en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// Nice values: per cage, inherited by fork, raised freely, lowered only
// within RLIMIT_NICE; getpriority picks the best of a group.
func TestPriority(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		nice, err := p.Getpriority(posix.PRIO_PROCESS, 0)
		check(t, p, err == nil && nice == 0, "Getpriority = %d, %s; want 0", nice, en(err))
		check(t, p, p.Setpriority(posix.PRIO_PROCESS, 0, 5) == nil, "Setpriority(5)")
		nice, _ = p.Getpriority(posix.PRIO_PROCESS, p.Getpid())
		check(t, p, nice == 5, "nice = %d; want 5", nice)
		err = p.Setpriority(posix.PRIO_PROCESS, 0, 4)
		check(t, p, err == posix.EACCES, "lowering nice = %s; want EACCES", en(err))
		check(t, p, p.Setpriority(posix.PRIO_PROCESS, 0, 100) == nil, "Setpriority(100)")
		nice, _ = p.Getpriority(posix.PRIO_PROCESS, 0)
		check(t, p, nice == 19, "nice = %d; want 19 (clamped)", nice)
		check(t, p, p.Setrlimit(posix.RLIMIT_NICE, posix.Rlimit{Cur: 0, Max: 0}) == nil, "Setrlimit")

		r, w := mustPipe(t, p)
		sr, sw := mustPipe(t, p)
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			mustClose(t, ch, w)
			n, _ := ch.Getpriority(posix.PRIO_PROCESS, 0)
			check(t, ch, n == 19, "child's nice = %d; want 19 (inherited)", n)
			ch.Setpgid(0, 0)
			mustWrite(t, ch, sw, "s")
			mustEOF(t, ch, r)
			return 0
		})
		mustRead(t, p, sr, "s")
		p.Setpriority(posix.PRIO_PROCESS, pid, 19)
		nice, err = p.Getpriority(posix.PRIO_PGRP, pid)
		check(t, p, err == nil && nice == 19, "Getpriority(PRIO_PGRP, child) = %d, %s", nice, en(err))
		nice, err = p.Getpriority(posix.PRIO_USER, 0)
		check(t, p, err == nil && nice == 19, "Getpriority(PRIO_USER) = %d, %s", nice, en(err))
		_, err = p.Getpriority(posix.PRIO_USER, 4242)
		check(t, p, err == posix.ESRCH, "Getpriority(PRIO_USER, other) = %s; want ESRCH", en(err))
		_, err = p.Getpriority(posix.PRIO_PROCESS, 999999)
		check(t, p, err == posix.ESRCH, "Getpriority(nobody) = %s; want ESRCH", en(err))
		_, err = p.Getpriority(3, 0)
		check(t, p, err == posix.EINVAL, "Getpriority(3) = %s; want EINVAL", en(err))
		err = p.Setpriority(posix.PRIO_PROCESS, 1, 19)
		check(t, p, err == posix.EPERM, "Setpriority(init) = %s; want EPERM", en(err))
		err = p.Setpriority(posix.PRIO_PGRP, 999999, 1)
		check(t, p, err == posix.ESRCH, "Setpriority(no group) = %s; want ESRCH", en(err))
		mustClose(t, p, w)
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// PR_SET_NAME renames the cage as /proc shows it (15 bytes at most);
// fork keeps the name, execve resets it; unknown options are EINVAL.
func TestPrctl_Name(t *testing.T) {
	k := newKernel(cages.Config{})
	var execName string
	if err := k.Install("/bin/renamed", func(p *cages.Proc) int {
		execName, _ = p.PrctlGetName()
		return 0
	}); err != nil {
		t.Fatal(err)
	}
	st := runIn(t, k, func(p *cages.Proc) int {
		name, err := p.PrctlGetName()
		check(t, p, err == nil && name == "test", "PrctlGetName = %q, %s; want test", name, en(err))
		check(t, p, p.PrctlSetName("a-very-long-thread-name") == nil, "PrctlSetName")
		name, _ = p.PrctlGetName()
		check(t, p, name == "a-very-long-thr", "name = %q; want the first 15 bytes", name)
		fd := mustOpen(t, p, "/proc/self/status", posix.O_RDONLY)
		b := make([]byte, 4096)
		n, _ := p.Read(fd, b)
		check(t, p, strings.Contains(string(b[:n]), "Name:\ta-very-long-thr"), "/proc/self/status:\n%s", b[:n])
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			got, _ := ch.PrctlGetName()
			check(t, ch, got == "a-very-long-thr", "child's name = %q", got)
			ch.Execve("/bin/renamed", []string{"renamed"}, nil)
			return 1
		})
		mustWait(t, p, pid, exited0)
		_, e := rawCall(p, posix.SYS_PRCTL, 9999)
		check(t, p, e == posix.EINVAL, "prctl(9999) = %s; want EINVAL", e.Name())
		return 0
	})
	requireStatus(t, exited0, st)
	if execName != "renamed" {
		t.Errorf("name after execve = %q; want renamed", execName)
	}
}
