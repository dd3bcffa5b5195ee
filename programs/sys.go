package programs

import (
	"strconv"
	"strings"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Tac implements tac(1): the lines of each file (or stdin), last first.
func Tac(p *cages.Proc) int {
	c := newCmd(p, "tac")
	_, ops, err := c.getopt(p.Args()[1:], optSpec{permute: true})
	if err != nil {
		return c.usage(1, "")
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	status := 0
	for _, f := range ops {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("failed to open %s for reading: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		data, err := c.readAll(fd)
		c.closeIn(fd)
		if err != nil {
			c.errorf("%s: read error: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		// GNU tac keeps each line's separator with it: a last line without
		// a newline is printed glued to the one before it.
		var lines [][]byte
		for len(data) > 0 {
			i := indexByte(data, '\n')
			if i < 0 {
				lines = append(lines, data)
				break
			}
			lines = append(lines, data[:i+1])
			data = data[i+1:]
		}
		for i := len(lines) - 1; i >= 0; i-- {
			c.out.Write(lines[i])
		}
	}
	return c.finish(status)
}

// Whoami implements whoami(1): the name of the effective user, from the
// cage's /etc/passwd.
func Whoami(p *cages.Proc) int {
	c := newCmd(p, "whoami")
	uid := p.Geteuid()
	name := userName(p, uid)
	if name == "" {
		c.errorf("cannot find name for user ID %d", uid)
		return 1
	}
	c.out.WriteString(name + "\n")
	return c.finish(0)
}

// userName looks uid up in /etc/passwd.
func userName(p *cages.Proc, uid int) string {
	fd, err := p.Open("/etc/passwd", posix.O_RDONLY, 0)
	if err != nil {
		return ""
	}
	defer p.Close(fd)
	var data []byte
	buf := make([]byte, 4096)
	for {
		n, err := p.Read(fd, buf)
		if n <= 0 || err != nil {
			break
		}
		data = append(data, buf[:n]...)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 && f[2] == strconv.Itoa(uid) {
			return f[0]
		}
	}
	return ""
}

// Hostname implements hostname(1) without arguments: the node name.
func Hostname(p *cages.Proc) int {
	c := newCmd(p, "hostname")
	u, err := p.Uname()
	if err != nil {
		c.errorf("%s", errText(err))
		return 1
	}
	c.out.WriteString(posix.UtsString(u.Nodename) + "\n")
	return c.finish(0)
}

// Uname implements uname(1): -s (the default), -n, -r, -v, -m, -p, -i, -o
// and -a, in GNU's order.
func Uname(p *cages.Proc) int {
	c := newCmd(p, "uname")
	opts, _, err := c.getopt(p.Args()[1:], optSpec{short: "asnrvmpio", long: map[string]string{
		"all": "a", "kernel-name": "s", "nodename": "n", "kernel-release": "r", "kernel-version": "v",
		"machine": "m", "processor": "p", "hardware-platform": "i", "operating-system": "o"}})
	if err != nil {
		return c.usage(1, "")
	}
	u, uerr := p.Uname()
	if uerr != nil {
		c.errorf("cannot get system name: %s", errText(uerr))
		return 1
	}
	want := map[rune]bool{}
	all := false
	for _, o := range opts {
		if o.c == 'a' {
			all = true
		}
		want[o.c] = true
	}
	if len(want) == 0 {
		want['s'] = true
	}
	var out []string
	add := func(c rune, v string) {
		if want[c] || all && c != 'p' && c != 'i' {
			out = append(out, v)
		}
	}
	add('s', posix.UtsString(u.Sysname))
	add('n', posix.UtsString(u.Nodename))
	add('r', posix.UtsString(u.Release))
	add('v', posix.UtsString(u.Version))
	add('m', posix.UtsString(u.Machine))
	if want['p'] {
		out = append(out, "unknown")
	}
	if want['i'] {
		out = append(out, "unknown")
	}
	add('o', "GNU/Linux")
	c.out.WriteString(strings.Join(out, " ") + "\n")
	return c.finish(0)
}

// Date implements date(1) for showing a time: the current one (from
// clock_gettime) or -d @SECONDS, in UTC (cages have no time zone), in the
// default format or +FORMAT with the common strftime conversions. Setting
// the clock is refused as for an unprivileged user.
func Date(p *cages.Proc) int {
	c := newCmd(p, "date")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "d:uR", permute: true, long: map[string]string{
		"date": "d:", "utc": "u", "universal": "u", "rfc-email": "R"}})
	if err != nil {
		return c.usage(1, "")
	}
	ts, terr := p.ClockGettime(posix.CLOCK_REALTIME)
	if terr != nil {
		c.errorf("%s", errText(terr))
		return 1
	}
	t := time.Unix(ts.Sec, ts.Nsec).UTC()
	format := "%a %b %e %H:%M:%S %Z %Y"
	for _, o := range opts {
		switch o.c {
		case 'd':
			s, ok := strings.CutPrefix(strings.TrimSpace(o.arg), "@")
			sec, perr := strconv.ParseInt(s, 10, 64)
			if !ok || perr != nil {
				c.errorf("invalid date %s", quote(o.arg))
				return 1
			}
			t = time.Unix(sec, 0).UTC()
		case 'R':
			format = "%a, %d %b %Y %H:%M:%S %z"
		}
	}
	for _, op := range ops {
		if f, ok := strings.CutPrefix(op, "+"); ok {
			format = f
			continue
		}
		c.errorf("cannot set date: %s", errText(posix.EPERM))
		return 1
	}
	c.out.WriteString(strftime(format, t) + "\n")
	return c.finish(0)
}

// strftime formats t as C's strftime does for the common conversions.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'C':
			b.WriteString(pad2(t.Year() / 100))
		case 'd':
			b.WriteString(pad2(t.Day()))
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			b.WriteString(t.Format("_2"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'H':
			b.WriteString(pad2(t.Hour()))
		case 'I':
			b.WriteString(t.Format("03"))
		case 'j':
			b.WriteString(padZero(strconv.Itoa(t.YearDay()), 3))
		case 'k':
			b.WriteString(t.Format("15"))
		case 'm':
			b.WriteString(pad2(int(t.Month())))
		case 'M':
			b.WriteString(pad2(t.Minute()))
		case 'n':
			b.WriteByte('\n')
		case 'N':
			b.WriteString(padZero(strconv.Itoa(t.Nanosecond()), 9))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			b.WriteString(pad2(t.Second()))
		case 't':
			b.WriteByte('\t')
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			b.WriteString(strconv.Itoa(wd))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'y':
			b.WriteString(pad2(t.Year() % 100))
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

// pad2 formats n with at least two digits.
func pad2(n int) string { return padZero(strconv.Itoa(n), 2) }
