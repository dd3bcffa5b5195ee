package sh

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// bPrintf is the shell's printf, as dash's and coreutils': the format is
// reused until the arguments run out.
func bPrintf(s *shell, argv []string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	} else if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		s.errorf("printf: Illegal option -%c", args[0][1])
		return 2
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
			f, msg := parseFloatArg(a)
			if msg != "" {
				s.errorf("printf: %s: %s", a, msg)
				status = 1
			}
			return 0, 0, f
		}
		n, msg := parseIntArg(a, conv == 'd' || conv == 'i')
		if msg != "" {
			s.errorf("printf: %s: %s", a, msg)
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
				n, _ := parseIntArg(a, true)
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
					n, _ := parseIntArg(a, true)
					spec += strconv.FormatInt(n, 10)
					j++
				} else {
					for j < len(format) && format[j] >= '0' && format[j] <= '9' {
						spec += string(format[j])
						j++
					}
				}
			}
			if j >= len(format) {
				s.errorf("printf: missing format character")
				s.out(b.String())
				return 2
			}
			conv := format[j]
			directive := format[i : j+1]
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
					b.WriteString(sprintf(spec+"c", 0))
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
				b.WriteString(formatFloat(spec, conv, f))
			default:
				s.errorf("printf: %s: invalid directive", directive)
				s.out(b.String())
				return 2
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

// parseIntArg parses a printf numeric argument as dash does with
// strtoimax (signed) or strtoumax: C constants, and 'c or "c for a
// character's code. The message is dash's complaint, empty if none: the
// longest numeric prefix is the value.
func parseIntArg(a string, signed bool) (int64, string) {
	if a == "" {
		return 0, ""
	}
	if a[0] == '\'' || a[0] == '"' {
		if len(a) > 1 {
			return int64(a[1]), ""
		}
		return 0, ""
	}
	t := strings.TrimLeft(a, " \t\n\v\f\r")
	i := 0
	neg := false
	if i < len(t) && (t[i] == '-' || t[i] == '+') {
		neg = t[i] == '-'
		i++
	}
	base := uint64(10)
	start := i
	switch {
	case i+2 < len(t) && t[i] == '0' && (t[i+1] == 'x' || t[i+1] == 'X') && isHex(t[i+2]):
		base, i = 16, i+2
		start = i
	case i < len(t) && t[i] == '0':
		base = 8
	}
	var n uint64
	over := false
	for ; i < len(t); i++ {
		c := t[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			d = 99
		}
		if d >= base {
			break
		}
		if n > (^uint64(0)-d)/base {
			over = true
		}
		n = n*base + d
	}
	if i == start {
		return 0, "expected numeric value"
	}
	var v int64
	switch {
	case signed && !neg && (over || n > 1<<63-1):
		v, over = 1<<63-1, true
	case signed && neg && (over || n > 1<<63):
		v, over = -1<<63, true
	case over:
		v = -1
	case neg:
		v = -int64(n)
	default:
		v = int64(n)
	}
	if i < len(t) {
		return v, "not completely converted"
	}
	if over {
		return v, "Numerical result out of range"
	}
	return v, ""
}

// parseFloatArg parses a printf floating-point argument as strtod: the
// longest prefix that is a number is the value.
func parseFloatArg(a string) (float64, string) {
	if a == "" {
		return 0, ""
	}
	if a[0] == '\'' || a[0] == '"' {
		if len(a) > 1 {
			return float64(a[1]), ""
		}
		return 0, ""
	}
	t := strings.TrimLeft(a, " \t\n\v\f\r")
	if f, end, ok := hexFloat(t); ok {
		if end < len(t) {
			return f, "not completely converted"
		}
		return f, ""
	}
	best, bestEnd := 0.0, -1
	for end := len(t); end > 0; end-- {
		if f, err := strconv.ParseFloat(t[:end], 64); err == nil || errors.Is(err, strconv.ErrRange) {
			if strings.ContainsAny(t[:end], "_") {
				continue
			}
			best, bestEnd = f, end
			break
		}
	}
	switch {
	case bestEnd < 0:
		return 0, "expected numeric value"
	case bestEnd < len(t):
		return best, "not completely converted"
	}
	return best, ""
}

// hexFloat parses a leading [sign]0xHEX[.HEX] (strtod's hexadecimal
// form without an exponent) and returns the value and where it ends.
func hexFloat(t string) (float64, int, bool) {
	i := 0
	neg := false
	if i < len(t) && (t[i] == '-' || t[i] == '+') {
		neg = t[i] == '-'
		i++
	}
	if !(i+2 < len(t) && t[i] == '0' && (t[i+1] == 'x' || t[i+1] == 'X')) || strings.ContainsAny(t, "pP") {
		return 0, 0, false
	}
	i += 2
	v, scale, digits := 0.0, 1.0, 0
	frac := false
	for ; i < len(t); i++ {
		c := t[i]
		if c == '.' && !frac {
			frac = true
			continue
		}
		if !isHex(c) {
			break
		}
		d, _ := strconv.ParseUint(string(c), 16, 8)
		if frac {
			scale /= 16
			v += float64(d) * scale
		} else {
			v = v*16 + float64(d)
		}
		digits++
	}
	if digits == 0 {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i, true
}

// formatFloat formats f as C's printf does, inf and nan included.
func formatFloat(spec string, conv byte, f float64) string {
	if !math.IsInf(f, 0) && !math.IsNaN(f) {
		return sprintf(spec+string(conv), f)
	}
	str := "inf"
	switch {
	case math.IsNaN(f):
		str = "nan"
	case f < 0:
		str = "-inf"
	case strings.Contains(spec, "+"):
		str = "+inf"
	case strings.Contains(spec, " "):
		str = " inf"
	}
	if conv >= 'A' && conv <= 'Z' {
		str = strings.ToUpper(str)
	}
	w := strings.TrimLeft(spec[1:], "-+ #0")
	if k := strings.IndexByte(w, '.'); k >= 0 {
		w = w[:k]
	}
	if strings.Contains(spec, "-") {
		return sprintf("%-"+w+"s", str)
	}
	return sprintf("%"+w+"s", str)
}
