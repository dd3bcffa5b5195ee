package posix

// Resources of getrlimit(2), setrlimit(2) and prlimit64(2).
const (
	RLIMIT_CPU        = 0  // CPU time in seconds
	RLIMIT_FSIZE      = 1  // Largest file size in bytes
	RLIMIT_DATA       = 2  // Largest data segment in bytes
	RLIMIT_STACK      = 3  // Largest stack in bytes
	RLIMIT_CORE       = 4  // Largest core file in bytes
	RLIMIT_RSS        = 5  // Largest resident set in bytes
	RLIMIT_NPROC      = 6  // Number of processes of the real user
	RLIMIT_NOFILE     = 7  // One more than the largest file descriptor
	RLIMIT_MEMLOCK    = 8  // Locked memory in bytes
	RLIMIT_AS         = 9  // Address space in bytes
	RLIMIT_LOCKS      = 10 // Number of file locks
	RLIMIT_SIGPENDING = 11 // Number of queued signals
	RLIMIT_MSGQUEUE   = 12 // Bytes in POSIX message queues
	RLIMIT_NICE       = 13 // Ceiling of the nice value, as 20-nice
	RLIMIT_RTPRIO     = 14 // Ceiling of the real-time priority
	RLIMIT_RTTIME     = 15 // Real-time CPU time in microseconds
	RLIM_NLIMITS      = 16 // Number of resources
)

// RLIM_INFINITY is the limit value meaning no limit.
const RLIM_INFINITY = ^uint64(0)

// Rlimit is the Linux struct rlimit64: a soft (Cur) and a hard (Max) limit.
type Rlimit struct {
	Cur, Max uint64
}

// Clock ids of clock_gettime(2) and related calls.
const (
	CLOCK_REALTIME           = 0 // Wall-clock time
	CLOCK_MONOTONIC          = 1 // Monotonic time, not counting suspend
	CLOCK_PROCESS_CPUTIME_ID = 2 // CPU time of the process
	CLOCK_THREAD_CPUTIME_ID  = 3 // CPU time of the thread
	CLOCK_MONOTONIC_RAW      = 4 // Monotonic time without NTP slewing
	CLOCK_REALTIME_COARSE    = 5 // Faster, less precise CLOCK_REALTIME
	CLOCK_MONOTONIC_COARSE   = 6 // Faster, less precise CLOCK_MONOTONIC
	CLOCK_BOOTTIME           = 7 // Monotonic time including suspend
)

// Timespec is the Linux x86-64 struct timespec: seconds and nanoseconds.
type Timespec struct {
	Sec, Nsec int64
}

// NsecToTimespec returns the Timespec of ns nanoseconds, with Nsec always in
// [0, 999999999] (negative durations get a negative Sec).
func NsecToTimespec(ns int64) Timespec {
	sec, nsec := ns/1e9, ns%1e9
	if nsec < 0 {
		nsec += 1e9
		sec--
	}
	return Timespec{Sec: sec, Nsec: nsec}
}

// Nano returns t as nanoseconds.
func (t Timespec) Nano() int64 {
	return t.Sec*1e9 + t.Nsec
}

// Valid reports whether t.Nsec is in [0, 999999999], as Linux requires of a
// timespec argument. The sign of t.Sec is left to callers to check.
func (t Timespec) Valid() bool {
	return t.Nsec >= 0 && t.Nsec < 1e9
}

// Utsname is the Linux struct new_utsname filled by uname(2): six
// NUL-terminated fields of 65 bytes.
type Utsname struct {
	Sysname    [65]byte // Operating system name, "Linux"
	Nodename   [65]byte // Host name
	Release    [65]byte // Kernel release
	Version    [65]byte // Kernel version
	Machine    [65]byte // Hardware name, "x86_64"
	Domainname [65]byte // NIS domain name
}

// UtsField returns s as a Utsname field, truncated to 64 bytes so that it
// stays NUL-terminated.
func UtsField(s string) [65]byte {
	var f [65]byte
	copy(f[:64], s)
	return f
}

// UtsString returns the contents of a Utsname field up to its first NUL.
func UtsString(f [65]byte) string {
	for i, b := range f {
		if b == 0 {
			return string(f[:i])
		}
	}
	return string(f[:])
}

// Stat holds the fields of the Linux x86-64 struct stat (stat(2)), with Go
// types and without the padding fields.
type Stat struct {
	Dev     uint64   // Device containing the file
	Ino     uint64   // Inode number
	Nlink   uint64   // Number of hard links
	Mode    uint32   // File type (S_IF*) and mode bits
	Uid     uint32   // Owner user id
	Gid     uint32   // Owner group id
	Rdev    uint64   // Device number, for device files
	Size    int64    // Size in bytes
	Blksize int64    // Preferred I/O block size
	Blocks  int64    // Number of 512-byte blocks allocated
	Atim    Timespec // Last access time
	Mtim    Timespec // Last modification time
	Ctim    Timespec // Last status change time
}
