package posix

import "strconv"

// Options of wait4(2) and waitid(2). WNOTHREAD, WALL and WCLONE are spelled
// __WNOTHREAD, __WALL and __WCLONE in C.
const (
	WNOHANG    = 0x1        // Return immediately if no child has changed state
	WUNTRACED  = 0x2        // wait4: also report stopped children
	WSTOPPED   = 0x2        // waitid: report stopped children
	WEXITED    = 0x4        // waitid: report terminated children
	WCONTINUED = 0x8        // Also report children continued by SIGCONT
	WNOWAIT    = 0x1000000  // waitid: leave the child waitable
	WNOTHREAD  = 0x20000000 // __WNOTHREAD: do not wait for children of other threads
	WALL       = 0x40000000 // __WALL: wait for all children, clone or not
	WCLONE     = 0x80000000 // __WCLONE: wait only for clone children
)

// Id types of waitid(2).
const (
	P_ALL  = 0 // Wait for any child
	P_PID  = 1 // Wait for the child whose process id is id
	P_PGID = 2 // Wait for any child in process group id
)

// WaitStatus is a Linux wait status, as stored by wait4(2) in *wstatus, with
// the standard encoding: exit code<<8 for an exit, the signal number (|0x80 if
// a core was dumped) for a kill, sig<<8|0x7f for a stop and 0xffff for a
// continue.
type WaitStatus uint32

// Exited returns the status of a child that exited with code (code&0xff).
func Exited(code int) WaitStatus {
	return WaitStatus(code&0xff) << 8
}

// Signaled returns the status of a child killed by signal sig, having dumped
// core if core is true.
func Signaled(sig int, core bool) WaitStatus {
	w := WaitStatus(sig & 0x7f)
	if core {
		w |= 0x80
	}
	return w
}

// Stopped returns the status of a child stopped by signal sig.
func Stopped(sig int) WaitStatus {
	return WaitStatus(sig&0xff)<<8 | 0x7f
}

// Continued returns the status of a child resumed by SIGCONT.
func Continued() WaitStatus {
	return 0xffff
}

// Exited reports whether the child exited normally (WIFEXITED).
func (w WaitStatus) Exited() bool {
	return w&0x7f == 0
}

// ExitStatus returns the exit code of the child (WEXITSTATUS), or -1 if it
// did not exit normally.
func (w WaitStatus) ExitStatus() int {
	if !w.Exited() {
		return -1
	}
	return int(w>>8) & 0xff
}

// Signaled reports whether the child was killed by a signal (WIFSIGNALED).
func (w WaitStatus) Signaled() bool {
	return w&0x7f != 0x7f && w&0x7f != 0
}

// Signal returns the signal that killed the child (WTERMSIG), or -1 if it
// was not killed by a signal.
func (w WaitStatus) Signal() int {
	if !w.Signaled() {
		return -1
	}
	return int(w & 0x7f)
}

// CoreDump reports whether the child was killed by a signal and dumped core
// (WCOREDUMP).
func (w WaitStatus) CoreDump() bool {
	return w.Signaled() && w&0x80 != 0
}

// Stopped reports whether the child is stopped (WIFSTOPPED).
func (w WaitStatus) Stopped() bool {
	return w&0xff == 0x7f
}

// StopSignal returns the signal that stopped the child (WSTOPSIG), or -1 if
// it is not stopped.
func (w WaitStatus) StopSignal() int {
	if !w.Stopped() {
		return -1
	}
	return int(w>>8) & 0xff
}

// Continued reports whether the child was resumed by SIGCONT (WIFCONTINUED).
func (w WaitStatus) Continued() bool {
	return w == 0xffff
}

// String describes w as "exit status N", "killed by SIGPIPE" (with
// " (core dumped)" appended when a core was dumped), "stopped by SIGSTOP" or
// "continued".
func (w WaitStatus) String() string {
	switch {
	case w.Exited():
		return "exit status " + strconv.Itoa(w.ExitStatus())
	case w.Signaled():
		s := "killed by " + sigLabel(w.Signal())
		if w.CoreDump() {
			s += " (core dumped)"
		}
		return s
	case w.Stopped():
		return "stopped by " + sigLabel(w.StopSignal())
	case w.Continued():
		return "continued"
	}
	return "wait status 0x" + strconv.FormatUint(uint64(w), 16)
}

// sigLabel returns the name of sig, or "signal N" if it has none.
func sigLabel(sig int) string {
	if n := SignalName(sig); n != "" {
		return n
	}
	return "signal " + strconv.Itoa(sig)
}
