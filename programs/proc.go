package programs

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Env implements env(1): with no COMMAND it prints the environment; else
// it runs COMMAND (found through PATH) with the environment changed by -i
// (start empty), -u NAME (unset) and NAME=VALUE operands. -0 ends output
// lines with NUL. Exit status 125 for env's own errors, 126 if COMMAND
// cannot run, 127 if it is not found.
func Env(p *cages.Proc) int {
	c := newCmd(p, "env")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "+iu:0C:", long: map[string]string{
		"ignore-environment": "i", "unset": "u:", "null": "0", "chdir": "C:"}})
	if err != nil {
		return c.usage(125, "")
	}
	env := append([]string(nil), p.Environ()...)
	end := "\n"
	dir := ""
	for _, o := range opts {
		switch o.c {
		case 'i':
			env = nil
		case 'u':
			if o.arg == "" || strings.Contains(o.arg, "=") {
				c.errorf("cannot unset %s: Invalid argument", quote(o.arg))
				return 125
			}
			env = unsetEnv(env, o.arg)
		case '0':
			end = "\x00"
		case 'C':
			dir = o.arg
		}
	}
	if len(ops) > 0 && ops[0] == "-" {
		env = nil
		ops = ops[1:]
	}
	for len(ops) > 0 && strings.Contains(ops[0], "=") && !strings.HasPrefix(ops[0], "=") {
		k, _, _ := strings.Cut(ops[0], "=")
		env = append(unsetEnv(env, k), ops[0])
		ops = ops[1:]
	}
	if len(ops) == 0 {
		if dir != "" {
			return c.usage(125, "must specify command with --chdir (-C)")
		}
		for _, kv := range env {
			c.out.WriteString(kv + end)
		}
		return c.finish(0)
	}
	if end != "\n" {
		return c.usage(125, "cannot specify --null (-0) with command")
	}
	if dir != "" {
		if err := p.Chdir(dir); err != nil {
			c.errorf("cannot change directory to %s: %s", quote(dir), errText(err))
			return 125
		}
	}
	pathVar, _ := envLookup(env, "PATH")
	path, lerr := lookPath(p, ops[0], pathVar)
	if lerr == nil {
		lerr = p.Execve(path, ops, env)
	}
	c.errorf("%s: %s", quote(ops[0]), errText(lerr))
	if errors.Is(lerr, posix.ENOENT) {
		return 127
	}
	return 126
}

// unsetEnv removes key from env.
func unsetEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return out
}

// sigName is the name of sig without "SIG", as kill -l prints it.
func sigName(sig int) string {
	return strings.TrimPrefix(posix.SignalName(sig), "SIG")
}

// parseSignal reads a signal name (with or without SIG) or number.
func parseSignal(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 0 && n < posix.NSIG {
			return n, true
		}
		return 0, false
	}
	return posix.SignalByName(strings.ToUpper(s))
}

// Kill implements kill(1): it sends a signal (default TERM; -s SIG, -SIG,
// -N, -n N) to each PID (negative: a process group; also after --). -l
// lists signal names, or converts between names and numbers.
func Kill(p *cages.Proc) int {
	c := newCmd(p, "kill")
	args := p.Args()[1:]
	sig := posix.SIGTERM
	list, table, sigSet := false, false, false
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case a == "-l" || a == "--list":
			list = true
		case a == "-L" || a == "-t" || a == "--table":
			list, table = true, true
		case a == "-s" || a == "-n" || a == "--signal":
			if i+1 >= len(args) {
				c.errorf("option requires an argument -- '%s'", a[1:])
				return c.usage(1, "")
			}
			i++
			s, ok := parseSignal(args[i])
			if !ok {
				c.errorf("%s: invalid signal", quote(args[i]))
				return 1
			}
			sig, sigSet = s, true
		case len(a) > 1 && a[0] == '-' && len(ops) == 0 && !list && !sigSet:
			sigSet = true
			s, ok := parseSignal(a[1:])
			if !ok {
				c.errorf("%s: invalid signal", quote(a[1:]))
				return 1
			}
			sig = s
		default:
			ops = append(ops, a)
		}
	}
	if list {
		if len(ops) == 0 {
			for s := 1; s < posix.NSIG; s++ {
				name := sigName(s)
				if name == "" {
					continue
				}
				if table {
					c.out.WriteString(padLeft(strconv.Itoa(s), 2) + " " + name + "\n")
				} else {
					c.out.WriteString(name + "\n")
				}
			}
			return c.finish(0)
		}
		status := 0
		for _, a := range ops {
			if n, err := strconv.Atoi(a); err == nil {
				if n > 128 {
					n -= 128
				}
				if name := sigName(n); n > 0 && n < posix.NSIG && name != "" {
					c.out.WriteString(name + "\n")
					continue
				}
			} else if s, ok := parseSignal(a); ok && s > 0 {
				c.out.WriteString(strconv.Itoa(s) + "\n")
				continue
			}
			c.errorf("%s: invalid signal", quote(a))
			status = 1
		}
		return c.finish(status)
	}
	if len(ops) == 0 {
		return c.usage(1, "no process ID specified")
	}
	status := 0
	for _, a := range ops {
		pid, err := strconv.Atoi(a)
		if err != nil {
			c.errorf("%s: invalid process id", quote(a))
			status = 1
			continue
		}
		if err := p.Kill(pid, sig); err != nil {
			c.errorf("%s: %s", a, errText(err))
			status = 1
		}
	}
	return status
}

// Xargs implements xargs(1): it reads blank- and newline-separated items
// (with quotes and backslashes) from standard input and runs COMMAND
// (default echo) with as many as fit, or -n N at a time; -r runs nothing
// for empty input, -0 reads NUL-terminated items. Exit status 123 if a
// command failed, 124 if one exited 255, 125 if one was killed, 126 if
// COMMAND cannot run and 127 if it is not found.
func Xargs(p *cages.Proc) int {
	c := newCmd(p, "xargs")
	opts, cmdArgs, err := c.getopt(p.Args()[1:], optSpec{short: "+n:r0tL:", long: map[string]string{
		"max-args": "n:", "no-run-if-empty": "r", "null": "0", "verbose": "t", "max-lines": "L:"}})
	if err != nil {
		return c.usage(1, "")
	}
	maxArgs, noEmpty, nul, verbose := 0, false, false, false
	for _, o := range opts {
		switch o.c {
		case 'n', 'L':
			n, err := strconv.Atoi(o.arg)
			if err != nil || n < 1 {
				c.errorf("invalid number %s for -%c option", quote(o.arg), o.c)
				return c.usage(1, "")
			}
			maxArgs = n
		case 'r':
			noEmpty = true
		case '0':
			nul = true
		case 't':
			verbose = true
		}
	}
	if len(cmdArgs) == 0 {
		cmdArgs = []string{"echo"}
	}
	data, rerr := c.readAll(0)
	if rerr != nil {
		c.errorf("read error: %s", errText(rerr))
		return 1
	}
	var items []string
	if nul {
		items = strings.Split(string(data), "\x00")
		if len(items) > 0 && items[len(items)-1] == "" {
			items = items[:len(items)-1]
		}
	} else {
		var msg string
		if items, msg = xargsSplit(string(data)); msg != "" {
			c.errorf("%s", msg)
			return 1
		}
	}
	pathVar, _ := p.LookupEnv("PATH")
	path, lerr := lookPath(p, cmdArgs[0], pathVar)
	status := 0
	run := func(batch []string) int {
		argv := append(append([]string(nil), cmdArgs...), batch...)
		if verbose {
			writeAll(p, 2, []byte(strings.Join(argv, " ")+"\n"))
		}
		if lerr != nil {
			c.errorf("%s: %s", cmdArgs[0], errText(lerr))
			if errors.Is(lerr, posix.ENOENT) {
				return 127
			}
			return 126
		}
		r, w, err := p.Pipe2(posix.O_CLOEXEC)
		if err != nil {
			c.errorf("cannot create pipe: %s", errText(err))
			return 1
		}
		pid, err := p.Fork(func(ch *cages.Proc) int {
			ch.Close(r)
			err := ch.Execve(path, argv, ch.Environ())
			var e posix.Errno
			errors.As(err, &e)
			ch.Write(w, []byte(strconv.Itoa(int(e))))
			return 127
		})
		p.Close(w)
		if err != nil {
			p.Close(r)
			c.errorf("cannot fork: %s", errText(err))
			return 125
		}
		buf := make([]byte, 16)
		n, _ := p.Read(r, buf)
		p.Close(r)
		_, st, werr := p.Wait4(pid, 0)
		if werr != nil {
			c.errorf("waiting for child: %s", errText(werr))
			return 125
		}
		if n > 0 {
			e, _ := strconv.Atoi(string(buf[:n]))
			c.errorf("%s: %s", cmdArgs[0], posix.Errno(e).Error())
			if posix.Errno(e) == posix.ENOENT {
				return 127
			}
			return 126
		}
		switch {
		case st.Signaled():
			c.errorf("%s: terminated by signal %d", cmdArgs[0], st.Signal())
			return 125
		case st.ExitStatus() == 255:
			c.errorf("%s: exited with status 255; aborting", cmdArgs[0])
			return 124
		case st.ExitStatus() != 0:
			status = 123
		}
		return 0
	}
	if len(items) == 0 {
		if !noEmpty {
			if s := run(nil); s != 0 {
				return s
			}
		}
		return status
	}
	const maxChars = 128 << 10
	base := 0
	for _, a := range cmdArgs {
		base += len(a) + 1
	}
	for len(items) > 0 {
		n, size := 0, base
		for n < len(items) && (maxArgs == 0 || n < maxArgs) && (n == 0 || size+len(items[n])+1 <= maxChars) {
			size += len(items[n]) + 1
			n++
		}
		if s := run(items[:n]); s != 0 {
			return s
		}
		items = items[n:]
	}
	return status
}

// xargsSplit splits xargs input into items: blanks and newlines separate,
// quotes and backslashes protect.
func xargsSplit(s string) ([]string, string) {
	var items []string
	var cur strings.Builder
	have := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if have {
				items = append(items, cur.String())
				cur.Reset()
				have = false
			}
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			have = true
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(s[i+1:], ch)
			nl := strings.IndexByte(s[i+1:], '\n')
			if end < 0 || nl >= 0 && nl < end {
				kind := "single"
				if ch == '"' {
					kind = "double"
				}
				return nil, "unmatched " + kind + " quote; by default quotes are special to xargs unless you use the -0 option"
			}
			cur.WriteString(s[i+1 : i+1+end])
			have = true
			i += end + 1
		default:
			cur.WriteByte(ch)
			have = true
		}
	}
	if have {
		items = append(items, cur.String())
	}
	return items, ""
}
