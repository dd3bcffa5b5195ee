package sh

import (
	"strconv"
	"strings"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
)

// testError is a test/[ usage error, reported with status 2.
type testError struct{ msg string }

// bTest is test and [: POSIX's rules for up to four arguments, a
// recursive-descent parser (as dash's) beyond.
func bTest(s *shell, argv []string) (status int) {
	name := argv[0]
	args := argv[1:]
	if name == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			s.errorf("[: missing ]")
			return 2
		}
		args = args[:len(args)-1]
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(testError)
			if !ok {
				panic(r)
			}
			s.errorf("%s: %s", name, e.msg)
			status = 2
		}
	}()
	t := &tester{s: s, args: args}
	var ok bool
	switch len(args) {
	case 0:
		ok = false
	case 1:
		ok = args[0] != ""
	case 2:
		ok = t.two(args)
	case 3:
		ok = t.three(args)
	case 4:
		if args[0] == "!" {
			ok = !t.three(args[1:])
		} else if args[0] == "(" && args[3] == ")" {
			ok = t.two(args[1:3])
		} else {
			ok = t.general()
		}
	default:
		ok = t.general()
	}
	if ok {
		return 0
	}
	return 1
}

type tester struct {
	s    *shell
	args []string
	pos  int
}

func (t *tester) two(a []string) bool {
	if a[0] == "!" {
		return a[1] == ""
	}
	if isUnary(a[0]) {
		return t.unary(a[0], a[1])
	}
	if isBinary(a[1]) {
		panic(testError{a[1] + ": argument expected"})
	}
	panic(testError{a[0] + ": unexpected operator"})
}

func (t *tester) three(a []string) bool {
	if isBinary(a[1]) {
		return t.binary(a[0], a[1], a[2])
	}
	if a[0] == "!" {
		return !t.two(a[1:])
	}
	if a[0] == "(" && a[2] == ")" {
		return a[1] != ""
	}
	if a[1] == "-a" {
		return a[0] != "" && a[2] != ""
	}
	if a[1] == "-o" {
		return a[0] != "" || a[2] != ""
	}
	return t.general()
}

func (t *tester) general() bool {
	v := t.oexpr()
	if t.pos < len(t.args) {
		// dash names the last word it used.
		panic(testError{t.args[max(t.pos-1, 0)] + ": unexpected operator"})
	}
	return v
}

func (t *tester) peek() (string, bool) {
	if t.pos < len(t.args) {
		return t.args[t.pos], true
	}
	return "", false
}

func (t *tester) next() string {
	if t.pos >= len(t.args) {
		panic(testError{"argument expected"})
	}
	a := t.args[t.pos]
	t.pos++
	return a
}

func (t *tester) oexpr() bool {
	v := t.aexpr()
	if a, ok := t.peek(); ok && a == "-o" {
		t.pos++
		return t.oexpr() || v
	}
	return v
}

func (t *tester) aexpr() bool {
	v := t.nexpr()
	if a, ok := t.peek(); ok && a == "-a" {
		t.pos++
		return t.aexpr() && v
	}
	return v
}

func (t *tester) nexpr() bool {
	if a, ok := t.peek(); ok && a == "!" && t.pos+1 < len(t.args) {
		t.pos++
		return !t.nexpr()
	}
	return t.primary()
}

func (t *tester) primary() bool {
	if t.pos >= len(t.args) {
		return false // a missing expression, as dash
	}
	a := t.next()
	if a == "(" {
		v := t.oexpr()
		if c, ok := t.peek(); !ok || c != ")" {
			panic(testError{"closing paren expected"})
		}
		t.pos++
		return v
	}
	if isUnary(a) && t.pos < len(t.args) {
		if op, ok := t.peek(); !(ok && isBinary(op) && t.pos+1 < len(t.args)) {
			return t.unary(a, t.next())
		}
	}
	if op, ok := t.peek(); ok && isBinary(op) {
		t.pos++
		if t.pos >= len(t.args) {
			panic(testError{op + ": argument expected"})
		}
		return t.binary(a, op, t.next())
	}
	return a != ""
}

func isUnary(op string) bool {
	switch op {
	case "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-L", "-p", "-r", "-s", "-S",
		"-t", "-u", "-w", "-x", "-z", "-n", "-k", "-G", "-O":
		return true
	}
	return false
}

func isBinary(op string) bool {
	switch op {
	case "=", "!=", "<", ">", "-eq", "-ne", "-gt", "-ge", "-lt", "-le", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

func (t *tester) unary(op, a string) bool {
	s := t.s
	switch op {
	case "-z":
		return a == ""
	case "-n":
		return a != ""
	case "-t":
		n, err := strconv.Atoi(a)
		if err != nil {
			panic(testError{"Illegal number: " + a})
		}
		return s.isTerminal(n)
	case "-r", "-w", "-x":
		mode := map[string]int{"-r": posix.R_OK, "-w": posix.W_OK, "-x": posix.X_OK}[op]
		return a != "" && s.p.Access(a, mode) == nil
	}
	return programs.FileTest(s.p, op, a)
}

func (t *tester) binary(a, op, b string) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case ">":
		return a > b
	case "-nt", "-ot", "-ef":
		sa, ea := t.s.p.Stat(a)
		sb, eb := t.s.p.Stat(b)
		switch op {
		case "-ef":
			return ea == nil && eb == nil && sa.Dev == sb.Dev && sa.Ino == sb.Ino
		case "-nt":
			return ea == nil && (eb != nil || newer(sa.Mtim, sb.Mtim))
		default:
			return eb == nil && (ea != nil || newer(sb.Mtim, sa.Mtim))
		}
	}
	x, y := testNumber(a), testNumber(b)
	switch op {
	case "-eq":
		return x == y
	case "-ne":
		return x != y
	case "-gt":
		return x > y
	case "-ge":
		return x >= y
	case "-lt":
		return x < y
	case "-le":
		return x <= y
	}
	return false
}

func newer(a, b posix.Timespec) bool {
	return a.Sec > b.Sec || a.Sec == b.Sec && a.Nsec > b.Nsec
}

// testNumber parses an integer operand of test.
func testNumber(a string) int64 {
	t := strings.TrimLeft(a, " \t")
	n, err := strconv.ParseInt(strings.TrimRight(t, " \t"), 10, 64)
	if err != nil || t == "" {
		panic(testError{"Illegal number: " + a})
	}
	return n
}
