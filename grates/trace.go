package grates

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// TraceOptions configure a Tracer.
type TraceOptions struct {
	// Output receives the trace. Required.
	Output io.Writer
	// File says Output is a file, as strace -o: every line then starts
	// with the pid in a column ("%-5d "); on a terminal or stderr, lines
	// are prefixed "[pid N] " only while several cages are traced.
	File bool
	// Filter selects the calls traced; nil traces all.
	Filter *Filter
	// Calls prints one line per call. With neither Calls nor Summary set,
	// Calls is assumed.
	Calls bool
	// Summary counts calls, errors and time per call and prints strace
	// -c's table when the traced program has ended (Finish).
	Summary bool
	// StringLimit is how many bytes of a buffer are shown (strace -s);
	// 0 means strace's 32.
	StringLimit int
}

// Tracer is a Layer that prints the calls of the cages under it in
// strace's format:
//
//	openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3
//	read(3, "gocage\n", 4096)               = 7
//	openat(AT_FDCWD, "/nope", O_RDONLY)     = -1 ENOENT (No such file or directory)
//
// as `strace -f` does: lines of several cages get "[pid N] " prefixes,
// buffers are shown up to StringLimit bytes, exits are reported as
// "+++ exited with N +++" or "+++ killed by SIGNAME +++". A line is
// printed when its call returns (strace's "<unfinished ...>" and
// "resumed" pairs never appear), and signal deliveries are not shown.
// Go cages pass structures as Go values, not memory, so where strace
// prints an address for a structure the tracer shows the Go value's.
type Tracer struct {
	opt TraceOptions

	mu      sync.Mutex // guards everything below, and the writes to Output
	buf     []byte
	scratch []byte
	alive   map[int]bool
	stats   map[int]*callStats
}

// callStats are the summary's counts for one call.
type callStats struct {
	calls, errors int
	time          time.Duration
}

// NewTracer returns a tracer configured by opt.
func NewTracer(opt TraceOptions) *Tracer {
	if !opt.Calls && !opt.Summary {
		opt.Calls = true
	}
	if opt.StringLimit <= 0 {
		opt.StringLimit = 32
	}
	return &Tracer{opt: opt, alive: map[int]bool{}, stats: map[int]*callStats{}}
}

// Watcher implements Watching: the tracer follows forks and reports
// exits.
func (t *Tracer) Watcher() *cages.Watcher {
	return &cages.Watcher{
		Fork: func(parent, child int) {
			t.mu.Lock()
			t.alive[parent] = true
			t.alive[child] = true
			t.mu.Unlock()
		},
		Exit: func(pid int, st posix.WaitStatus) {
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.opt.Calls {
				b := t.prefix(t.buf[:0], pid)
				switch {
				case st.Signaled():
					b = append(b, "+++ killed by "...)
					b = append(b, posix.SignalName(st.Signal())...)
					if st.CoreDump() {
						b = append(b, " (core dumped)"...)
					}
					b = append(b, " +++\n"...)
				default:
					b = append(b, "+++ exited with "...)
					b = strconv.AppendInt(b, int64(st.ExitStatus()), 10)
					b = append(b, " +++\n"...)
				}
				t.opt.Output.Write(b)
				t.buf = b
			}
			delete(t.alive, pid)
		},
	}
}

// Handle implements Layer.
func (t *Tracer) Handle(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	if !t.opt.Filter.Has(c.Num) {
		return g.Forward(c)
	}
	if c.Num == posix.SYS_EXIT || c.Num == posix.SYS_EXIT_GROUP || !t.opt.Calls {
		if c.Num == posix.SYS_EXIT || c.Num == posix.SYS_EXIT_GROUP {
			t.line(g, c, 0, 0, true)
			t.count(c.Num, 0, 0)
			return g.Forward(c)
		}
		start := time.Now()
		r, err := g.Forward(c)
		t.count(c.Num, err, time.Since(start))
		return r, err
	}
	var start time.Time
	if t.opt.Summary {
		start = time.Now()
	}
	r, err := g.Forward(c)
	if t.opt.Summary {
		t.count(c.Num, err, time.Since(start))
	}
	t.line(g, c, r, err, false)
	return r, err
}

// count adds a call to the summary.
func (t *Tracer) count(num int, err posix.Errno, d time.Duration) {
	if !t.opt.Summary {
		return
	}
	t.mu.Lock()
	s := t.stats[num]
	if s == nil {
		s = &callStats{}
		t.stats[num] = s
	}
	s.calls++
	if err != 0 {
		s.errors++
	}
	s.time += d
	t.mu.Unlock()
}

// Finish implements Finishing: it prints the summary, if asked for.
func (t *Tracer) Finish() error {
	if !t.opt.Summary {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := io.WriteString(t.opt.Output, t.summaryLocked())
	return err
}

// summaryLocked formats strace -c's table.
func (t *Tracer) summaryLocked() string {
	type row struct {
		name string
		s    callStats
	}
	var rows []row
	var total callStats
	for num, s := range t.stats {
		rows = append(rows, row{posix.SyscallName(num), *s})
		total.calls += s.calls
		total.errors += s.errors
		total.time += s.time
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].s.time != rows[j].s.time {
			return rows[i].s.time > rows[j].s.time
		}
		return rows[i].name < rows[j].name
	})
	var b strings.Builder
	b.WriteString("% time     seconds  usecs/call     calls    errors syscall\n")
	b.WriteString("------ ----------- ----------- --------- --------- ----------------\n")
	line := func(name string, s callStats) {
		pct := 0.0
		if total.time > 0 {
			pct = 100 * float64(s.time) / float64(total.time)
		}
		errs := ""
		if s.errors > 0 {
			errs = strconv.Itoa(s.errors)
		}
		per := int64(0)
		if s.calls > 0 {
			per = s.time.Microseconds() / int64(s.calls)
		}
		fmt.Fprintf(&b, "%6.2f %11.6f %11d %9d %9s %s\n", pct, s.time.Seconds(), per, s.calls, errs, name)
	}
	for _, r := range rows {
		line(r.name, r.s)
	}
	b.WriteString("------ ----------- ----------- --------- --------- ----------------\n")
	if total.time > 0 {
		line("total", total)
	} else {
		line("total", callStats{calls: total.calls, errors: total.errors})
	}
	return b.String()
}

// prefix appends the pid prefix of a line of pid's.
//
// Preconditions: t.mu is held.
func (t *Tracer) prefix(b []byte, pid int) []byte {
	if t.opt.File {
		s := strconv.Itoa(pid)
		b = append(b, s...)
		for i := len(s); i < 5; i++ {
			b = append(b, ' ')
		}
		return append(b, ' ')
	}
	if len(t.alive) > 1 {
		s := strconv.Itoa(pid)
		b = append(b, "[pid "...)
		for i := len(s); i < 5; i++ {
			b = append(b, ' ')
		}
		b = append(b, s...)
		b = append(b, "] "...)
	}
	return b
}

// line prints one call.
func (t *Tracer) line(g *threei.Grate, c *threei.Call, r int64, err posix.Errno, noReturn bool) {
	if !t.opt.Calls {
		return
	}
	pid := 0
	if c.Caller != nil {
		pid = c.Caller.CageID()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.alive[pid] {
		t.alive[pid] = true
	}
	b := t.prefix(t.buf[:0], pid)
	f := formatter{g: g, c: c, r: r, err: err, limit: t.opt.StringLimit, b: b, scratch: &t.scratch}
	f.call()
	b = f.b
	// strace aligns " = " at column 40 of the line.
	for len(b) < 39 {
		b = append(b, ' ')
	}
	b = append(b, " = "...)
	if noReturn {
		b = append(b, '?')
	} else {
		b = f.result(b)
	}
	b = append(b, '\n')
	t.opt.Output.Write(b)
	t.buf = b
}

// formatter formats one call's arguments and result.
type formatter struct {
	g     *threei.Grate
	c     *threei.Call
	r     int64
	err   posix.Errno
	limit int
	b     []byte
	sys   threei.Syscall
	// scratch is the tracer's copy buffer (used under its lock).
	scratch *[]byte
}

func (f *formatter) ok() bool { return f.err == 0 }

// call appends "name(args)".
func (f *formatter) call() {
	sys, known := cages.Syscall(f.c.Num)
	f.sys = sys
	if !known {
		f.b = append(f.b, posix.SyscallName(f.c.Num)...)
		f.b = append(f.b, '(')
		for i := 0; i < 3; i++ {
			if i > 0 {
				f.b = append(f.b, ", "...)
			}
			f.b = appendHex(f.b, f.c.Args[i].Val)
		}
		f.b = append(f.b, ')')
		return
	}
	f.b = append(f.b, sys.Name...)
	f.b = append(f.b, '(')
	n := 0
	for i, a := range sys.Args {
		if a.Kind == threei.KindFunc {
			continue
		}
		if f.skip(i) {
			continue
		}
		if n > 0 {
			f.b = append(f.b, ", "...)
		}
		n++
		f.arg(i, a)
	}
	f.b = append(f.b, ')')
}

// skip reports whether strace leaves argument i out: open's mode when the
// flags create nothing.
func (f *formatter) skip(i int) bool {
	switch f.c.Num {
	case posix.SYS_OPEN:
		return i == 2 && f.c.Args[1].Val&(posix.O_CREAT|posix.O_TMPFILE&^posix.O_DIRECTORY) == 0
	case posix.SYS_OPENAT:
		return i == 3 && f.c.Args[2].Val&(posix.O_CREAT|posix.O_TMPFILE&^posix.O_DIRECTORY) == 0
	case posix.SYS_FCNTL:
		// The commands that take no argument show none.
		switch f.c.Args[1].Int32() {
		case posix.F_GETFD, posix.F_GETFL, posix.F_GETOWN, posix.F_GETSIG, posix.F_GETLEASE, posix.F_GETPIPE_SZ, posix.F_GET_SEALS:
			return i == 2
		}
	}
	return false
}

// arg appends argument i.
func (f *formatter) arg(i int, spec threei.ArgSpec) {
	a := &f.c.Args[i]
	num := f.c.Num
	switch spec.Kind {
	case threei.KindFd:
		if a.Int32() == posix.AT_FDCWD && strings.Contains(spec.Name, "dirfd") {
			f.b = append(f.b, "AT_FDCWD"...)
			return
		}
		f.b = strconv.AppendInt(f.b, int64(a.Int32()), 10)
	case threei.KindInt:
		f.intArg(num, i, spec, a)
	case threei.KindFlags:
		f.flagsArg(num, spec, a)
	case threei.KindMode:
		f.b = appendOctal(f.b, a.Val&0o7777)
	case threei.KindSize:
		f.b = strconv.AppendUint(f.b, a.Val, 10)
	case threei.KindOffset, threei.KindPid:
		f.b = strconv.AppendInt(f.b, int64(a.Val), 10)
	case threei.KindSignal:
		f.b = appendSignal(f.b, a.Int32())
	case threei.KindPath, threei.KindString:
		if a.Buf == nil && a.Ptr == nil {
			f.b = append(f.b, "NULL"...)
			return
		}
		var tmp [256]byte
		raw, more, err := f.g.AppendString(tmp[:0], f.c, i, 4096)
		if err != 0 {
			f.b = appendAddr(f.b, threei.Addr(a))
			return
		}
		f.b = appendQuoted(f.b, raw)
		if more {
			f.b = append(f.b, "..."...)
		}
	case threei.KindInBuf:
		f.buffer(i, a, int(a.Val))
	case threei.KindOutBuf:
		if !f.ok() {
			f.b = appendAddr(f.b, threei.Addr(a))
			return
		}
		switch num {
		case posix.SYS_GETDENTS64:
			f.b = appendAddr(f.b, threei.Addr(a))
			f.b = append(f.b, " /* "...)
			f.b = strconv.AppendInt(f.b, int64(countDirents(a.Buf, int(f.r))), 10)
			f.b = append(f.b, " entries */"...)
		case posix.SYS_GETCWD:
			f.b = f.quoted(i, int(f.r)-1, 4096)
		case posix.SYS_READLINK, posix.SYS_READLINKAT:
			f.b = f.quoted(i, int(f.r), 4096)
		default:
			f.buffer(i, a, int(f.r))
		}
	default:
		f.structArg(i, spec, a)
	}
}

// quoted appends up to n bytes of argument i, quoted, abbreviated at max.
func (f *formatter) quoted(i, n, max int) []byte {
	if n < 0 {
		n = 0
	}
	show := n
	if show > max {
		show = max
	}
	show = min(show, len(f.c.Args[i].Buf))
	if cap(*f.scratch) < show {
		*f.scratch = make([]byte, show)
	}
	tmp := (*f.scratch)[:show]
	got, err := f.g.CopyIn(f.c, i, 0, tmp)
	if err != 0 {
		return appendAddr(f.b, threei.Addr(&f.c.Args[i]))
	}
	b := appendQuoted(f.b, tmp[:got])
	if n > max {
		b = append(b, "..."...)
	}
	return b
}

// buffer appends a data buffer of n bytes, as strace -s abbreviates it.
func (f *formatter) buffer(i int, a *threei.Arg, n int) {
	if a.Buf == nil {
		if n == 0 {
			f.b = append(f.b, `""`...)
			return
		}
		f.b = append(f.b, "NULL"...)
		return
	}
	f.b = f.quoted(i, n, f.limit)
}

// result appends the call's result.
func (f *formatter) result(b []byte) []byte {
	if f.err != 0 {
		b = append(b, "-1 "...)
		b = append(b, f.err.Name()...)
		b = append(b, " ("...)
		b = append(b, f.err.Error()...)
		return append(b, ')')
	}
	switch f.c.Num {
	case posix.SYS_UMASK:
		return appendOctal(b, uint64(f.r))
	case posix.SYS_FCNTL:
		switch f.c.Args[1].Int32() {
		case posix.F_GETFL:
			b = appendHex(b, uint64(f.r))
			b = append(b, " (flags "...)
			b = appendOpenFlags(b, uint64(f.r))
			return append(b, ')')
		case posix.F_GETFD:
			b = appendHex(b, uint64(f.r))
			if f.r&posix.FD_CLOEXEC != 0 {
				b = append(b, " (flags FD_CLOEXEC)"...)
			}
			return b
		}
	case posix.SYS_POLL:
		b = strconv.AppendInt(b, f.r, 10)
		if f.r == 0 {
			return append(b, " (Timeout)"...)
		}
		if fds, ok := f.value(0).([]posix.PollFd); ok {
			b = append(b, " (["...)
			n := 0
			for _, p := range fds {
				if p.Revents == 0 {
					continue
				}
				if n > 0 {
					b = append(b, ", "...)
				}
				n++
				b = append(b, "{fd="...)
				b = strconv.AppendInt(b, int64(p.Fd), 10)
				b = append(b, ", revents="...)
				b = appendBits(b, uint64(uint16(p.Revents)), pollBits)
				b = append(b, '}')
			}
			b = append(b, "])"...)
		}
		return b
	}
	return strconv.AppendInt(b, f.r, 10)
}

// value returns argument i's Go value, or nil without the right to it.
func (f *formatter) value(i int) any {
	v, err := f.g.Value(f.c, i)
	if err != 0 {
		return nil
	}
	return v
}

// intArg appends a plain int argument, by name where strace names it.
func (f *formatter) intArg(num, i int, spec threei.ArgSpec, a *threei.Arg) {
	v := a.Int32()
	switch {
	case num == posix.SYS_FCNTL && i == 1:
		if s, ok := fcntlCmds[v]; ok {
			f.b = append(f.b, s...)
			return
		}
	case num == posix.SYS_FCNTL && i == 2:
		switch f.c.Args[1].Int32() {
		case posix.F_SETFL:
			f.b = appendOpenFlags(f.b, a.Val)
			return
		case posix.F_SETFD:
			if v == posix.FD_CLOEXEC {
				f.b = append(f.b, "FD_CLOEXEC"...)
				return
			}
		}
	case num == posix.SYS_LSEEK && spec.Name == "whence":
		if v >= 0 && v < len(whences) {
			f.b = append(f.b, whences[v]...)
			return
		}
	case num == posix.SYS_IOCTL && i == 1:
		if s, ok := ioctls[uint32(a.Val)]; ok {
			f.b = append(f.b, s...)
			return
		}
		f.b = appendHex(f.b, uint64(uint32(a.Val)))
		return
	case spec.Name == "mode" && (num == posix.SYS_ACCESS || num == posix.SYS_FACCESSAT || num == posix.SYS_FACCESSAT2):
		if v == 0 {
			f.b = append(f.b, "F_OK"...)
			return
		}
		f.b = appendBits(f.b, uint64(v), accessBits)
		return
	case spec.Name == "clockid":
		if v >= 0 && v < len(clocks) {
			f.b = append(f.b, clocks[v]...)
			return
		}
	case spec.Name == "resource":
		if v >= 0 && v < len(rlimits) {
			f.b = append(f.b, rlimits[v]...)
			return
		}
	case num == posix.SYS_RT_SIGPROCMASK && i == 0:
		if v >= 0 && v < len(sigHows) {
			f.b = append(f.b, sigHows[v]...)
			return
		}
	}
	f.b = strconv.AppendInt(f.b, int64(v), 10)
}

// flagsArg appends a flags argument symbolically.
func (f *formatter) flagsArg(num int, spec threei.ArgSpec, a *threei.Arg) {
	switch num {
	case posix.SYS_OPEN, posix.SYS_OPENAT:
		f.b = appendOpenFlags(f.b, a.Val)
	case posix.SYS_PIPE2, posix.SYS_DUP3:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{posix.O_NONBLOCK, "O_NONBLOCK"}, {posix.O_CLOEXEC, "O_CLOEXEC"}})
	case posix.SYS_WAIT4:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{posix.WNOHANG, "WNOHANG"}, {posix.WUNTRACED, "WSTOPPED"}, {posix.WCONTINUED, "WCONTINUED"}})
	case posix.SYS_CLOSE_RANGE:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{posix.CLOSE_RANGE_UNSHARE, "CLOSE_RANGE_UNSHARE"}, {posix.CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC"}})
	case posix.SYS_UNLINKAT:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{posix.AT_REMOVEDIR, "AT_REMOVEDIR"}})
	case posix.SYS_RENAMEAT2:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}})
	case posix.SYS_FACCESSAT2:
		f.b = appendBitsOr0(f.b, a.Val, []flagName{{posix.AT_EACCESS, "AT_EACCESS"}, {posix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {posix.AT_EMPTY_PATH, "AT_EMPTY_PATH"}})
	default:
		f.b = appendBitsOr0(f.b, a.Val, atFlags)
	}
}

// structArg appends a structure argument from its Go value.
func (f *formatter) structArg(i int, spec threei.ArgSpec, a *threei.Arg) {
	v := f.value(i)
	if v == nil || reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil() {
		f.b = append(f.b, "NULL"...)
		return
	}
	out := spec.Kind == threei.KindStructOut
	if out && !f.ok() {
		f.b = appendAddr(f.b, addrOf(v))
		return
	}
	b := f.b
	switch x := v.(type) {
	case *posix.Stat:
		b = append(b, "{st_mode="...)
		b = appendMode(b, x.Mode)
		if t := x.Mode & posix.S_IFMT; t == posix.S_IFCHR || t == posix.S_IFBLK {
			b = append(b, ", st_rdev=makedev("...)
			b = appendHex(b, x.Rdev>>8&0xfff)
			b = append(b, ", "...)
			b = appendHex(b, x.Rdev&0xff)
			b = append(b, ')')
		} else {
			b = append(b, ", st_size="...)
			b = strconv.AppendInt(b, x.Size, 10)
		}
		b = append(b, ", ...}"...)
	case *[2]int32:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(x[0]), 10)
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(x[1]), 10)
		b = append(b, ']')
	case *posix.WaitStatus:
		if f.r <= 0 {
			b = appendAddr(b, addrOf(v))
			break
		}
		b = append(b, "[{"...)
		switch st := *x; {
		case st.Exited():
			b = append(b, "WIFEXITED(s) && WEXITSTATUS(s) == "...)
			b = strconv.AppendInt(b, int64(st.ExitStatus()), 10)
		case st.Signaled():
			b = append(b, "WIFSIGNALED(s) && WTERMSIG(s) == "...)
			b = append(b, posix.SignalName(st.Signal())...)
			if st.CoreDump() {
				b = append(b, " && WCOREDUMP(s)"...)
			}
		default:
			b = appendHex(b, uint64(st))
		}
		b = append(b, "}]"...)
	case *posix.Sigset:
		b = appendSigset(b, *x)
	case *posix.Timespec:
		b = appendTimespec(b, *x)
	case *[2]posix.Timespec:
		b = append(b, '[')
		b = appendTimespec(b, x[0])
		b = append(b, ", "...)
		b = appendTimespec(b, x[1])
		b = append(b, ']')
	case *posix.Rlimit:
		b = append(b, "{rlim_cur="...)
		b = appendRlim(b, x.Cur)
		b = append(b, ", rlim_max="...)
		b = appendRlim(b, x.Max)
		b = append(b, '}')
	case *posix.Utsname:
		b = append(b, "{sysname="...)
		b = strconv.AppendQuote(b, posix.UtsString(x.Sysname))
		b = append(b, ", nodename="...)
		b = strconv.AppendQuote(b, posix.UtsString(x.Nodename))
		b = append(b, ", ...}"...)
	case *cages.SigAction:
		b = append(b, "{sa_handler="...)
		switch {
		case x.Disposition == cages.SigIgnore:
			b = append(b, "SIG_IGN"...)
		case x.Disposition == cages.SigCatch && x.Run != nil:
			b = appendAddr(b, uintptr(x.Data)) // a WASM program's handler address
		case x.Disposition == cages.SigCatch && x.Handler != nil:
			b = appendAddr(b, reflect.ValueOf(x.Handler).Pointer())
		default:
			b = append(b, "SIG_DFL"...)
		}
		b = append(b, ", sa_mask="...)
		b = appendSigset(b, x.Mask)
		b = append(b, ", sa_flags="...)
		b = appendBitsOr0(b, uint64(x.Flags), saFlags)
		b = append(b, '}')
	case []posix.PollFd:
		b = append(b, '[')
		for j, p := range x {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = append(b, "{fd="...)
			b = strconv.AppendInt(b, int64(p.Fd), 10)
			b = append(b, ", events="...)
			b = appendBitsOr0(b, uint64(uint16(p.Events)), pollBits)
			b = append(b, '}')
		}
		b = append(b, ']')
	case [][]byte:
		b = f.iovec(b, x)
	case []string:
		if spec.Name == "envp" {
			b = appendAddr(b, addrOf(v))
			b = append(b, " /* "...)
			b = strconv.AppendInt(b, int64(len(x)), 10)
			b = append(b, " vars */"...)
			break
		}
		b = append(b, '[')
		for j, s := range x {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendQuotedString(b, s)
		}
		b = append(b, ']')
	case *int32:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(*x), 10)
		b = append(b, ']')
	default:
		b = appendAddr(b, addrOf(v))
	}
	f.b = b
}

// iovec appends readv's or writev's buffers.
func (f *formatter) iovec(b []byte, iov [][]byte) []byte {
	left := int(f.r)
	in := f.c.Num == posix.SYS_WRITEV
	b = append(b, '[')
	for j, v := range iov {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "{iov_base="...)
		n := len(v)
		if !in {
			n = min(n, max(left, 0))
			left -= n
		}
		if !in && !f.ok() {
			b = appendAddr(b, uintptr(unsafe.Pointer(unsafe.SliceData(v))))
		} else {
			show := min(n, f.limit)
			b = appendQuoted(b, v[:show])
			if n > show {
				b = append(b, "..."...)
			}
		}
		b = append(b, ", iov_len="...)
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// addrOf returns the address a Go value points at, for display.
func addrOf(v any) uintptr {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Func, reflect.Map, reflect.Chan:
		return rv.Pointer()
	}
	return 0
}

// countDirents counts the linux_dirent64 records in the first n bytes.
func countDirents(b []byte, n int) int {
	count := 0
	for off := 0; off+19 <= n && off+19 <= len(b); {
		reclen := int(b[off+16]) | int(b[off+17])<<8
		if reclen == 0 {
			break
		}
		count++
		off += reclen
	}
	return count
}
