//go:build linux

package cages_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Differential tests of the calls added for the C library: each case is
// one call (after a little setup) made on the host kernel through
// golang.org/x/sys/unix and in a cage, and the two must give the same
// errno, or the same value where it is deterministic. The host half runs
// in a child process, as an unprivileged user when the tests run as root
// (see TestFSDiffHostChild), since cages are unprivileged.

// xres formats a call's outcome: the errno's name, or "ok" and the value.
func xres(v any, err error) string {
	if err != nil {
		var e posix.Errno
		if errors.As(err, &e) {
			return e.Name()
		}
		var ue syscall.Errno
		if errors.As(err, &ue) {
			return posix.Errno(ue).Name()
		}
		return err.Error()
	}
	if v == nil {
		return "ok"
	}
	return fmt.Sprint("ok ", v)
}

// hsys makes a raw host system call and returns its result and error.
func hsys(trap uintptr, args ...uintptr) (uintptr, error) {
	var a [6]uintptr
	copy(a[:], args)
	r, _, e := unix.Syscall6(trap, a[0], a[1], a[2], a[3], a[4], a[5])
	if e != 0 {
		return r, e
	}
	return r, nil
}

// herr is a raw call's outcome without its value.
func herr(_ uintptr, err error) string { return xres(nil, err) }

// neg is a negative int as a system-call argument.
func neg(v int) uintptr { return uintptr(v) }

// hostEnv is the host side's scratch directory.
type hostEnv struct{ dir string }

// file creates (truncating) the host file name holding data, opened with
// flags, and returns its fd.
func (h hostEnv) file(name, data string, flags int) int {
	p := filepath.Join(h.dir, name)
	os.WriteFile(p, []byte(data), 0o644)
	fd, err := unix.Open(p, flags, 0o644)
	if err != nil {
		panic(err)
	}
	return fd
}

// cageFile is hostEnv.file in a cage, under /tmp.
func cageFile(p *cages.Proc, name, data string, flags int) int {
	path := "/tmp/" + name
	fd, _ := p.Open(path, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 0o644)
	p.Write(fd, []byte(data))
	p.Close(fd)
	fd, err := p.Open(path, flags, 0o644)
	if err != nil {
		panic(err)
	}
	return fd
}

// xcase is one differential case.
type xcase struct {
	name string
	host func(h hostEnv) string
	cage func(p *cages.Proc) string
}

// xhostPipe returns a host pipe.
func xhostPipe() (r, w int) {
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		panic(err)
	}
	return fds[0], fds[1]
}

// closedFd is a descriptor number no test process has open.
const closedFd = 60

var xcases = []xcase{
	// flock(2).
	{"flock bad op before bad fd",
		func(hostEnv) string { return herr(hsys(unix.SYS_FLOCK, neg(-1), 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Flock(-1, 0)) }},
	{"flock SH|EX",
		func(hostEnv) string { return herr(hsys(unix.SYS_FLOCK, neg(-1), 3)) },
		func(p *cages.Proc) string { return xres(nil, p.Flock(-1, 3)) }},
	{"flock bad fd",
		func(hostEnv) string { return herr(hsys(unix.SYS_FLOCK, neg(-1), 1)) },
		func(p *cages.Proc) string { return xres(nil, p.Flock(-1, 1)) }},
	{"flock LOCK_MAND ignored",
		func(hostEnv) string { return herr(hsys(unix.SYS_FLOCK, neg(-1), 99)) },
		func(p *cages.Proc) string { return xres(nil, p.Flock(-1, 99)) }},
	{"flock conflict NB",
		func(h hostEnv) string {
			a, b := h.file("l", "", unix.O_RDWR), h.file("l", "", unix.O_RDONLY)
			defer unix.Close(a)
			defer unix.Close(b)
			unix.Flock(a, unix.LOCK_SH)
			return xres(nil, unix.Flock(b, unix.LOCK_EX|unix.LOCK_NB))
		},
		func(p *cages.Proc) string {
			a, b := cageFile(p, "l", "", posix.O_RDWR), cageFile(p, "l", "", posix.O_RDONLY)
			defer p.Close(a)
			defer p.Close(b)
			p.Flock(a, posix.LOCK_SH)
			return xres(nil, p.Flock(b, posix.LOCK_EX|posix.LOCK_NB))
		}},
	{"flock failed conversion drops the lock",
		func(h hostEnv) string {
			a, b := h.file("l", "", unix.O_RDWR), h.file("l", "", unix.O_RDONLY)
			defer unix.Close(a)
			defer unix.Close(b)
			unix.Flock(a, unix.LOCK_SH)
			unix.Flock(b, unix.LOCK_SH)
			e1 := unix.Flock(a, unix.LOCK_EX|unix.LOCK_NB)
			return xres(nil, e1) + " " + xres(nil, unix.Flock(b, unix.LOCK_EX|unix.LOCK_NB))
		},
		func(p *cages.Proc) string {
			a, b := cageFile(p, "l", "", posix.O_RDWR), cageFile(p, "l", "", posix.O_RDONLY)
			defer p.Close(a)
			defer p.Close(b)
			p.Flock(a, posix.LOCK_SH)
			p.Flock(b, posix.LOCK_SH)
			e1 := p.Flock(a, posix.LOCK_EX|posix.LOCK_NB)
			return xres(nil, e1) + " " + xres(nil, p.Flock(b, posix.LOCK_EX|posix.LOCK_NB))
		}},
	{"flock on a pipe",
		func(hostEnv) string {
			r, w := xhostPipe()
			defer unix.Close(r)
			defer unix.Close(w)
			unix.Flock(r, unix.LOCK_EX)
			return xres(nil, unix.Flock(w, unix.LOCK_EX|unix.LOCK_NB))
		},
		func(p *cages.Proc) string {
			r, w, _ := p.Pipe()
			defer p.Close(r)
			defer p.Close(w)
			p.Flock(r, posix.LOCK_EX)
			return xres(nil, p.Flock(w, posix.LOCK_EX|posix.LOCK_NB))
		}},

	// tkill(2), tgkill(2).
	{"tkill 0", func(hostEnv) string { return herr(hsys(unix.SYS_TKILL, 0, 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Tkill(0, 0)) }},
	{"tkill -1", func(hostEnv) string { return herr(hsys(unix.SYS_TKILL, neg(-1), 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Tkill(-1, 0)) }},
	{"tkill self bad signal", func(hostEnv) string { return herr(hsys(unix.SYS_TKILL, uintptr(unix.Getpid()), 99)) },
		func(p *cages.Proc) string { return xres(nil, p.Tkill(p.Getpid(), 99)) }},
	{"tkill self 0", func(hostEnv) string { return herr(hsys(unix.SYS_TKILL, uintptr(unix.Getpid()), 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Tkill(p.Getpid(), 0)) }},
	{"tgkill tgid 0", func(hostEnv) string { return herr(hsys(unix.SYS_TGKILL, 0, uintptr(unix.Getpid()), 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Tgkill(0, p.Getpid(), 0)) }},
	{"tgkill wrong group", func(hostEnv) string {
		return herr(hsys(unix.SYS_TGKILL, uintptr(unix.Getpid()+1000000), uintptr(unix.Getpid()), 0))
	}, func(p *cages.Proc) string { return xres(nil, p.Tgkill(p.Getpid()+1000000, p.Getpid(), 0)) }},
	{"tgkill self", func(hostEnv) string {
		return herr(hsys(unix.SYS_TGKILL, uintptr(unix.Getpid()), uintptr(unix.Getpid()), 0))
	},
		func(p *cages.Proc) string { return xres(nil, p.Tgkill(p.Getpid(), p.Getpid(), 0)) }},

	// sigaltstack(2): only calls that change nothing (the Go runtime's
	// threads own the host's alternate stacks).
	{"sigaltstack too small", func(hostEnv) string {
		ss := struct {
			sp    uintptr
			flags int32
			size  uintptr
		}{0x1000, 0, 1000}
		return herr(hsys(unix.SYS_SIGALTSTACK, uintptr(unsafe.Pointer(&ss)), 0))
	}, func(p *cages.Proc) string {
		_, err := p.Sigaltstack(&posix.SignalStack{Sp: 0x1000, Size: 1000})
		return xres(nil, err)
	}},
	{"sigaltstack bad flags", func(hostEnv) string {
		ss := struct {
			sp    uintptr
			flags int32
			size  uintptr
		}{0x1000, 5, 8192}
		return herr(hsys(unix.SYS_SIGALTSTACK, uintptr(unsafe.Pointer(&ss)), 0))
	}, func(p *cages.Proc) string {
		_, err := p.Sigaltstack(&posix.SignalStack{Sp: 0x1000, Size: 8192, Flags: 5})
		return xres(nil, err)
	}},

	// Interval timers: only the refusals (a host timer would signal the
	// test process).
	{"setitimer usec 1e6", func(hostEnv) string {
		v := unix.Itimerval{Value: unix.Timeval{Usec: 1e6}}
		return herr(hsys(unix.SYS_SETITIMER, 0, uintptr(unsafe.Pointer(&v)), 0))
	}, func(p *cages.Proc) string {
		_, err := p.Setitimer(0, posix.Itimerval{Value: posix.Timeval{Usec: 1e6}})
		return xres(nil, err)
	}},
	{"setitimer negative interval", func(hostEnv) string {
		v := unix.Itimerval{Interval: unix.Timeval{Sec: -1}}
		return herr(hsys(unix.SYS_SETITIMER, 0, uintptr(unsafe.Pointer(&v)), 0))
	}, func(p *cages.Proc) string {
		_, err := p.Setitimer(0, posix.Itimerval{Interval: posix.Timeval{Sec: -1}})
		return xres(nil, err)
	}},
	{"setitimer which 5", func(hostEnv) string {
		var v unix.Itimerval
		return herr(hsys(unix.SYS_SETITIMER, 5, uintptr(unsafe.Pointer(&v)), 0))
	}, func(p *cages.Proc) string {
		_, err := p.Setitimer(5, posix.Itimerval{})
		return xres(nil, err)
	}},
	{"getitimer 3", func(hostEnv) string {
		var v unix.Itimerval
		return herr(hsys(unix.SYS_GETITIMER, 3, uintptr(unsafe.Pointer(&v))))
	}, func(p *cages.Proc) string { _, err := p.Getitimer(3); return xres(nil, err) }},
	{"getitimer real, disarmed", func(hostEnv) string {
		var v unix.Itimerval
		_, err := hsys(unix.SYS_GETITIMER, 0, uintptr(unsafe.Pointer(&v)))
		return xres(fmt.Sprint(v.Value.Sec, v.Value.Usec, v.Interval.Sec), err)
	}, func(p *cages.Proc) string {
		v, err := p.Getitimer(0)
		return xres(fmt.Sprint(v.Value.Sec, v.Value.Usec, v.Interval.Sec), err)
	}},

	// Clocks.
	{"clock_getres realtime", func(hostEnv) string {
		var ts unix.Timespec
		_, err := hsys(unix.SYS_CLOCK_GETRES, 0, uintptr(unsafe.Pointer(&ts)))
		return xres(ts.Nsec, err)
	}, func(p *cages.Proc) string { ts, err := p.ClockGetres(0); return xres(ts.Nsec, err) }},
	{"clock_getres monotonic NULL", func(hostEnv) string { return herr(hsys(unix.SYS_CLOCK_GETRES, 1, 0)) },
		func(p *cages.Proc) string {
			_, e := rawCall(p, posix.SYS_CLOCK_GETRES, 1, 0)
			return xres(nil, errOrNil(e))
		}},
	{"clock_getres 99", func(hostEnv) string {
		var ts unix.Timespec
		return herr(hsys(unix.SYS_CLOCK_GETRES, 99, uintptr(unsafe.Pointer(&ts))))
	}, func(p *cages.Proc) string { _, err := p.ClockGetres(99); return xres(nil, err) }},
}

// errOrNil is e as an error: nil for success.
func errOrNil(e posix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func init() {
	for _, clk := range []int{0, 1, 2, 3, 4, 5, 6, 7, 99} {
		xcases = append(xcases, xcase{fmt.Sprint("clock_nanosleep clock ", clk),
			// An absolute time in the past: no clock makes it wait (a
			// relative sleep on the host's CPU clock could wait minutes
			// for an idle process to burn a microsecond).
			func(hostEnv) string {
				ts := unix.Timespec{Nsec: 1}
				_, err := hsys(unix.SYS_CLOCK_NANOSLEEP, uintptr(clk), unix.TIMER_ABSTIME, uintptr(unsafe.Pointer(&ts)), 0)
				return xres(nil, err)
			},
			func(p *cages.Proc) string {
				return xres(nil, p.ClockNanosleep(clk, posix.TIMER_ABSTIME, posix.Timespec{Nsec: 1}, nil))
			}})
	}
	for _, ts := range []unix.Timespec{{Sec: -1}, {Nsec: 1e9}, {Nsec: -1}} {
		xcases = append(xcases, xcase{fmt.Sprintf("clock_nanosleep %+v", ts),
			func(hostEnv) string {
				_, err := hsys(unix.SYS_CLOCK_NANOSLEEP, 0, unix.TIMER_ABSTIME, uintptr(unsafe.Pointer(&ts)), 0)
				return xres(nil, err)
			},
			func(p *cages.Proc) string {
				return xres(nil, p.ClockNanosleep(0, posix.TIMER_ABSTIME, posix.Timespec{Sec: ts.Sec, Nsec: ts.Nsec}, nil))
			}})
	}
	for _, who := range []int{0, 1, -1, -2, 5} {
		xcases = append(xcases, xcase{fmt.Sprint("getrusage ", who),
			func(hostEnv) string {
				var ru unix.Rusage
				_, err := hsys(unix.SYS_GETRUSAGE, uintptr(who), uintptr(unsafe.Pointer(&ru)))
				return xres(nil, err)
			},
			func(p *cages.Proc) string { _, err := p.Getrusage(who); return xres(nil, err) }})
	}
	for _, flags := range []int{0, 1, 2, 4, 5, 6, 8} {
		xcases = append(xcases, xcase{fmt.Sprint("getrandom flags ", flags),
			func(hostEnv) string {
				b := make([]byte, 16)
				return xres(hsys(unix.SYS_GETRANDOM, uintptr(unsafe.Pointer(&b[0])), 16, uintptr(flags)))
			},
			func(p *cages.Proc) string {
				n, err := p.Getrandom(make([]byte, 16), flags)
				return xres(uintptr(n), err)
			}})
	}
	xcases = append(xcases, moreXcases...)
}

var moreXcases = []xcase{
	// Identity: an unprivileged user's view.
	{"setuid own", func(hostEnv) string { return herr(hsys(unix.SYS_SETUID, uintptr(unix.Getuid()))) },
		func(p *cages.Proc) string { return xres(nil, p.Setuid(p.Getuid())) }},
	{"setuid 0", func(hostEnv) string { return herr(hsys(unix.SYS_SETUID, 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Setuid(0)) }},
	{"setuid -1", func(hostEnv) string { return herr(hsys(unix.SYS_SETUID, neg(-1))) },
		func(p *cages.Proc) string { return xres(nil, p.Setuid(-1)) }},
	{"setgid 0", func(hostEnv) string { return herr(hsys(unix.SYS_SETGID, 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Setgid(0)) }},
	{"setreuid -1 -1", func(hostEnv) string { return herr(hsys(unix.SYS_SETREUID, neg(-1), neg(-1))) },
		func(p *cages.Proc) string { return xres(nil, p.Setreuid(-1, -1)) }},
	{"setreuid own 0", func(hostEnv) string { return herr(hsys(unix.SYS_SETREUID, uintptr(unix.Getuid()), 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Setreuid(p.Getuid(), 0)) }},
	{"setresuid -1 own -1", func(hostEnv) string { return herr(hsys(unix.SYS_SETRESUID, neg(-1), uintptr(unix.Getuid()), neg(-1))) },
		func(p *cages.Proc) string { return xres(nil, p.Setresuid(-1, p.Getuid(), -1)) }},
	{"setresgid 0 -1 -1", func(hostEnv) string { return herr(hsys(unix.SYS_SETRESGID, 0, neg(-1), neg(-1))) },
		func(p *cages.Proc) string { return xres(nil, p.Setresgid(0, -1, -1)) }},
	{"setgroups none", func(hostEnv) string { return herr(hsys(unix.SYS_SETGROUPS, 0, 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Setgroups(nil)) }},
	{"setgroups 70000", func(hostEnv) string { return herr(hsys(unix.SYS_SETGROUPS, 70000, 0)) },
		func(p *cages.Proc) string {
			_, e := rawCall(p, posix.SYS_SETGROUPS, 70000, 0)
			return xres(nil, errOrNil(e))
		}},
	{"getgroups -1", func(hostEnv) string { return herr(hsys(unix.SYS_GETGROUPS, neg(-1), 0)) },
		func(p *cages.Proc) string {
			_, e := rawCall(p, posix.SYS_GETGROUPS, ^uint64(0), 0)
			return xres(nil, errOrNil(e))
		}},
	{"getpriority which 3", func(hostEnv) string { return herr(hsys(unix.SYS_GETPRIORITY, 3, 0)) },
		func(p *cages.Proc) string { _, err := p.Getpriority(3, 0); return xres(nil, err) }},
	{"getpriority user nobody", func(hostEnv) string { return herr(hsys(unix.SYS_GETPRIORITY, unix.PRIO_USER, 4242)) },
		func(p *cages.Proc) string { _, err := p.Getpriority(posix.PRIO_USER, 4242); return xres(nil, err) }},
	{"getpriority no such process", func(hostEnv) string { return herr(hsys(unix.SYS_GETPRIORITY, unix.PRIO_PROCESS, 3999999)) },
		func(p *cages.Proc) string {
			_, err := p.Getpriority(posix.PRIO_PROCESS, 3999999)
			return xres(nil, err)
		}},
	{"setpriority init", func(hostEnv) string { return herr(hsys(unix.SYS_SETPRIORITY, unix.PRIO_PROCESS, 1, 19)) },
		func(p *cages.Proc) string { return xres(nil, p.Setpriority(posix.PRIO_PROCESS, 1, 19)) }},
	{"prctl 9999", func(hostEnv) string { return herr(hsys(unix.SYS_PRCTL, 9999, 0)) },
		func(p *cages.Proc) string { _, e := rawCall(p, posix.SYS_PRCTL, 9999); return xres(nil, errOrNil(e)) }},
	{"prctl pdeathsig 65", func(hostEnv) string { return herr(hsys(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, 65)) },
		func(p *cages.Proc) string { return xres(nil, p.PrctlSetPdeathsig(65)) }},

	// waitid(2).
	{"waitid no options", func(hostEnv) string {
		var si [128]byte
		return herr(hsys(unix.SYS_WAITID, unix.P_ALL, 0, uintptr(unsafe.Pointer(&si)), 0))
	}, func(p *cages.Proc) string { _, err := p.Waitid(posix.P_ALL, 0, 0); return xres(nil, err) }},
	{"waitid P_PID 0", func(hostEnv) string {
		var si [128]byte
		return herr(hsys(unix.SYS_WAITID, unix.P_PID, 0, uintptr(unsafe.Pointer(&si)), unix.WEXITED))
	}, func(p *cages.Proc) string { _, err := p.Waitid(posix.P_PID, 0, posix.WEXITED); return xres(nil, err) }},
	{"waitid idtype 9", func(hostEnv) string {
		var si [128]byte
		return herr(hsys(unix.SYS_WAITID, 9, 0, uintptr(unsafe.Pointer(&si)), unix.WEXITED))
	}, func(p *cages.Proc) string { _, err := p.Waitid(9, 0, posix.WEXITED); return xres(nil, err) }},
	{"waitid not a child", func(hostEnv) string {
		var si [128]byte
		return herr(hsys(unix.SYS_WAITID, unix.P_PID, 1, uintptr(unsafe.Pointer(&si)), unix.WEXITED|unix.WNOHANG))
	}, func(p *cages.Proc) string {
		_, err := p.Waitid(posix.P_PID, 1, posix.WEXITED|posix.WNOHANG)
		return xres(nil, err)
	}},

	// select(2), pselect6(2), ppoll(2).
	{"select nfds -1", func(hostEnv) string {
		tv := unix.Timeval{}
		return herr(hsys(unix.SYS_SELECT, neg(-1), 0, 0, 0, uintptr(unsafe.Pointer(&tv))))
	}, func(p *cages.Proc) string {
		_, err := p.Select(-1, nil, nil, nil, &posix.Timeval{})
		return xres(nil, err)
	}},
	{"select sec -1 usec 1000001", func(hostEnv) string {
		tv := unix.Timeval{Sec: -1, Usec: 1000001}
		_, err := hsys(unix.SYS_SELECT, 0, 0, 0, 0, uintptr(unsafe.Pointer(&tv)))
		return xres(tv, err)
	}, func(p *cages.Proc) string {
		tv := posix.Timeval{Sec: -1, Usec: 1000001}
		_, err := p.Select(0, nil, nil, nil, &tv)
		return xres(unix.Timeval{Sec: tv.Sec, Usec: tv.Usec}, err)
	}},
	{"select usec -1", func(hostEnv) string {
		tv := unix.Timeval{Sec: 1, Usec: -1}
		return herr(hsys(unix.SYS_SELECT, 0, 0, 0, 0, uintptr(unsafe.Pointer(&tv))))
	}, func(p *cages.Proc) string {
		_, err := p.Select(0, nil, nil, nil, &posix.Timeval{Sec: 1, Usec: -1})
		return xres(nil, err)
	}},
	{"select closed fd", func(hostEnv) string {
		var rs unix.FdSet
		rs.Set(closedFd)
		tv := unix.Timeval{}
		return herr(hsys(unix.SYS_SELECT, closedFd+1, uintptr(unsafe.Pointer(&rs)), 0, 0, uintptr(unsafe.Pointer(&tv))))
	}, func(p *cages.Proc) string {
		var rs posix.FdSet
		rs.Set(closedFd)
		_, err := p.Select(closedFd+1, &rs, nil, nil, &posix.Timeval{})
		return xres(nil, err)
	}},
	{"select huge nfds", func(hostEnv) string {
		tv := unix.Timeval{}
		return xres(hsys(unix.SYS_SELECT, 100000, 0, 0, 0, uintptr(unsafe.Pointer(&tv))))
	}, func(p *cages.Proc) string {
		n, err := p.Select(100000, nil, nil, nil, &posix.Timeval{})
		return xres(uintptr(n), err)
	}},
	{"select pipe", func(hostEnv) string {
		r, w := xhostPipe()
		defer unix.Close(r)
		defer unix.Close(w)
		var rs, ws unix.FdSet
		rs.Set(r)
		ws.Set(w)
		tv := unix.Timeval{Sec: 1}
		n, err := hsys(unix.SYS_SELECT, uintptr(max(r, w)+1), uintptr(unsafe.Pointer(&rs)), uintptr(unsafe.Pointer(&ws)), 0, uintptr(unsafe.Pointer(&tv)))
		return xres(fmt.Sprint(n, rs.IsSet(r), ws.IsSet(w)), err)
	}, func(p *cages.Proc) string {
		r, w, _ := p.Pipe()
		defer p.Close(r)
		defer p.Close(w)
		var rs, ws posix.FdSet
		rs.Set(r)
		ws.Set(w)
		n, err := p.Select(max(r, w)+1, &rs, &ws, nil, &posix.Timeval{Sec: 1})
		return xres(fmt.Sprint(n, rs.IsSet(r), ws.IsSet(w)), err)
	}},
	{"pselect6 bad sigsetsize", func(hostEnv) string {
		var mask uint64
		arg := [2]uintptr{uintptr(unsafe.Pointer(&mask)), 7}
		ts := unix.Timespec{}
		return herr(hsys(unix.SYS_PSELECT6, 0, 0, 0, 0, uintptr(unsafe.Pointer(&ts)), uintptr(unsafe.Pointer(&arg))))
	}, func(p *cages.Proc) string {
		var mask posix.Sigset
		_, e := p.Cage().Table().Dispatch(pselectCall(p, &mask, 7))
		return xres(nil, errOrNil(e))
	}},
	{"ppoll bad sigsetsize", func(hostEnv) string {
		var mask uint64
		ts := unix.Timespec{}
		return herr(hsys(unix.SYS_PPOLL, 0, 0, uintptr(unsafe.Pointer(&ts)), uintptr(unsafe.Pointer(&mask)), 7))
	}, func(p *cages.Proc) string {
		var mask posix.Sigset
		_, e := rawCallArgs(p, posix.SYS_PPOLL, nil, 0, &posix.Timespec{}, &mask, 7)
		return xres(nil, errOrNil(e))
	}},
	{"ppoll nfds above the limit", func(hostEnv) string {
		ts := unix.Timespec{}
		return herr(hsys(unix.SYS_PPOLL, 0, 1<<21, uintptr(unsafe.Pointer(&ts)), 0, 8))
	}, func(p *cages.Proc) string {
		_, e := rawCallArgs(p, posix.SYS_PPOLL, []posix.PollFd{}, 1<<21, &posix.Timespec{}, nil, 8)
		return xres(nil, errOrNil(e))
	}},

	// fadvise64, fallocate, syncfs.
	{"fadvise pipe", func(hostEnv) string {
		r, w := xhostPipe()
		defer unix.Close(r)
		defer unix.Close(w)
		return xres(nil, unix.Fadvise(r, 0, 0, 0))
	}, func(p *cages.Proc) string {
		r, w, _ := p.Pipe()
		defer p.Close(r)
		defer p.Close(w)
		return xres(nil, p.Fadvise(r, 0, 0, 0))
	}},
	{"fadvise advice 6", func(h hostEnv) string {
		fd := h.file("f", "", unix.O_RDWR)
		defer unix.Close(fd)
		return xres(nil, unix.Fadvise(fd, 0, 0, 6))
	}, func(p *cages.Proc) string {
		fd := cageFile(p, "f", "", posix.O_RDWR)
		defer p.Close(fd)
		return xres(nil, p.Fadvise(fd, 0, 0, 6))
	}},
	{"fadvise len -1", func(h hostEnv) string {
		fd := h.file("f", "", unix.O_RDWR)
		defer unix.Close(fd)
		return xres(nil, unix.Fadvise(fd, 0, -1, 0))
	}, func(p *cages.Proc) string {
		fd := cageFile(p, "f", "", posix.O_RDWR)
		defer p.Close(fd)
		return xres(nil, p.Fadvise(fd, 0, -1, 0))
	}},
	{"fadvise bad fd", func(hostEnv) string { return xres(nil, unix.Fadvise(closedFd, 0, 0, 0)) },
		func(p *cages.Proc) string { return xres(nil, p.Fadvise(closedFd, 0, 0, 0)) }},
	{"syncfs bad fd", func(hostEnv) string { return herr(hsys(unix.SYS_SYNCFS, closedFd)) },
		func(p *cages.Proc) string { return xres(nil, p.Syncfs(closedFd)) }},

	// sync_file_range: its checks, in Linux's order.
	{"sync_file_range file", func(h hostEnv) string {
		fd := h.file("f", "abc", unix.O_RDWR)
		defer unix.Close(fd)
		return xres(nil, unix.SyncFileRange(fd, 0, 100, 7))
	}, func(p *cages.Proc) string {
		fd := cageFile(p, "f", "abc", posix.O_RDWR)
		defer p.Close(fd)
		return xres(nil, p.SyncFileRange(fd, 0, 100, 7))
	}},
	{"sync_file_range flag 8", func(h hostEnv) string {
		fd := h.file("f", "", unix.O_RDWR)
		defer unix.Close(fd)
		return xres(nil, unix.SyncFileRange(fd, 0, 0, 8))
	}, func(p *cages.Proc) string {
		fd := cageFile(p, "f", "", posix.O_RDWR)
		defer p.Close(fd)
		return xres(nil, p.SyncFileRange(fd, 0, 0, 8))
	}},
	{"sync_file_range end overflows", func(h hostEnv) string {
		fd := h.file("f", "", unix.O_RDWR)
		defer unix.Close(fd)
		return xres(nil, unix.SyncFileRange(fd, 1<<62, 1<<62, 0))
	}, func(p *cages.Proc) string {
		fd := cageFile(p, "f", "", posix.O_RDWR)
		defer p.Close(fd)
		return xres(nil, p.SyncFileRange(fd, 1<<62, 1<<62, 0))
	}},
	{"sync_file_range pipe", func(hostEnv) string {
		r, w := xhostPipe()
		defer unix.Close(r)
		defer unix.Close(w)
		return xres(nil, unix.SyncFileRange(r, 0, 0, 0))
	}, func(p *cages.Proc) string {
		r, w, _ := p.Pipe()
		defer p.Close(r)
		defer p.Close(w)
		return xres(nil, p.SyncFileRange(r, 0, 0, 0))
	}},
	{"sync_file_range pipe, negative offset", func(hostEnv) string {
		r, w := xhostPipe()
		defer unix.Close(r)
		defer unix.Close(w)
		return xres(nil, unix.SyncFileRange(r, -1, 0, 0))
	}, func(p *cages.Proc) string {
		r, w, _ := p.Pipe()
		defer p.Close(r)
		defer p.Close(w)
		return xres(nil, p.SyncFileRange(r, -1, 0, 0))
	}},
	{"sync_file_range bad fd", func(hostEnv) string { return xres(nil, unix.SyncFileRange(closedFd, 0, 0, 8)) },
		func(p *cages.Proc) string { return xres(nil, p.SyncFileRange(closedFd, 0, 0, 8)) }},
}

// pselectCall is a pselect6 call with a zero timeout and a mask of the
// given sigsetsize.
func pselectCall(p *cages.Proc, mask *posix.Sigset, size uint64) *threei.Call {
	c := &threei.Call{Num: posix.SYS_PSELECT6, Caller: p.Cage()}
	c.Args[4].Ptr = &posix.Timespec{}
	c.Args[5].Ptr, c.Args[5].Val = mask, size
	return c
}

// fallocate, sendfile, copy_file_range, preadv and the terminal ioctls
// on files, pipes and devices.
func init() {
	type fdKind struct {
		name string
		host func(h hostEnv) (fd int, done func())
		cage func(p *cages.Proc) (fd int, done func())
	}
	kinds := []fdKind{
		{"file", func(h hostEnv) (int, func()) {
			fd := h.file("k", "0123456789", unix.O_RDWR)
			return fd, func() { unix.Close(fd) }
		}, func(p *cages.Proc) (int, func()) {
			fd := cageFile(p, "k", "0123456789", posix.O_RDWR)
			return fd, func() { p.Close(fd) }
		}},
		{"read-only file", func(h hostEnv) (int, func()) {
			fd := h.file("k", "0123456789", unix.O_RDONLY)
			return fd, func() { unix.Close(fd) }
		}, func(p *cages.Proc) (int, func()) {
			fd := cageFile(p, "k", "0123456789", posix.O_RDONLY)
			return fd, func() { p.Close(fd) }
		}},
		{"append file", func(h hostEnv) (int, func()) {
			fd := h.file("k", "0123456789", unix.O_RDWR|unix.O_APPEND)
			return fd, func() { unix.Close(fd) }
		}, func(p *cages.Proc) (int, func()) {
			fd := cageFile(p, "k", "0123456789", posix.O_RDWR|posix.O_APPEND)
			return fd, func() { p.Close(fd) }
		}},
		{"pipe read end", func(hostEnv) (int, func()) {
			r, w := xhostPipe()
			unix.Write(w, []byte("0123456789"))
			return r, func() { unix.Close(r); unix.Close(w) }
		}, func(p *cages.Proc) (int, func()) {
			r, w, _ := p.Pipe()
			p.Write(w, []byte("0123456789"))
			return r, func() { p.Close(r); p.Close(w) }
		}},
		{"pipe write end", func(hostEnv) (int, func()) {
			r, w := xhostPipe()
			return w, func() { unix.Close(r); unix.Close(w) }
		}, func(p *cages.Proc) (int, func()) {
			r, w, _ := p.Pipe()
			return w, func() { p.Close(r); p.Close(w) }
		}},
		{"directory", func(h hostEnv) (int, func()) {
			fd, _ := unix.Open(h.dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
			return fd, func() { unix.Close(fd) }
		}, func(p *cages.Proc) (int, func()) {
			fd, _ := p.Open("/tmp", posix.O_RDONLY|posix.O_DIRECTORY, 0)
			return fd, func() { p.Close(fd) }
		}},
		{"/dev/null", func(hostEnv) (int, func()) {
			fd, _ := unix.Open("/dev/null", unix.O_RDWR, 0)
			return fd, func() { unix.Close(fd) }
		}, func(p *cages.Proc) (int, func()) {
			fd, _ := p.Open("/dev/null", posix.O_RDWR, 0)
			return fd, func() { p.Close(fd) }
		}},
		{"closed fd", func(hostEnv) (int, func()) { return closedFd, func() {} },
			func(*cages.Proc) (int, func()) { return closedFd, func() {} }},
	}
	for _, k := range kinds {
		for _, m := range []struct {
			mode      int
			off, size int64
		}{{0, 5, 20}, {0, 0, 0}, {0, -1, 5}, {posix.FALLOC_FL_KEEP_SIZE, 0, 100}, {0x100, 0, 1}, {posix.FALLOC_FL_PUNCH_HOLE, 0, 1}} {
			xcases = append(xcases, xcase{fmt.Sprintf("fallocate %s mode %#x %d+%d", k.name, m.mode, m.off, m.size),
				func(h hostEnv) string {
					fd, done := k.host(h)
					defer done()
					err := unix.Fallocate(fd, uint32(m.mode), m.off, m.size)
					var st unix.Stat_t
					unix.Fstat(fd, &st)
					if st.Mode&unix.S_IFMT != unix.S_IFREG {
						st.Size = 0
					}
					return xres(st.Size, err)
				},
				func(p *cages.Proc) string {
					fd, done := k.cage(p)
					defer done()
					err := p.Fallocate(fd, m.mode, m.off, m.size)
					st, _ := p.Fstat(fd)
					if st.Mode&posix.S_IFMT != posix.S_IFREG {
						st.Size = 0
					}
					return xres(st.Size, err)
				}})
		}
		xcases = append(xcases,
			xcase{"preadv " + k.name, func(h hostEnv) string {
				fd, done := k.host(h)
				defer done()
				b := make([]byte, 4)
				n, err := unix.Preadv(fd, [][]byte{b}, 3)
				return xres(fmt.Sprint(n, string(b[:max(n, 0)])), err)
			}, func(p *cages.Proc) string {
				fd, done := k.cage(p)
				defer done()
				b := make([]byte, 4)
				n, err := p.Preadv(fd, [][]byte{b}, 3)
				return xres(fmt.Sprint(n, string(b[:max(n, 0)])), err)
			}},
			xcase{"pwritev " + k.name, func(h hostEnv) string {
				fd, done := k.host(h)
				defer done()
				n, err := unix.Pwritev(fd, [][]byte{[]byte("ab")}, 3)
				return xres(n, err)
			}, func(p *cages.Proc) string {
				fd, done := k.cage(p)
				defer done()
				n, err := p.Pwritev(fd, [][]byte{[]byte("ab")}, 3)
				return xres(n, err)
			}},
			xcase{"TCGETS " + k.name, func(h hostEnv) string {
				fd, done := k.host(h)
				defer done()
				_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
				return xres(nil, err)
			}, func(p *cages.Proc) string {
				fd, done := k.cage(p)
				defer done()
				var tio posix.Termios
				return xres(nil, p.IoctlTermios(fd, posix.TCGETS, &tio))
			}},
			xcase{"TIOCGWINSZ " + k.name, func(h hostEnv) string {
				fd, done := k.host(h)
				defer done()
				_, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
				return xres(nil, err)
			}, func(p *cages.Proc) string {
				fd, done := k.cage(p)
				defer done()
				var ws posix.Winsize
				return xres(nil, p.IoctlWinsize(fd, posix.TIOCGWINSZ, &ws))
			}},
		)
		for _, out := range kinds {
			xcases = append(xcases,
				xcase{"sendfile " + k.name + " to " + out.name, func(h hostEnv) string {
					in, done := k.host(h)
					defer done()
					o, odone := out.host(h)
					defer odone()
					n, err := unix.Sendfile(o, in, nil, 4)
					return xres(n, err)
				}, func(p *cages.Proc) string {
					in, done := k.cage(p)
					defer done()
					o, odone := out.cage(p)
					defer odone()
					n, err := p.Sendfile(o, in, nil, 4)
					return xres(n, err)
				}},
				xcase{"sendfile at 2 " + k.name + " to " + out.name, func(h hostEnv) string {
					in, done := k.host(h)
					defer done()
					o, odone := out.host(h)
					defer odone()
					off := int64(2)
					n, err := unix.Sendfile(o, in, &off, 4)
					return xres(fmt.Sprint(n, off), err)
				}, func(p *cages.Proc) string {
					in, done := k.cage(p)
					defer done()
					o, odone := out.cage(p)
					defer odone()
					off := int64(2)
					n, err := p.Sendfile(o, in, &off, 4)
					return xres(fmt.Sprint(n, off), err)
				}},
				xcase{"copy_file_range " + k.name + " to " + out.name, func(h hostEnv) string {
					in, done := k.host(h)
					defer done()
					o, odone := out.host(h)
					defer odone()
					offIn, offOut := int64(1), int64(20)
					n, err := unix.CopyFileRange(in, &offIn, o, &offOut, 4, 0)
					return xres(fmt.Sprint(n, offIn, offOut), err)
				}, func(p *cages.Proc) string {
					in, done := k.cage(p)
					defer done()
					o, odone := out.cage(p)
					defer odone()
					offIn, offOut := int64(1), int64(20)
					n, err := p.CopyFileRange(in, &offIn, o, &offOut, 4, 0)
					return xres(fmt.Sprint(n, offIn, offOut), err)
				}},
			)
		}
	}
}

// xdiffEnv names the host child's scratch directory.
const xdiffEnv = "GOCAGE_XDIFF_DIR"

// TestXDiffHostChild is the host half, run only in a child process: it
// runs every case and writes the results as results.json.
func TestXDiffHostChild(t *testing.T) {
	base := os.Getenv(xdiffEnv)
	if base == "" {
		t.Skip("runs only as TestXDiff's child")
	}
	if os.Geteuid() == 0 {
		require.NoError(t, syscall.Setgroups(nil))
		require.NoError(t, syscall.Setgid(65534))
		require.NoError(t, syscall.Setuid(65534))
	}
	res := map[string]string{}
	for i, c := range xcases {
		dir := filepath.Join(base, fmt.Sprint(i))
		require.NoError(t, os.Mkdir(dir, 0o755))
		start := time.Now()
		res[c.name] = c.host(hostEnv{dir})
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Logf("host %s took %v", c.name, d)
		}
	}
	b, err := json.Marshal(res)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(base, "results.json"), b, 0o644))
}

// TestXDiff runs every case on the host and in a cage and compares them.
func TestXDiff(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range xcases {
		require.False(t, seen[c.name], "duplicate case %s", c.name)
		seen[c.name] = true
	}
	parent := t.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		parent = "/dev/shm" // tmpfs, as the cage's /tmp
	}
	base, err := os.MkdirTemp(parent, "gocage-xdiff-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o777))
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^TestXDiffHostChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), xdiffEnv+"="+base)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "host child:\n%s", out)
	b, err := os.ReadFile(filepath.Join(base, "results.json"))
	require.NoError(t, err, "host child:\n%s", out)
	var host map[string]string
	require.NoError(t, json.Unmarshal(b, &host))

	got := map[string]string{}
	st := runCage(t, func(p *cages.Proc) int {
		for _, c := range xcases {
			start := time.Now()
			got[c.name] = c.cage(p)
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Logf("cage %s took %v", c.name, d)
			}
		}
		return 0
	})
	requireStatus(t, exited0, st)
	t.Logf("%d cases", len(xcases))
	for _, c := range xcases {
		if testing.Verbose() {
			t.Logf("%s: %s", c.name, host[c.name])
		}
		if got[c.name] != host[c.name] {
			t.Errorf("%s: gocage %s; linux %s", c.name, got[c.name], host[c.name])
		}
	}
}
