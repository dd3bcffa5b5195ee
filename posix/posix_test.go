package posix_test

import (
	"errors"
	"io/fs"
	"testing"
	"unsafe"

	"github.com/gocage/gocage/posix"
)

func TestErrnoText(t *testing.T) {
	// Texts of glibc 2.36 strerror.
	tests := []struct {
		e    posix.Errno
		name string
		msg  string
	}{
		{0, "", "Success"},
		{posix.EPERM, "EPERM", "Operation not permitted"},
		{posix.ENOENT, "ENOENT", "No such file or directory"},
		{posix.ESRCH, "ESRCH", "No such process"},
		{posix.EINTR, "EINTR", "Interrupted system call"},
		{posix.EIO, "EIO", "Input/output error"},
		{posix.E2BIG, "E2BIG", "Argument list too long"},
		{posix.EBADF, "EBADF", "Bad file descriptor"},
		{posix.ECHILD, "ECHILD", "No child processes"},
		{posix.EAGAIN, "EAGAIN", "Resource temporarily unavailable"},
		{posix.EWOULDBLOCK, "EAGAIN", "Resource temporarily unavailable"},
		{posix.ENOMEM, "ENOMEM", "Cannot allocate memory"},
		{posix.EACCES, "EACCES", "Permission denied"},
		{posix.EFAULT, "EFAULT", "Bad address"},
		{posix.EEXIST, "EEXIST", "File exists"},
		{posix.EXDEV, "EXDEV", "Invalid cross-device link"},
		{posix.ENOTDIR, "ENOTDIR", "Not a directory"},
		{posix.EISDIR, "EISDIR", "Is a directory"},
		{posix.EINVAL, "EINVAL", "Invalid argument"},
		{posix.ENFILE, "ENFILE", "Too many open files in system"},
		{posix.EMFILE, "EMFILE", "Too many open files"},
		{posix.ENOTTY, "ENOTTY", "Inappropriate ioctl for device"},
		{posix.ESPIPE, "ESPIPE", "Illegal seek"},
		{posix.EROFS, "EROFS", "Read-only file system"},
		{posix.EPIPE, "EPIPE", "Broken pipe"},
		{posix.ERANGE, "ERANGE", "Numerical result out of range"},
		{posix.EDEADLK, "EDEADLK", "Resource deadlock avoided"},
		{posix.EDEADLOCK, "EDEADLK", "Resource deadlock avoided"},
		{posix.ENAMETOOLONG, "ENAMETOOLONG", "File name too long"},
		{posix.ENOSYS, "ENOSYS", "Function not implemented"},
		{posix.ENOTEMPTY, "ENOTEMPTY", "Directory not empty"},
		{posix.ELOOP, "ELOOP", "Too many levels of symbolic links"},
		{posix.ENOMSG, "ENOMSG", "No message of desired type"},
		{posix.EOVERFLOW, "EOVERFLOW", "Value too large for defined data type"},
		{posix.EILSEQ, "EILSEQ", "Invalid or incomplete multibyte or wide character"},
		{posix.ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"},
		{posix.EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"},
		{posix.ENOTSUP, "EOPNOTSUPP", "Operation not supported"},
		{posix.EADDRINUSE, "EADDRINUSE", "Address already in use"},
		{posix.ECONNRESET, "ECONNRESET", "Connection reset by peer"},
		{posix.ETIMEDOUT, "ETIMEDOUT", "Connection timed out"},
		{posix.ECONNREFUSED, "ECONNREFUSED", "Connection refused"},
		{posix.ESTALE, "ESTALE", "Stale file handle"},
		{posix.ECANCELED, "ECANCELED", "Operation canceled"},
		{posix.EOWNERDEAD, "EOWNERDEAD", "Owner died"},
		{posix.ERFKILL, "ERFKILL", "Operation not possible due to RF-kill"},
		{posix.EHWPOISON, "EHWPOISON", "Memory page has hardware error"},
		{41, "", "Unknown error 41"},
		{58, "", "Unknown error 58"},
		{134, "", "Unknown error 134"},
		{4096, "", "Unknown error 4096"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.msg {
			t.Errorf("Errno(%d).Error() = %q, want %q", uintptr(tt.e), got, tt.msg)
		}
		if got := tt.e.Name(); got != tt.name {
			t.Errorf("Errno(%d).Name() = %q, want %q", uintptr(tt.e), got, tt.name)
		}
	}
}

func TestErrnoNumbers(t *testing.T) {
	tests := []struct {
		e posix.Errno
		n uintptr
	}{
		{posix.EPERM, 1}, {posix.ENOENT, 2}, {posix.EINTR, 4}, {posix.EBADF, 9}, {posix.ECHILD, 10},
		{posix.EAGAIN, 11}, {posix.EWOULDBLOCK, 11}, {posix.EEXIST, 17}, {posix.EINVAL, 22},
		{posix.EMFILE, 24}, {posix.EPIPE, 32}, {posix.EDEADLK, 35}, {posix.EDEADLOCK, 35},
		{posix.ENOSYS, 38}, {posix.ELOOP, 40}, {posix.ENOMSG, 42}, {posix.EBFONT, 59},
		{posix.EOPNOTSUPP, 95}, {posix.ENOTSUP, 95}, {posix.ETIMEDOUT, 110}, {posix.EHWPOISON, 133},
	}
	for _, tt := range tests {
		if uintptr(tt.e) != tt.n {
			t.Errorf("%s = %d, want %d", tt.e.Name(), uintptr(tt.e), tt.n)
		}
	}
}

func TestErrnoByName(t *testing.T) {
	n := 0
	for i := posix.Errno(0); i < 200; i++ {
		name := i.Name()
		if name == "" {
			if i >= 1 && i <= 133 && i != 41 && i != 58 {
				t.Errorf("Errno(%d) has no name", uintptr(i))
			}
			continue
		}
		n++
		got, ok := posix.ErrnoByName(name)
		if !ok || got != i {
			t.Errorf("ErrnoByName(%q) = %d, %v; want %d", name, uintptr(got), ok, uintptr(i))
		}
		if len(i.Error()) == 0 || i.Error()[:7] == "Unknown" {
			t.Errorf("Errno(%d) = %s has no message", uintptr(i), name)
		}
	}
	if n != 131 {
		t.Errorf("%d named errnos, want 131", n)
	}
	for name, want := range map[string]posix.Errno{
		"EWOULDBLOCK": posix.EAGAIN, "EDEADLOCK": posix.EDEADLK, "ENOTSUP": posix.EOPNOTSUPP,
	} {
		if got, ok := posix.ErrnoByName(name); !ok || got != want {
			t.Errorf("ErrnoByName(%q) = %d, %v", name, uintptr(got), ok)
		}
	}
	for _, name := range []string{"", "eperm", "EPERM ", "E", "SUCCESS", "EFOO"} {
		if got, ok := posix.ErrnoByName(name); ok {
			t.Errorf("ErrnoByName(%q) = %d, true", name, uintptr(got))
		}
	}
}

func TestErrnoIs(t *testing.T) {
	tests := []struct {
		e      posix.Errno
		target error
		want   bool
	}{
		{posix.EACCES, fs.ErrPermission, true},
		{posix.EPERM, fs.ErrPermission, true},
		{posix.EEXIST, fs.ErrExist, true},
		{posix.ENOTEMPTY, fs.ErrExist, true},
		{posix.ENOENT, fs.ErrNotExist, true},
		{posix.ENOSYS, errors.ErrUnsupported, true},
		{posix.EOPNOTSUPP, errors.ErrUnsupported, true},
		{posix.ENOTSUP, errors.ErrUnsupported, true},
		{posix.EAGAIN, posix.EAGAIN, true},
		{posix.EWOULDBLOCK, posix.EAGAIN, true},
		{posix.EBADF, fs.ErrClosed, false},
		{posix.ENOENT, fs.ErrExist, false},
		{posix.EEXIST, fs.ErrNotExist, false},
		{posix.EINVAL, fs.ErrInvalid, false},
		{posix.ENOTDIR, fs.ErrNotExist, false},
		{posix.EAGAIN, posix.EINTR, false},
		{0, fs.ErrNotExist, false},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.e, tt.target); got != tt.want {
			t.Errorf("errors.Is(%s, %v) = %v, want %v", tt.e.Name(), tt.target, got, tt.want)
		}
	}
	// Wrapped, as the fs layers will return them.
	err := &fs.PathError{Op: "open", Path: "/x", Err: posix.ENOENT}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("wrapped ENOENT is not fs.ErrNotExist")
	}
	var e posix.Errno
	if !errors.As(err, &e) || e != posix.ENOENT {
		t.Errorf("errors.As gave %d", uintptr(e))
	}
}

func TestErrnoTimeoutTemporary(t *testing.T) {
	timeout := map[posix.Errno]bool{posix.EAGAIN: true, posix.ETIMEDOUT: true}
	temporary := map[posix.Errno]bool{
		posix.EINTR: true, posix.EMFILE: true, posix.ENFILE: true, posix.ECONNRESET: true,
		posix.ECONNABORTED: true, posix.EAGAIN: true, posix.ETIMEDOUT: true,
	}
	for e := posix.Errno(0); e < 140; e++ {
		if got := e.Timeout(); got != timeout[e] {
			t.Errorf("%s.Timeout() = %v", e.Name(), got)
		}
		if got := e.Temporary(); got != temporary[e] {
			t.Errorf("%s.Temporary() = %v", e.Name(), got)
		}
	}
}

//go:noinline
func asError(e posix.Errno) error { return e }

var sinkErr error
var sinkStr string

func TestErrnoNoAlloc(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation may allocate")
	}
	errnos := []posix.Errno{posix.EAGAIN, posix.EPIPE, posix.EHWPOISON, posix.ENOENT, 0, 255}
	if n := testing.AllocsPerRun(100, func() {
		for _, e := range errnos {
			sinkErr = asError(e)
		}
	}); n != 0 {
		t.Errorf("Errno to error conversion allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		sinkStr = posix.EPIPE.Error()
		sinkStr = asError(posix.EAGAIN).Error()
		sinkStr = posix.Errno(0).Error()
		sinkStr = posix.ENOSYS.Name()
	}); n != 0 {
		t.Errorf("Errno.Error allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		sinkStr = posix.SignalName(posix.SIGPIPE)
		sinkStr = posix.SignalString(40)
		sinkStr = posix.SyscallName(posix.SYS_OPENAT)
		_, _ = posix.SyscallByName("openat")
		_, _ = posix.SignalByName("SIGTERM")
		_, _ = posix.ErrnoByName("EPIPE")
	}); n != 0 {
		t.Errorf("name lookups allocate %v times", n)
	}
}

func TestWaitStatus(t *testing.T) {
	for code := 0; code < 256; code++ {
		w := posix.Exited(code)
		if uint32(w) != uint32(code)<<8 || !w.Exited() || w.ExitStatus() != code ||
			w.Signaled() || w.Stopped() || w.Continued() || w.CoreDump() ||
			w.Signal() != -1 || w.StopSignal() != -1 {
			t.Errorf("Exited(%d) = %#x decodes wrong", code, uint32(w))
		}
	}
	if w := posix.Exited(257); w.ExitStatus() != 1 {
		t.Errorf("Exited(257).ExitStatus() = %d", w.ExitStatus())
	}
	if w := posix.Exited(-1); w.ExitStatus() != 255 {
		t.Errorf("Exited(-1).ExitStatus() = %d", w.ExitStatus())
	}
	for sig := 1; sig < posix.NSIG; sig++ {
		for _, core := range []bool{false, true} {
			w := posix.Signaled(sig, core)
			want := uint32(sig)
			if core {
				want |= 0x80
			}
			if uint32(w) != want || w.Exited() || !w.Signaled() || w.Signal() != sig ||
				w.CoreDump() != core || w.Stopped() || w.Continued() || w.ExitStatus() != -1 {
				t.Errorf("Signaled(%d, %v) = %#x decodes wrong", sig, core, uint32(w))
			}
		}
		w := posix.Stopped(sig)
		if uint32(w) != uint32(sig)<<8|0x7f || w.Exited() || w.Signaled() || !w.Stopped() ||
			w.StopSignal() != sig || w.Continued() || w.CoreDump() || w.Signal() != -1 {
			t.Errorf("Stopped(%d) = %#x decodes wrong", sig, uint32(w))
		}
	}
	w := posix.Continued()
	if uint32(w) != 0xffff || w.Exited() || w.Signaled() || w.Stopped() || !w.Continued() ||
		w.ExitStatus() != -1 || w.Signal() != -1 || w.StopSignal() != -1 {
		t.Errorf("Continued() = %#x decodes wrong", uint32(w))
	}
	// A ptrace event stop: SIGTRAP | PTRACE_EVENT_EXEC<<8, shifted.
	if w := posix.WaitStatus(4<<16 | posix.SIGTRAP<<8 | 0x7f); !w.Stopped() || w.StopSignal() != posix.SIGTRAP {
		t.Errorf("event stop decodes wrong")
	}

	strs := map[posix.WaitStatus]string{
		posix.Exited(0):                      "exit status 0",
		posix.Exited(3):                      "exit status 3",
		posix.Signaled(posix.SIGPIPE, false): "killed by SIGPIPE",
		posix.Signaled(posix.SIGKILL, false): "killed by SIGKILL",
		posix.Signaled(posix.SIGSEGV, true):  "killed by SIGSEGV (core dumped)",
		posix.Signaled(40, false):            "killed by SIGRTMIN+6",
		posix.Signaled(33, false):            "killed by signal 33",
		posix.Stopped(posix.SIGSTOP):         "stopped by SIGSTOP",
		posix.Stopped(posix.SIGTTIN):         "stopped by SIGTTIN",
		posix.Continued():                    "continued",
	}
	for w, want := range strs {
		if got := w.String(); got != want {
			t.Errorf("WaitStatus(%#x).String() = %q, want %q", uint32(w), got, want)
		}
	}
}

func TestSignals(t *testing.T) {
	tests := []struct {
		sig  int
		name string
		text string
		act  posix.DefaultAction
	}{
		{posix.SIGHUP, "SIGHUP", "Hangup", posix.ActTerminate},
		{posix.SIGINT, "SIGINT", "Interrupt", posix.ActTerminate},
		{posix.SIGQUIT, "SIGQUIT", "Quit", posix.ActCore},
		{posix.SIGILL, "SIGILL", "Illegal instruction", posix.ActCore},
		{posix.SIGTRAP, "SIGTRAP", "Trace/breakpoint trap", posix.ActCore},
		{posix.SIGABRT, "SIGABRT", "Aborted", posix.ActCore},
		{posix.SIGBUS, "SIGBUS", "Bus error", posix.ActCore},
		{posix.SIGFPE, "SIGFPE", "Floating point exception", posix.ActCore},
		{posix.SIGKILL, "SIGKILL", "Killed", posix.ActTerminate},
		{posix.SIGUSR1, "SIGUSR1", "User defined signal 1", posix.ActTerminate},
		{posix.SIGSEGV, "SIGSEGV", "Segmentation fault", posix.ActCore},
		{posix.SIGUSR2, "SIGUSR2", "User defined signal 2", posix.ActTerminate},
		{posix.SIGPIPE, "SIGPIPE", "Broken pipe", posix.ActTerminate},
		{posix.SIGALRM, "SIGALRM", "Alarm clock", posix.ActTerminate},
		{posix.SIGTERM, "SIGTERM", "Terminated", posix.ActTerminate},
		{posix.SIGSTKFLT, "SIGSTKFLT", "Stack fault", posix.ActTerminate},
		{posix.SIGCHLD, "SIGCHLD", "Child exited", posix.ActIgnore},
		{posix.SIGCONT, "SIGCONT", "Continued", posix.ActContinue},
		{posix.SIGSTOP, "SIGSTOP", "Stopped (signal)", posix.ActStop},
		{posix.SIGTSTP, "SIGTSTP", "Stopped", posix.ActStop},
		{posix.SIGTTIN, "SIGTTIN", "Stopped (tty input)", posix.ActStop},
		{posix.SIGTTOU, "SIGTTOU", "Stopped (tty output)", posix.ActStop},
		{posix.SIGURG, "SIGURG", "Urgent I/O condition", posix.ActIgnore},
		{posix.SIGXCPU, "SIGXCPU", "CPU time limit exceeded", posix.ActCore},
		{posix.SIGXFSZ, "SIGXFSZ", "File size limit exceeded", posix.ActCore},
		{posix.SIGVTALRM, "SIGVTALRM", "Virtual timer expired", posix.ActTerminate},
		{posix.SIGPROF, "SIGPROF", "Profiling timer expired", posix.ActTerminate},
		{posix.SIGWINCH, "SIGWINCH", "Window changed", posix.ActIgnore},
		{posix.SIGIO, "SIGIO", "I/O possible", posix.ActTerminate},
		{posix.SIGPWR, "SIGPWR", "Power failure", posix.ActTerminate},
		{posix.SIGSYS, "SIGSYS", "Bad system call", posix.ActCore},
		{posix.SIGRTMIN, "SIGRTMIN", "Real-time signal 0", posix.ActTerminate},
		{35, "SIGRTMIN+1", "Real-time signal 1", posix.ActTerminate},
		{63, "SIGRTMIN+29", "Real-time signal 29", posix.ActTerminate},
		{posix.SIGRTMAX, "SIGRTMAX", "Real-time signal 30", posix.ActTerminate},
	}
	for _, tt := range tests {
		if got := posix.SignalName(tt.sig); got != tt.name {
			t.Errorf("SignalName(%d) = %q, want %q", tt.sig, got, tt.name)
		}
		if got := posix.SignalString(tt.sig); got != tt.text {
			t.Errorf("SignalString(%d) = %q, want %q", tt.sig, got, tt.text)
		}
		if got := posix.SignalDefault(tt.sig); got != tt.act {
			t.Errorf("SignalDefault(%d) = %v, want %v", tt.sig, got, tt.act)
		}
		if got, ok := posix.SignalByName(tt.name); !ok || got != tt.sig {
			t.Errorf("SignalByName(%q) = %d, %v", tt.name, got, ok)
		}
		if got, ok := posix.SignalByName(tt.name[3:]); !ok || got != tt.sig {
			t.Errorf("SignalByName(%q) = %d, %v", tt.name[3:], got, ok)
		}
	}
	for _, sig := range []int{-1, 0, 32, 33, 65, 1000} {
		if got := posix.SignalName(sig); got != "" {
			t.Errorf("SignalName(%d) = %q", sig, got)
		}
	}
	for sig, want := range map[int]string{0: "Unknown signal 0", 32: "Unknown signal 32", 65: "Unknown signal 65", -3: "Unknown signal -3"} {
		if got := posix.SignalString(sig); got != want {
			t.Errorf("SignalString(%d) = %q, want %q", sig, got, want)
		}
	}
	for sig := 1; sig < posix.NSIG; sig++ {
		if name := posix.SignalName(sig); name != "" {
			if got, ok := posix.SignalByName(name); !ok || got != sig {
				t.Errorf("SignalByName(SignalName(%d)) = %d, %v", sig, got, ok)
			}
		} else if sig != 32 && sig != 33 {
			t.Errorf("signal %d has no name", sig)
		}
	}
	for name, want := range map[string]int{
		"SIGIOT": 6, "IOT": 6, "SIGPOLL": 29, "POLL": 29, "SIGABRT": 6, "SIGCLD": 0,
		"SIGRTMAX-1": 63, "RTMAX-29": 35, "SIGRTMAX-30": 0, "SIGRTMAX-0": 0, "SIGRTMAX-+1": 0,
		"SIGRTMIN+30": 0, "sigpipe": 0, "pipe": 0, "13": 0, "SIG": 0, "": 0, "SIGSIGPIPE": 0,
	} {
		got, ok := posix.SignalByName(name)
		if got != want || ok != (want != 0) {
			t.Errorf("SignalByName(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	if posix.SignalDefault(50) != posix.ActTerminate {
		t.Error("real-time signals should terminate")
	}
	if posix.ActCore.String() != "core" || posix.DefaultAction(9).String() != "DefaultAction(9)" {
		t.Error("DefaultAction.String")
	}
}

func TestSigset(t *testing.T) {
	var s posix.Sigset
	for sig := 1; sig <= 64; sig++ {
		if s.Has(sig) {
			t.Fatalf("empty set has %d", sig)
		}
		s1 := s.Add(sig)
		if s != 0 {
			t.Fatal("Add modified its receiver")
		}
		if uint64(s1) != 1<<(sig-1) || !s1.Has(sig) {
			t.Errorf("Add(%d) = %#x", sig, uint64(s1))
		}
		if s1.Del(sig) != 0 {
			t.Errorf("Del(%d) left %#x", sig, uint64(s1.Del(sig)))
		}
	}
	for _, sig := range []int{-1, 0, 65, 100} {
		if s.Add(sig) != 0 || posix.Sigset(^uint64(0)).Has(sig) || posix.Sigset(^uint64(0)).Del(sig) != posix.Sigset(^uint64(0)) {
			t.Errorf("invalid signal %d changed the set", sig)
		}
	}
	s = posix.SigsetOf(posix.SIGINT, posix.SIGKILL, posix.SIGRTMAX, 0, 99)
	if uint64(s) != 1<<1|1<<8|1<<63 {
		t.Errorf("SigsetOf = %#x", uint64(s))
	}
	if !s.Has(posix.SIGKILL) || s.Has(posix.SIGTERM) || s.Del(posix.SIGKILL).Has(posix.SIGKILL) || !s.Del(posix.SIGKILL).Has(posix.SIGINT) {
		t.Error("Sigset ops")
	}
	if posix.SigsetOf() != 0 {
		t.Error("SigsetOf() != 0")
	}
}

func TestSyscallNames(t *testing.T) {
	known := map[int]string{
		posix.SYS_READ:              "read",
		posix.SYS_WRITE:             "write",
		posix.SYS_CLOSE:             "close",
		posix.SYS_RT_SIGACTION:      "rt_sigaction",
		posix.SYS_RT_SIGPROCMASK:    "rt_sigprocmask",
		posix.SYS_IOCTL:             "ioctl",
		posix.SYS_WAIT4:             "wait4",
		posix.SYS_KILL:              "kill",
		posix.SYS_RT_SIGPENDING:     "rt_sigpending",
		posix.SYS_RT_SIGSUSPEND:     "rt_sigsuspend",
		posix.SYS__SYSCTL:           "_sysctl",
		posix.SYS_GETDENTS64:        "getdents64",
		posix.SYS_CLOCK_GETTIME:     "clock_gettime",
		posix.SYS_EXIT_GROUP:        "exit_group",
		posix.SYS_OPENAT:            "openat",
		posix.SYS_NEWFSTATAT:        "newfstatat",
		posix.SYS_DUP3:              "dup3",
		posix.SYS_PIPE2:             "pipe2",
		posix.SYS_PRLIMIT64:         "prlimit64",
		posix.SYS_RSEQ:              "rseq",
		posix.SYS_PIDFD_SEND_SIGNAL: "pidfd_send_signal",
		posix.SYS_CLONE3:            "clone3",
		posix.SYS_CLOSE_RANGE:       "close_range",
		posix.SYS_MSEAL:             "mseal",
	}
	nums := map[string]int{
		"read": 0, "write": 1, "open": 2, "close": 3, "mmap": 9, "rt_sigaction": 13,
		"rt_sigprocmask": 14, "ioctl": 16, "pipe": 22, "dup2": 33, "getpid": 39, "clone": 56,
		"fork": 57, "execve": 59, "exit": 60, "wait4": 61, "kill": 62, "uname": 63, "fcntl": 72,
		"getcwd": 79, "rt_sigpending": 127, "rt_sigsuspend": 130, "gettid": 186, "futex": 202,
		"getdents64": 217, "clock_gettime": 228, "exit_group": 231, "tgkill": 234,
		"openat": 257, "newfstatat": 262, "ppoll": 271, "dup3": 292, "pipe2": 293,
		"prlimit64": 302, "getrandom": 318, "statx": 332, "rseq": 334, "clone3": 435,
		"close_range": 436, "openat2": 437, "faccessat2": 439, "epoll_pwait2": 441,
		"fchmodat2": 452, "lsm_list_modules": 461, "mseal": 462,
	}
	for num, name := range known {
		nums[name] = num
	}
	for name, num := range nums {
		if got := posix.SyscallName(num); got != name {
			t.Errorf("SyscallName(%d) = %q, want %q", num, got, name)
		}
		if got, ok := posix.SyscallByName(name); !ok || got != num {
			t.Errorf("SyscallByName(%q) = %d, %v; want %d", name, got, ok, num)
		}
	}

	defined := 0
	for num := -5; num < posix.SyscallMax+5; num++ {
		name := posix.SyscallName(num)
		if name == "" {
			if num >= 0 && num < posix.SyscallMax && (num <= 336 || num >= 424) {
				t.Errorf("syscall %d has no name", num)
			}
			continue
		}
		if num >= posix.SyscallMax || num < 0 || (num > 336 && num < 424) {
			t.Errorf("SyscallName(%d) = %q, want unassigned", num, name)
		}
		defined++
		if got, ok := posix.SyscallByName(name); !ok || got != num {
			t.Errorf("SyscallByName(%q) = %d, %v; want %d", name, got, ok, num)
		}
	}
	if want := 337 + (posix.SyscallMax - 424); defined != want {
		t.Errorf("%d syscalls defined, want %d", defined, want)
	}
	if posix.SyscallName(posix.SyscallMax-1) == "" {
		t.Error("SyscallMax is not one more than the largest number")
	}
	for _, name := range []string{"", "READ", "sys_read", "reads", "zzz", "_", "a"} {
		if got, ok := posix.SyscallByName(name); ok {
			t.Errorf("SyscallByName(%q) = %d, true", name, got)
		}
	}
}

func TestTimespec(t *testing.T) {
	for _, ns := range []int64{0, 1, 999999999, 1e9, 1e9 + 1, 1234567891011, -1, -1e9, -1e9 - 1, -1234567891011} {
		ts := posix.NsecToTimespec(ns)
		if !ts.Valid() || ts.Nano() != ns {
			t.Errorf("NsecToTimespec(%d) = %+v", ns, ts)
		}
	}
	if ts := posix.NsecToTimespec(-1); ts.Sec != -1 || ts.Nsec != 999999999 {
		t.Errorf("NsecToTimespec(-1) = %+v", ts)
	}
	for _, ts := range []posix.Timespec{{0, -1}, {0, 1e9}, {-1, 1e9 + 5}} {
		if ts.Valid() {
			t.Errorf("%+v is valid", ts)
		}
	}
	if !(posix.Timespec{Sec: -5, Nsec: 0}).Valid() {
		t.Error("Valid checks the sign of Sec")
	}
}

func TestUts(t *testing.T) {
	for _, s := range []string{"", "Linux", "x86_64"} {
		f := posix.UtsField(s)
		if got := posix.UtsString(f); got != s {
			t.Errorf("UtsString(UtsField(%q)) = %q", s, got)
		}
	}
	long := string(make([]byte, 0, 100))
	for i := 0; i < 100; i++ {
		long += "a"
	}
	f := posix.UtsField(long)
	if f[64] != 0 || posix.UtsString(f) != long[:64] {
		t.Errorf("long field not truncated to 64 bytes")
	}
	var full [65]byte
	for i := range full {
		full[i] = 'b'
	}
	if len(posix.UtsString(full)) != 65 {
		t.Error("UtsString of an unterminated field")
	}
	if unsafe.Sizeof(posix.Utsname{}) != 6*65 {
		t.Errorf("sizeof(Utsname) = %d", unsafe.Sizeof(posix.Utsname{}))
	}
}

func TestLayouts(t *testing.T) {
	if unsafe.Sizeof(posix.PollFd{}) != 8 || unsafe.Offsetof(posix.PollFd{}.Events) != 4 || unsafe.Offsetof(posix.PollFd{}.Revents) != 6 {
		t.Error("PollFd layout differs from struct pollfd")
	}
	if unsafe.Sizeof(posix.Rlimit{}) != 16 || unsafe.Sizeof(posix.Timespec{}) != 16 {
		t.Error("Rlimit/Timespec layout")
	}
}

func TestConstants(t *testing.T) {
	// Spot checks of values other packages depend on.
	checks := []struct {
		name      string
		got, want int64
	}{
		{"O_CLOEXEC", posix.O_CLOEXEC, 0o2000000},
		{"O_SYNC", posix.O_SYNC, 0o4010000 | posix.O_DSYNC},
		{"O_TMPFILE", posix.O_TMPFILE, 0o20000000 | posix.O_DIRECTORY},
		{"O_NDELAY", posix.O_NDELAY, posix.O_NONBLOCK},
		{"F_DUPFD_CLOEXEC", posix.F_DUPFD_CLOEXEC, 1030},
		{"AT_FDCWD", posix.AT_FDCWD, -100},
		{"S_IFMT", posix.S_IFMT, posix.S_IFSOCK | posix.S_IFLNK | posix.S_IFREG | posix.S_IFBLK | posix.S_IFDIR | posix.S_IFCHR | posix.S_IFIFO},
		{"POLLRDHUP", posix.POLLRDHUP, 0x2000},
		{"WCLONE", posix.WCLONE, 1 << 31},
		{"SA_RESETHAND", posix.SA_RESETHAND, 1 << 31},
		{"RLIM_NLIMITS", posix.RLIM_NLIMITS, posix.RLIMIT_RTTIME + 1},
		{"NSIG", posix.NSIG, posix.SIGRTMAX + 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#o, want %#o", c.name, c.got, c.want)
		}
	}
	if posix.RLIM_INFINITY != 1<<64-1 {
		t.Error("RLIM_INFINITY")
	}
}
