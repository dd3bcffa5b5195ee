package posix

import "strconv"

// Linux x86-64 signal numbers (signal(7)). Valid signals are 1..64; 32 and 33
// are reserved by the C library and have no name.
const (
	SIGHUP    = 1  // Hangup
	SIGINT    = 2  // Interrupt from keyboard
	SIGQUIT   = 3  // Quit from keyboard
	SIGILL    = 4  // Illegal instruction
	SIGTRAP   = 5  // Trace/breakpoint trap
	SIGABRT   = 6  // Abort
	SIGIOT    = 6  // Same as SIGABRT
	SIGBUS    = 7  // Bus error
	SIGFPE    = 8  // Floating-point exception
	SIGKILL   = 9  // Kill, cannot be caught or ignored
	SIGUSR1   = 10 // User-defined signal 1
	SIGSEGV   = 11 // Invalid memory reference
	SIGUSR2   = 12 // User-defined signal 2
	SIGPIPE   = 13 // Write to a pipe with no readers
	SIGALRM   = 14 // Timer signal from alarm(2)
	SIGTERM   = 15 // Termination
	SIGSTKFLT = 16 // Stack fault on coprocessor (unused)
	SIGCHLD   = 17 // Child stopped, continued or terminated
	SIGCONT   = 18 // Continue if stopped
	SIGSTOP   = 19 // Stop, cannot be caught or ignored
	SIGTSTP   = 20 // Stop typed at terminal
	SIGTTIN   = 21 // Terminal input for background process
	SIGTTOU   = 22 // Terminal output for background process
	SIGURG    = 23 // Urgent condition on socket
	SIGXCPU   = 24 // CPU time limit exceeded
	SIGXFSZ   = 25 // File size limit exceeded
	SIGVTALRM = 26 // Virtual alarm clock
	SIGPROF   = 27 // Profiling timer expired
	SIGWINCH  = 28 // Window resize
	SIGIO     = 29 // I/O now possible
	SIGPOLL   = 29 // Same as SIGIO
	SIGPWR    = 30 // Power failure
	SIGSYS    = 31 // Bad system call
	SIGRTMIN  = 34 // First real-time signal (as seen by glibc programs)
	SIGRTMAX  = 64 // Last real-time signal
	NSIG      = 65 // One more than the largest signal number
)

// How argument of rt_sigprocmask(2).
const (
	SIG_BLOCK   = 0 // Add the set to the blocked signals
	SIG_UNBLOCK = 1 // Remove the set from the blocked signals
	SIG_SETMASK = 2 // Replace the blocked signals by the set
)

// Flags of struct sigaction (sa_flags) for rt_sigaction(2).
const (
	SA_NOCLDSTOP = 0x1        // No SIGCHLD when children stop or continue
	SA_NOCLDWAIT = 0x2        // Do not turn terminated children into zombies
	SA_SIGINFO   = 0x4        // The handler takes siginfo and ucontext arguments
	SA_RESTORER  = 0x04000000 // sa_restorer is set (used by the C library)
	SA_ONSTACK   = 0x08000000 // Run the handler on the alternate signal stack
	SA_RESTART   = 0x10000000 // Restart interrupted system calls
	SA_NODEFER   = 0x40000000 // Do not block the signal in its own handler
	SA_RESETHAND = 0x80000000 // Reset to SIG_DFL on entry to the handler
)

// signalNames holds the name of each signal, indexed by number.
var signalNames = [NSIG]string{
	1:  "SIGHUP",
	2:  "SIGINT",
	3:  "SIGQUIT",
	4:  "SIGILL",
	5:  "SIGTRAP",
	6:  "SIGABRT",
	7:  "SIGBUS",
	8:  "SIGFPE",
	9:  "SIGKILL",
	10: "SIGUSR1",
	11: "SIGSEGV",
	12: "SIGUSR2",
	13: "SIGPIPE",
	14: "SIGALRM",
	15: "SIGTERM",
	16: "SIGSTKFLT",
	17: "SIGCHLD",
	18: "SIGCONT",
	19: "SIGSTOP",
	20: "SIGTSTP",
	21: "SIGTTIN",
	22: "SIGTTOU",
	23: "SIGURG",
	24: "SIGXCPU",
	25: "SIGXFSZ",
	26: "SIGVTALRM",
	27: "SIGPROF",
	28: "SIGWINCH",
	29: "SIGIO",
	30: "SIGPWR",
	31: "SIGSYS",
	34: "SIGRTMIN",
	35: "SIGRTMIN+1",
	36: "SIGRTMIN+2",
	37: "SIGRTMIN+3",
	38: "SIGRTMIN+4",
	39: "SIGRTMIN+5",
	40: "SIGRTMIN+6",
	41: "SIGRTMIN+7",
	42: "SIGRTMIN+8",
	43: "SIGRTMIN+9",
	44: "SIGRTMIN+10",
	45: "SIGRTMIN+11",
	46: "SIGRTMIN+12",
	47: "SIGRTMIN+13",
	48: "SIGRTMIN+14",
	49: "SIGRTMIN+15",
	50: "SIGRTMIN+16",
	51: "SIGRTMIN+17",
	52: "SIGRTMIN+18",
	53: "SIGRTMIN+19",
	54: "SIGRTMIN+20",
	55: "SIGRTMIN+21",
	56: "SIGRTMIN+22",
	57: "SIGRTMIN+23",
	58: "SIGRTMIN+24",
	59: "SIGRTMIN+25",
	60: "SIGRTMIN+26",
	61: "SIGRTMIN+27",
	62: "SIGRTMIN+28",
	63: "SIGRTMIN+29",
	64: "SIGRTMAX",
}

// signalText holds the glibc strsignal text of each signal, indexed by number.
var signalText = [NSIG]string{
	1:  "Hangup",
	2:  "Interrupt",
	3:  "Quit",
	4:  "Illegal instruction",
	5:  "Trace/breakpoint trap",
	6:  "Aborted",
	7:  "Bus error",
	8:  "Floating point exception",
	9:  "Killed",
	10: "User defined signal 1",
	11: "Segmentation fault",
	12: "User defined signal 2",
	13: "Broken pipe",
	14: "Alarm clock",
	15: "Terminated",
	16: "Stack fault",
	17: "Child exited",
	18: "Continued",
	19: "Stopped (signal)",
	20: "Stopped",
	21: "Stopped (tty input)",
	22: "Stopped (tty output)",
	23: "Urgent I/O condition",
	24: "CPU time limit exceeded",
	25: "File size limit exceeded",
	26: "Virtual timer expired",
	27: "Profiling timer expired",
	28: "Window changed",
	29: "I/O possible",
	30: "Power failure",
	31: "Bad system call",
	34: "Real-time signal 0",
	35: "Real-time signal 1",
	36: "Real-time signal 2",
	37: "Real-time signal 3",
	38: "Real-time signal 4",
	39: "Real-time signal 5",
	40: "Real-time signal 6",
	41: "Real-time signal 7",
	42: "Real-time signal 8",
	43: "Real-time signal 9",
	44: "Real-time signal 10",
	45: "Real-time signal 11",
	46: "Real-time signal 12",
	47: "Real-time signal 13",
	48: "Real-time signal 14",
	49: "Real-time signal 15",
	50: "Real-time signal 16",
	51: "Real-time signal 17",
	52: "Real-time signal 18",
	53: "Real-time signal 19",
	54: "Real-time signal 20",
	55: "Real-time signal 21",
	56: "Real-time signal 22",
	57: "Real-time signal 23",
	58: "Real-time signal 24",
	59: "Real-time signal 25",
	60: "Real-time signal 26",
	61: "Real-time signal 27",
	62: "Real-time signal 28",
	63: "Real-time signal 29",
	64: "Real-time signal 30",
}

// SignalName returns the name of signal sig: "SIGPIPE" for 13, "SIGIO" for
// 29, "SIGRTMIN" for 34, "SIGRTMIN+N" for 34+N up to 63 and "SIGRTMAX" for
// 64. It returns "" for numbers that are not valid signals (including the
// unnamed 32 and 33).
func SignalName(sig int) string {
	if sig <= 0 || sig >= NSIG {
		return ""
	}
	return signalNames[sig]
}

// SignalByName returns the number of the signal with the given upper-case
// name, with or without its "SIG" prefix ("SIGPIPE" or "PIPE"), and whether
// it is known. Aliases (SIGIOT, SIGPOLL) are accepted, and so are the
// real-time forms "SIGRTMIN", "SIGRTMIN+N", "SIGRTMAX-N" and "SIGRTMAX".
// Numbers are not accepted.
func SignalByName(name string) (int, bool) {
	if len(name) >= 3 && name[:3] == "SIG" {
		name = name[3:]
	}
	if name == "" {
		return 0, false
	}
	switch name {
	case "IOT":
		return SIGIOT, true
	case "POLL":
		return SIGPOLL, true
	}
	for sig := 1; sig < NSIG; sig++ {
		if n := signalNames[sig]; n != "" && n[3:] == name {
			return sig, true
		}
	}
	if len(name) > 6 && name[:6] == "RTMAX-" {
		n, err := strconv.Atoi(name[6:])
		if err == nil && name[6] != '+' && name[6] != '-' && n > 0 && n < SIGRTMAX-SIGRTMIN {
			return SIGRTMAX - n, true
		}
	}
	return 0, false
}

// SignalString returns the glibc strsignal text of sig, such as
// "Broken pipe" for SIGPIPE, "Real-time signal N" for SIGRTMIN+N and
// "Unknown signal N" for numbers that are not signals (the last case
// allocates).
func SignalString(sig int) string {
	if sig > 0 && sig < NSIG {
		if s := signalText[sig]; s != "" {
			return s
		}
	}
	return "Unknown signal " + strconv.Itoa(sig)
}

// DefaultAction is the default disposition of a signal (signal(7)).
type DefaultAction uint8

// Default dispositions of signals.
const (
	ActTerminate DefaultAction = iota // Terminate the process
	ActCore                           // Terminate the process and dump core
	ActIgnore                         // Ignore the signal
	ActStop                           // Stop the process
	ActContinue                       // Continue the process if it is stopped
)

// String returns "terminate", "core", "ignore", "stop" or "continue".
func (a DefaultAction) String() string {
	switch a {
	case ActTerminate:
		return "terminate"
	case ActCore:
		return "core"
	case ActIgnore:
		return "ignore"
	case ActStop:
		return "stop"
	case ActContinue:
		return "continue"
	}
	return "DefaultAction(" + strconv.Itoa(int(a)) + ")"
}

// SignalDefault returns the default action of signal sig per signal(7).
// Signals not listed there as core, ignore, stop or continue, including the
// real-time signals, terminate.
func SignalDefault(sig int) DefaultAction {
	switch sig {
	case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS:
		return ActCore
	case SIGCHLD, SIGURG, SIGWINCH:
		return ActIgnore
	case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU:
		return ActStop
	case SIGCONT:
		return ActContinue
	}
	return ActTerminate
}

// Sigset is a set of signals 1..64, as in the Linux kernel sigset_t on
// x86-64: signal sig is bit sig-1.
type Sigset uint64

// SigsetOf returns the set of the given signals; invalid numbers are ignored.
func SigsetOf(sigs ...int) Sigset {
	var s Sigset
	for _, sig := range sigs {
		s = s.Add(sig)
	}
	return s
}

// Has reports whether sig is in s. It is false for invalid numbers.
func (s Sigset) Has(sig int) bool {
	if sig <= 0 || sig >= NSIG {
		return false
	}
	return s&(1<<uint(sig-1)) != 0
}

// Add returns s with sig added; invalid numbers leave s unchanged.
func (s Sigset) Add(sig int) Sigset {
	if sig <= 0 || sig >= NSIG {
		return s
	}
	return s | 1<<uint(sig-1)
}

// Del returns s with sig removed; invalid numbers leave s unchanged.
func (s Sigset) Del(sig int) Sigset {
	if sig <= 0 || sig >= NSIG {
		return s
	}
	return s &^ (1 << uint(sig-1))
}
