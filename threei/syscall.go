package threei

import "strings"

// Kind is what an argument is, as far as the router, the tracer and the
// encasement layer care: whether it is a plain value, a descriptor, or
// memory of the caller's that must be copied in or out.
type Kind uint8

// The argument kinds.
const (
	KindInt         Kind = iota + 1 // a plain integer
	KindFd                          // a file descriptor (AT_FDCWD included)
	KindFlags                       // a bit set (open flags, wait options...)
	KindMode                        // permission bits
	KindSize                        // a length or count
	KindOffset                      // a file offset
	KindPid                         // a pid or process-group selector
	KindSignal                      // a signal number
	KindInBuf                       // a buffer the call reads (length in the next size argument)
	KindOutBuf                      // a buffer the call fills (length in the next size argument)
	KindString                      // a NUL-terminated string the call reads
	KindPath                        // a path the call reads
	KindStructIn                    // a fixed-size structure the call reads
	KindStructOut                   // a fixed-size structure the call fills
	KindStructInOut                 // a structure read and filled (poll's pollfd array)
	KindFunc                        // Go code (a signal handler, a fork continuation)
)

var kindNames = [...]string{
	KindInt: "int", KindFd: "fd", KindFlags: "flags", KindMode: "mode",
	KindSize: "size", KindOffset: "offset", KindPid: "pid", KindSignal: "signal",
	KindInBuf: "inbuf", KindOutBuf: "outbuf", KindString: "string", KindPath: "path",
	KindStructIn: "struct-in", KindStructOut: "struct-out", KindStructInOut: "struct-inout",
	KindFunc: "func",
}

// String returns the kind's name, as `gocage syscalls` prints it.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// Memory reports whether the argument refers to the caller's memory.
func (k Kind) Memory() bool {
	switch k {
	case KindInBuf, KindOutBuf, KindString, KindPath, KindStructIn, KindStructOut, KindStructInOut:
		return true
	}
	return false
}

// Support says how completely gocage implements a call.
type Support uint8

// The support levels.
const (
	// Unsupported calls fail with ENOSYS.
	Unsupported Support = iota
	// Partial calls work for the common cases; Note says what is missing.
	Partial
	// Full calls follow Linux in every case the project knows of.
	Full
)

// String returns the level's name.
func (s Support) String() string {
	switch s {
	case Partial:
		return "partial"
	case Full:
		return "full"
	}
	return "unsupported"
}

// ArgSpec describes one argument: its C name and its kind.
type ArgSpec struct {
	Name string
	Kind Kind
}

// Syscall describes one system call: the row of the system-call table that
// the kernel's dispatch, the tracer, the encasement layer and the
// compatibility list all read.
type Syscall struct {
	// Num is the Linux x86-64 number.
	Num int
	// Name is the Linux name ("read", "rt_sigaction").
	Name string
	// Args describes the arguments in order.
	Args []ArgSpec
	// Handler is the kernel's implementation; nil for an unsupported call.
	Handler Handler
	// Support is how completely it is implemented.
	Support Support
	// Note says what is missing or different, if anything.
	Note string
}

// Signature parses a compact argument list such as
// "fd:fd buf:outbuf count:size" into ArgSpecs; it panics on an unknown kind,
// so a typo in the kernel's table fails at start-up, in every test.
func Signature(s string) []ArgSpec {
	var out []ArgSpec
	for _, f := range strings.Fields(s) {
		name, kind, ok := strings.Cut(f, ":")
		if !ok {
			panic("threei: argument without kind: " + f)
		}
		k := Kind(0)
		for i, n := range kindNames {
			if n == kind && n != "" {
				k = Kind(i)
			}
		}
		if k == 0 {
			panic("threei: unknown argument kind: " + f)
		}
		out = append(out, ArgSpec{Name: name, Kind: k})
	}
	return out
}
