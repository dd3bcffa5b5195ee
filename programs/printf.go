package programs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocage/gocage/cages"
)

// Printf implements printf(1): FORMAT [ARGUMENT]..., with the
// conversions %s %b %c %d %i %o %u %x %X %f %e %g %E %G and %%, flags,
// widths and precisions (also *), and the format's backslash escapes. The
// format is reused while arguments remain.
func Printf(p *cages.Proc) int {
	c := newCmd(p, "printf")
	args := p.Args()[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return c.usage(1, "missing operand")
	}
	pf := &printfRun{c: c}
	format, args := args[0], args[1:]
	for {
		used, stop := pf.once(format, args)
		if stop {
			break
		}
		if !pf.hasConv {
			if len(args) > 0 {
				c.errorf("warning: ignoring excess arguments, starting with %s", quote(args[0]))
			}
			break
		}
		args = args[used:]
		if len(args) == 0 {
			break
		}
	}
	return c.finish(pf.status)
}

type printfRun struct {
	c       *cmd
	status  int
	hasConv bool
}

// once prints format once with args and returns how many it used and
// whether \c stopped the output.
func (pf *printfRun) once(format string, args []string) (int, bool) {
	out := pf.c.out
	used := 0
	next := func() (string, bool) {
		if used < len(args) {
			used++
			return args[used-1], true
		}
		return "", false
	}
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch == '\\' {
			j, s, stop := printfEscape(format, i)
			if stop {
				return used, true
			}
			out.WriteString(s)
			i = j
			continue
		}
		if ch != '%' {
			out.WriteByte(ch)
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			out.WriteByte('%')
			i++
			continue
		}
		// %[flags][width][.prec]conv
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0'", format[j]) >= 0 {
			j++
		}
		flags := format[i+1 : j]
		width, prec := "", ""
		hasWidth, hasPrec := false, false
		if j < len(format) && format[j] == '*' {
			a, _ := next()
			width, hasWidth = strconv.Itoa(int(pf.intArg(a))), true
			j++
		} else {
			k := j
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
			width, hasWidth = format[k:j], j > k
		}
		if j < len(format) && format[j] == '.' {
			j++
			hasPrec = true
			if j < len(format) && format[j] == '*' {
				a, _ := next()
				prec = strconv.Itoa(int(pf.intArg(a)))
				j++
			} else {
				k := j
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					j++
				}
				prec = format[k:j]
				if prec == "" {
					prec = "0"
				}
			}
		}
		for j < len(format) && strings.IndexByte("hlLqjzt", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			pf.c.errorf("%s: missing conversion specifier", quote(format[i:]))
			pf.status = 1
			return used, true
		}
		conv := format[j]
		pf.hasConv = true
		spec := "%" + strings.ReplaceAll(flags, "'", "")
		if hasWidth {
			spec += width
		}
		if hasPrec {
			spec += "." + prec
		}
		arg, _ := next()
		switch conv {
		case 's':
			out.WriteString(fmt.Sprintf(spec+"s", arg))
		case 'b':
			s, stop := unescape(arg, true)
			out.WriteString(fmt.Sprintf(spec+"s", s))
			if stop {
				return used, true
			}
		case 'c':
			if arg != "" {
				arg = arg[:1]
			}
			out.WriteString(fmt.Sprintf(strings.Split(spec, ".")[0]+"s", arg))
		case 'd', 'i':
			out.WriteString(fmt.Sprintf(spec+"d", pf.intArg(arg)))
		case 'o', 'u', 'x', 'X':
			v := uint64(pf.intArg(arg))
			if u, ok := pf.uintArg(arg); ok {
				v = u
			}
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			s := fmt.Sprintf(strings.ReplaceAll(spec, "#", "")+verb, v)
			if strings.Contains(flags, "#") && v != 0 {
				switch conv {
				case 'o':
					s = fmt.Sprintf(spec+"o", v)
				case 'x':
					s = fmt.Sprintf(spec+"x", v)
				case 'X':
					s = fmt.Sprintf(spec+"X", v)
				}
			}
			out.WriteString(s)
		case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A':
			v := pf.floatArg(arg)
			verb := string(conv)
			if conv == 'F' {
				verb = "f"
			}
			if conv == 'a' || conv == 'A' {
				verb = map[bool]string{true: "x", false: "X"}[conv == 'a']
			}
			s := fmt.Sprintf(spec+verb, v)
			if math.IsInf(v, 0) || math.IsNaN(v) {
				s = strings.ToLower(s)
				if conv >= 'A' && conv <= 'Z' {
					s = strings.ToUpper(s)
				}
			}
			out.WriteString(s)
		default:
			pf.c.errorf("%s: invalid conversion specification", quote(format[i:j+1]))
			pf.status = 1
			return used, true
		}
		i = j
	}
	return used, false
}

// printfEscape decodes the escape at format[i] ('\\') and returns the
// index of its last byte, its text, and whether it was \c.
func printfEscape(format string, i int) (int, string, bool) {
	if i+1 >= len(format) {
		return i, "\\", false
	}
	e := format[i+1]
	switch {
	case e == 'c':
		return i + 1, "", true
	case e >= '0' && e <= '7':
		j, v := i+1, 0
		for n := 0; n < 3 && j < len(format) && format[j] >= '0' && format[j] <= '7'; n++ {
			v = v*8 + int(format[j]-'0')
			j++
		}
		return j - 1, string([]byte{byte(v)}), false
	case e == '"':
		return i + 1, "\"", false
	case e == 'u' || e == 'U':
		n := 4
		if e == 'U' {
			n = 8
		}
		j, v := i+2, 0
		for k := 0; k < n && j < len(format) && isHex(format[j]); k++ {
			v = v*16 + hexVal(format[j])
			j++
		}
		return j - 1, string(rune(v)), false
	}
	s, _ := unescape(format[i:i+2], false)
	if e == 'x' {
		j := i + 2
		for n := 0; n < 2 && j < len(format) && isHex(format[j]); n++ {
			j++
		}
		s, _ = unescape(format[i:j], false)
		return j - 1, s, false
	}
	return i + 1, s, false
}

// numArg reports a bad numeric argument the way GNU printf does.
func (pf *printfRun) numErr(arg string, err error, rest bool) {
	switch {
	case errors.Is(err, strconv.ErrRange):
		pf.c.errorf("%s: %s", quote(arg), "Numerical result out of range")
	case rest:
		pf.c.errorf("%s: value not completely converted", quote(arg))
	default:
		pf.c.errorf("%s: expected a numeric value", quote(arg))
	}
	pf.status = 1
}

// charConst handles 'c and "c arguments: the character's code.
func charConst(arg string) (int64, bool) {
	if len(arg) >= 2 && (arg[0] == '\'' || arg[0] == '"') {
		r, _ := utf8.DecodeRuneInString(arg[1:])
		return int64(r), true
	}
	return 0, false
}

func (pf *printfRun) intArg(arg string) int64 {
	if arg == "" {
		return 0
	}
	if v, ok := charConst(arg); ok {
		return v
	}
	s := strings.TrimLeft(arg, " \t\n")
	end := numPrefix(s, false)
	v, err := strconv.ParseInt(s[:end], 0, 64)
	if end > 0 && err != nil && strings.HasPrefix(s[:end], "0") && !strings.HasPrefix(s[:end], "0x") {
		v, err = strconv.ParseInt(s[:end], 8, 64)
	}
	if end == 0 || err != nil {
		if errors.Is(err, strconv.ErrRange) {
			pf.numErr(arg, err, false)
			if strings.HasPrefix(s, "-") {
				return math.MinInt64
			}
			return math.MaxInt64
		}
		pf.numErr(arg, nil, false)
		return 0
	}
	if end < len(s) {
		pf.numErr(arg, nil, true)
	}
	return v
}

func (pf *printfRun) uintArg(arg string) (uint64, bool) {
	s := strings.TrimLeft(arg, " \t\n")
	if s == "" || s[0] == '-' || s[0] == '\'' || s[0] == '"' {
		return 0, false
	}
	end := numPrefix(s, false)
	v, err := strconv.ParseUint(s[:end], 0, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

func (pf *printfRun) floatArg(arg string) float64 {
	if arg == "" {
		return 0
	}
	if v, ok := charConst(arg); ok {
		return float64(v)
	}
	s := strings.TrimLeft(arg, " \t\n")
	end := numPrefix(s, true)
	v, err := strconv.ParseFloat(s[:end], 64)
	if end == 0 || err != nil && !errors.Is(err, strconv.ErrRange) {
		pf.numErr(arg, nil, false)
		return 0
	}
	if end < len(s) {
		pf.numErr(arg, nil, true)
	}
	return v
}

// numPrefix returns the length of the number at the start of s.
func numPrefix(s string, float bool) int {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	if !float && strings.HasPrefix(s[i:], "0x") || strings.HasPrefix(s[i:], "0X") {
		j := i + 2
		for j < len(s) && isHex(s[j]) {
			j++
		}
		if j > i+2 {
			return j
		}
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if float {
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
		}
		if i > start && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			j := i + 1
			if j < len(s) && (s[j] == '-' || s[j] == '+') {
				j++
			}
			k := j
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > k {
				i = j
			}
		}
		if i == start {
			for _, w := range []string{"inf", "infinity", "nan"} {
				if len(s) >= start+len(w) && strings.EqualFold(s[start:start+len(w)], w) {
					i = start + len(w)
				}
			}
		}
	}
	if i == start {
		return 0
	}
	return i
}
