package cages

import (
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Cages run as one unprivileged user: the real, effective and saved ids
// are all the kernel's configured uid and gid, there are no supplementary
// groups (the filesystem models none), and no cage has a capability. The
// set*id calls therefore accept only the ids the cage already has, as
// Linux does for an unprivileged process whose ids are all equal.

// noID is (uid_t)-1: "leave this id unchanged" in setre*id and setres*id,
// and an invalid id elsewhere.
const noID = 0xffffffff

// idArg returns an id argument as the uid_t or gid_t it is.
func idArg(a *threei.Arg) uint32 { return uint32(a.Val) }

// sysGettid implements gettid(2): a cage has one thread, whose id is the
// pid.
func sysGettid(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).pid), 0
}

// sysSetTidAddress implements set_tid_address(2): it records the address
// (a cage's one thread never exits apart from its process, so nothing is
// ever written there) and returns the caller's thread id, its pid.
func sysSetTidAddress(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	c.x.mu.Lock()
	c.x.tidAddress = call.Args[0].Val
	c.x.mu.Unlock()
	return int64(c.pid), 0
}

// setOwnID implements setuid(2) and setgid(2) for an unprivileged caller
// whose ids are all own.
//
// # Errors
//
//   - EINVAL: id is -1.
//   - EPERM: id is not own.
func setOwnID(id, own uint32) (int64, posix.Errno) {
	if id == noID {
		return -1, posix.EINVAL
	}
	if id != own {
		return -1, posix.EPERM
	}
	return 0, 0
}

// keepOwnIDs implements setreuid(2), setregid(2), setresuid(2) and
// setresgid(2) for an unprivileged caller: each id must be -1 (unchanged)
// or the caller's own; otherwise EPERM.
func keepOwnIDs(own uint32, ids ...uint32) (int64, posix.Errno) {
	for _, id := range ids {
		if id != noID && id != own {
			return -1, posix.EPERM
		}
	}
	return 0, 0
}

// uid and gid are the caller's ids as uid_t and gid_t.
func (c *Cage) uid() uint32 { return uint32(c.k.cfg.UID) }
func (c *Cage) gid() uint32 { return uint32(c.k.cfg.GID) }

// sysSetuid implements setuid(2): only the caller's own uid is accepted
// (EPERM otherwise, EINVAL for -1).
func sysSetuid(call *threei.Call) (int64, posix.Errno) {
	return setOwnID(idArg(&call.Args[0]), cageOf(call).uid())
}

// sysSetgid implements setgid(2), as setuid.
func sysSetgid(call *threei.Call) (int64, posix.Errno) {
	return setOwnID(idArg(&call.Args[0]), cageOf(call).gid())
}

// sysSetreuid implements setreuid(2): each id must be -1 or the caller's
// own uid (EPERM otherwise).
func sysSetreuid(call *threei.Call) (int64, posix.Errno) {
	return keepOwnIDs(cageOf(call).uid(), idArg(&call.Args[0]), idArg(&call.Args[1]))
}

// sysSetregid implements setregid(2), as setreuid.
func sysSetregid(call *threei.Call) (int64, posix.Errno) {
	return keepOwnIDs(cageOf(call).gid(), idArg(&call.Args[0]), idArg(&call.Args[1]))
}

// sysSetresuid implements setresuid(2): each id must be -1 or the
// caller's own uid (EPERM otherwise).
func sysSetresuid(call *threei.Call) (int64, posix.Errno) {
	return keepOwnIDs(cageOf(call).uid(), idArg(&call.Args[0]), idArg(&call.Args[1]), idArg(&call.Args[2]))
}

// sysSetresgid implements setresgid(2), as setresuid.
func sysSetresgid(call *threei.Call) (int64, posix.Errno) {
	return keepOwnIDs(cageOf(call).gid(), idArg(&call.Args[0]), idArg(&call.Args[1]), idArg(&call.Args[2]))
}

// getres stores id through each of the three *uint32 arguments.
func getres(call *threei.Call, id uint32) (int64, posix.Errno) {
	var outs [3]*uint32
	for i := range outs {
		if outs[i], _ = call.Args[i].Ptr.(*uint32); outs[i] == nil {
			return -1, posix.EFAULT
		}
	}
	for _, p := range outs {
		*p = id
	}
	return 0, 0
}

// sysGetresuid implements getresuid(2): the real, effective and saved
// uids, all the caller's uid, through three *uint32.
//
// # Errors
//
//   - EFAULT: one of the three is missing.
func sysGetresuid(call *threei.Call) (int64, posix.Errno) {
	return getres(call, cageOf(call).uid())
}

// sysGetresgid implements getresgid(2), as getresuid.
func sysGetresgid(call *threei.Call) (int64, posix.Errno) {
	return getres(call, cageOf(call).gid())
}

// sysGetgroups implements getgroups(2): a cage has no supplementary
// groups, so it returns 0 and stores nothing (the list, a []uint32, may be
// nil).
//
// # Errors
//
//   - EINVAL: size is negative.
func sysGetgroups(call *threei.Call) (int64, posix.Errno) {
	if call.Args[0].Int32() < 0 {
		return -1, posix.EINVAL
	}
	return 0, 0
}

// sysSetgroups implements setgroups(2): a cage has not the privilege to
// change its supplementary groups, which Linux checks before the size
// (EINVAL above NGROUPS_MAX is for the privileged).
//
// # Errors
//
//   - EPERM: always.
func sysSetgroups(*threei.Call) (int64, posix.Errno) {
	return -1, posix.EPERM
}

// Nice returns the cage's nice value, -20 (highest priority) to 19.
func (c *Cage) Nice() int {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	return c.x.nice
}

// prioTargets returns the cages getpriority and setpriority act on, as
// kernel/sys.c selects them: one process (who 0: the caller), a process
// group (0: the caller's) or a user's processes (0: the caller's uid).
// Zombies count, as their task is still there; init is the kernel's
// (root's) and counts only when named by pid.
//
// # Errors
//
//   - EINVAL: which is not PRIO_PROCESS, PRIO_PGRP or PRIO_USER.
func (c *Cage) prioTargets(which, who int) ([]*Cage, posix.Errno) {
	k := c.k
	var out []*Cage
	switch which {
	case posix.PRIO_PROCESS:
		if who == 0 {
			return []*Cage{c}, 0
		}
		if who > 0 {
			if t := k.Cage(who); t != nil {
				out = append(out, t)
			}
		}
		return out, 0
	case posix.PRIO_PGRP:
		k.tree.Lock()
		defer k.tree.Unlock()
		pgid := who
		if who == 0 {
			pgid = c.pgid
		}
		k.cages.Range(func(_ int, t *Cage) bool {
			if t.pgid == pgid && t != k.init && t.state != stateReaped {
				out = append(out, t)
			}
			return true
		})
		return out, 0
	case posix.PRIO_USER:
		if who != 0 && uint32(who) != c.uid() {
			return nil, 0
		}
		k.cages.Range(func(_ int, t *Cage) bool {
			if t != k.init {
				out = append(out, t)
			}
			return true
		})
		return out, 0
	}
	return nil, posix.EINVAL
}

// sysGetpriority implements getpriority(2): the highest priority (lowest
// nice value) of the selected cages, returned as the system call does,
// 20 - nice (1..40); the C library turns it back into a nice value.
//
// # Errors
//
//   - EINVAL: which is unknown.
//   - ESRCH: no cage matches.
func sysGetpriority(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	targets, err := c.prioTargets(call.Args[0].Int32(), call.Args[1].Int32())
	if err != 0 {
		return -1, err
	}
	if len(targets) == 0 {
		return -1, posix.ESRCH
	}
	best := 0
	for _, t := range targets {
		best = max(best, 20-t.Nice())
	}
	return int64(best), 0
}

// sysSetpriority implements setpriority(2): the nice value (clamped to
// -20..19) of every selected cage, as set_one_prio. Lowering a nice value
// needs RLIMIT_NICE to allow it (20 - nice at most the limit, 0 by
// default); init is root's and cannot be changed.
//
// # Errors
//
//   - EINVAL: which is unknown.
//   - ESRCH: no cage matches.
//   - EPERM: a selected cage is init.
//   - EACCES: lowering a cage's nice value beyond its RLIMIT_NICE.
func sysSetpriority(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	targets, err := c.prioTargets(call.Args[0].Int32(), call.Args[1].Int32())
	if err != 0 {
		return -1, err
	}
	nice := min(max(call.Args[2].Int32(), posix.MIN_NICE), posix.MAX_NICE)
	err = posix.ESRCH
	for _, t := range targets {
		if t == c.k.init {
			err = posix.EPERM
			continue
		}
		t.mu.Lock()
		limit := t.rlimits[posix.RLIMIT_NICE].Cur
		t.mu.Unlock()
		t.x.mu.Lock()
		if nice < t.x.nice && uint64(20-nice) > limit {
			t.x.mu.Unlock()
			err = posix.EACCES
			continue
		}
		t.x.nice = nice
		t.x.mu.Unlock()
		if err == posix.ESRCH {
			err = 0
		}
	}
	if err != 0 {
		return -1, err
	}
	return 0, 0
}

// pdeathSignal returns the signal prctl(PR_SET_PDEATHSIG) asked for.
func (c *Cage) pdeathSignal() int {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	return c.x.pdeathsig
}

// comm returns the name prctl(PR_SET_NAME) set, and whether one is.
func (c *Cage) comm() (string, bool) {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	return c.x.comm, c.x.commSet
}

// sysPrctl implements prctl(2) for the options a C library uses:
//
//   - PR_SET_NAME: the name (comm, what /proc and ps show) from the
//     buffer in the second argument, up to its first NUL and at most 15
//     bytes.
//   - PR_GET_NAME: the name into the buffer in the second argument
//     (16 bytes, NUL-padded).
//   - PR_SET_PDEATHSIG: the signal (0 clears it) the cage gets when its
//     parent exits; fork clears it.
//   - PR_GET_PDEATHSIG: that signal, through the *int32 in the second
//     argument.
//
// # Errors
//
//   - EINVAL: any other option; PR_SET_PDEATHSIG with a signal above 64.
//   - EFAULT: PR_GET_NAME with a buffer under 16 bytes; PR_GET_PDEATHSIG
//     with nowhere to store.
func sysPrctl(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	arg := &call.Args[1]
	switch call.Args[0].Int32() {
	case posix.PR_SET_NAME:
		name := arg.Buf
		if len(name) > posix.TASK_COMM_LEN-1 {
			name = name[:posix.TASK_COMM_LEN-1]
		}
		for i, b := range name {
			if b == 0 {
				name = name[:i]
				break
			}
		}
		c.x.mu.Lock()
		c.x.comm, c.x.commSet = string(name), true
		c.x.mu.Unlock()
		return 0, 0
	case posix.PR_GET_NAME:
		if len(arg.Buf) < posix.TASK_COMM_LEN {
			return -1, posix.EFAULT
		}
		out := arg.Buf[:posix.TASK_COMM_LEN]
		clear(out)
		copy(out[:posix.TASK_COMM_LEN-1], c.Name())
		return 0, 0
	case posix.PR_SET_PDEATHSIG:
		if arg.Val >= posix.NSIG {
			return -1, posix.EINVAL
		}
		c.x.mu.Lock()
		c.x.pdeathsig = int(arg.Val)
		c.x.mu.Unlock()
		return 0, 0
	case posix.PR_GET_PDEATHSIG:
		out, _ := arg.Ptr.(*int32)
		if out == nil {
			return -1, posix.EFAULT
		}
		*out = int32(c.pdeathSignal())
		return 0, 0
	}
	return -1, posix.EINVAL
}
