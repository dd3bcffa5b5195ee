package programs

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"
)

// translateRE turns a POSIX basic (ere false) or extended regular
// expression, with GNU's extensions (\+ \? \| \< \> \w \s \b in BRE), into
// Go's syntax.
func translateRE(re string, ere bool) (string, error) {
	var b strings.Builder
	atStart := true // where * is literal and ^ an anchor
	depth := 0
	for i := 0; i < len(re); i++ {
		ch := re[i]
		start := atStart
		atStart = false
		switch ch {
		case '[':
			j, cls, err := bracket(re, i)
			if err != nil {
				return "", err
			}
			b.WriteString(cls)
			i = j
		case '\\':
			if i+1 >= len(re) {
				return "", errTrailingBackslash
			}
			i++
			e := re[i]
			switch {
			case !ere && e == '(':
				b.WriteByte('(')
				depth++
				atStart = true
			case !ere && e == ')':
				if depth == 0 {
					return "", reMsg("Unmatched ) or \\)")
				}
				depth--
				b.WriteByte(')')
			case !ere && e == '|':
				b.WriteByte('|')
				atStart = true
			case !ere && (e == '{' || e == '}' || e == '+' || e == '?'):
				if start && e != '}' {
					b.WriteString(`\` + string(e))
				} else {
					b.WriteByte(e)
				}
			case e == '<' || e == '>':
				b.WriteString(`\b`)
			case e == 'w' || e == 'W' || e == 's' || e == 'S' || e == 'b' || e == 'B':
				b.WriteString(`\` + string(e))
			case e == 'n':
				b.WriteString(`\n`)
			case e == 't':
				b.WriteString(`\t`)
			case e >= '1' && e <= '9':
				return "", reMsg("back-references are not supported")
			case e == '`':
				b.WriteString(`\A`)
			case e == '\'':
				b.WriteString(`\z`)
			default:
				b.WriteString(regexp.QuoteMeta(string(e)))
			}
		case '.':
			b.WriteByte('.') // any character ((?s): newlines too, as in POSIX)
		case '*':
			if start {
				b.WriteString(`\*`)
			} else {
				b.WriteByte('*')
			}
		case '^':
			if ere || start {
				b.WriteByte('^')
				atStart = true
			} else {
				b.WriteString(`\^`)
			}
		case '$':
			rest := re[i+1:]
			if ere || rest == "" || strings.HasPrefix(rest, `\)`) || strings.HasPrefix(rest, `\|`) {
				b.WriteByte('$')
			} else {
				b.WriteString(`\$`)
			}
		case '(', ')', '|', '+', '?', '{', '}':
			if !ere {
				b.WriteString(`\` + string(ch))
				continue
			}
			switch ch {
			case '(':
				depth++
				atStart = true
				b.WriteByte(ch)
			case ')':
				if depth == 0 {
					return "", reMsg("Unmatched ) or \\)")
				}
				depth--
				b.WriteByte(ch)
			case '|':
				atStart = true
				b.WriteByte(ch)
			case '{':
				if start || !validInterval(re[i:]) {
					b.WriteString(`\{`)
				} else {
					b.WriteByte(ch)
				}
			case '+', '?':
				if start {
					b.WriteString(`\` + string(ch))
				} else {
					b.WriteByte(ch)
				}
			default:
				b.WriteByte(ch)
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	if depth > 0 {
		return "", reMsg("Unmatched ( or \\(")
	}
	return b.String(), nil
}

var errTrailingBackslash = reMsg("Trailing backslash")

// validInterval reports whether s starts with an ERE interval {n}, {n,},
// {n,m} or {,m}.
func validInterval(s string) bool {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return false
	}
	body := s[1:end]
	if body == "" {
		return false
	}
	for _, c := range body {
		if c != ',' && (c < '0' || c > '9') {
			return false
		}
	}
	return strings.Count(body, ",") <= 1
}

// bracket translates the bracket expression at re[i] and returns the
// index of its closing ']'.
func bracket(re string, i int) (int, string, error) {
	var b strings.Builder
	b.WriteByte('[')
	j := i + 1
	if j < len(re) && re[j] == '^' {
		b.WriteByte('^')
		j++
	}
	first := true
	for ; j < len(re); j++ {
		ch := re[j]
		if ch == ']' && !first {
			b.WriteByte(']')
			return j, b.String(), nil
		}
		first = false
		switch {
		case ch == '[' && j+1 < len(re) && (re[j+1] == ':' || re[j+1] == '.' || re[j+1] == '='):
			end := strings.Index(re[j+2:], string(re[j+1])+"]")
			if end < 0 {
				return 0, "", errBracket
			}
			inner := re[j+2 : j+2+end]
			switch re[j+1] {
			case ':':
				if !validClass(inner) {
					return 0, "", reMsg("Invalid character class name")
				}
				b.WriteString("[:" + inner + ":]")
			default:
				b.WriteString(regexp.QuoteMeta(inner))
			}
			j += 2 + end + 1
		case ch == '\\' || ch == '[' || ch == ']':
			b.WriteString(`\` + string(ch))
		default:
			b.WriteByte(ch)
		}
	}
	return 0, "", errBracket
}

var errBracket = reMsg("Unmatched [, [^, [:, [., or [=")

func validClass(name string) bool {
	switch name {
	case "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph", "cntrl", "xdigit":
		return true
	}
	return false
}

// compileRE compiles a POSIX regular expression for leftmost-longest
// matching; icase folds case.
func compileRE(re string, ere, icase bool) (*regexp.Regexp, error) {
	t, err := translateRE(re, ere)
	if err != nil {
		return nil, err
	}
	if icase {
		t = "(?i)" + t
	}
	rx, err := regexp.Compile("(?s)" + t)
	if err != nil {
		return nil, reError(err)
	}
	rx.Longest()
	return rx, nil
}

// reError turns Go's regexp error into GNU's message.
func reError(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		switch se.Code {
		case syntax.ErrMissingParen:
			return reMsg("Unmatched ( or \\(")
		case syntax.ErrUnexpectedParen:
			return reMsg("Unmatched ) or \\)")
		case syntax.ErrMissingBracket:
			return errBracket
		case syntax.ErrInvalidRepeatOp, syntax.ErrMissingRepeatArgument:
			return reMsg("Invalid preceding regular expression")
		case syntax.ErrInvalidRepeatSize:
			return reMsg("Invalid content of \\{\\}")
		case syntax.ErrInvalidCharRange:
			return reMsg("Invalid range end")
		}
	}
	return reMsg("Invalid regular expression")
}

// reMsg is a regular-expression error with GNU's message.
type reMsg string

func (e reMsg) Error() string { return string(e) }
