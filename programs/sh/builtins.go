package sh

import (
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// builtinFunc is a builtin: it gets argv and returns the status.
type builtinFunc func(s *shell, argv []string) int

// specialBuiltins are POSIX's special builtins: found before functions,
// their assignments persist and their errors end a non-interactive shell.
var specialBuiltins map[string]builtinFunc

// builtins are the regular builtins.
var builtins map[string]builtinFunc

func init() {
	specialBuiltins = map[string]builtinFunc{
		":": bTrue, ".": bDot, "break": bBreak, "continue": bContinue, "eval": bEval,
		"exec": bExec, "exit": bExit, "export": bExport, "readonly": bReadonly,
		"return": bReturn, "set": bSet, "shift": bShift, "trap": bTrap, "unset": bUnset,
		"times": bTimes,
	}
	builtins = map[string]builtinFunc{
		"true": bTrue, "false": bFalse, "echo": bEcho, "printf": bPrintf, "test": bTest,
		"[": bTest, "cd": bCd, "pwd": bPwd, "read": bRead, "wait": bWait, "kill": bKill,
		"umask": bUmask, "command": bCommand, "type": bType, "local": bLocal,
		"getopts": bGetopts, "hash": bTrue, "ulimit": bUlimit, "alias": bTrue,
		"unalias": bTrue, "jobs": bJobs, "source": bDot,
	}
}

// keywords are the reserved words, for type and command -v.
var keywords = map[string]bool{
	"!": true, "{": true, "}": true, "case": true, "do": true, "done": true, "elif": true,
	"else": true, "esac": true, "fi": true, "for": true, "if": true, "in": true,
	"then": true, "until": true, "while": true,
}

// out writes to the builtin's stdout; a write error is reported as dash's
// "I/O error" and turned into status 1 by the caller.
func (s *shell) out(str string) bool {
	if err := s.writeAll(1, []byte(str)); err != nil {
		if s.builtinName != "" {
			s.errorf("%s: %s: I/O error", s.builtinName, s.builtinName)
		}
		return false
	}
	return true
}

func bTrue(*shell, []string) int  { return 0 }
func bFalse(*shell, []string) int { return 1 }

func bTimes(s *shell, _ []string) int {
	s.out("0m0.000000s 0m0.000000s\n0m0.000000s 0m0.000000s\n")
	return 0
}

func bJobs(s *shell, _ []string) int {
	s.reapJobs()
	return 0
}

// bEcho is dash's echo: -n as the first argument, backslash escapes always.
func bEcho(s *shell, argv []string) int {
	args := argv[1:]
	nl := true
	if len(args) > 0 && args[0] == "-n" {
		nl = false
		args = args[1:]
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if stop := writeEscapes(&b, a, true); stop {
			nl = false
			s.out(b.String())
			return 0
		}
	}
	if nl {
		b.WriteByte('\n')
	}
	if !s.out(b.String()) {
		return 1
	}
	return 0
}

// writeEscapes writes str with echo's backslash escapes interpreted
// (\0nnn octal for echo and %b); it reports \c.
func writeEscapes(b *strings.Builder, str string, echo bool) (stop bool) {
	for i := 0; i < len(str); i++ {
		c := str[i]
		if c != '\\' || i+1 >= len(str) {
			b.WriteByte(c)
			continue
		}
		i++
		switch str[i] {
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'c':
			return true
		case 'e':
			b.WriteByte(27)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '\\':
			b.WriteByte('\\')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			max := 3
			j := i
			if str[i] == '0' && echo {
				j++
			}
			v := 0
			k := 0
			for ; k < max && j < len(str) && str[j] >= '0' && str[j] <= '7'; k++ {
				v = v*8 + int(str[j]-'0')
				j++
			}
			if str[i] != '0' && !echo && k == 0 {
				b.WriteByte('\\')
				b.WriteByte(str[i])
				continue
			}
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(str[i])
		}
	}
	return false
}

func bCd(s *shell, argv []string) int {
	args := argv[1:]
	physical := false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, c := range args[0][1:] {
			switch c {
			case 'P':
				physical = true
			case 'L':
				physical = false
			default:
				s.errorf("cd: Illegal option -%c", c)
				return 2
			}
		}
		args = args[1:]
	}
	var dir string
	print := false
	switch {
	case len(args) == 0:
		dir = s.get("HOME")
		if dir == "" {
			return 0
		}
	case args[0] == "-":
		dir = s.get("OLDPWD")
		print = true
	default:
		dir = args[0]
	}
	target := dir
	if !strings.HasPrefix(dir, "/") && !strings.HasPrefix(dir, "./") && !strings.HasPrefix(dir, "../") && dir != "." && dir != ".." {
		if cdpath, ok := s.lookup("CDPATH"); ok && cdpath != "" {
			for _, p := range strings.Split(cdpath, ":") {
				c := p + "/" + dir
				if p == "" {
					c = dir
				}
				if st, err := s.p.Stat(c); err == nil && st.Mode&posix.S_IFMT == posix.S_IFDIR {
					target = c
					print = p != ""
					break
				}
			}
		}
	}
	logical := target
	if !physical {
		if !strings.HasPrefix(target, "/") {
			logical = s.get("PWD") + "/" + target
		}
		logical = cleanPath(logical)
	}
	if err := s.p.Chdir(logical); err != nil {
		if err2 := s.p.Chdir(target); err2 != nil {
			s.errorf("cd: can't cd to %s", dir)
			return 2
		}
		logical = ""
	}
	if physical || logical == "" {
		logical, _ = s.p.Getcwd()
	}
	old := s.get("PWD")
	s.assignChecked("OLDPWD", old)
	s.assignChecked("PWD", logical)
	if print {
		s.out(logical + "\n")
	}
	return 0
}

// cleanPath resolves . and .. textually in an absolute path.
func cleanPath(p string) string {
	var parts []string
	for _, c := range strings.Split(p, "/") {
		switch c {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, c)
		}
	}
	return "/" + strings.Join(parts, "/")
}

func bPwd(s *shell, argv []string) int {
	physical := len(argv) > 1 && argv[1] == "-P"
	pwd := s.get("PWD")
	if physical || pwd == "" || !s.samePlace(pwd, ".") {
		cwd, err := s.p.Getcwd()
		if err != nil {
			s.errorf("pwd: %s", err)
			return 2
		}
		pwd = cwd
	}
	if !s.out(pwd + "\n") {
		return 1
	}
	return 0
}

func bExit(s *shell, argv []string) int {
	status := s.status
	if len(argv) > 1 {
		n, err := strconv.Atoi(argv[1])
		if err != nil || n < 0 {
			s.errorf("exit: Illegal number: %s", argv[1])
			s.fatal(2)
			return 2
		}
		status = n & 0xff
	}
	s.exit(status)
	return status
}

func bReturn(s *shell, argv []string) int {
	status := s.status
	if len(argv) > 1 {
		n, err := strconv.Atoi(argv[1])
		if err != nil || n < 0 {
			s.errorf("return: Illegal number: %s", argv[1])
			s.fatal(2)
			return 2
		}
		status = n // dash keeps all of it in $?: return 300 gives 300
	}
	if len(s.frames) > 0 || s.dotDepth > 0 {
		s.returning = true
	}
	s.status = status
	return status
}

// loopCount parses break/continue's argument.
func (s *shell) loopCount(name string, argv []string) (int, bool) {
	n := 1
	if len(argv) > 1 {
		v, err := strconv.Atoi(argv[1])
		if err != nil || v <= 0 {
			s.errorf("%s: Illegal number: %s", name, argv[1])
			s.fatal(2)
			return 0, false
		}
		n = v
	}
	if n > s.loops {
		n = s.loops
	}
	return n, true
}

func bBreak(s *shell, argv []string) int {
	if n, ok := s.loopCount("break", argv); ok {
		s.brk = n
	}
	return 0
}

func bContinue(s *shell, argv []string) int {
	if n, ok := s.loopCount("continue", argv); ok {
		s.cont = n
	}
	return 0
}

func bEval(s *shell, argv []string) int {
	if len(argv) < 2 {
		return 0
	}
	s.evalString(strings.Join(argv[1:], " "), true)
	return s.status
}

// evalString runs src in the current shell (eval, trap actions).
func (s *shell) evalString(src string, isEval bool) {
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	line := s.lineno
	savedSrc, savedName := s.src, s.evalName
	s.src = src
	if isEval {
		s.evalName = "eval: "
	}
	ran := false
	p := newParser()
	for stmts, err := range p.InteractiveSeq(strings.NewReader(src)) {
		if err != nil {
			s.lineno = line
			s.syntaxError(err)
			s.src, s.evalName = savedSrc, savedName
			s.status = 2
			s.fatal(2)
			return
		}
		if p.Incomplete() || len(stmts) == 0 {
			continue
		}
		s.evalName = savedName
		ran = true
		s.execList(stmts, false)
		if isEval {
			s.evalName = "eval: "
		}
		if s.brk > 0 || s.cont > 0 || s.returning {
			break
		}
	}
	s.src, s.evalName = savedSrc, savedName
	s.lineno = line
	if !ran && isEval {
		s.status = 0
	}
}

func bDot(s *shell, argv []string) int {
	if len(argv) < 2 {
		return 0
	}
	name := argv[1]
	path := name
	if !strings.Contains(name, "/") {
		found := false
		dirs, ok := s.lookup("PATH")
		if !ok {
			dirs = defaultPath
		}
		for _, d := range strings.Split(dirs, ":") {
			if d == "" {
				d = "."
			}
			if st, err := s.p.Stat(d + "/" + name); err == nil && st.Mode&posix.S_IFMT == posix.S_IFREG {
				path, found = d+"/"+name, true
				break
			}
		}
		if !found {
			s.errorf("%s: %s: not found", argv[0], name)
			s.fatal(2)
			return 2
		}
	}
	data, err := s.readFile(path)
	if err != nil {
		s.errorf("%s: cannot open %s: %s", argv[0], name, errText(err, errOpen))
		s.fatal(2)
		return 2
	}
	oldArgs := s.args
	if len(argv) > 2 {
		s.args = append([]string(nil), argv[2:]...)
	}
	s.dotDepth++
	s.evalString(string(data), false)
	s.dotDepth--
	s.returning = false
	if len(argv) > 2 {
		s.args = oldArgs
	}
	return s.status
}

// readFile reads a whole file.
func (s *shell) readFile(path string) ([]byte, error) {
	fd, err := s.p.Open(path, posix.O_RDONLY|posix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	var data []byte
	buf := make([]byte, 8192)
	for {
		n, err := s.p.Read(fd, buf)
		if err == posix.EINTR {
			continue
		}
		if err != nil {
			s.p.Close(fd)
			return nil, err
		}
		if n == 0 {
			break
		}
		data = append(data, buf[:n]...)
	}
	s.p.Close(fd)
	return data, nil
}

func bExec(s *shell, argv []string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 0
	}
	// The builtin's own redirections are permanent for exec: drop the
	// saved copies so they are not undone.
	if n := len(s.redirStack); n > 0 {
		for _, sv := range s.redirStack[n-1] {
			if sv.copy >= 0 {
				s.p.Close(sv.copy)
			}
		}
		s.redirStack[n-1] = nil
	}
	status := s.execve(args, nil, "exec: ")
	s.fatal(status)
	return status
}

func bExport(s *shell, argv []string) int {
	return s.declare(argv, func(v *variable) { v.exported = true }, func(v *variable) bool { return v.exported }, "export")
}

func bReadonly(s *shell, argv []string) int {
	return s.declare(argv, func(v *variable) { v.readonly = true }, func(v *variable) bool { return v.readonly }, "readonly")
}

// declare implements export and readonly.
func (s *shell) declare(argv []string, mark func(*variable), has func(*variable) bool, name string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "-p" {
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		var b strings.Builder
		for _, k := range s.sortedVars() {
			v := s.vars[k]
			if !has(v) {
				continue
			}
			if v.set {
				b.WriteString(name + " " + k + "=" + shellQuote1(v.val) + "\n")
			} else {
				b.WriteString(name + " " + k + "\n")
			}
		}
		s.out(b.String())
		return 0
	}
	for _, a := range args {
		k, val, hasVal := strings.Cut(a, "=")
		if !syntax.ValidName(k) {
			s.errorf("%s: %s: bad variable name", name, k)
			s.fatal(2)
			return 2
		}
		if hasVal {
			if !s.assignChecked(k, val) {
				s.fatal(2)
				return 2
			}
		}
		v, ok := s.vars[k]
		if !ok {
			v = &variable{}
			s.vars[k] = v
		}
		mark(v)
	}
	return 0
}

// shellQuote1 always single-quotes, as dash's set/export output.
func shellQuote1(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'"'"'`) + "'"
}

func bUnset(s *shell, argv []string) int {
	funcs := false
	args := argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-f":
			funcs = true
		case "-v":
			funcs = false
		case "--":
		default:
			s.errorf("unset: Illegal option %s", args[0])
			return 2
		}
		args = args[1:]
	}
	for _, name := range args {
		if funcs {
			delete(s.funcs, name)
			continue
		}
		if v, ok := s.vars[name]; ok {
			if v.readonly {
				s.errorf("unset: %s: is read only", name)
				s.fatal(2)
				return 2
			}
			delete(s.vars, name)
		}
	}
	return 0
}

func bSet(s *shell, argv []string) int {
	args := argv[1:]
	if len(args) == 0 {
		var b strings.Builder
		for _, k := range s.sortedVars() {
			if v := s.vars[k]; v.set {
				b.WriteString(k + "=" + shellQuote1(v.val) + "\n")
			}
		}
		s.out(b.String())
		return 0
	}
	setArgs := false
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			setArgs = true
			break
		}
		if a == "-" {
			args = args[1:]
			setArgs = len(args) > 0
			break
		}
		if len(a) < 2 || a[0] != '-' && a[0] != '+' {
			break
		}
		on := a[0] == '-'
		args = args[1:]
		for i := 1; i < len(a); i++ {
			if a[i] == 'o' {
				if len(args) == 0 {
					s.printOpts(on)
					continue
				}
				if !s.setLongOpt(args[0], on) {
					s.errorf("set: Illegal option -o %s", args[0])
					s.fatal(2)
					return 2
				}
				args = args[1:]
				continue
			}
			if !s.setShortOpt(a[i], on) {
				s.errorf("set: Illegal option %c%c", a[0], a[i])
				s.fatal(2)
				return 2
			}
		}
	}
	if setArgs || len(args) > 0 {
		s.args = append([]string(nil), args...)
	}
	return 0
}

// printOpts lists the options, as set -o and set +o.
func (s *shell) printOpts(human bool) {
	var b strings.Builder
	if human {
		b.WriteString("Current option settings\n")
	}
	for _, o := range shortOpts {
		on := *o.ptr(s)
		if human {
			state := "off"
			if on {
				state = "on"
			}
			b.WriteString(sprintf("%-16s%s\n", o.name, state))
		} else {
			c := "+"
			if on {
				c = "-"
			}
			b.WriteString("set " + c + "o " + o.name + "\n")
		}
	}
	s.out(b.String())
}

func bShift(s *shell, argv []string) int {
	n := 1
	if len(argv) > 1 {
		v, err := strconv.Atoi(argv[1])
		if err != nil || v < 0 {
			s.errorf("shift: Illegal number: %s", argv[1])
			s.fatal(2)
			return 2
		}
		n = v
	}
	if n > len(s.args) {
		s.errorf("shift: can't shift that many")
		s.fatal(2)
		return 2
	}
	s.args = s.args[n:]
	return 0
}

func bLocal(s *shell, argv []string) int {
	if len(s.frames) == 0 {
		s.errorf("local: not in a function")
		s.fatal(2)
		return 2
	}
	f := s.frames[len(s.frames)-1]
	for _, a := range argv[1:] {
		k, val, hasVal := strings.Cut(a, "=")
		if k == "-" {
			continue
		}
		if !syntax.ValidName(k) {
			s.errorf("local: %s: bad variable name", k)
			return 2
		}
		if _, done := f.saved[k]; !done {
			if v, ok := s.vars[k]; ok {
				cp := *v
				f.saved[k] = &cp
			} else {
				f.saved[k] = nil
			}
		}
		if hasVal {
			if !s.assignChecked(k, val) {
				return 2
			}
		}
	}
	return 0
}

// signalNumber parses a signal name or number ("INT", "SIGINT", "2");
// EXIT is 0. It returns -1 if unknown.
func signalNumber(name string) int {
	return decodeSignal(name, 0)
}

// signalName returns a signal's name without SIG ("EXIT" for 0).
func signalName(sig int) string {
	return dashSignalName(sig)
}

func bTrap(s *shell, argv []string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	} else if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		s.errorf("trap: Illegal option %s", args[0][:2])
		s.fatal(2)
		return 2
	}
	if len(args) == 0 {
		sigs := make([]int, 0, len(s.traps))
		for sig := range s.traps {
			sigs = append(sigs, sig)
		}
		sort.Ints(sigs)
		var b strings.Builder
		for _, sig := range sigs {
			b.WriteString("trap -- " + shellQuote1(s.traps[sig]) + " " + signalName(sig) + "\n")
		}
		s.out(b.String())
		return 0
	}
	action := args[0]
	reset := action == "-"
	if _, err := strconv.Atoi(action); err == nil {
		reset = true
	} else {
		args = args[1:]
	}
	status := 0
	for _, name := range args {
		sig := signalNumber(name)
		if sig < 0 {
			// dash's trapcmd: no "sh: 1:" prefix, and it stops there.
			s.writeErr("trap: " + name + ": bad trap\n")
			return 1
		}
		if sig == posix.SIGKILL || sig == posix.SIGSTOP {
			if !reset {
				continue
			}
		}
		switch {
		case reset:
			delete(s.traps, sig)
			if sig != 0 {
				s.p.Sigaction(sig, &cages.SigAction{}, nil)
			}
		case action == "":
			s.traps[sig] = ""
			if sig != 0 {
				s.p.Ignore(sig)
			}
		default:
			s.traps[sig] = action
			if sig != 0 {
				s.p.Sigaction(sig, &cages.SigAction{Disposition: cages.SigCatch, Handler: s.onSignal}, nil)
			}
		}
	}
	return status
}

// onSignal is the handler of trapped signals: it notes the signal; the
// trap runs at the next safe point.
func (s *shell) onSignal(sig int) {
	if !s.pending[sig] {
		s.pending[sig] = true
		s.npend++
	}
}

// runPendingTraps runs the actions of signals caught since the last call.
func (s *shell) runPendingTraps() {
	if s.npend == 0 || s.inTrap {
		return
	}
	s.inTrap = true
	for sig := 1; sig < posix.NSIG; sig++ {
		if !s.pending[sig] {
			continue
		}
		s.pending[sig] = false
		s.npend--
		act, ok := s.traps[sig]
		if !ok || act == "" {
			continue
		}
		status := s.status
		s.evalString(act, false)
		if !s.returning {
			s.status = status
		}
	}
	s.inTrap = false
}

func bWait(s *shell, argv []string) int {
	if len(argv) == 1 {
		for _, j := range s.jobs {
			if j.done {
				continue
			}
			for {
				pid, st, err := s.p.Wait4(j.pid, 0)
				if err == posix.EINTR {
					if sig := s.pendingSignal(); sig > 0 {
						return 128 + sig
					}
					continue
				}
				if err == nil && pid == j.pid {
					j.done, j.status = true, s.statusOf(st, false)
				} else {
					j.done, j.status = true, 127
				}
				break
			}
		}
		s.jobs = nil
		return 0
	}
	status := 0
	for _, a := range argv[1:] {
		pid, err := strconv.Atoi(a)
		if err != nil {
			s.errorf("wait: Illegal number: %s", a)
			return 2
		}
		var found *job
		for _, j := range s.jobs {
			if j.pid == pid {
				found = j
			}
		}
		if found == nil {
			status = 127
			continue
		}
		for !found.done {
			wp, st, err := s.p.Wait4(pid, 0)
			if err == posix.EINTR {
				if sig := s.pendingSignal(); sig > 0 {
					return 128 + sig
				}
				continue
			}
			if err == nil && wp == pid {
				// dash's dowait for this job reports its signal.
				found.done, found.status = true, s.statusOf(st, true)
			} else {
				found.done, found.status = true, 127
			}
		}
		status = found.status
	}
	return status
}

// pendingSignal returns a caught signal not yet handled, or 0.
func (s *shell) pendingSignal() int {
	for sig := 1; sig < posix.NSIG; sig++ {
		if s.pending[sig] {
			return sig
		}
	}
	return 0
}

func bKill(s *shell, argv []string) int {
	args := argv[1:]
	sig := posix.SIGTERM
	if len(args) == 0 {
		s.errorf("kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]")
		return 2
	}
	if args[0] == "-l" || args[0] == "-L" {
		if len(args) > 1 {
			if len(args[1]) > 1 && args[1][0] == '-' {
				s.errorf("kill: Illegal option %s", args[1][:2])
				return 2
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || args[1][0] == '+' || args[1][0] == '-' {
				// dash's number(): only digits.
				s.errorf("kill: Illegal number: %s", args[1])
				return 2
			}
			if n > 128 {
				n -= 128
			}
			if n <= 0 || n >= posix.NSIG {
				s.errorf("kill: invalid signal number or exit status: %s", args[1])
				return 2
			}
			s.out(signalName(n) + "\n")
			return 0
		}
		var b strings.Builder
		b.WriteString("0\n")
		for i := 1; i < posix.NSIG; i++ {
			b.WriteString(signalName(i) + "\n")
		}
		s.out(b.String())
		return 0
	}
	switch {
	case args[0] == "-s":
		if len(args) < 2 {
			s.errorf("kill: No arg for -s option")
			return 2
		}
		sig = decodeSignal(args[1], 1)
		if sig < 0 {
			s.errorf("kill: invalid signal number or name: %s", args[1])
			return 2
		}
		args = args[2:]
	case strings.HasPrefix(args[0], "-") && args[0] != "--" && len(args[0]) > 1:
		sig = decodeSignal(args[0][1:], 1)
		if sig < 0 {
			s.errorf("kill: Illegal option %s", args[0][:2])
			return 2
		}
		args = args[1:]
	case args[0] == "--":
		args = args[1:]
	}
	if len(args) == 0 {
		s.errorf("kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]")
		return 2
	}
	status := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			s.errorf("kill: Illegal number: %s", a)
			status = 2
			continue
		}
		if err := s.p.Kill(pid, sig); err != nil {
			msg := "No such process"
			if err == posix.EPERM {
				msg = "Operation not permitted"
			}
			s.errorf("kill: %s\n", msg)
			status = 1
		}
	}
	return status
}

func bUmask(s *shell, argv []string) int {
	args := argv[1:]
	symbolic := false
	if len(args) > 0 && args[0] == "-S" {
		symbolic = true
		args = args[1:]
	}
	if len(args) == 0 {
		m := s.p.Umask(0)
		s.p.Umask(m)
		if symbolic {
			perm := func(bits int) string {
				r := ""
				if bits&4 == 0 {
					r += "r"
				}
				if bits&2 == 0 {
					r += "w"
				}
				if bits&1 == 0 {
					r += "x"
				}
				return r
			}
			s.out("u=" + perm(m>>6) + ",g=" + perm(m>>3) + ",o=" + perm(m) + "\n")
		} else {
			s.out(sprintf("%04o\n", m))
		}
		return 0
	}
	n, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		s.errorf("umask: Illegal number: %s", args[0])
		return 2
	}
	s.p.Umask(int(n) & 0o777)
	return 0
}

// cmdKind says what name runs as, for command -v and type.
func (s *shell) cmdKind(name string) (kind, path string) {
	switch {
	case keywords[name]:
		return "keyword", ""
	case s.funcs[name] != nil:
		return "function", ""
	case specialBuiltins[name] != nil:
		return "special", ""
	case builtins[name] != nil:
		return "builtin", ""
	}
	p, err := s.lookPath(name)
	if err != nil {
		return "", ""
	}
	if strings.Contains(name, "/") {
		if _, err := s.p.Stat(name); err != nil {
			return "", ""
		}
	}
	return "file", p
}

func bCommand(s *shell, argv []string) int {
	args := argv[1:]
	verbose := 0
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, c := range args[0][1:] {
			switch c {
			case 'v':
				verbose = 1
			case 'V':
				verbose = 2
			case 'p':
			default:
				s.errorf("command: Illegal option -%c", c)
				return 2
			}
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return 0
	}
	if verbose == 2 {
		return bType(s, append([]string{"type"}, args...))
	}
	if verbose == 1 {
		kind, path := s.cmdKind(args[0])
		switch kind {
		case "":
			return 127
		case "file":
			s.out(path + "\n")
		default:
			s.out(args[0] + "\n")
		}
		return 0
	}
	name := args[0]
	if b, ok := specialBuiltins[name]; ok {
		return b(s, args)
	}
	if b, ok := builtins[name]; ok {
		return b(s, args)
	}
	pid, err := s.fork(0, func(c *shell) int { return c.execve(args, nil, "") })
	if err != nil {
		return 2
	}
	return s.waitFg(pid)
}

func bType(s *shell, argv []string) int {
	status := 0
	for _, name := range argv[1:] {
		kind, path := s.cmdKind(name)
		switch kind {
		case "keyword":
			s.out(name + " is a shell keyword\n")
		case "function":
			s.out(name + " is a shell function\n")
		case "special":
			s.out(name + " is a special shell builtin\n")
		case "builtin":
			s.out(name + " is a shell builtin\n")
		case "file":
			s.out(name + " is " + path + "\n")
		default:
			s.out(name + ": not found\n")
			status = 127
		}
	}
	return status
}

func bGetopts(s *shell, argv []string) int {
	if len(argv) < 3 {
		s.errorf("getopts: Usage: getopts optstring var [arg...]")
		return 2
	}
	optstring, name := argv[1], argv[2]
	args := s.args
	if len(argv) > 3 {
		args = argv[3:]
	}
	optind, _ := strconv.Atoi(s.get("OPTIND"))
	if optind < 1 {
		optind = 1
	}
	sub := s.optpos
	if s.optindSeen != optind {
		sub = 0
	}
	silent := strings.HasPrefix(optstring, ":")
	done := func() int {
		s.assignChecked(name, "?")
		s.assignChecked("OPTIND", strconv.Itoa(optind))
		s.optpos, s.optindSeen = 0, optind
		return 1
	}
	if optind > len(args) {
		return done()
	}
	arg := args[optind-1]
	if sub == 0 {
		if arg == "--" {
			optind++
			return done()
		}
		if len(arg) < 2 || arg[0] != '-' {
			return done()
		}
		sub = 1
	}
	c := arg[sub]
	sub++
	next := func() {
		if sub >= len(arg) {
			optind++
			sub = 0
		}
	}
	i := strings.IndexByte(optstring, c)
	if i < 0 || c == ':' {
		next()
		if silent {
			s.assignChecked("OPTARG", string(c))
		} else {
			s.writeErr("Illegal option -" + string(c) + "\n")
			delete(s.vars, "OPTARG")
		}
		s.assignChecked(name, "?")
	} else if i+1 < len(optstring) && optstring[i+1] == ':' {
		if sub < len(arg) {
			s.assignChecked("OPTARG", arg[sub:])
			optind++
			sub = 0
		} else if optind < len(args) {
			s.assignChecked("OPTARG", args[optind])
			optind += 2
			sub = 0
		} else {
			optind++
			sub = 0
			if silent {
				s.assignChecked("OPTARG", string(c))
				s.assignChecked(name, ":")
			} else {
				s.writeErr("No arg for -" + string(c) + " option\n")
				delete(s.vars, "OPTARG")
				s.assignChecked(name, "?")
			}
			s.assignChecked("OPTIND", strconv.Itoa(optind))
			s.optpos, s.optindSeen = sub, optind
			return 0
		}
		s.assignChecked(name, string(c))
	} else {
		next()
		delete(s.vars, "OPTARG")
		s.assignChecked(name, string(c))
	}
	s.assignChecked("OPTIND", strconv.Itoa(optind))
	s.optpos, s.optindSeen = sub, optind
	return 0
}

func bRead(s *shell, argv []string) int {
	args := argv[1:]
	raw := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		opt := args[0]
		args = args[1:]
		for i := 1; i < len(opt); i++ {
			switch opt[i] {
			case 'r':
				raw = true
			case 'p':
				if len(args) > 0 {
					s.writeErr(args[0])
					args = args[1:]
				}
			default:
				s.errorf("read: Illegal option -%c", opt[i])
				return 2
			}
		}
	}
	if len(args) == 0 {
		s.errorf("read: arg count")
		return 2
	}
	// Read byte by byte so as not to consume past the line.
	var line []byte
	var quoted []bool
	status := 0
	var b [1]byte
	for {
		n, err := s.p.Read(0, b[:])
		if err == posix.EINTR {
			if s.npend > 0 {
				return 128 + s.pendingSignal()
			}
			continue
		}
		if n <= 0 || err != nil {
			status = 1
			break
		}
		c := b[0]
		if c == '\n' {
			break
		}
		if c == '\\' && !raw {
			n, err := s.p.Read(0, b[:])
			if n <= 0 || err != nil {
				status = 1
				break
			}
			if b[0] == '\n' {
				continue
			}
			line = append(line, b[0])
			quoted = append(quoted, true)
			continue
		}
		line = append(line, c)
		quoted = append(quoted, false)
	}
	ifs, ok := s.lookup("IFS")
	if !ok {
		ifs = " \t\n"
	}
	vals := splitRead(line, quoted, ifs, len(args))
	for i, name := range args {
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		if !s.assignChecked(name, v) {
			return 2
		}
	}
	return status
}

// splitRead splits a line read by read into at most n fields; the last
// field takes the rest of the line, less trailing IFS white space.
func splitRead(line []byte, quoted []bool, ifs string, n int) []string {
	isIFS := func(i int) bool { return !quoted[i] && strings.IndexByte(ifs, line[i]) >= 0 }
	isWhite := func(i int) bool { return isIFS(i) && isIFSWhite(line[i]) }
	var out []string
	i := 0
	for i < len(line) && isWhite(i) {
		i++
	}
	for len(out) < n-1 && i < len(line) {
		start := i
		for i < len(line) && !isIFS(i) {
			i++
		}
		out = append(out, string(line[start:i]))
		for i < len(line) && isWhite(i) {
			i++
		}
		if i < len(line) && isIFS(i) {
			i++
			for i < len(line) && isWhite(i) {
				i++
			}
		}
	}
	if i < len(line) {
		end := len(line)
		for end > i && isWhite(end-1) {
			end--
		}
		out = append(out, string(line[i:end]))
	}
	return out
}
