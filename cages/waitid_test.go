package cages_test

import (
	"testing"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// waitid reports an exited child (CLD_EXITED and its code) and a killed
// one (CLD_KILLED and the signal); WNOWAIT leaves the child waitable;
// WNOHANG with nothing ready returns an all-zero siginfo.
func TestWaitid(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		exited := mustFork(t, p, untilClosed(t, r, w, 3))
		info, err := p.Waitid(posix.P_PID, exited, posix.WEXITED|posix.WNOHANG)
		check(t, p, err == nil && info == posix.Siginfo{}, "WNOHANG with a running child = %+v, %s; want zero", info, en(err))
		mustClose(t, p, w)
		info, err = p.Waitid(posix.P_PID, exited, posix.WEXITED|posix.WNOWAIT)
		check(t, p, err == nil && info.Signo == posix.SIGCHLD && info.Code == posix.CLD_EXITED && int(info.Pid) == exited &&
			info.Status == 3 && int(info.Uid) == p.Getuid(), "WNOWAIT = %+v, %s", info, en(err))
		info, err = p.Waitid(posix.P_ALL, 0, posix.WEXITED)
		check(t, p, err == nil && int(info.Pid) == exited, "P_ALL after WNOWAIT = %+v, %s; want the same child", info, en(err))
		_, err = p.Waitid(posix.P_PID, exited, posix.WEXITED)
		check(t, p, err == posix.ECHILD, "reaped child = %s; want ECHILD", en(err))

		killed := mustFork(t, p, func(ch *cages.Proc) int { ch.Pause(); return 0 })
		p.Kill(killed, posix.SIGTERM)
		info, err = p.Waitid(posix.P_PGID, 0, posix.WEXITED)
		check(t, p, err == nil && info.Code == posix.CLD_KILLED && info.Status == posix.SIGTERM && int(info.Pid) == killed,
			"killed child = %+v, %s", info, en(err))

		// WSTOPPED alone never sees a child end: with WNOHANG it answers 0.
		r, w = mustPipe(t, p)
		other := mustFork(t, p, untilClosed(t, r, w, 0))
		info, err = p.Waitid(posix.P_ALL, 0, posix.WSTOPPED|posix.WNOHANG)
		check(t, p, err == nil && info == posix.Siginfo{}, "WSTOPPED|WNOHANG = %+v, %s", info, en(err))
		mustClose(t, p, w)
		mustWait(t, p, other, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// waitid's argument errors, as kernel_waitid checks them.
func TestWaitid_Errors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		for _, c := range []struct {
			name       string
			idtype, id int
			options    int
			want       error
		}{
			{"no state option", posix.P_ALL, 0, posix.WNOHANG, posix.EINVAL},
			{"unknown option", posix.P_ALL, 0, posix.WEXITED | 0x100, posix.EINVAL},
			{"P_PID 0", posix.P_PID, 0, posix.WEXITED, posix.EINVAL},
			{"P_PGID -1", posix.P_PGID, -1, posix.WEXITED, posix.EINVAL},
			{"idtype 9", 9, 0, posix.WEXITED, posix.EINVAL},
			{"no children", posix.P_ALL, 0, posix.WEXITED, posix.ECHILD},
			{"not a child", posix.P_PID, 1, posix.WEXITED, posix.ECHILD},
		} {
			info, err := p.Waitid(c.idtype, c.id, c.options)
			check(t, p, err == c.want && info == posix.Siginfo{}, "Waitid %s = %+v, %s; want %s", c.name, info, en(err), en(c.want))
		}
		return 0
	})
	requireStatus(t, exited0, st)
}
