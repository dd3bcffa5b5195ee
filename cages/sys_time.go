package cages

import (
	"runtime/metrics"
	"time"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// monoNow returns CLOCK_MONOTONIC (and CLOCK_BOOTTIME) in nanoseconds.
func monoNow() int64 { return int64(time.Since(monoBase)) + int64(time.Second) }

// ticks converts d to clock ticks (CLK_TCK per second).
func ticks(d time.Duration) int64 { return int64(d / (time.Second / posix.CLK_TCK)) }

// sysGettimeofday implements gettimeofday(2): the time of day into a
// *posix.Timeval and the time zone (always zeros: no settimeofday has set
// one) into a *posix.Timezone; either may be nil.
func sysGettimeofday(call *threei.Call) (int64, posix.Errno) {
	if tv, _ := call.Args[0].Ptr.(*posix.Timeval); tv != nil {
		*tv = posix.NsecToTimeval(time.Now().UnixNano())
	}
	if tz, _ := call.Args[1].Ptr.(*posix.Timezone); tz != nil {
		*tz = posix.Timezone{}
	}
	return 0, 0
}

// sysTime implements time(2): it returns the seconds since the epoch and
// stores them through the *int64 in the first argument, if any.
func sysTime(call *threei.Call) (int64, posix.Errno) {
	now := time.Now().Unix()
	if t, _ := call.Args[0].Ptr.(*int64); t != nil {
		*t = now
	}
	return now, 0
}

// validClock reports whether clock_gettime(2) serves clk.
func validClock(clk int) bool {
	switch clk {
	case posix.CLOCK_REALTIME, posix.CLOCK_MONOTONIC, posix.CLOCK_PROCESS_CPUTIME_ID,
		posix.CLOCK_THREAD_CPUTIME_ID, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_REALTIME_COARSE,
		posix.CLOCK_MONOTONIC_COARSE, posix.CLOCK_BOOTTIME, posix.CLOCK_TAI:
		return true
	}
	return false
}

// sysClockGetres implements clock_getres(2) into a *posix.Timespec (nil:
// only check the clock). Every clock gocage serves reads Go's clock, whose
// resolution is a nanosecond; the coarse clocks too, which on Linux tick
// once a jiffy.
//
// # Errors
//
//   - EINVAL: clk is not a clock clock_gettime serves (the CPU clocks of
//     other processes, negative ids, are not served).
func sysClockGetres(call *threei.Call) (int64, posix.Errno) {
	if !validClock(call.Args[0].Int32()) {
		return -1, posix.EINVAL
	}
	if res, _ := call.Args[1].Ptr.(*posix.Timespec); res != nil {
		*res = posix.Timespec{Nsec: 1}
	}
	return 0, 0
}

// sysClockNanosleep implements clock_nanosleep(2): clock, flags
// (TIMER_ABSTIME or 0; other bits are ignored, as on Linux), and
// *posix.Timespec request and remainder. A relative sleep interrupted by
// a signal stores the time left in the remainder; an absolute one does
// not. It is never restarted after a handler. CLOCK_PROCESS_CPUTIME_ID
// sleeps in wall time, the cage's approximate CPU time.
//
// # Errors
//
//   - EINVAL: an unknown clock; tv_nsec outside 0..999999999 or tv_sec
//     negative.
//   - EOPNOTSUPP: a clock Linux cannot sleep on (CLOCK_THREAD_CPUTIME_ID,
//     CLOCK_MONOTONIC_RAW, the coarse clocks).
//   - EFAULT: no request.
//   - EINTR: a signal arrived first.
func sysClockNanosleep(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	clk := call.Args[0].Int32()
	abs := call.Args[1].Int32()&posix.TIMER_ABSTIME != 0
	req, _ := call.Args[2].Ptr.(*posix.Timespec)
	rem, _ := call.Args[3].Ptr.(*posix.Timespec)
	var now int64
	switch clk {
	case posix.CLOCK_REALTIME, posix.CLOCK_TAI:
		now = time.Now().UnixNano()
	case posix.CLOCK_MONOTONIC, posix.CLOCK_BOOTTIME:
		now = monoNow()
	case posix.CLOCK_PROCESS_CPUTIME_ID:
		now = int64(c.cpuTime())
	case posix.CLOCK_THREAD_CPUTIME_ID, posix.CLOCK_MONOTONIC_RAW, posix.CLOCK_REALTIME_COARSE, posix.CLOCK_MONOTONIC_COARSE:
		return -1, posix.EOPNOTSUPP
	default:
		return -1, posix.EINVAL
	}
	if req == nil {
		return -1, posix.EFAULT
	}
	if !req.Valid() || req.Sec < 0 {
		return -1, posix.EINVAL
	}
	d := sleepDuration(*req)
	if abs && d < 1<<62 {
		d -= time.Duration(now)
	}
	left, err := c.sleep(d)
	if err != 0 {
		if !abs && rem != nil {
			*rem = posix.NsecToTimespec(int64(left))
		}
		return -1, err
	}
	return 0, 0
}

// sleepDuration returns a valid relative timespec as a duration, capped
// where time.Duration ends.
func sleepDuration(ts posix.Timespec) time.Duration {
	if ts.Sec > int64(1<<62)/int64(time.Second) {
		return 1 << 62
	}
	return time.Duration(ts.Nano())
}

// timevalDuration is a valid timeval as a duration, capped as
// sleepDuration.
func timevalDuration(tv posix.Timeval) time.Duration {
	if tv.Sec > int64(1<<62)/int64(time.Second) {
		return 1 << 62
	}
	return time.Duration(tv.Nano())
}

// itimerval returns a timer setting as struct itimerval, truncating to
// microseconds as Linux's put_itimerval.
func itimerval(value, interval time.Duration) posix.Itimerval {
	return posix.Itimerval{
		Value:    posix.NsecToTimeval(int64(value)),
		Interval: posix.NsecToTimeval(int64(interval)),
	}
}

// realTimerLocked returns ITIMER_REAL's time left and period, as
// itimer_get_remtime: an armed timer whose time is up but whose signal
// is not yet sent has 1µs left.
//
// Preconditions: c.sigMu is held.
func (c *Cage) realTimerLocked() (value, interval time.Duration) {
	a := c.alarm
	if a == nil {
		return 0, 0
	}
	value = time.Until(a.deadline)
	if value <= 0 {
		value = time.Microsecond
	}
	if a == c.x.realTimer {
		interval = c.x.realInterval
	}
	return value, interval
}

// setRealTimer arms ITIMER_REAL to expire in value and then every
// interval (value 0 disarms it), and returns the previous setting. The
// timer is alarm(2)'s: setting one replaces the other, as on Linux.
func (c *Cage) setRealTimer(value, interval time.Duration) (oldValue, oldInterval time.Duration) {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	oldValue, oldInterval = c.realTimerLocked()
	if a := c.alarm; a != nil {
		a.t.Stop()
		c.alarm = nil
	}
	c.x.realTimer, c.x.realInterval = nil, 0
	if value > 0 {
		a := &alarmTimer{deadline: time.Now().Add(value)}
		a.t = time.AfterFunc(value, func() { c.fireRealTimer(a) })
		c.alarm, c.x.realTimer, c.x.realInterval = a, a, interval
	}
	return oldValue, oldInterval
}

// fireRealTimer is ITIMER_REAL's expiry, as it_real_fn: SIGALRM, and the
// timer reloaded if it has a period (forwarded past now when expirations
// were missed, as hrtimer_forward).
func (c *Cage) fireRealTimer(a *alarmTimer) {
	c.sigMu.Lock()
	if c.alarm != a {
		c.sigMu.Unlock()
		return // cancelled or replaced while firing
	}
	if iv := c.x.realInterval; iv > 0 && a == c.x.realTimer {
		next := a.deadline.Add(iv)
		if now := time.Now(); !next.After(now) {
			next = next.Add((now.Sub(next)/iv + 1) * iv)
		}
		a.deadline = next
		a.t.Reset(time.Until(next))
	} else {
		c.alarm = nil
	}
	c.sigMu.Unlock()
	c.signalFrom(posix.SIGALRM, posix.Siginfo{Code: posix.SI_KERNEL})
}

// alarmSeconds is alarm(2): ITIMER_REAL set to secs seconds with no
// period; it returns the seconds the previous setting had left, rounded
// to the nearest and at least 1 if any time was left, as alarm_setitimer.
func (c *Cage) alarmSeconds(secs uint) uint {
	old, _ := c.setRealTimer(time.Duration(secs)*time.Second, 0)
	if old <= 0 {
		return 0
	}
	left := uint(old / time.Second)
	if old%time.Second >= time.Second/2 || left == 0 {
		left++
	}
	return left
}

// getItimer returns interval timer which.
func (c *Cage) getItimer(which int) (posix.Itimerval, posix.Errno) {
	switch which {
	case posix.ITIMER_REAL:
		c.sigMu.Lock()
		v, iv := c.realTimerLocked()
		c.sigMu.Unlock()
		return itimerval(v, iv), 0
	case posix.ITIMER_VIRTUAL, posix.ITIMER_PROF:
		c.x.mu.Lock()
		s := c.x.virt
		if which == posix.ITIMER_PROF {
			s = c.x.prof
		}
		c.x.mu.Unlock()
		return itimerval(s.value, s.interval), 0
	}
	return posix.Itimerval{}, posix.EINVAL
}

// sysGetitimer implements getitimer(2) into a *posix.Itimerval.
// ITIMER_VIRTUAL and ITIMER_PROF report what setitimer set: they never
// run down (see sysSetitimer).
//
// # Errors
//
//   - EINVAL: which is not ITIMER_REAL, ITIMER_VIRTUAL or ITIMER_PROF.
//   - EFAULT: nowhere to store the setting.
func sysGetitimer(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	v, err := c.getItimer(call.Args[0].Int32())
	if err != 0 {
		return -1, err
	}
	out, _ := call.Args[1].Ptr.(*posix.Itimerval)
	if out == nil {
		return -1, posix.EFAULT
	}
	*out = v
	return 0, 0
}

// sysSetitimer implements setitimer(2) from a *posix.Itimerval (nil
// disarms the timer, as Linux still allows), storing the previous setting
// through a second *posix.Itimerval if any. ITIMER_REAL is the alarm(2)
// timer: it sends SIGALRM when it expires and reloads from its interval.
// ITIMER_VIRTUAL and ITIMER_PROF are recorded and reported but never
// expire: a cage's CPU time is not measured.
//
// # Errors
//
//   - EINVAL: which is unknown; a timeval with a negative tv_sec or a
//     tv_usec outside 0..999999 (checked first).
func sysSetitimer(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	var nv posix.Itimerval
	if in, _ := call.Args[1].Ptr.(*posix.Itimerval); in != nil {
		nv = *in
	}
	if !nv.Value.Valid() || !nv.Interval.Valid() {
		return -1, posix.EINVAL
	}
	old, _ := call.Args[2].Ptr.(*posix.Itimerval)
	value, interval := timevalDuration(nv.Value), timevalDuration(nv.Interval)
	switch which := call.Args[0].Int32(); which {
	case posix.ITIMER_REAL:
		ov, oi := c.setRealTimer(value, interval)
		if old != nil {
			*old = itimerval(ov, oi)
		}
	case posix.ITIMER_VIRTUAL, posix.ITIMER_PROF:
		c.x.mu.Lock()
		s := &c.x.virt
		if which == posix.ITIMER_PROF {
			s = &c.x.prof
		}
		prev := *s
		*s = itimerSetting{value: value, interval: interval}
		c.x.mu.Unlock()
		if old != nil {
			*old = itimerval(prev.value, prev.interval)
		}
	default:
		return -1, posix.EINVAL
	}
	return 0, 0
}

// sysTimes implements times(2): the CPU times of the cage and of its
// waited-for children into a *posix.Tms (nil: none), in clock ticks; it
// returns the ticks since an arbitrary point in the past (the kernel's
// boot). CPU time is approximate: a cage's user time is the wall time it
// has existed, its system time zero.
func sysTimes(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	if tms, _ := call.Args[0].Ptr.(*posix.Tms); tms != nil {
		*tms = posix.Tms{Utime: ticks(c.cpuTime()), Cutime: ticks(c.childrenTime())}
	}
	return ticks(time.Duration(monoNow())), 0
}

// sysGetrusage implements getrusage(2) into a *posix.Rusage, for the cage
// (RUSAGE_SELF, RUSAGE_THREAD) or its waited-for children
// (RUSAGE_CHILDREN). As for times(2), the user time is the wall time the
// cage has existed and the system time zero; the other counters are zero.
//
// # Errors
//
//   - EINVAL: who is none of those.
//   - EFAULT: nowhere to store the usage.
func sysGetrusage(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	var d time.Duration
	switch call.Args[0].Int32() {
	case posix.RUSAGE_SELF, posix.RUSAGE_THREAD:
		d = c.cpuTime()
	case posix.RUSAGE_CHILDREN:
		d = c.childrenTime()
	default:
		return -1, posix.EINVAL
	}
	ru, _ := call.Args[1].Ptr.(*posix.Rusage)
	if ru == nil {
		return -1, posix.EFAULT
	}
	*ru = posix.Rusage{Utime: posix.NsecToTimeval(int64(d))}
	return 0, 0
}

// sysinfoRAM is the memory sysinfo(2) reports: gocage has no view of the
// host's, so it reports a plausible machine of this size.
const sysinfoRAM = 8 << 30

// goMemory is the runtime metric of the memory the Go runtime holds.
const goMemory = "/memory/classes/total:bytes"

// sysSysinfo implements sysinfo(2) into a *posix.Sysinfo: the uptime (as
// CLOCK_BOOTTIME), the number of cages (init included) as procs, and
// plausible memory figures: 8 GiB of RAM, of which what the Go runtime
// holds is in use, no swap, load averages of zero.
func sysSysinfo(call *threei.Call) (int64, posix.Errno) {
	c := cageOf(call)
	si, _ := call.Args[0].Ptr.(*posix.Sysinfo)
	if si == nil {
		return -1, posix.EFAULT
	}
	s := []metrics.Sample{{Name: goMemory}}
	metrics.Read(s)
	used := uint64(0)
	if s[0].Value.Kind() == metrics.KindUint64 {
		used = min(s[0].Value.Uint64(), sysinfoRAM/2)
	}
	*si = posix.Sysinfo{
		Uptime:   monoNow() / int64(time.Second),
		Totalram: sysinfoRAM,
		Freeram:  sysinfoRAM - used,
		Procs:    uint16(min(c.k.NumCages()+1, 65535)),
		Unit:     1,
	}
	return 0, 0
}
