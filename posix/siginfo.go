package posix

// Siginfo holds the fields of the Linux siginfo_t that rt_sigtimedwait(2),
// rt_sigqueueinfo(2) and waitid(2) read or fill, with Go types and without
// the union's layout: which fields mean something depends on Code (and on
// Signo, for SIGCHLD).
type Siginfo struct {
	Signo  int32  // Signal number
	Errno  int32  // An errno value; zero in what Linux sends
	Code   int32  // Signal code: SI_USER, SI_TKILL, SI_QUEUE, SI_KERNEL, CLD_EXITED...
	Pid    int32  // Sending process (kill, sigqueue) or child (SIGCHLD, waitid)
	Uid    uint32 // Real user id of the sender or child
	Status int32  // SIGCHLD, waitid: exit code (CLD_EXITED) or signal (CLD_KILLED, CLD_DUMPED)
	Utime  int64  // SIGCHLD: the child's user CPU time, in clock ticks
	Stime  int64  // SIGCHLD: the child's system CPU time, in clock ticks
	Value  uint64 // SI_QUEUE: the sigval the sender passed
}

// Values of si_code (Siginfo.Code) for signals a process sends.
const (
	SI_USER    = 0    // kill(2), raise(3)
	SI_KERNEL  = 0x80 // Sent by the kernel
	SI_QUEUE   = -1   // sigqueue(3), rt_sigqueueinfo(2)
	SI_TIMER   = -2   // A POSIX timer expired
	SI_MESGQ   = -3   // A POSIX message queue changed state
	SI_ASYNCIO = -4   // Asynchronous I/O completed
	SI_SIGIO   = -5   // Queued SIGIO
	SI_TKILL   = -6   // tkill(2), tgkill(2)
)

// Values of si_code for SIGCHLD and waitid(2).
const (
	CLD_EXITED    = 1 // The child exited
	CLD_KILLED    = 2 // The child was killed
	CLD_DUMPED    = 3 // The child was killed and dumped core
	CLD_TRAPPED   = 4 // A traced child trapped
	CLD_STOPPED   = 5 // The child stopped
	CLD_CONTINUED = 6 // A stopped child continued
)

// SignalStack is stack_t of sigaltstack(2): an alternate signal stack's
// base (Sp), size and flags (SS_ONSTACK, SS_DISABLE, SS_AUTODISARM).
type SignalStack struct {
	Sp    uint64 // Base address of the stack
	Flags uint32 // SS_DISABLE, SS_ONSTACK, SS_AUTODISARM (ss_flags, an int, as bits)
	Size  uint64 // Size in bytes
}

// Flags of SignalStack and sizes of sigaltstack(2).
const (
	SS_ONSTACK    = 1       // The process is running on the alternate stack
	SS_DISABLE    = 2       // The alternate stack is disabled
	SS_AUTODISARM = 1 << 31 // Clear the stack on entry to a handler
	MINSIGSTKSZ   = 2048    // Smallest alternate stack sigaltstack accepts
	SIGSTKSZ      = 8192    // Usual alternate stack size
)

// Options of prctl(2) that gocage serves.
const (
	PR_SET_PDEATHSIG = 1  // Signal to get when the parent dies
	PR_GET_PDEATHSIG = 2  // Read that signal
	PR_SET_NAME      = 15 // Set the thread's name (comm)
	PR_GET_NAME      = 16 // Read the thread's name
)

// TASK_COMM_LEN is the size of a process name (comm) with its NUL.
const TASK_COMM_LEN = 16
