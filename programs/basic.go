package programs

import (
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Cat implements cat(1): it concatenates its files ("-" or none: standard
// input) to standard output. Options: -n, -b, -s, -E, -T, -A (as -ET), -u
// (ignored).
func Cat(p *cages.Proc) int {
	c := newCmd(p, "cat")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "nbsETAuv", permute: true, long: map[string]string{
		"number": "n", "number-nonblank": "b", "squeeze-blank": "s", "show-ends": "E", "show-tabs": "T", "show-all": "A"}})
	if err != nil {
		return c.usage(1, "")
	}
	var number, nonblank, squeeze, ends, tabs bool
	for _, o := range opts {
		switch o.c {
		case 'n':
			number = true
		case 'b':
			nonblank = true
		case 's':
			squeeze = true
		case 'E':
			ends = true
		case 'T':
			tabs = true
		case 'A':
			ends, tabs = true, true
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	plain := !number && !nonblank && !squeeze && !ends && !tabs
	status := 0
	lineNo, atStart, blanks := 0, true, 0
	buf := make([]byte, 128<<10)
	for _, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("%s: %s", quotef(f), errText(err))
			status = 1
			continue
		}
		if plain {
			for {
				n, err := p.Read(fd, buf)
				if err != nil {
					c.errorf("%s: %s", quotef(f), errText(err))
					status = 1
					break
				}
				if n == 0 {
					break
				}
				if werr := writeAll(p, 1, buf[:n]); werr != nil {
					c.closeIn(fd)
					return c.finishErr(werr)
				}
			}
			c.closeIn(fd)
			continue
		}
		r := c.reader(fd)
		for {
			line, err := readLine(r)
			if err != nil {
				if err != io.EOF {
					c.errorf("%s: %s", quotef(f), errText(err))
					status = 1
				}
				break
			}
			if atStart {
				blank := len(line) == 1 && line[0] == '\n'
				if blank {
					blanks++
				} else {
					blanks = 0
				}
				if squeeze && blanks > 1 {
					continue
				}
				if nonblank && !blank || number && !nonblank {
					lineNo++
					c.out.WriteString(padLeft(strconv.Itoa(lineNo), 6) + "\t")
				}
			}
			body := line
			nl := len(line) > 0 && line[len(line)-1] == '\n'
			if nl {
				body = line[:len(line)-1]
			}
			if tabs {
				c.out.WriteString(strings.ReplaceAll(string(body), "\t", "^I"))
			} else {
				c.out.Write(body)
			}
			if nl {
				if ends {
					c.out.WriteByte('$')
				}
				c.out.WriteByte('\n')
			}
			atStart = nl
		}
		c.closeIn(fd)
	}
	return c.finish(status)
}

// finishErr reports a failed direct write of standard output.
func (c *cmd) finishErr(err error) int {
	if !errors.Is(err, posix.EPIPE) {
		writeAll(c.p, 2, []byte(c.name+": write error: "+errText(err)+"\n"))
	}
	return 1
}

// padLeft right-aligns s in width columns.
func padLeft(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return strings.Repeat(" ", width-len(s)) + s
}

// Echo implements GNU echo(1): -n (no newline), -e (backslash escapes),
// -E (none, the default). An argument is an option only if all its
// letters are among n, e and E; option parsing stops at the first other.
func Echo(p *cages.Proc) int {
	c := newCmd(p, "echo")
	args := p.Args()[1:]
	newline, escapes := true, false
	for len(args) > 0 {
		a := args[0]
		if len(a) < 2 || a[0] != '-' || strings.Trim(a[1:], "neE") != "" {
			break
		}
		for _, ch := range a[1:] {
			switch ch {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	for i, a := range args {
		if i > 0 {
			c.out.WriteByte(' ')
		}
		if escapes {
			s, stop := unescape(a, true)
			c.out.WriteString(s)
			if stop {
				return c.finish(0)
			}
		} else {
			c.out.WriteString(a)
		}
	}
	if newline {
		c.out.WriteByte('\n')
	}
	return c.finish(0)
}

// unescape expands backslash escapes as echo -e and printf's %b do (\0NNN
// octal with zeroNNN; otherwise printf's format rule \NNN). It reports
// whether \c asked to stop all output.
func unescape(s string, zeroNNN bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch != '\\' || i+1 >= len(s) {
			b.WriteByte(ch)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'c':
			return b.String(), true
		case 'e':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\':
			b.WriteByte('\\')
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(s) && isHex(s[i+1]) {
				v = v*16 + hexVal(s[i+1])
				i++
				n++
			}
			if n == 0 {
				b.WriteString("\\x")
			} else {
				b.WriteByte(byte(v))
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			if zeroNNN && e != '0' {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			v, n := 0, 0
			if !zeroNNN {
				v, n = int(e-'0'), 1
			}
			for n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7' {
				v = v*8 + int(s[i+1]-'0')
				i++
				n++
			}
			b.WriteByte(byte(v))
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// True implements true(1): it exits with status 0.
func True(p *cages.Proc) int { return 0 }

// False implements false(1): it exits with status 1.
func False(p *cages.Proc) int { return 1 }

// Yes implements yes(1): it prints its arguments joined by spaces ("y" if
// none) on a line, forever, until the output fails. A closed pipe kills
// it with SIGPIPE.
func Yes(p *cages.Proc) int {
	c := newCmd(p, "yes")
	args := p.Args()[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	line := "y\n"
	if len(args) > 0 {
		line = strings.Join(args, " ") + "\n"
	}
	buf := []byte(strings.Repeat(line, max(1, (32<<10)/len(line))))
	for {
		if err := writeAll(p, 1, buf); err != nil {
			return c.finishErr(err)
		}
	}
}

// Pwd implements pwd(1): it prints the working directory (-L and -P are
// accepted; both print the physical directory).
func Pwd(p *cages.Proc) int {
	c := newCmd(p, "pwd")
	_, ops, err := c.getopt(p.Args()[1:], optSpec{short: "LP", permute: true, long: map[string]string{"logical": "L", "physical": "P"}})
	if err != nil {
		return c.usage(1, "")
	}
	if len(ops) > 0 {
		c.errorf("ignoring non-option arguments")
	}
	dir, gerr := p.Getcwd()
	if gerr != nil {
		c.errorf("cannot determine current directory: %s", errText(gerr))
		return 1
	}
	c.out.WriteString(dir + "\n")
	return c.finish(0)
}

// Basename implements basename(1): NAME [SUFFIX], or -a/-s SUFFIX for
// several names; -z ends lines with NUL.
func Basename(p *cages.Proc) int {
	c := newCmd(p, "basename")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "as:z", permute: true, long: map[string]string{"multiple": "a", "suffix": "s:", "zero": "z"}})
	if err != nil {
		return c.usage(1, "")
	}
	multi, suffix, end := false, "", "\n"
	for _, o := range opts {
		switch o.c {
		case 'a':
			multi = true
		case 's':
			multi, suffix = true, o.arg
		case 'z':
			end = "\x00"
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	if !multi {
		if len(ops) > 2 {
			return c.usage(1, "extra operand %s", quote(ops[2]))
		}
		if len(ops) == 2 {
			suffix = ops[1]
		}
		ops = ops[:1]
	}
	for _, name := range ops {
		b := baseName(name)
		if suffix != "" && b != suffix && strings.HasSuffix(b, suffix) && b != "/" {
			b = strings.TrimSuffix(b, suffix)
		}
		c.out.WriteString(b + end)
	}
	return c.finish(0)
}

// Dirname implements dirname(1): each NAME without its last element; -z
// ends lines with NUL.
func Dirname(p *cages.Proc) int {
	c := newCmd(p, "dirname")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "z", permute: true, long: map[string]string{"zero": "z"}})
	if err != nil {
		return c.usage(1, "")
	}
	end := "\n"
	if len(opts) > 0 {
		end = "\x00"
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	for _, name := range ops {
		c.out.WriteString(dirName(name) + end)
	}
	return c.finish(0)
}

// dirName is dirname(1)'s answer for path.
func dirName(path string) string {
	i := len(path)
	for i > 1 && path[i-1] == '/' {
		i--
	}
	for i > 0 && path[i-1] != '/' {
		i--
	}
	if i == 0 {
		if strings.HasPrefix(path, "/") {
			return "/"
		}
		return "."
	}
	for i > 1 && path[i-1] == '/' {
		i--
	}
	if path[:i] == "//" {
		return "//"
	}
	return path[:i]
}

// Sleep implements sleep(1): it sleeps for the sum of its arguments, each
// a number of seconds (fractions allowed) with an optional s, m, h or d
// suffix. A signal's default action ends it.
func Sleep(p *cages.Proc) int {
	c := newCmd(p, "sleep")
	_, ops, err := c.getopt(p.Args()[1:], optSpec{short: "", permute: true, numOperands: true})
	if err != nil {
		return c.usage(1, "")
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	total, bad := 0.0, false
	for _, a := range ops {
		s, mult := a, 1.0
		if s != "" {
			switch s[len(s)-1] {
			case 's':
				s = s[:len(s)-1]
			case 'm':
				s, mult = s[:len(s)-1], 60
			case 'h':
				s, mult = s[:len(s)-1], 3600
			case 'd':
				s, mult = s[:len(s)-1], 86400
			}
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) || v < 0 || math.IsNaN(v) || s == "" || strings.ContainsAny(s, "xXpP_") {
			c.errorf("invalid time interval %s", quote(a))
			bad = true
			continue
		}
		total += v * mult
	}
	if bad {
		return c.usage(1, "")
	}
	ns := int64(math.MaxInt64)
	if total*1e9 < float64(math.MaxInt64) {
		ns = int64(math.Ceil(total * 1e9))
	}
	req := posix.NsecToTimespec(ns)
	for {
		var rem posix.Timespec
		err := p.Nanosleep(req, &rem)
		if err == nil {
			return 0
		}
		if !errors.Is(err, posix.EINTR) {
			c.errorf("cannot read realtime clock: %s", errText(err))
			return 1
		}
		req = rem
	}
}
