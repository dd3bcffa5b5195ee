package programs

import (
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Test implements test(1) and [(1): it evaluates a POSIX test expression
// (unary file and string tests, = != < >, -eq -ne -lt -le -gt -ge, -nt
// -ot -ef, !, -a, -o and parentheses) and exits 0 if it is true, 1 if
// false and 2 on a syntax error. Run as "[", its last argument must be
// "]".
func Test(p *cages.Proc) int {
	argv := p.Args()
	name := "test"
	if len(argv) > 0 && baseName(argv[0]) == "[" {
		name = "["
	}
	c := newCmd(p, name)
	args := argv[1:]
	if name == "[" {
		if len(args) == 1 && (args[0] == "--help" || args[0] == "--version") {
			return 0
		}
		if len(args) == 0 || args[len(args)-1] != "]" {
			c.errorf("missing %s", quote("]"))
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &tester{c: c, args: args}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(testErr); !ok {
				panic(r)
			}
		}
	}()
	res, ok := t.run()
	if !ok {
		return 2
	}
	if res {
		return 0
	}
	return 1
}

type testErr struct{}

type tester struct {
	c    *cmd
	args []string
	pos  int
}

// fail prints a syntax error and aborts the evaluation.
func (t *tester) fail(format string, args ...any) {
	t.c.errorf(format, args...)
	panic(testErr{})
}

func (t *tester) run() (res bool, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isErr := r.(testErr); !isErr {
				panic(r)
			}
			ok = false
		}
	}()
	n := len(t.args)
	switch {
	case n == 0:
		return false, true
	case n <= 4:
		res = t.posix(0, n)
	default:
		res = t.expr()
	}
	if t.pos < len(t.args) {
		t.fail("extra argument %s", quote(t.args[t.pos]))
	}
	return res, true
}

// posix evaluates args[i:i+n] by POSIX's rules for 1 to 4 arguments.
func (t *tester) posix(i, n int) bool {
	a := t.args[i:]
	switch n {
	case 1:
		t.pos = i + 1
		return a[0] != ""
	case 2:
		if a[0] == "!" {
			t.pos = i + 2
			return a[1] == ""
		}
		if len(a[0]) == 2 && a[0][0] == '-' {
			if !isUnary(a[0]) {
				t.fail("%s: unary operator expected", quote(a[0]))
			}
			t.pos = i + 2
			return t.unary(a[0], a[1])
		}
		t.fail("missing argument after %s", quote(a[1]))
	case 3:
		if isBinary(a[1]) {
			t.pos = i + 3
			return t.binary(a[0], a[1], a[2])
		}
		if a[0] == "!" {
			return !t.posix(i+1, 2)
		}
		if a[0] == "(" && a[2] == ")" {
			t.pos = i + 3
			return a[1] != ""
		}
		if a[1] == "-a" || a[1] == "-o" {
			t.pos = i
			return t.expr()
		}
		t.fail("%s: binary operator expected", quote(a[1]))
	case 4:
		if a[0] == "!" {
			return !t.posix(i+1, 3)
		}
		if a[0] == "(" && a[3] == ")" {
			r := t.posix(i+1, 2)
			t.pos = i + 4
			return r
		}
		t.pos = i
		return t.expr()
	}
	t.pos = i
	return t.expr()
}

func (t *tester) peek() (string, bool) {
	if t.pos < len(t.args) {
		return t.args[t.pos], true
	}
	return "", false
}

// expr: or.
func (t *tester) expr() bool {
	r := t.and()
	for {
		if s, ok := t.peek(); ok && s == "-o" {
			t.pos++
			r2 := t.and()
			r = r || r2
			continue
		}
		return r
	}
}

func (t *tester) and() bool {
	r := t.term()
	for {
		if s, ok := t.peek(); ok && s == "-a" {
			t.pos++
			r2 := t.term()
			r = r && r2
			continue
		}
		return r
	}
}

func (t *tester) term() bool {
	s, ok := t.peek()
	if !ok {
		t.fail("missing argument after %s", quote(t.args[len(t.args)-1]))
	}
	if s == "!" {
		t.pos++
		return !t.term()
	}
	if s == "(" {
		t.pos++
		r := t.expr()
		if e, ok := t.peek(); !ok || e != ")" {
			if ok {
				t.fail("%s expected, found %s", quote(")"), quote(e))
			}
			t.fail("%s expected", quote(")"))
		}
		t.pos++
		return r
	}
	if t.pos+2 < len(t.args) && isBinary(t.args[t.pos+1]) {
		a, op, b := t.args[t.pos], t.args[t.pos+1], t.args[t.pos+2]
		t.pos += 3
		return t.binary(a, op, b)
	}
	if isUnary(s) {
		if t.pos+1 >= len(t.args) {
			t.fail("missing argument after %s", quote(s))
		}
		a := t.args[t.pos+1]
		t.pos += 2
		return t.unary(s, a)
	}
	t.pos++
	return s != ""
}

func isUnary(s string) bool {
	return len(s) == 2 && s[0] == '-' && strings.IndexByte("bcdefgGhkLnOprsStuwxz", s[1]) >= 0
}

func isBinary(s string) bool {
	switch s {
	case "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

func (t *tester) unary(op, a string) bool {
	p := t.c.p
	switch op {
	case "-n":
		return a != ""
	case "-z":
		return a == ""
	case "-t":
		fd, err := strconv.Atoi(a)
		if err != nil {
			t.fail("invalid integer %s", quote(a))
		}
		var n int32
		return p.Ioctl(fd, 0x5401, &n) == nil // TCGETS
	case "-r", "-w", "-x":
		mode := map[string]int{"-r": posix.R_OK, "-w": posix.W_OK, "-x": posix.X_OK}[op]
		return p.Faccessat(posix.AT_FDCWD, a, mode, posix.AT_EACCESS) == nil
	}
	return FileTest(p, op, a)
}

// FileTest answers test(1)'s file operators (-e -f -d -b -c -p -S -h -L
// -s -g -u -k -O -G) for path: false when the file cannot be stat'ed
// (lstat'ed for -h and -L) or op is not one of them. The shell's test
// builtin shares it.
func FileTest(p *cages.Proc, op, path string) bool {
	var st posix.Stat
	var err error
	if op == "-h" || op == "-L" {
		st, err = p.Lstat(path)
	} else {
		st, err = p.Stat(path)
	}
	if err != nil {
		return false
	}
	ft := st.Mode & posix.S_IFMT
	switch op {
	case "-e":
		return true
	case "-f":
		return ft == posix.S_IFREG
	case "-d":
		return ft == posix.S_IFDIR
	case "-b":
		return ft == posix.S_IFBLK
	case "-c":
		return ft == posix.S_IFCHR
	case "-p":
		return ft == posix.S_IFIFO
	case "-S":
		return ft == posix.S_IFSOCK
	case "-h", "-L":
		return ft == posix.S_IFLNK
	case "-s":
		return st.Size > 0
	case "-g":
		return st.Mode&posix.S_ISGID != 0
	case "-u":
		return st.Mode&posix.S_ISUID != 0
	case "-k":
		return st.Mode&posix.S_ISVTX != 0
	case "-O":
		return int(st.Uid) == p.Geteuid()
	case "-G":
		return int(st.Gid) == p.Getegid()
	}
	return false
}

func (t *tester) integer(s string) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		t.fail("invalid integer %s", quote(s))
	}
	return v
}

func (t *tester) binary(a, op, b string) bool {
	switch op {
	case "=", "==":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case ">":
		return a > b
	case "-nt", "-ot", "-ef":
		sa, ea := t.c.p.Stat(a)
		sb, eb := t.c.p.Stat(b)
		switch op {
		case "-ef":
			return ea == nil && eb == nil && sa.Dev == sb.Dev && sa.Ino == sb.Ino
		case "-nt":
			return ea == nil && (eb != nil || sa.Mtim.Nano() > sb.Mtim.Nano())
		default:
			return eb == nil && (ea != nil || sa.Mtim.Nano() < sb.Mtim.Nano())
		}
	}
	x, y := t.integer(a), t.integer(b)
	switch op {
	case "-eq":
		return x == y
	case "-ne":
		return x != y
	case "-lt":
		return x < y
	case "-le":
		return x <= y
	case "-gt":
		return x > y
	}
	return x >= y
}
