package cages

import (
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// childInfo is the siginfo of SIGCHLD and waitid(2) for child ch that
// ended with st: CLD_EXITED and the exit code, or CLD_KILLED (CLD_DUMPED
// with a core) and the signal.
func childInfo(ch *Cage, st posix.WaitStatus) posix.Siginfo {
	info := posix.Siginfo{Signo: posix.SIGCHLD, Pid: int32(ch.pid), Uid: ch.uid()}
	switch {
	case st.Signaled():
		info.Code, info.Status = posix.CLD_KILLED, int32(st.Signal())
		if st.CoreDump() {
			info.Code = posix.CLD_DUMPED
		}
	default:
		info.Code, info.Status = posix.CLD_EXITED, int32(st.ExitStatus())
	}
	ch.x.mu.Lock()
	info.Utime = ticks(ch.x.cpu)
	ch.x.mu.Unlock()
	return info
}

// waitidOptions are the options waitid(2) accepts.
const waitidOptions = posix.WNOHANG | posix.WNOWAIT | posix.WEXITED | posix.WSTOPPED | posix.WCONTINUED |
	posix.WNOTHREAD | posix.WCLONE | posix.WALL

// sysWaitid implements waitid(2): idtype (P_PID, P_PGID, P_ALL), id,
// the *posix.Siginfo to fill (may be nil), options, and a rusage that is
// not filled. WEXITED reports a child that has exited (CLD_EXITED with its
// exit code) or was killed (CLD_KILLED or CLD_DUMPED with the signal);
// WNOWAIT leaves it waitable; WNOHANG returns 0 with an all-zero siginfo
// when no child has ended. Stopped and continued children never occur
// (job control is not modelled), so WSTOPPED and WCONTINUED alone wait
// for nothing. As the system call does, the siginfo is zeroed on error.
//
// # Errors
//
//   - EINVAL: unknown options, or none of WEXITED, WSTOPPED and
//     WCONTINUED; an unknown idtype; P_PID with id <= 0; P_PGID with a
//     negative id.
//   - ECHILD: no child matches.
//   - EINTR: a signal arrived first.
func sysWaitid(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	which, id := call.Args[0].Int32(), call.Args[1].Int32()
	info, _ := call.Args[2].Ptr.(*posix.Siginfo)
	options := call.Args[3].Int32()
	if info != nil {
		*info = posix.Siginfo{}
	}
	if options&^waitidOptions != 0 || options&(posix.WEXITED|posix.WSTOPPED|posix.WCONTINUED) == 0 {
		return -1, posix.EINVAL
	}
	switch which {
	case posix.P_ALL:
	case posix.P_PID:
		if id <= 0 {
			return -1, posix.EINVAL
		}
	case posix.P_PGID:
		if id < 0 {
			return -1, posix.EINVAL
		}
	default:
		return -1, posix.EINVAL
	}
	k := c.k
	k.tree.Lock()
	defer k.tree.Unlock()
	for {
		group := id
		if which == posix.P_PGID && id == 0 {
			group = c.pgid
		}
		any := false
		for ch := range c.children {
			switch {
			case which == posix.P_PID && ch.pid != id:
				continue
			case which == posix.P_PGID && ch.pgid != group:
				continue
			}
			any = true
			if ch.state != stateZombie || options&posix.WEXITED == 0 {
				continue
			}
			if options&posix.WNOWAIT == 0 {
				delete(c.children, ch)
				k.removeLocked(ch)
				c.addChildTime(ch)
			}
			if info != nil {
				*info = childInfo(ch, ch.status)
			}
			return 0, 0
		}
		if !any {
			return -1, posix.ECHILD
		}
		if options&posix.WNOHANG != 0 {
			return 0, 0
		}
		if err := c.Block(&c.childCond); err != 0 {
			return -1, err
		}
	}
}
