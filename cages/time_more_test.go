package cages_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// gettimeofday and time read the host's clock.
func TestTime_GettimeofdayAndTime(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		before := time.Now()
		tv, err := p.Gettimeofday()
		sec := p.Time()
		after := time.Now()
		got := time.Unix(tv.Sec, tv.Usec*1000)
		check(t, p, err == nil && !got.Before(before.Truncate(time.Microsecond)) && !got.After(after),
			"Gettimeofday() = %v, %s; want between %v and %v", got, en(err), before, after)
		check(t, p, tv.Usec >= 0 && tv.Usec < 1e6, "tv_usec = %d", tv.Usec)
		check(t, p, sec >= before.Unix() && sec <= after.Unix(), "Time() = %d; want %d..%d", sec, before.Unix(), after.Unix())
		return 0
	})
	requireStatus(t, exited0, st)
}

// clock_getres: 1 ns for the clocks gocage serves; EINVAL for others.
func TestTime_ClockGetres(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		for _, clk := range []int{posix.CLOCK_REALTIME, posix.CLOCK_MONOTONIC, posix.CLOCK_PROCESS_CPUTIME_ID,
			posix.CLOCK_THREAD_CPUTIME_ID, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_BOOTTIME, posix.CLOCK_TAI} {
			res, err := p.ClockGetres(clk)
			check(t, p, err == nil && res == posix.Timespec{Nsec: 1}, "ClockGetres(%d) = %v, %s; want 1ns", clk, res, en(err))
			_, err = p.ClockGettime(clk)
			check(t, p, err == nil, "ClockGettime(%d) = %s", clk, en(err))
		}
		for _, clk := range []int{-1, 10, 12, 99} {
			_, err := p.ClockGetres(clk)
			check(t, p, err == posix.EINVAL, "ClockGetres(%d) = %s; want EINVAL", clk, en(err))
		}
		return 0
	})
	requireStatus(t, exited0, st)
}

// clock_nanosleep sleeps relatively or to an absolute time, refuses the
// clocks Linux cannot sleep on, and when interrupted reports the time
// left (relative) or nothing (absolute).
func TestTime_ClockNanosleep(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		start := time.Now()
		err := p.ClockNanosleep(posix.CLOCK_MONOTONIC, 0, posix.NsecToTimespec(int64(20*time.Millisecond)), nil)
		check(t, p, err == nil && time.Since(start) >= 20*time.Millisecond, "relative sleep: %s after %v", en(err), time.Since(start))

		now, _ := p.ClockGettime(posix.CLOCK_MONOTONIC)
		until := posix.NsecToTimespec(now.Nano() + int64(20*time.Millisecond))
		start = time.Now()
		err = p.ClockNanosleep(posix.CLOCK_MONOTONIC, posix.TIMER_ABSTIME, until, nil)
		check(t, p, err == nil && time.Since(start) >= 15*time.Millisecond, "absolute sleep: %s after %v", en(err), time.Since(start))
		err = p.ClockNanosleep(posix.CLOCK_REALTIME, posix.TIMER_ABSTIME, posix.Timespec{Sec: 1}, nil) // in the past
		check(t, p, err == nil, "sleep until 1970: %s", en(err))

		for _, clk := range []int{posix.CLOCK_THREAD_CPUTIME_ID, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_REALTIME_COARSE, posix.CLOCK_MONOTONIC_COARSE} {
			err := p.ClockNanosleep(clk, 0, posix.Timespec{Nsec: 1}, nil)
			check(t, p, err == posix.EOPNOTSUPP, "ClockNanosleep(clock %d) = %s; want EOPNOTSUPP", clk, en(err))
		}
		for _, c := range []struct {
			clk   int
			flags int
			ts    posix.Timespec
		}{{99, 0, posix.Timespec{}}, {0, 0, posix.Timespec{Sec: -1}}, {0, posix.TIMER_ABSTIME, posix.Timespec{Sec: -1}}, {0, 0, posix.Timespec{Nsec: 1e9}}} {
			err := p.ClockNanosleep(c.clk, c.flags, c.ts, nil)
			check(t, p, err == posix.EINVAL, "ClockNanosleep(%d, %d, %v) = %s; want EINVAL", c.clk, c.flags, c.ts, en(err))
		}

		catch(t, p, posix.SIGALRM, posix.SA_RESTART, func(int) {})
		for _, abs := range []bool{false, true} {
			p.Setitimer(posix.ITIMER_REAL, posix.Itimerval{Value: posix.Timeval{Usec: 20000}})
			rem := posix.Timespec{Sec: -7}
			req := posix.Timespec{Sec: 10}
			flags := 0
			if abs {
				now, _ := p.ClockGettime(posix.CLOCK_REALTIME)
				req.Sec += now.Sec
				flags = posix.TIMER_ABSTIME
			}
			err := p.ClockNanosleep(posix.CLOCK_REALTIME, flags, req, &rem)
			check(t, p, err == posix.EINTR, "interrupted sleep (abs %v) = %s; want EINTR (never restarted)", abs, en(err))
			if abs {
				check(t, p, rem.Sec == -7, "absolute sleep wrote the remainder: %v", rem)
			} else {
				check(t, p, rem.Sec >= 9 && rem.Sec <= 10, "remainder %v; want about 10s", rem)
			}
		}
		return 0
	})
	requireStatus(t, exited0, st)
}

// ITIMER_REAL sends SIGALRM and reloads from its interval; getitimer
// reports the time left; it is alarm(2)'s timer.
func TestItimer_RealReloadsAndIsAlarmsTimer(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		var n atomic.Int32
		catch(t, p, posix.SIGALRM, posix.SA_RESTART, func(int) { n.Add(1) })
		old, err := p.Setitimer(posix.ITIMER_REAL, posix.Itimerval{Value: posix.Timeval{Usec: 10000}, Interval: posix.Timeval{Usec: 10000}})
		check(t, p, err == nil && old == posix.Itimerval{}, "Setitimer = %v, %s", old, en(err))
		v, err := p.Getitimer(posix.ITIMER_REAL)
		check(t, p, err == nil && v.Interval == posix.Timeval{Usec: 10000} && v.Value.Nano() > 0 && v.Value.Nano() <= 10e6,
			"Getitimer = %+v, %s", v, en(err))
		for n.Load() < 3 {
			p.Pause()
		}
		// alarm(0) cancels the interval timer: it is the same timer.
		left := p.Alarm(0)
		check(t, p, left == 1, "Alarm(0) after an interval timer = %d; want 1 (time left rounded up)", left)
		v, _ = p.Getitimer(posix.ITIMER_REAL)
		check(t, p, v == posix.Itimerval{}, "Getitimer after alarm(0) = %+v; want zero", v)

		// alarm's timer is read by getitimer, and setitimer replaces it.
		p.Alarm(100)
		v, _ = p.Getitimer(posix.ITIMER_REAL)
		check(t, p, v.Value.Sec >= 99 && v.Value.Sec <= 100 && v.Interval == posix.Timeval{}, "Getitimer after alarm(100) = %+v", v)
		old, _ = p.Setitimer(posix.ITIMER_REAL, posix.Itimerval{Interval: posix.Timeval{Sec: 5}})
		check(t, p, old.Value.Sec >= 99, "Setitimer's old value = %+v", old)
		// A zero value disarms, and the interval is not kept (as Linux).
		v, _ = p.Getitimer(posix.ITIMER_REAL)
		check(t, p, v == posix.Itimerval{}, "Getitimer after disarming = %+v; want zero", v)
		check(t, p, p.Alarm(0) == 0, "Alarm(0) with no timer")
		return 0
	})
	requireStatus(t, exited0, st)
}

// A fork does not inherit the interval timers; execve keeps them.
func TestItimer_NotInheritedByFork(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		p.Setitimer(posix.ITIMER_REAL, posix.Itimerval{Value: posix.Timeval{Sec: 100}})
		p.Setitimer(posix.ITIMER_VIRTUAL, posix.Itimerval{Value: posix.Timeval{Sec: 7}})
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			for _, which := range []int{posix.ITIMER_REAL, posix.ITIMER_VIRTUAL} {
				v, err := ch.Getitimer(which)
				check(t, ch, err == nil && v == posix.Itimerval{}, "child's timer %d = %+v, %s; want zero", which, v, en(err))
			}
			return 0
		})
		mustWait(t, p, pid, exited0)
		p.Alarm(0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// ITIMER_VIRTUAL and ITIMER_PROF keep what was set; bad arguments fail
// with EINVAL.
func TestItimer_CPUTimersAndErrors(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		for _, which := range []int{posix.ITIMER_VIRTUAL, posix.ITIMER_PROF} {
			set := posix.Itimerval{Value: posix.Timeval{Sec: 5}, Interval: posix.Timeval{Sec: 7, Usec: 3}}
			_, err := p.Setitimer(which, set)
			check(t, p, err == nil, "Setitimer(%d) = %s", which, en(err))
			v, err := p.Getitimer(which)
			check(t, p, err == nil && v == set, "Getitimer(%d) = %+v, %s; want %+v", which, v, en(err), set)
			old, _ := p.Setitimer(which, posix.Itimerval{})
			check(t, p, old == set, "old = %+v", old)
		}
		for _, v := range []posix.Itimerval{
			{Value: posix.Timeval{Usec: 1e6}}, {Value: posix.Timeval{Usec: -1}},
			{Value: posix.Timeval{Sec: -1}}, {Interval: posix.Timeval{Usec: 1e6}},
		} {
			_, err := p.Setitimer(posix.ITIMER_REAL, v)
			check(t, p, err == posix.EINVAL, "Setitimer(%+v) = %s; want EINVAL", v, en(err))
		}
		_, err := p.Setitimer(3, posix.Itimerval{})
		check(t, p, err == posix.EINVAL, "Setitimer(3) = %s", en(err))
		_, err = p.Getitimer(-1)
		check(t, p, err == posix.EINVAL, "Getitimer(-1) = %s", en(err))
		return 0
	})
	requireStatus(t, exited0, st)
}

// times and getrusage: the cage's own time grows, its children's counts
// once they are waited for.
func TestTime_TimesAndGetrusage(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		tms, t0, err := p.Times()
		check(t, p, err == nil && t0 > 0 && tms.Cutime == 0, "Times() = %+v, %d, %s", tms, t0, en(err))
		pid := mustFork(t, p, func(ch *cages.Proc) int {
			ch.Sleep(60 * time.Millisecond)
			return 0
		})
		ru, err := p.Getrusage(posix.RUSAGE_CHILDREN)
		check(t, p, err == nil && ru.Utime == posix.Timeval{}, "children before wait = %+v, %s", ru.Utime, en(err))
		mustWait(t, p, pid, exited0)
		ru, err = p.Getrusage(posix.RUSAGE_CHILDREN)
		check(t, p, err == nil && ru.Utime.Nano() >= int64(50*time.Millisecond), "children after wait = %+v, %s; want >= 50ms", ru.Utime, en(err))
		tms, t1, _ := p.Times()
		check(t, p, tms.Cutime >= 5 && t1-t0 >= 5, "Times() after = %+v, ticks %d; want >= 5 ticks of children and elapsed", tms, t1-t0)
		self, err := p.Getrusage(posix.RUSAGE_SELF)
		check(t, p, err == nil && self.Utime.Nano() >= int64(50*time.Millisecond), "self = %+v, %s", self.Utime, en(err))
		_, err = p.Getrusage(posix.RUSAGE_THREAD)
		check(t, p, err == nil, "RUSAGE_THREAD = %s", en(err))
		for _, who := range []int{5, -2} {
			_, err = p.Getrusage(who)
			check(t, p, err == posix.EINVAL, "Getrusage(%d) = %s; want EINVAL", who, en(err))
		}
		cpu, _ := p.ClockGettime(posix.CLOCK_PROCESS_CPUTIME_ID)
		check(t, p, cpu.Nano() >= int64(50*time.Millisecond) && cpu.Nano() < int64(cageTimeout), "process CPU clock = %v", cpu)
		return 0
	})
	requireStatus(t, exited0, st)
}

// sysinfo counts the kernel's cages and reports plausible figures.
func TestTime_Sysinfo(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		pid := mustFork(t, p, func(ch *cages.Proc) int { return 0 })
		mustWait(t, p, pid, exited0)
		si, err := p.Sysinfo()
		check(t, p, err == nil, "Sysinfo = %s", en(err))
		check(t, p, si.Procs == 2, "procs = %d; want 2 (init and the caller)", si.Procs)
		check(t, p, si.Uptime >= 1 && si.Totalram > 0 && si.Freeram <= si.Totalram && si.Unit == 1, "Sysinfo = %+v", si)
		return 0
	})
	requireStatus(t, exited0, st)
}
