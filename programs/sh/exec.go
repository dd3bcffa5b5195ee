package sh

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// defaultPath is the PATH used when PATH is unset, as dash's.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// execList runs a list of statements; with tail set, the last may replace
// the shell's cage (the shell exits right after it anyway).
func (s *shell) execList(stmts []*syntax.Stmt, tail bool) int {
	for i, st := range stmts {
		s.execStmt(st, tail && i == len(stmts)-1)
		if s.brk > 0 || s.cont > 0 || s.returning {
			break
		}
	}
	return s.status
}

// execStmt runs one statement and returns its status (also left in $?).
func (s *shell) execStmt(st *syntax.Stmt, tail bool) int {
	if st.Pos().IsValid() {
		s.lineno = int(st.Pos().Line())
	}
	if st.Background {
		s.background(st)
		s.status = 0
		s.runPendingTraps()
		return 0
	}
	var status int
	if st.Negated {
		s.noErrExit++
		status = s.execCmd(st, false)
		s.noErrExit--
		if status == 0 {
			status = 1
		} else {
			status = 0
		}
	} else {
		status = s.execCmd(st, tail && !s.hasTraps())
	}
	s.status = status
	s.runPendingTraps()
	if status != 0 && s.opt.errexit && s.noErrExit == 0 && !st.Negated && errexitApplies(st) {
		s.exit(status)
	}
	return status
}

// errexitApplies reports whether set -e looks at st's own status: not for
// && and || lists (their parts are checked themselves) nor for compound
// commands whose last command was checked.
func errexitApplies(st *syntax.Stmt) bool {
	switch c := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		return c.Op == syntax.Pipe
	case *syntax.CallExpr, *syntax.Subshell, nil:
		return true
	}
	return false
}

// execCmd runs st's command with st's redirections.
func (s *shell) execCmd(st *syntax.Stmt, tail bool) int {
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		return s.execCall(c, st.Redirs, tail)
	case nil:
		return s.execCall(&syntax.CallExpr{}, st.Redirs, tail)
	case *syntax.Subshell:
		if tail && !s.hasTraps() {
			// The last command of a forked child (an asynchronous list,
			// a pipeline stage): the child is the subshell, as dash's
			// EV_EXIT, so $! is its pid and a signal sent to $! reaches
			// its traps.
			if _, ok := s.redirect(st.Redirs, false); !ok {
				return 2
			}
			st := s.execList(c.Stmts, true)
			s.exit(st)
			return st
		}
		return s.execSubshell(st.Redirs, c.Stmts)
	case *syntax.BinaryCmd:
		if len(st.Redirs) > 0 {
			return s.withRedirs(st.Redirs, func() int { return s.execBinary(c, false) })
		}
		return s.execBinary(c, tail)
	case *syntax.FuncDecl:
		s.funcs[c.Name.Value] = c.Body
		return 0
	}
	if len(st.Redirs) > 0 {
		return s.withRedirs(st.Redirs, func() int { return s.execCompound(st.Cmd, false) })
	}
	return s.execCompound(st.Cmd, tail)
}

// withRedirs runs fn with redirections applied, then undoes them.
func (s *shell) withRedirs(rs []*syntax.Redirect, fn func() int) int {
	saved, ok := s.redirect(rs, true)
	if !ok {
		return 2
	}
	status := fn()
	s.restore(saved)
	return status
}

// execCompound runs a compound command.
func (s *shell) execCompound(cmd syntax.Command, tail bool) int {
	switch c := cmd.(type) {
	case *syntax.Block:
		return s.execList(c.Stmts, tail)
	case *syntax.IfClause:
		for ; c != nil; c = c.Else {
			if len(c.Cond) == 0 { // else
				return s.execList(c.Then, tail)
			}
			s.noErrExit++
			s.execList(c.Cond, false)
			s.noErrExit--
			if s.brk > 0 || s.cont > 0 || s.returning {
				return s.status
			}
			if s.status == 0 {
				return s.execList(c.Then, tail)
			}
		}
		s.status = 0
		return 0
	case *syntax.WhileClause:
		return s.execWhile(c)
	case *syntax.ForClause:
		return s.execFor(c)
	case *syntax.CaseClause:
		return s.execCase(c, tail)
	}
	s.errorf("unsupported command")
	return 2
}

// loopControl handles break and continue at the end of a loop body; it
// reports whether the loop must stop.
func (s *shell) loopControl() bool {
	if s.returning {
		return true
	}
	if s.brk > 0 {
		s.brk--
		return true
	}
	if s.cont > 0 {
		s.cont--
		if s.cont > 0 {
			return true
		}
	}
	return false
}

func (s *shell) execWhile(c *syntax.WhileClause) int {
	status := 0
	s.loops++
	defer func() { s.loops-- }()
	for {
		s.noErrExit++
		s.execList(c.Cond, false)
		s.noErrExit--
		if s.brk > 0 || s.cont > 0 || s.returning {
			if s.loopControl() {
				break
			}
			continue
		}
		if (s.status == 0) == c.Until {
			break
		}
		status = s.execList(c.Do, false)
		if s.loopControl() {
			status = s.status
			break
		}
	}
	s.status = status
	return status
}

func (s *shell) execFor(c *syntax.ForClause) int {
	wi, ok := c.Loop.(*syntax.WordIter)
	if !ok {
		s.errorf("unsupported for loop")
		return 2
	}
	var items []string
	if wi.InPos.IsValid() {
		items = s.expandFields(wi.Items)
	} else {
		items = append([]string(nil), s.args...)
	}
	status := 0
	s.loops++
	defer func() { s.loops-- }()
	for _, it := range items {
		s.setVar(wi.Name.Value, it)
		status = s.execList(c.Do, false)
		if s.loopControl() {
			status = s.status
			break
		}
	}
	s.status = status
	return status
}

func (s *shell) execCase(c *syntax.CaseClause, tail bool) int {
	word := s.expandString(c.Word)
	for i, item := range c.Items {
		for _, pw := range item.Patterns {
			if match(s.expandPattern(pw), word, false) {
				status := s.execList(item.Stmts, tail)
				for item.Op == syntax.Fallthrough && i+1 < len(c.Items) && !(s.brk > 0 || s.cont > 0 || s.returning) {
					i++
					item = c.Items[i]
					status = s.execList(item.Stmts, tail)
				}
				if len(item.Stmts) == 0 {
					s.status = 0
					return 0
				}
				return status
			}
		}
	}
	s.status = 0
	return 0
}

// execBinary runs && || and pipelines.
func (s *shell) execBinary(c *syntax.BinaryCmd, tail bool) int {
	switch c.Op {
	case syntax.AndStmt, syntax.OrStmt:
		s.noErrExit++
		st := s.execStmt(c.X, false)
		s.noErrExit--
		if s.brk > 0 || s.cont > 0 || s.returning {
			return st
		}
		if (st == 0) == (c.Op == syntax.AndStmt) {
			return s.execStmt(c.Y, tail)
		}
		return st
	case syntax.Pipe:
		var stages []*syntax.Stmt
		var flatten func(st *syntax.Stmt)
		flatten = func(st *syntax.Stmt) {
			if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && b.Op == syntax.Pipe && !st.Negated && len(st.Redirs) == 0 && !st.Background {
				flatten(b.X)
				flatten(b.Y)
				return
			}
			stages = append(stages, st)
		}
		flatten(c.X)
		flatten(c.Y)
		return s.execPipeline(stages)
	}
	s.errorf("unsupported operator")
	return 2
}

// childMain runs fn as a forked child shell's whole life and returns its
// exit status, running its EXIT trap.
func (c *shell) childMain(fn func() int) (status int) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitPanic)
			if !ok {
				panic(r)
			}
			status = c.runExitTrap(e.status)
		}
	}()
	st := fn()
	return c.runExitTrap(st)
}

// fork forks a child cage that runs fn on a copy of the shell. The child
// joins process group pgid (0: a new group led by itself) when job control
// is on.
func (s *shell) fork(pgid int, fn func(c *shell) int) (int, error) {
	monitor := s.opt.monitor
	c := s.clone()
	pid, err := s.p.Fork(func(cp *cages.Proc) int {
		c.attach(cp)
		if monitor && pgid >= 0 {
			cp.Setpgid(0, pgid)
		}
		return c.childMain(func() int { return fn(c) })
	})
	if err != nil {
		s.errorf("Cannot fork")
		return -1, err
	}
	if monitor && pgid >= 0 {
		if pgid == 0 {
			pgid = pid
		}
		s.p.Setpgid(pid, pgid)
	}
	return pid, nil
}

// execSubshell runs stmts in a forked child with redirections rs.
func (s *shell) execSubshell(rs []*syntax.Redirect, stmts []*syntax.Stmt) int {
	pid, err := s.fork(0, func(c *shell) int {
		if _, ok := c.redirect(rs, false); !ok {
			return 2
		}
		return c.execList(stmts, true)
	})
	if err != nil {
		return 2
	}
	return s.waitFg(pid)
}

// background starts st as an asynchronous list.
func (s *shell) background(st *syntax.Stmt) {
	interactive := s.opt.monitor
	bg := *st
	bg.Background = false
	pid, err := s.fork(0, func(c *shell) int {
		if !interactive {
			c.p.Ignore(posix.SIGINT)
			c.p.Ignore(posix.SIGQUIT)
			if !redirectsStdin(st) {
				if fd, err := c.p.Open("/dev/null", posix.O_RDONLY, 0); err == nil && fd != 0 {
					c.p.Dup2(fd, 0)
					c.p.Close(fd)
				}
			}
		}
		return c.execStmt(&bg, true)
	})
	if err != nil {
		return
	}
	s.reapJobs()
	s.lastBg = pid
	s.jobs = append(s.jobs, &job{pid: pid})
}

// redirectsStdin reports whether st redirects fd 0 itself.
func redirectsStdin(st *syntax.Stmt) bool {
	for _, r := range st.Redirs {
		if r.N == nil && (r.Op == syntax.RdrIn || r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc || r.Op == syntax.RdrInOut || r.Op == syntax.DplIn) || r.N != nil && r.N.Value == "0" {
			return true
		}
	}
	return false
}

// reapJobs collects finished background jobs without blocking.
func (s *shell) reapJobs() {
	for _, j := range s.jobs {
		if j.done {
			continue
		}
		pid, st, err := s.p.Wait4(j.pid, posix.WNOHANG)
		if err == nil && pid == j.pid {
			j.done, j.status = true, s.statusOf(st, false)
		} else if err == posix.ECHILD {
			j.done, j.status = true, 127
		}
	}
}

// statusOf turns a wait status into $?; a foreground command killed by a
// signal other than SIGINT and SIGPIPE is reported on stderr, as dash.
func (s *shell) statusOf(st posix.WaitStatus, report bool) int {
	if st.Signaled() {
		sig := st.Signal()
		if report && sig != posix.SIGINT && sig != posix.SIGPIPE {
			msg := signalDesc(sig)
			if st.CoreDump() {
				msg += " (core dumped)"
			}
			s.writeErr(msg + "\n")
		}
		return 128 + sig
	}
	return st.ExitStatus()
}

// signalDesc is strsignal's text for the common signals.
func signalDesc(sig int) string {
	switch sig {
	case posix.SIGHUP:
		return "Hangup"
	case posix.SIGQUIT:
		return "Quit"
	case posix.SIGILL:
		return "Illegal instruction"
	case posix.SIGABRT:
		return "Aborted"
	case posix.SIGBUS:
		return "Bus error"
	case posix.SIGFPE:
		return "Floating point exception"
	case posix.SIGKILL:
		return "Killed"
	case posix.SIGUSR1:
		return "User defined signal 1"
	case posix.SIGSEGV:
		return "Segmentation fault"
	case posix.SIGUSR2:
		return "User defined signal 2"
	case posix.SIGALRM:
		return "Alarm clock"
	case posix.SIGTERM:
		return "Terminated"
	}
	return "Signal " + strconv.Itoa(sig)
}

// setForeground makes pgid the terminal's foreground process group, as
// tcsetpgrp(3); it does nothing when fd 0 is not a terminal.
func (s *shell) setForeground(pgid int) {
	v := int32(pgid)
	_ = s.p.Ioctl(0, posix.TIOCSPGRP, &v)
}

// waitFg waits for a foreground child and returns its status.
func (s *shell) waitFg(pid int) int {
	if s.opt.monitor {
		// Job control: the job owns the terminal while it runs, so the
		// terminal's ^C reaches it and not the shell.
		if pg, err := s.p.Getpgid(pid); err == nil {
			s.setForeground(pg)
			defer s.setForeground(s.p.Getpgrp())
		}
	}
	for {
		_, st, err := s.p.Wait4(pid, 0)
		if err == posix.EINTR {
			continue
		}
		if err != nil {
			return 127
		}
		status := s.statusOf(st, true)
		// dash waits for any child (waitpid(-1)) while a foreground job
		// runs, so background jobs that ended meanwhile are reaped now
		// and a later "wait PID" reports nothing for them.
		s.reapJobs()
		return status
	}
}

// execPipeline runs a pipeline of two or more stages, each in a forked
// child, stdout of one joined to stdin of the next by a pipe.
func (s *shell) execPipeline(stages []*syntax.Stmt) int {
	pids := make([]int, 0, len(stages))
	in := -1
	pgid := 0
	for i, st := range stages {
		r, w := -1, -1
		if i < len(stages)-1 {
			var err error
			r, w, err = s.p.Pipe()
			if err != nil {
				s.errorf("Pipe call failed")
				if in >= 0 {
					s.p.Close(in)
				}
				break
			}
		}
		stdin, stdout := in, w
		pid, err := s.fork(pgid, func(c *shell) int {
			if r >= 0 {
				c.p.Close(r)
			}
			if stdin >= 0 && stdin != 0 {
				c.p.Dup2(stdin, 0)
				c.p.Close(stdin)
			}
			if stdout >= 0 && stdout != 1 {
				c.p.Dup2(stdout, 1)
				c.p.Close(stdout)
			}
			return c.execStmt(st, true)
		})
		if in >= 0 {
			s.p.Close(in)
		}
		if w >= 0 {
			s.p.Close(w)
		}
		in = r
		if err != nil {
			if r >= 0 {
				s.p.Close(r)
			}
			break
		}
		if pgid == 0 {
			pgid = pid
		}
		pids = append(pids, pid)
	}
	status, failed := 0, 0
	for _, pid := range pids {
		status = s.waitFg(pid)
		if status != 0 {
			failed = status
		}
	}
	if s.opt.pipefail {
		status = failed
	}
	if len(pids) < len(stages) {
		return 2
	}
	return status
}

// assignment is a variable assignment word, expanded.
type assignment struct{ name, val string }

// execCall runs a simple command.
func (s *shell) execCall(ce *syntax.CallExpr, rs []*syntax.Redirect, tail bool) int {
	s.substStatus = -1
	fields := s.expandFields(ce.Args)
	var assigns []assignment
	for _, a := range ce.Assigns {
		v := ""
		if a.Value != nil {
			v = s.expandAssign(a.Value)
		}
		assigns = append(assigns, assignment{a.Name.Value, v})
	}
	if s.opt.xtrace {
		s.trace(assigns, fields)
	}
	if len(fields) == 0 {
		status := 0
		if s.substStatus >= 0 {
			status = s.substStatus
		}
		for _, a := range assigns {
			if !s.assignChecked(a.name, a.val) {
				s.fatal(2)
				return 2
			}
		}
		if len(rs) > 0 {
			saved, ok := s.redirect(rs, true)
			if !ok {
				return 2
			}
			s.restore(saved)
		}
		return status
	}
	name := fields[0]
	if b, ok := specialBuiltins[name]; ok {
		return s.runBuiltin(b, name, fields, assigns, rs, true)
	}
	if body, ok := s.funcs[name]; ok {
		return s.callFunc(body, fields, assigns, rs)
	}
	if b, ok := builtins[name]; ok {
		return s.runBuiltin(b, name, fields, assigns, rs, false)
	}
	return s.execExternal(fields, assigns, rs, tail)
}

// trace writes a set -x line.
func (s *shell) trace(assigns []assignment, fields []string) {
	var b strings.Builder
	b.WriteString(s.expandPS4())
	sep := ""
	for _, a := range assigns {
		b.WriteString(sep + a.name + "=" + a.val)
		sep = " "
	}
	for _, f := range fields {
		b.WriteString(sep + f)
		sep = " "
	}
	b.WriteString("\n")
	s.writeErr(b.String())
}

func (s *shell) expandPS4() string {
	v := s.get("PS4")
	if w, err := newParser().Document(strings.NewReader(v)); err == nil {
		saved := s.opt.xtrace
		s.opt.xtrace = false
		v = s.expandString(w)
		s.opt.xtrace = saved
	}
	return v
}

// runBuiltin runs a builtin in the shell with its redirections undone
// after it. Assignments before a special builtin stay; before a regular
// one they last for the command only.
func (s *shell) runBuiltin(b builtinFunc, name string, argv []string, assigns []assignment, rs []*syntax.Redirect, special bool) int {
	if name == "exec" && len(argv) == 1 {
		if _, ok := s.redirect(rs, false); !ok {
			s.fatal(2)
			return 2
		}
		for _, a := range assigns {
			s.assignChecked(a.name, a.val)
		}
		return 0
	}
	saved, ok := s.redirect(rs, true)
	if !ok {
		if special {
			s.fatal(2)
		}
		return 2
	}
	var undo func()
	if special {
		for _, a := range assigns {
			if !s.assignChecked(a.name, a.val) {
				s.restore(saved)
				s.fatal(2)
				return 2
			}
			if name == "exec" {
				s.vars[a.name].exported = true
			}
		}
	} else {
		undo = s.tempAssign(assigns)
	}
	s.redirStack = append(s.redirStack, saved)
	oldName := s.builtinName
	s.builtinName = name
	status := b(s, argv)
	s.builtinName = oldName
	s.redirStack = s.redirStack[:len(s.redirStack)-1]
	if undo != nil {
		undo()
	}
	s.restore(saved)
	return status
}

// tempAssign sets assignments for one command, exported, and returns what
// undoes them.
func (s *shell) tempAssign(assigns []assignment) func() {
	if len(assigns) == 0 {
		return nil
	}
	type old struct {
		name string
		v    *variable
	}
	var olds []old
	for _, a := range assigns {
		v, ok := s.vars[a.name]
		if ok {
			cp := *v
			olds = append(olds, old{a.name, &cp})
		} else {
			olds = append(olds, old{a.name, nil})
		}
		if !s.assignChecked(a.name, a.val) {
			s.fatal(2)
		}
		s.vars[a.name].exported = true
	}
	return func() {
		for i := len(olds) - 1; i >= 0; i-- {
			if olds[i].v == nil {
				delete(s.vars, olds[i].name)
			} else {
				s.vars[olds[i].name] = olds[i].v
			}
		}
	}
}

// callFunc runs a shell function with its own positional parameters.
func (s *shell) callFunc(body *syntax.Stmt, argv []string, assigns []assignment, rs []*syntax.Redirect) int {
	saved, ok := s.redirect(rs, true)
	if !ok {
		return 2
	}
	undo := s.tempAssign(assigns)
	oldArgs := s.args
	s.args = append([]string(nil), argv[1:]...)
	s.frames = append(s.frames, &frame{saved: map[string]*variable{}})
	oldLoops := s.loops
	s.loops = 0
	s.redirStack = append(s.redirStack, saved)
	status := s.execStmt(body, false)
	s.redirStack = s.redirStack[:len(s.redirStack)-1]
	s.loops = oldLoops
	if s.returning {
		s.returning = false
		status = s.status
	}
	f := s.frames[len(s.frames)-1]
	s.frames = s.frames[:len(s.frames)-1]
	for k, v := range f.saved {
		if v == nil {
			delete(s.vars, k)
		} else {
			s.vars[k] = v
		}
	}
	s.args = oldArgs
	if undo != nil {
		undo()
	}
	s.restore(saved)
	s.status = status
	return status
}

// environ returns the environment for an exec: exported variables with
// extra assignments on top.
func (s *shell) environ(extra []assignment) []string {
	var env []string
	seen := map[string]bool{}
	for _, a := range extra {
		seen[a.name] = true
	}
	for k, v := range s.vars {
		if v.exported && v.set && !seen[k] {
			env = append(env, k+"="+v.val)
		}
	}
	for _, a := range extra {
		env = append(env, a.name+"="+a.val)
	}
	return env
}

// execExternal runs a command found in PATH, in a forked child (or, with
// tail, in this cage).
func (s *shell) execExternal(argv []string, assigns []assignment, rs []*syntax.Redirect, tail bool) int {
	run := func(c *shell) int {
		if _, ok := c.redirect(rs, false); !ok {
			return 2
		}
		return c.execve(argv, assigns, "")
	}
	if tail && !s.hasTraps() {
		st := run(s)
		s.exit(st)
		return st
	}
	pid, err := s.fork(0, run)
	if err != nil {
		return 2
	}
	return s.waitFg(pid)
}

// execve replaces the cage's program with argv[0] found in PATH. It
// returns only on failure, with the status and message dash gives.
func (s *shell) execve(argv []string, assigns []assignment, prefix string) int {
	name := argv[0]
	path, err := s.lookPath(name)
	if err == nil {
		env := s.environ(assigns)
		err = s.p.Execve(path, argv, env)
		if err == posix.ENOEXEC {
			return s.runScript(path, argv, env)
		}
	}
	if err == posix.ENOENT || err == posix.ENOTDIR && !strings.Contains(name, "/") {
		s.errorf("%s%s: not found", prefix, name)
		return 127
	}
	s.errorf("%s%s: %s", prefix, name, errText(err, errExec))
	return 126
}

// runScript runs a file without a #! line as a shell script in this cage,
// as dash does after execve fails with ENOEXEC.
func (s *shell) runScript(path string, argv, env []string) int {
	ns := &shell{p: s.p, vars: map[string]*variable{}, funcs: map[string]*syntax.Stmt{}, traps: map[int]string{}, rootPid: s.p.Getpid(), arg0: path}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		ns.vars[k] = &variable{val: v, set: true, exported: true}
	}
	for k, v := range map[string]string{"IFS": " \t\n", "PS1": "$ ", "PS2": "> ", "PS4": "+ ", "OPTIND": "1"} {
		if _, ok := ns.vars[k]; !ok {
			ns.vars[k] = &variable{val: v, set: true}
		}
	}
	for sig, act := range s.traps {
		if act == "" {
			ns.traps[sig] = ""
		}
	}
	return ns.childMain(func() int {
		return ns.main(append([]string{"sh", path}, argv[1:]...))
	})
}

// lookPath finds name as execve would run it: as is if it holds a slash,
// else in PATH. A non-executable file found is EACCES.
func (s *shell) lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	if name == "" {
		return "", posix.ENOENT
	}
	path, ok := s.lookup("PATH")
	if !ok {
		path = defaultPath
	}
	var firstErr error = posix.ENOENT
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		st, err := s.p.Stat(p)
		if err != nil {
			continue
		}
		if st.Mode&posix.S_IFMT == posix.S_IFDIR {
			continue
		}
		if s.p.Access(p, posix.X_OK) != nil {
			if firstErr == posix.ENOENT {
				firstErr = posix.EACCES
			}
			continue
		}
		return p, nil
	}
	return "", firstErr
}
