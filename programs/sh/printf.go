package sh

import (
	"strconv"
	"strings"
)

// bPrintf is the shell's printf, as dash's and coreutils': the format is
// reused until the arguments run out.
func bPrintf(s *shell, argv []string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		s.errorf("printf: usage: printf format [arg ...]")
		return 2
	}
	format, args := args[0], args[1:]
	var b strings.Builder
	status := 0
	next := func() (string, bool) {
		if len(args) == 0 {
			return "", false
		}
		a := args[0]
		args = args[1:]
		return a, true
	}
	num := func(conv byte) (int64, uint64, float64) {
		a, _ := next()
		if conv == 'e' || conv == 'E' || conv == 'f' || conv == 'F' || conv == 'g' || conv == 'G' {
			f, ok := parseFloatArg(a)
			if !ok {
				s.errorf("printf: %s: expected numeric value", a)
				status = 1
			}
			return 0, 0, f
		}
		n, ok := parseIntArg(a)
		if !ok {
			s.errorf("printf: %s: expected numeric value", a)
			status = 1
		}
		return n, uint64(n), 0
	}
	for {
		used := len(args)
		stop := false
		for i := 0; i < len(format) && !stop; i++ {
			c := format[i]
			if c == '\\' {
				j, st := printfEscape(&b, format, i)
				i = j
				if st {
					stop = true
				}
				continue
			}
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			if i+1 < len(format) && format[i+1] == '%' {
				b.WriteByte('%')
				i++
				continue
			}
			j := i + 1
			for j < len(format) && strings.IndexByte("-+ #0", format[j]) >= 0 {
				j++
			}
			spec := format[i:j]
			if j < len(format) && format[j] == '*' {
				a, _ := next()
				n, _ := parseIntArg(a)
				spec += strconv.FormatInt(n, 10)
				j++
			} else {
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					spec += string(format[j])
					j++
				}
			}
			if j < len(format) && format[j] == '.' {
				spec += "."
				j++
				if j < len(format) && format[j] == '*' {
					a, _ := next()
					n, _ := parseIntArg(a)
					spec += strconv.FormatInt(n, 10)
					j++
				} else {
					for j < len(format) && format[j] >= '0' && format[j] <= '9' {
						spec += string(format[j])
						j++
					}
				}
			}
			for j < len(format) && strings.IndexByte("hlLqjzt", format[j]) >= 0 {
				j++
			}
			if j >= len(format) {
				s.errorf("printf: %s: invalid directive", format[i:])
				s.out(b.String())
				return 1
			}
			conv := format[j]
			i = j
			switch conv {
			case 's':
				a, _ := next()
				b.WriteString(sprintf(spec+"s", a))
			case 'b':
				a, _ := next()
				var eb strings.Builder
				st := writeEscapes(&eb, a, true)
				b.WriteString(sprintf(spec+"s", eb.String()))
				if st {
					stop = true
					args = nil
				}
			case 'c':
				a, _ := next()
				if a != "" {
					b.WriteString(sprintf(spec+"s", a[:1]))
				} else {
					b.WriteString(sprintf(spec+"s", ""))
				}
			case 'd', 'i':
				n, _, _ := num(conv)
				b.WriteString(sprintf(spec+"d", n))
			case 'u':
				_, u, _ := num(conv)
				b.WriteString(sprintf(spec+"d", u))
			case 'o', 'x', 'X':
				_, u, _ := num(conv)
				b.WriteString(sprintf(spec+string(conv), u))
			case 'e', 'E', 'f', 'F', 'g', 'G':
				_, _, f := num(conv)
				b.WriteString(sprintf(spec+string(conv), f))
			default:
				s.errorf("printf: %%%c: invalid directive", conv)
				s.out(b.String())
				return 1
			}
		}
		if stop || len(args) == 0 || len(args) == used {
			break
		}
	}
	if !s.out(b.String()) {
		return 1
	}
	return status
}

// printfEscape writes the escape at format[i] (a backslash) and returns
// the index of its last byte and whether it was \c.
func printfEscape(b *strings.Builder, format string, i int) (int, bool) {
	if i+1 >= len(format) {
		b.WriteByte('\\')
		return i, false
	}
	c := format[i+1]
	if c >= '0' && c <= '7' {
		v, j := 0, i+1
		for k := 0; k < 3 && j < len(format) && format[j] >= '0' && format[j] <= '7'; k++ {
			v = v*8 + int(format[j]-'0')
			j++
		}
		b.WriteByte(byte(v))
		return j - 1, false
	}
	if c == 'c' {
		return i + 1, true
	}
	var eb strings.Builder
	writeEscapes(&eb, format[i:i+2], false)
	b.WriteString(eb.String())
	return i + 1, false
}

// parseIntArg parses a printf numeric argument: C constants, and 'c or
// "c for a character's code.
func parseIntArg(a string) (int64, bool) {
	if a == "" {
		return 0, true
	}
	if a[0] == '\'' || a[0] == '"' {
		if len(a) > 1 {
			return int64(a[1]), true
		}
		return 0, true
	}
	t := strings.TrimLeft(a, " \t")
	if n, ok := parseNumber(t); ok {
		return n, true
	}
	// The longest numeric prefix, as strtol.
	end := 0
	if end < len(t) && (t[end] == '-' || t[end] == '+') {
		end++
	}
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	n, _ := strconv.ParseInt(t[:end], 10, 64)
	return n, false
}

// parseFloatArg parses a printf floating-point argument.
func parseFloatArg(a string) (float64, bool) {
	if a == "" {
		return 0, true
	}
	if a[0] == '\'' || a[0] == '"' {
		if len(a) > 1 {
			return float64(a[1]), true
		}
		return 0, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}
