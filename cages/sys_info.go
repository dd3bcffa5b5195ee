package cages

import (
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// monoBase anchors CLOCK_MONOTONIC: Go's monotonic clock has no exported
// epoch, so gocage's starts near zero when the package loads (as a freshly
// booted machine's does).
var monoBase = time.Now()

// sysClockGettime implements clock_gettime(2) into a *posix.Timespec.
// CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID report the time since
// the cage was created (Go cannot measure one goroutine's CPU time), as
// times(2) and getrusage(2) do. CLOCK_TAI is CLOCK_REALTIME, as on a
// system whose TAI offset was never set.
//
// # Errors
//
//   - EINVAL: an unknown clock.
//   - EFAULT: nowhere to store the time.
func sysClockGettime(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	ts, _ := call.Args[1].Ptr.(*posix.Timespec)
	var ns int64
	switch call.Args[0].Int32() {
	case posix.CLOCK_REALTIME, posix.CLOCK_REALTIME_COARSE, posix.CLOCK_TAI:
		ns = time.Now().UnixNano()
	case posix.CLOCK_MONOTONIC, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_MONOTONIC_COARSE, posix.CLOCK_BOOTTIME:
		ns = monoNow()
	case posix.CLOCK_PROCESS_CPUTIME_ID, posix.CLOCK_THREAD_CPUTIME_ID:
		ns = int64(c.cpuTime())
	default:
		return -1, posix.EINVAL
	}
	if ts == nil {
		return -1, posix.EFAULT
	}
	*ts = posix.NsecToTimespec(ns)
	return 0, 0
}

// sysGetuid implements getuid(2), geteuid(2): every cage runs as the
// kernel's configured uid.
func sysGetuid(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).k.cfg.UID), 0
}

// sysGetgid implements getgid(2), getegid(2).
func sysGetgid(call *threei.Call) (int64, posix.Errno) {
	return int64(cageOf(call).k.cfg.GID), 0
}

// sysUname implements uname(2) into a *posix.Utsname.
func sysUname(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	u, _ := call.Args[0].Ptr.(*posix.Utsname)
	if u == nil {
		return -1, posix.EFAULT
	}
	*u = posix.Utsname{
		Sysname:    posix.UtsField("Linux"),
		Nodename:   posix.UtsField(c.k.cfg.Hostname),
		Release:    posix.UtsField("6.1.0-gocage"),
		Version:    posix.UtsField("#1 SMP PREEMPT_DYNAMIC gocage"),
		Machine:    posix.UtsField("x86_64"),
		Domainname: posix.UtsField("(none)"),
	}
	return 0, 0
}

// sysUmask implements umask(2): it sets the mask and returns the old one.
func sysUmask(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.umask
	c.umask = int(call.Args[0].Val & 0o777)
	return int64(old), 0
}

// sysGetrlimit implements getrlimit(2) into a *posix.Rlimit.
func sysGetrlimit(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	out, _ := call.Args[1].Ptr.(*posix.Rlimit)
	if out == nil {
		return -1, posix.EFAULT
	}
	return 0, c.prlimit(call.Args[0].Val, nil, out)
}

// sysSetrlimit implements setrlimit(2) from a *posix.Rlimit.
func sysSetrlimit(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	in, _ := call.Args[1].Ptr.(*posix.Rlimit)
	if in == nil {
		return -1, posix.EFAULT
	}
	return 0, c.prlimit(call.Args[0].Val, in, nil)
}

// sysPrlimit64 implements prlimit64(2) for the caller or (pid) another
// cage.
func sysPrlimit64(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	pid := call.Args[0].Int32()
	in, _ := call.Args[2].Ptr.(*posix.Rlimit)
	out, _ := call.Args[3].Ptr.(*posix.Rlimit)
	t := c
	if pid != 0 {
		if t = c.k.Cage(pid); t == nil {
			return -1, posix.ESRCH
		}
	}
	return 0, t.prlimit(call.Args[1].Val, in, out)
}

// prlimit reads (into out) and then sets (from in) resource res, as
// do_prlimit.
//
// # Errors
//
//   - EINVAL: res out of range; Cur above Max.
//   - EPERM: raising Max (cages are unprivileged); RLIMIT_NOFILE above
//     fs.nr_open.
func (c *Cage) prlimit(res uint64, in, out *posix.Rlimit) posix.Errno {
	if res >= posix.RLIM_NLIMITS {
		return posix.EINVAL
	}
	if in != nil && in.Cur > in.Max {
		return posix.EINVAL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.rlimits[res]
	if res == posix.RLIMIT_NOFILE {
		cur.Cur = uint64(c.fds.Limit())
	}
	if in != nil {
		if in.Max > cur.Max {
			return posix.EPERM
		}
		if res == posix.RLIMIT_NOFILE && in.Max > fdtable.MaxLimit {
			return posix.EPERM
		}
	}
	if out != nil {
		*out = cur
	}
	if in != nil {
		c.rlimits[res] = *in
		if res == posix.RLIMIT_NOFILE {
			c.fds.SetLimit(int(min(in.Cur, fdtable.MaxLimit)))
		}
	}
	return 0
}
