// Package sh holds gocage's POSIX shell, a cage program: Main parses with
// mvdan.cc/sh/v3/syntax in POSIX mode and executes with its own executor,
// which does everything a shell does with the kernel through gocage system
// calls: each pipeline stage is a forked cage joined to the next by pipe and
// dup2, external commands are execve'd after a PATH search, redirections
// are open and dup2, command substitution reads from a pipe, and wait, $?
// and $! come from wait4. Its behaviour, exit statuses and error messages
// follow dash's.
//
// The shell's state (variables, functions, options, traps, positional
// parameters) lives in one Go struct per shell; a forked child gets a deep
// copy, so nothing it changes leaks into its parent.
//
// The package imports only cages, posix, programs (the file tests that
// test/[ shares with /bin/test), mvdan.cc/sh/v3/syntax and the standard
// library; never os: every effect goes through the cage.
package sh

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Main is the shell's cage program: sh [-euxf] [-o opt] (-c STRING [NAME
// [ARG...]] | FILE [ARG...] | -s [ARG...]). It returns the shell's exit
// status.
func Main(p *cages.Proc) int {
	s := newShell(p)
	return s.main(p.Args())
}

// exitPanic unwinds the Go stack to the shell's top level when the shell
// exits (exit, a fatal error in a non-interactive shell, set -e).
type exitPanic struct{ status int }

// abortPanic unwinds an interactive shell to its prompt after an error.
type abortPanic struct{ status int }

// options are the shell's set options.
type options struct {
	errexit, nounset, xtrace, pipefail, noglob, noclobber   bool
	allexport, verbose, noexec, monitor, interactive, stdin bool
	notify, ignoreeof, nolog, vi, emacs, debug              bool
}

// variable is one shell variable.
type variable struct {
	val      string
	set      bool // false: declared (export x, readonly x) without a value
	exported bool
	readonly bool
}

// job is a background process the shell has started.
type job struct {
	pid    int
	done   bool
	status int
}

// frame is one function call: its saved locals.
type frame struct {
	saved map[string]*variable // nil value: the variable did not exist
}

// shell is one shell's whole state. A forked child works on its own deep
// copy (clone).
type shell struct {
	p *cages.Proc

	arg0  string
	args  []string
	vars  map[string]*variable
	funcs map[string]*syntax.Stmt
	opt   options

	// traps maps a signal number (0: EXIT) to its action; "" ignores.
	traps   map[int]string
	pending [posix.NSIG]bool
	npend   int
	inTrap  bool

	status  int // $?
	lastBg  int // $!, 0 if none
	rootPid int // $$
	lineno  int
	jobs    []*job

	loops     int // loop nesting depth
	brk, cont int // pending break / continue levels
	returning bool
	frames    []*frame

	// noErrExit > 0 while set -e is suppressed (conditions, && || lists,
	// ! pipelines).
	noErrExit int
	// subshell is set in forked children.
	subshell bool
	// src is the text being run, for arithmetic error messages.
	src string
	// evalName prefixes syntax errors inside eval ("eval: ").
	evalName string
	// dotDepth counts the . scripts being run (return ends one).
	dotDepth int
	// optpos and optindSeen are getopts' place inside a word.
	optpos, optindSeen int
	// redirStack holds the saved fds of the builtins and functions
	// running, innermost last.
	redirStack [][]savedFd
	// parentTraps are the signals a forked child must reset to default.
	parentTraps []int
	// builtinName is the builtin running, for its I/O error message.
	builtinName string
	// substStatus is the status of the last command substitution of the
	// command being expanded (-1: none).
	substStatus int
}

// newShell returns a shell for p with the environment imported.
func newShell(p *cages.Proc) *shell {
	s := &shell{
		p:       p,
		vars:    map[string]*variable{},
		funcs:   map[string]*syntax.Stmt{},
		traps:   map[int]string{},
		rootPid: p.Getpid(),
		arg0:    "sh",
	}
	for _, kv := range p.Environ() {
		k, v, ok := strings.Cut(kv, "=")
		if ok && syntax.ValidName(k) {
			s.vars[k] = &variable{val: v, set: true, exported: true}
		}
	}
	if _, ok := s.vars["IFS"]; !ok {
		s.vars["IFS"] = &variable{val: " \t\n", set: true}
	}
	if _, ok := s.vars["PATH"]; !ok {
		// dash's default search path, not exported.
		s.vars["PATH"] = &variable{val: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", set: true}
	}
	for k, v := range map[string]string{"PS1": "$ ", "PS2": "> ", "PS4": "+ ", "OPTIND": "1"} {
		if _, ok := s.vars[k]; !ok {
			s.vars[k] = &variable{val: v, set: true}
		}
	}
	if k, ok := s.vars["PS1"]; ok && p.Geteuid() == 0 && !k.exported {
		k.val = "# "
	}
	s.vars["PPID"] = &variable{val: strconv.Itoa(p.Getppid()), set: true}
	if cwd, err := p.Getcwd(); err == nil {
		if v, ok := s.vars["PWD"]; !ok || !v.set || !s.samePlace(v.val, cwd) {
			s.vars["PWD"] = &variable{val: cwd, set: true, exported: ok && v.exported}
		}
	}
	return s
}

// samePlace reports whether paths a and b name the same directory.
func (s *shell) samePlace(a, b string) bool {
	if !strings.HasPrefix(a, "/") {
		return false
	}
	sa, e1 := s.p.Stat(a)
	sb, e2 := s.p.Stat(b)
	return e1 == nil && e2 == nil && sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

// clone returns a deep copy of s for a forked child. It runs in the
// parent, before the fork, so the copy is a snapshot; the child then
// calls attach.
func (s *shell) clone() *shell {
	c := *s
	c.p = nil
	c.args = append([]string(nil), s.args...)
	c.vars = make(map[string]*variable, len(s.vars))
	for k, v := range s.vars {
		nv := *v
		c.vars[k] = &nv
	}
	c.funcs = make(map[string]*syntax.Stmt, len(s.funcs))
	for k, v := range s.funcs {
		c.funcs[k] = v
	}
	c.traps = map[int]string{}
	c.parentTraps = nil
	for sig, act := range s.traps {
		if act == "" {
			c.traps[sig] = ""
		} else if sig != 0 {
			c.parentTraps = append(c.parentTraps, sig)
		}
	}
	if s.opt.interactive {
		// The interactive shell's own SIGINT handler and ignored SIGQUIT
		// and SIGTERM are not for its children.
		for _, sig := range []int{posix.SIGINT, posix.SIGQUIT, posix.SIGTERM} {
			if _, ok := s.traps[sig]; !ok {
				c.parentTraps = append(c.parentTraps, sig)
			}
		}
	}
	c.pending = [posix.NSIG]bool{}
	c.npend = 0
	c.jobs = nil
	c.frames = make([]*frame, len(s.frames))
	for i, f := range s.frames {
		nf := &frame{saved: make(map[string]*variable, len(f.saved))}
		for k, v := range f.saved {
			if v != nil {
				nv := *v
				v = &nv
			}
			nf.saved[k] = v
		}
		c.frames[i] = nf
	}
	c.subshell = true
	c.opt.interactive = false
	c.opt.monitor = false
	c.redirStack = nil
	return &c
}

// attach makes a clone the shell of the forked child p. Traps that are
// set are reset to the default (their handlers belong to the parent);
// ignored signals stay ignored, as in dash's subshells.
func (c *shell) attach(p *cages.Proc) {
	c.p = p
	for _, sig := range c.parentTraps {
		p.Sigaction(sig, &cages.SigAction{}, nil)
	}
	c.parentTraps = nil
}

// main parses the command line and runs the shell.
func (s *shell) main(argv []string) (status int) {
	if len(argv) > 0 {
		s.arg0 = argv[0]
	}
	interactiveFlag := false
	var cmd *string
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "--" || a == "-" {
			i++
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		on := a[0] == '-'
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'c':
				cmd = new(string)
			case 's':
				s.opt.stdin = true
			case 'i':
				interactiveFlag = on
			case 'o':
				i++
				if i >= len(argv) {
					s.errorf("-o: option requires an argument")
					return 2
				}
				if !s.setLongOpt(argv[i], on) {
					s.errorf("Illegal option -o %s", argv[i])
					return 2
				}
			default:
				if !s.setShortOpt(a[j], on) {
					s.errorf("Illegal option %c%c", a[0], a[j])
					return 2
				}
			}
		}
	}
	rest := argv[i:]
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitPanic)
			if !ok {
				panic(r)
			}
			status = s.runExitTrap(e.status)
		}
	}()
	switch {
	case cmd != nil:
		if len(rest) == 0 {
			s.errorf("-c requires an argument")
			return 2
		}
		*cmd = rest[0]
		if len(rest) > 1 {
			s.arg0 = rest[1]
			s.args = append([]string(nil), rest[2:]...)
		}
		s.runString(*cmd, true)
	case len(rest) > 0 && !s.opt.stdin:
		fd, err := s.p.Open(rest[0], posix.O_RDONLY|posix.O_CLOEXEC, 0)
		if err != nil {
			s.lineno = 0
			s.writeErr(s.arg0 + ": 0: cannot open " + rest[0] + ": " + errText(err, errOpen) + "\n")
			return 2
		}
		s.arg0 = rest[0]
		s.args = append([]string(nil), rest[1:]...)
		s.runReader(&fdReader{s: s, fd: fd}, false)
		s.p.Close(fd)
	default:
		s.args = append([]string(nil), rest...)
		s.opt.interactive = interactiveFlag || s.isTerminal(0) && s.isTerminal(2)
		s.opt.stdin = true
		if s.opt.interactive {
			s.interactiveLoop()
		} else {
			s.runReader(&fdReader{s: s, fd: 0}, false)
		}
	}
	return s.runExitTrap(s.status)
}

// isTerminal reports whether fd is a terminal (TCGETS succeeds).
func (s *shell) isTerminal(fd int) bool {
	var v int32
	return s.p.Ioctl(fd, posix.TCGETS, &v) == nil
}

// runExitTrap runs the EXIT trap, once, and returns the final status.
func (s *shell) runExitTrap(status int) (final int) {
	act, ok := s.traps[0]
	if !ok || act == "" {
		return status
	}
	delete(s.traps, 0)
	s.status = status
	final = status
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(exitPanic); ok {
				final = e.status
				return
			}
			panic(r)
		}
	}()
	s.evalString(act, false)
	return status
}

// exit unwinds to the top level with status.
func (s *shell) exit(status int) {
	panic(exitPanic{status})
}

// fatal ends a non-interactive shell with status after an error that
// POSIX says must end it; an interactive shell returns to its prompt.
func (s *shell) fatal(status int) {
	if s.opt.interactive {
		panic(abortPanic{status})
	}
	s.exit(status)
}

// fdReader reads from one fd of the shell's cage.
type fdReader struct {
	s  *shell
	fd int
}

func (r *fdReader) Read(b []byte) (int, error) {
	for {
		n, err := r.s.p.Read(r.fd, b)
		if err == posix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

// teeReader keeps what it reads, for arithmetic error texts.
type teeReader struct {
	r   io.Reader
	buf *strings.Builder
}

func (t teeReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	t.buf.Write(b[:n])
	return n, err
}

// newParser returns a POSIX-mode parser.
func newParser() *syntax.Parser {
	return syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
}

// runString runs a script held in a string (sh -c, eval, trap actions).
// When top is set, the last command may replace the shell (dash's exec of
// the last command).
func (s *shell) runString(src string, top bool) {
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	saved := s.src
	s.src = src
	defer func() { s.src = saved }()
	f, err := newParser().Parse(strings.NewReader(src), "")
	if err == nil {
		s.execList(f.Stmts, top && !s.hasTraps())
		return
	}
	s.runReader(strings.NewReader(src), true)
}

// runReader parses and runs r line by line, as dash does: each complete
// line runs before the next is parsed, and a syntax error stops the
// shell after the lines before it have run.
func (s *shell) runReader(r io.Reader, isString bool) {
	var text strings.Builder
	if !isString {
		r = teeReader{r, &text}
	}
	p := newParser()
	for stmts, err := range p.InteractiveSeq(r) {
		if err != nil {
			if !isString {
				s.src = text.String()
			}
			s.syntaxError(err)
			s.fatal(2)
			return
		}
		if p.Incomplete() || len(stmts) == 0 {
			continue
		}
		if !isString {
			s.src = text.String()
		}
		s.execList(stmts, false)
	}
}

// interactiveLoop reads commands from a terminal on fd 0 with a prompt.
func (s *shell) interactiveLoop() {
	s.opt.monitor = true
	for _, sig := range []int{posix.SIGINT, posix.SIGQUIT, posix.SIGTERM} {
		if _, ok := s.traps[sig]; !ok && sig != posix.SIGINT {
			s.p.Ignore(sig)
		}
	}
	s.p.Signal(posix.SIGINT, func(int) {})
	for {
		s.prompt("PS1")
		p := newParser()
		var text strings.Builder
		r := teeReader{&fdReader{s: s, fd: 0}, &text}
		failed := false
		for stmts, err := range p.InteractiveSeq(r) {
			if err != nil {
				s.syntaxError(err)
				s.status = 2
				failed = true
				break
			}
			if p.Incomplete() {
				s.prompt("PS2")
				continue
			}
			if len(stmts) == 0 {
				s.prompt("PS1")
				continue
			}
			s.src = text.String()
			s.runInteractive(stmts)
			s.prompt("PS1")
		}
		if !failed {
			s.p.Write(2, []byte("\n"))
			return
		}
	}
}

// runInteractive runs one line of an interactive shell, catching errors.
func (s *shell) runInteractive(stmts []*syntax.Stmt) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(abortPanic); ok {
				s.status = e.status
				s.loops, s.brk, s.cont, s.returning = 0, 0, 0, false
				s.noErrExit = 0
				return
			}
			panic(r)
		}
	}()
	s.execList(stmts, false)
}

// prompt writes the expanded prompt variable name to fd 2.
func (s *shell) prompt(name string) {
	v := s.get(name)
	if w, err := newParser().Document(strings.NewReader(v)); err == nil {
		v = s.expandString(w)
	}
	s.p.Write(2, []byte(v))
}

// hasTraps reports whether any trap action (not an ignore) is set.
func (s *shell) hasTraps() bool {
	for _, a := range s.traps {
		if a != "" {
			return true
		}
	}
	return false
}

// errorf writes "$0: LINENO: msg" to fd 2, as dash's sh_warnx.
func (s *shell) errorf(format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = sprintf(format, args...)
	}
	s.writeErr(s.arg0 + ": " + strconv.Itoa(s.line()) + ": " + msg + "\n")
}

// line returns the current line number for messages.
func (s *shell) line() int {
	if s.lineno < 1 {
		return 1
	}
	return s.lineno
}

// writeErr writes msg to fd 2.
func (s *shell) writeErr(msg string) {
	s.writeAll(2, []byte(msg))
}

// writeAll writes all of b to fd.
func (s *shell) writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := s.p.Write(fd, b)
		if err == posix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// error kinds for errText, as dash's errmsg actions.
const (
	errOpen = iota
	errCreate
	errExec
)

// errText returns dash's text for err in the context kind.
func errText(err error, kind int) string {
	var e posix.Errno
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e == posix.ENOENT {
		switch kind {
		case errOpen:
			return "No such file"
		case errCreate:
			return "Directory nonexistent"
		case errExec:
			return "not found"
		}
	}
	return e.Error()
}

// syntaxError reports a parse error in dash's words.
func (s *shell) syntaxError(err error) {
	var pe syntax.ParseError
	var le syntax.LangError
	msg := err.Error()
	line := 0
	switch {
	case errors.As(err, &pe):
		line = int(pe.Pos.Line())
		msg = dashSyntax(pe.Text, pe.Incomplete)
		if m, ok := s.arithSyntax(pe); ok {
			msg = m
		}
	case errors.As(err, &le):
		line = int(le.Pos.Line())
		msg = "Syntax error: word unexpected"
	}
	if line > 0 && s.evalName == "" {
		s.lineno = line
	}
	s.errorf("%s%s", s.evalName, msg)
}

// arithSyntax words a parse error inside $(( )) as dash's run-time
// arithmetic error.
func (s *shell) arithSyntax(pe syntax.ParseError) (string, bool) {
	var what string
	switch {
	case strings.Contains(pe.Text, "must be followed by an expression"):
		what = "expecting primary"
	case strings.Contains(pe.Text, "ternary operator missing"):
		what = "expecting ':'"
	default:
		return "", false
	}
	off := int(pe.Pos.Offset())
	if off > len(s.src) {
		return "", false
	}
	start := strings.LastIndex(s.src[:off], "$((")
	if start < 0 {
		return "", false
	}
	end := strings.Index(s.src[start:], "))")
	if end < 0 {
		return "", false
	}
	return "arithmetic expression: " + what + ": \"" + s.src[start+3:start+end] + "\"", true
}

// dashSyntax translates one of the parser's messages to dash's.
func dashSyntax(text string, incomplete bool) string {
	tok := func() string {
		i := strings.IndexByte(text, '`')
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(text[i+1:], '`')
		if j < 0 {
			return ""
		}
		return text[i+1 : i+1+j]
	}
	expect := map[string]string{
		"if": "then", "then": "fi", "elif": "then", "else": "fi", "while": "do",
		"until": "do", "do": "done", "{": "}", "(": ")", "$(": ")", "case": ")",
	}
	switch {
	case strings.HasPrefix(text, "reached EOF without closing quote"):
		return "Syntax error: Unterminated quoted string"
	case strings.HasPrefix(text, "reached EOF without matching `${`"):
		return "Syntax error: Missing '}'"
	case strings.Contains(text, "can only be used"):
		return "Syntax error: \"" + tok() + "\" unexpected"
	case strings.HasPrefix(text, "a command can only contain words and redirects; encountered"):
		return "Syntax error: \"" + tok() + "\" unexpected"
	case strings.Contains(text, "must be followed by a literal") && strings.HasPrefix(text, "`for`"):
		return "Syntax error: Bad for loop variable"
	case strings.Contains(text, "unclosed here-document"):
		return "Syntax error: end of file unexpected"
	case incomplete:
		var toks []string
		for rest := text; ; {
			a := strings.IndexByte(rest, '`')
			if a < 0 {
				break
			}
			b := strings.IndexByte(rest[a+1:], '`')
			if b < 0 {
				break
			}
			toks = append(toks, rest[a+1:a+1+b])
			rest = rest[a+2+b:]
		}
		want := ""
		switch {
		case strings.Contains(text, "statement must end with") && len(toks) == 2:
			want = toks[1]
			if toks[0] == "case" {
				want = ")"
			}
		case (strings.Contains(text, "must be followed by `") || strings.HasPrefix(text, "reached EOF without matching")) && len(toks) == 2:
			want = toks[1]
		case strings.Contains(text, "must be followed by a statement list") && len(toks) == 1:
			want = expect[toks[0]]
		}
		if want != "" {
			return "Syntax error: end of file unexpected (expecting \"" + want + "\")"
		}
		return "Syntax error: end of file unexpected"
	case strings.Contains(text, "must be followed by"):
		if t := tok(); t != "" && !strings.ContainsAny(t, " <") {
			return "Syntax error: \"" + t + "\" unexpected"
		}
	}
	return "Syntax error: " + text
}
