package grates

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Filter selects the calls a Tracer shows, as strace's -e trace=.
type Filter struct {
	on [posix.SyscallMax]bool
}

// Has reports whether the filter selects call num. A nil Filter selects
// every call.
func (f *Filter) Has(num int) bool {
	if f == nil {
		return true
	}
	return uint(num) < uint(len(f.on)) && f.on[num]
}

// The classes of calls, as strace names them. file and desc are read off
// the system-call table (a path argument; an fd argument or result).
var (
	processCalls = []string{"fork", "vfork", "clone", "clone3", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "kill", "tkill", "tgkill"}
	signalCalls  = []string{"rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigsuspend", "rt_sigreturn", "rt_sigtimedwait", "rt_sigqueueinfo", "kill", "tkill", "tgkill", "pause", "sigaltstack", "signalfd", "signalfd4"}
	fdResults    = []string{"open", "creat", "pipe", "pipe2", "dup", "openat"}
)

// classOf returns the calls of class name, or nil for no such class.
func classOf(name string) []int {
	var out []int
	byName := func(names []string) []int {
		for _, n := range names {
			if num, ok := posix.SyscallByName(n); ok {
				out = append(out, num)
			}
		}
		return out
	}
	withKind := func(k threei.Kind) {
		for _, s := range cages.Syscalls() {
			for _, a := range s.Args {
				if a.Kind == k {
					out = append(out, s.Num)
					break
				}
			}
		}
	}
	switch name {
	case "file":
		withKind(threei.KindPath)
		return out
	case "desc":
		withKind(threei.KindFd)
		return byName(fdResults)
	case "process":
		return byName(processCalls)
	case "signal":
		return byName(signalCalls)
	case "all":
		for i := 0; i < posix.SyscallMax; i++ {
			out = append(out, i)
		}
		return out
	}
	return nil
}

// ParseFilter parses a comma-separated list of call names and classes
// (file, process, desc, signal, all; with or without strace's leading
// %), as strace's -e trace= takes it; a leading "!" selects every call
// but those. "trace=" before the list is accepted.
func ParseFilter(spec string) (*Filter, error) {
	spec = strings.TrimPrefix(spec, "trace=")
	negate := strings.HasPrefix(spec, "!")
	spec = strings.TrimPrefix(spec, "!")
	f := &Filter{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty system call name in %q", spec)
		}
		if item == "none" || item == "%none" {
			continue
		}
		if nums := classOf(strings.TrimPrefix(item, "%")); nums != nil {
			for _, n := range nums {
				f.on[n] = true
			}
			continue
		}
		num, ok := posix.SyscallByName(item)
		if !ok {
			return nil, fmt.Errorf("invalid system call '%s'", item)
		}
		f.on[num] = true
	}
	if negate {
		for i := range f.on {
			f.on[i] = !f.on[i]
		}
	}
	return f, nil
}

// appendQuoted appends raw as strace quotes a string: C escapes for
// \t \n \v \f \r, \" and \\, octal for other unprintable bytes (three
// digits when a digit follows).
func appendQuoted(b []byte, raw []byte) []byte {
	b = append(b, '"')
	for i, c := range raw {
		b = appendQuotedByte(b, c, i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7')
	}
	return append(b, '"')
}

// appendQuotedString is appendQuoted of a string.
func appendQuotedString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		b = appendQuotedByte(b, s[i], i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7')
	}
	return append(b, '"')
}

func appendQuotedByte(b []byte, c byte, digitNext bool) []byte {
	switch c {
	case '"':
		return append(b, '\\', '"')
	case '\\':
		return append(b, '\\', '\\')
	case '\t':
		return append(b, '\\', 't')
	case '\n':
		return append(b, '\\', 'n')
	case '\v':
		return append(b, '\\', 'v')
	case '\f':
		return append(b, '\\', 'f')
	case '\r':
		return append(b, '\\', 'r')
	}
	if c >= ' ' && c < 0x7f {
		return append(b, c)
	}
	b = append(b, '\\')
	if digitNext || c >= 0o100 {
		return append(b, '0'+c>>6, '0'+c>>3&7, '0'+c&7)
	}
	if c >= 0o10 {
		return append(b, '0'+c>>3&7, '0'+c&7)
	}
	return append(b, '0'+c)
}

// appendHex appends v as C's %#x: 0x1f, and 0 for zero.
func appendHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, "0x"...)
	return strconv.AppendUint(b, v, 16)
}

// appendAddr appends an address, or NULL.
func appendAddr(b []byte, p uintptr) []byte {
	if p == 0 {
		return append(b, "NULL"...)
	}
	return appendHex(b, uint64(p))
}

// appendOctal appends v as C's %#03o: 000, 022, 0644.
func appendOctal(b []byte, v uint64) []byte {
	s := strconv.FormatUint(v, 8)
	b = append(b, '0')
	if len(s) < 2 {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendSignal appends a signal's name, or its number.
func appendSignal(b []byte, sig int) []byte {
	if sig > 0 && sig < posix.NSIG {
		if n := posix.SignalName(sig); n != "" {
			return append(b, n...)
		}
	}
	return strconv.AppendInt(b, int64(sig), 10)
}

// appendSigset appends a signal set as strace does: [INT TERM], or
// ~[...] listing the absent ones when most are present.
func appendSigset(b []byte, s posix.Sigset) []byte {
	n := 0
	for sig := 1; sig < posix.NSIG; sig++ {
		if s.Has(sig) {
			n++
		}
	}
	want := true
	if n > (posix.NSIG-1)/2 {
		b = append(b, '~')
		want = false
	}
	b = append(b, '[')
	first := true
	for sig := 1; sig < posix.NSIG; sig++ {
		if s.Has(sig) != want {
			continue
		}
		if !first {
			b = append(b, ' ')
		}
		first = false
		name := posix.SignalName(sig)
		if name == "" {
			b = strconv.AppendInt(b, int64(sig), 10)
			continue
		}
		b = append(b, strings.TrimPrefix(name, "SIG")...)
	}
	return append(b, ']')
}

// appendTimespec appends {tv_sec=S, tv_nsec=N}.
func appendTimespec(b []byte, t posix.Timespec) []byte {
	b = append(b, "{tv_sec="...)
	b = strconv.AppendInt(b, t.Sec, 10)
	b = append(b, ", tv_nsec="...)
	switch t.Nsec {
	case posix.UTIME_NOW:
		b = append(b, "UTIME_NOW"...)
	case posix.UTIME_OMIT:
		b = append(b, "UTIME_OMIT"...)
	default:
		b = strconv.AppendInt(b, t.Nsec, 10)
	}
	return append(b, '}')
}

// appendRlim appends a limit as strace does: RLIM64_INFINITY, N*1024, N.
func appendRlim(b []byte, v uint64) []byte {
	switch {
	case v == posix.RLIM_INFINITY:
		return append(b, "RLIM64_INFINITY"...)
	case v > 1024 && v%1024 == 0:
		b = strconv.AppendUint(b, v/1024, 10)
		return append(b, "*1024"...)
	}
	return strconv.AppendUint(b, v, 10)
}

// fileTypes name the S_IFMT values.
var fileTypes = map[uint32]string{
	posix.S_IFSOCK: "S_IFSOCK", posix.S_IFLNK: "S_IFLNK", posix.S_IFREG: "S_IFREG", posix.S_IFBLK: "S_IFBLK",
	posix.S_IFDIR: "S_IFDIR", posix.S_IFCHR: "S_IFCHR", posix.S_IFIFO: "S_IFIFO",
}

// appendMode appends st_mode: S_IFREG|0644, with S_ISUID, S_ISGID, S_ISVTX.
func appendMode(b []byte, m uint32) []byte {
	if n, ok := fileTypes[m&posix.S_IFMT]; ok {
		b = append(b, n...)
		b = append(b, '|')
	}
	for _, s := range []flagName{{posix.S_ISUID, "S_ISUID"}, {posix.S_ISGID, "S_ISGID"}, {posix.S_ISVTX, "S_ISVTX"}} {
		if uint64(m)&s.bit != 0 {
			b = append(b, s.name...)
			b = append(b, '|')
		}
	}
	return appendOctal(b, uint64(m&0o777))
}

// flagName names one bit.
type flagName struct {
	bit  uint64
	name string
}

// appendBits appends the names of v's bits joined by |, unknown bits in
// hex; nothing for 0.
func appendBits(b []byte, v uint64, names []flagName) []byte {
	first := true
	for _, n := range names {
		if v&n.bit == n.bit && n.bit != 0 {
			if !first {
				b = append(b, '|')
			}
			first = false
			b = append(b, n.name...)
			v &^= n.bit
		}
	}
	if v != 0 {
		if !first {
			b = append(b, '|')
		}
		b = appendHex(b, v)
	}
	return b
}

// appendBitsOr0 is appendBits with "0" for no bits.
func appendBitsOr0(b []byte, v uint64, names []flagName) []byte {
	if v == 0 {
		return append(b, '0')
	}
	return appendBits(b, v, names)
}

// openBits are open's flags in strace's order (O_SYNC before O_DSYNC, the
// bit it includes).
var openBits = []flagName{
	{posix.O_CREAT, "O_CREAT"}, {posix.O_EXCL, "O_EXCL"}, {posix.O_NOCTTY, "O_NOCTTY"},
	{posix.O_TRUNC, "O_TRUNC"}, {posix.O_APPEND, "O_APPEND"}, {posix.O_NONBLOCK, "O_NONBLOCK"},
	{posix.O_SYNC, "O_SYNC"}, {posix.O_DSYNC, "O_DSYNC"}, {posix.O_ASYNC, "O_ASYNC"},
	{posix.O_DIRECT, "O_DIRECT"}, {posix.O_LARGEFILE, "O_LARGEFILE"}, {posix.O_TMPFILE, "O_TMPFILE"},
	{posix.O_DIRECTORY, "O_DIRECTORY"}, {posix.O_NOFOLLOW, "O_NOFOLLOW"}, {posix.O_NOATIME, "O_NOATIME"},
	{posix.O_CLOEXEC, "O_CLOEXEC"}, {posix.O_PATH, "O_PATH"},
}

// appendOpenFlags appends open's flags: the access mode, then the rest.
func appendOpenFlags(b []byte, v uint64) []byte {
	switch v & posix.O_ACCMODE {
	case posix.O_RDONLY:
		b = append(b, "O_RDONLY"...)
	case posix.O_WRONLY:
		b = append(b, "O_WRONLY"...)
	case posix.O_RDWR:
		b = append(b, "O_RDWR"...)
	default:
		b = append(b, "O_ACCMODE"...)
	}
	if rest := v &^ posix.O_ACCMODE; rest != 0 {
		b = append(b, '|')
		b = appendBits(b, rest, openBits)
	}
	return b
}

var (
	atFlags = []flagName{
		{posix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {posix.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
		{posix.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"}, {posix.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
	}
	accessBits = []flagName{{posix.R_OK, "R_OK"}, {posix.W_OK, "W_OK"}, {posix.X_OK, "X_OK"}}
	pollBits   = []flagName{
		{posix.POLLIN, "POLLIN"}, {posix.POLLPRI, "POLLPRI"}, {posix.POLLOUT, "POLLOUT"},
		{posix.POLLERR, "POLLERR"}, {posix.POLLHUP, "POLLHUP"}, {posix.POLLNVAL, "POLLNVAL"},
		{posix.POLLRDNORM, "POLLRDNORM"}, {posix.POLLRDBAND, "POLLRDBAND"}, {posix.POLLWRNORM, "POLLWRNORM"},
		{posix.POLLWRBAND, "POLLWRBAND"}, {posix.POLLMSG, "POLLMSG"}, {posix.POLLRDHUP, "POLLRDHUP"},
	}
	saFlags = []flagName{
		{posix.SA_RESTORER, "SA_RESTORER"}, {posix.SA_ONSTACK, "SA_ONSTACK"}, {posix.SA_RESTART, "SA_RESTART"},
		{posix.SA_NODEFER, "SA_NODEFER"}, {posix.SA_RESETHAND, "SA_RESETHAND"}, {posix.SA_SIGINFO, "SA_SIGINFO"},
		{posix.SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {posix.SA_NOCLDWAIT, "SA_NOCLDWAIT"},
	}
	fcntlCmds = map[int]string{
		posix.F_DUPFD: "F_DUPFD", posix.F_GETFD: "F_GETFD", posix.F_SETFD: "F_SETFD", posix.F_GETFL: "F_GETFL",
		posix.F_SETFL: "F_SETFL", posix.F_GETLK: "F_GETLK", posix.F_SETLK: "F_SETLK", posix.F_SETLKW: "F_SETLKW",
		posix.F_SETOWN: "F_SETOWN", posix.F_GETOWN: "F_GETOWN", posix.F_SETSIG: "F_SETSIG", posix.F_GETSIG: "F_GETSIG",
		posix.F_SETLEASE: "F_SETLEASE", posix.F_GETLEASE: "F_GETLEASE", posix.F_NOTIFY: "F_NOTIFY",
		posix.F_DUPFD_CLOEXEC: "F_DUPFD_CLOEXEC", posix.F_SETPIPE_SZ: "F_SETPIPE_SZ", posix.F_GETPIPE_SZ: "F_GETPIPE_SZ",
		posix.F_ADD_SEALS: "F_ADD_SEALS", posix.F_GET_SEALS: "F_GET_SEALS",
	}
	ioctls = map[uint32]string{
		posix.TCGETS: "TCGETS", posix.TCSETS: "TCSETS", posix.TIOCGPGRP: "TIOCGPGRP", posix.TIOCSPGRP: "TIOCSPGRP",
		posix.TIOCGWINSZ: "TIOCGWINSZ", posix.FIONREAD: "FIONREAD", posix.FIONBIO: "FIONBIO",
		posix.FIONCLEX: "FIONCLEX", posix.FIOCLEX: "FIOCLEX", posix.FIOASYNC: "FIOASYNC",
	}
	whences = []string{"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"}
	clocks  = []string{"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
		"CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"}
	rlimits = []string{"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
		"RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
		"RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"}
	sigHows = []string{"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"}
)
