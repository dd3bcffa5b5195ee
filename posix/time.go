package posix

// Timeval is the Linux x86-64 struct timeval: seconds and microseconds,
// as gettimeofday(2), select(2) and setitimer(2) use it.
type Timeval struct {
	Sec, Usec int64
}

// NsecToTimeval returns the Timeval of ns nanoseconds, truncated to the
// microsecond, with Usec always in [0, 999999].
func NsecToTimeval(ns int64) Timeval {
	ts := NsecToTimespec(ns)
	return Timeval{Sec: ts.Sec, Usec: ts.Nsec / 1000}
}

// Nano returns t as nanoseconds.
func (t Timeval) Nano() int64 {
	return t.Sec*1e9 + t.Usec*1e3
}

// Valid reports whether t is a valid timeval argument as Linux checks one
// (timeval_valid): Sec not negative and Usec in [0, 999999].
func (t Timeval) Valid() bool {
	return t.Sec >= 0 && t.Usec >= 0 && t.Usec < 1e6
}

// Timezone is struct timezone of gettimeofday(2): minutes west of
// Greenwich and the obsolete DST correction type. Linux reports what
// settimeofday last set, zeros on a normal system.
type Timezone struct {
	Minuteswest int32
	Dsttime     int32
}

// Itimerval is struct itimerval of getitimer(2) and setitimer(2): the
// timer's reload period (Interval) and the time left to its next
// expiration (Value). A zero Value disarms the timer.
type Itimerval struct {
	Interval Timeval
	Value    Timeval
}

// Timers of getitimer(2) and setitimer(2).
const (
	ITIMER_REAL    = 0 // Real (wall-clock) time; SIGALRM
	ITIMER_VIRTUAL = 1 // User CPU time of the process; SIGVTALRM
	ITIMER_PROF    = 2 // User and system CPU time of the process; SIGPROF
)

// TIMER_ABSTIME is the flag of clock_nanosleep(2) saying the request is an
// absolute time on the clock, not an interval.
const TIMER_ABSTIME = 1

// More clock ids of clock_gettime(2), beyond those in resource.go.
const (
	CLOCK_REALTIME_ALARM = 8  // CLOCK_REALTIME that wakes a suspended system
	CLOCK_BOOTTIME_ALARM = 9  // CLOCK_BOOTTIME that wakes a suspended system
	CLOCK_TAI            = 11 // International Atomic Time
)

// CLK_TCK is the number of clock ticks per second that times(2) counts
// in (sysconf(_SC_CLK_TCK), USER_HZ).
const CLK_TCK = 100

// Tms is struct tms of times(2): the CPU times of the process and of its
// waited-for children, in clock ticks (CLK_TCK per second).
type Tms struct {
	Utime  int64 // User CPU time of the process
	Stime  int64 // System CPU time of the process
	Cutime int64 // User CPU time of the waited-for children
	Cstime int64 // System CPU time of the waited-for children
}

// Who argument of getrusage(2).
const (
	RUSAGE_SELF     = 0  // The calling process
	RUSAGE_CHILDREN = -1 // Its terminated, waited-for children
	RUSAGE_THREAD   = 1  // The calling thread
)

// Rusage is struct rusage of getrusage(2) and wait4(2). Linux fills
// Utime, Stime, Maxrss (kilobytes), Minflt, Majflt, Inblock, Oublock,
// Nvcsw and Nivcsw; the other fields are always zero.
type Rusage struct {
	Utime    Timeval // User CPU time used
	Stime    Timeval // System CPU time used
	Maxrss   int64   // Largest resident set size, in kilobytes
	Ixrss    int64   // Integral shared memory size (unused)
	Idrss    int64   // Integral unshared data size (unused)
	Isrss    int64   // Integral unshared stack size (unused)
	Minflt   int64   // Page reclaims (soft page faults)
	Majflt   int64   // Page faults (hard page faults)
	Nswap    int64   // Swaps (unused)
	Inblock  int64   // Block input operations
	Oublock  int64   // Block output operations
	Msgsnd   int64   // IPC messages sent (unused)
	Msgrcv   int64   // IPC messages received (unused)
	Nsignals int64   // Signals received (unused)
	Nvcsw    int64   // Voluntary context switches
	Nivcsw   int64   // Involuntary context switches
}

// Sysinfo is struct sysinfo of sysinfo(2) on x86-64. Memory sizes are in
// units of Unit bytes.
type Sysinfo struct {
	Uptime    int64     // Seconds since boot
	Loads     [3]uint64 // 1, 5 and 15 minute load averages, scaled by 65536
	Totalram  uint64    // Total usable main memory
	Freeram   uint64    // Available memory
	Sharedram uint64    // Amount of shared memory
	Bufferram uint64    // Memory used by buffers
	Totalswap uint64    // Total swap space
	Freeswap  uint64    // Swap space still available
	Procs     uint16    // Number of current processes
	Totalhigh uint64    // Total high memory
	Freehigh  uint64    // Available high memory
	Unit      uint32    // Memory unit size in bytes
}
