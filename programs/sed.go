package programs

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
)

// sedAddr is a line number, $ or a regular expression.
type sedAddr struct {
	kind byte // 'n' line, '$' last, '/' regexp
	line int
	re   *regexp.Regexp
}

type sedCmd struct {
	a1, a2  *sedAddr
	neg     bool
	name    byte
	re      *regexp.Regexp
	repl    string
	global  bool
	nth     int
	print   bool
	inRange bool
}

// Sed implements a subset of sed(1): commands s/RE/REPL/[gpNI], p, d, q,
// =, with line-number, $ and /RE/ addresses, ranges ADDR1,ADDR2 and !;
// scripts from -e (several allowed) or the first operand, commands
// separated by ; or newlines; -n, and -E/-r for extended expressions.
func Sed(p *cages.Proc) int {
	c := newCmd(p, "sed")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "ne:Erzs", permute: true, long: map[string]string{
		"quiet": "n", "silent": "n", "expression": "e:", "regexp-extended": "E", "separate": "s"}})
	if err != nil {
		return c.usage(1, "")
	}
	quiet, ere := false, false
	var scripts []string
	for _, o := range opts {
		switch o.c {
		case 'n':
			quiet = true
		case 'e':
			scripts = append(scripts, o.arg)
		case 'E', 'r':
			ere = true
		}
	}
	if len(scripts) == 0 {
		if len(ops) == 0 {
			writeAll(p, 2, []byte("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n\n"))
			return 1
		}
		scripts, ops = ops[:1], ops[1:]
	}
	var cmds []*sedCmd
	for i, s := range scripts {
		cs, msg := parseSed(s, ere)
		if msg != "" {
			c.errorf("-e expression #%d, %s", i+1, msg)
			return 1
		}
		cmds = append(cmds, cs...)
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	// Lines stream in (yes | sed 5q ends), one read ahead so that $ is
	// known, as GNU sed reads ahead.
	status := 0
	in := &sedInput{c: c, files: ops, status: &status}
	cur, curNL, ok := in.next()
	out := c.out
	missingNL := false
	for lineNo := 1; ok; lineNo++ {
		line := cur
		nxt, nxtNL, more := in.next()
		last := !more
		lastNL := curNL
		ps := line
		deleted, quit := false, false
		match := func(a *sedAddr) bool {
			switch a.kind {
			case 'n':
				return lineNo == a.line
			case '$':
				return last
			}
			return a.re.Match(ps)
		}
		emit := func(b []byte) {
			// The last line keeps its missing newline, unless something
			// is written after it (GNU's output_missing_newline).
			if missingNL {
				out.WriteByte('\n')
			}
			out.Write(b)
			missingNL = last && !lastNL
			if !missingNL {
				out.WriteByte('\n')
			}
		}
		for _, cm := range cmds {
			sel := true
			switch {
			case cm.a1 == nil:
			case cm.a2 == nil:
				sel = match(cm.a1)
			case cm.inRange:
				switch cm.a2.kind {
				case 'n':
					if lineNo >= cm.a2.line {
						cm.inRange = false
					}
				default:
					if match(cm.a2) {
						cm.inRange = false
					}
				}
			default:
				sel = match(cm.a1)
				if sel {
					cm.inRange = true
					if cm.a2.kind == 'n' && cm.a2.line <= lineNo || cm.a2.kind == '$' && last {
						cm.inRange = false
					}
				}
			}
			if sel == cm.neg {
				continue
			}
			switch cm.name {
			case 'p':
				emit(ps)
			case 'd':
				deleted = true
			case 'q':
				quit = true
			case '=':
				out.WriteString(strconv.Itoa(lineNo) + "\n")
			case 's':
				if res, ok := substitute(ps, cm); ok {
					ps = res
					if cm.print {
						emit(ps)
					}
				}
			}
			if deleted || quit {
				break
			}
		}
		if !deleted && !quiet {
			emit(ps)
		}
		if quit || out.err != nil {
			break
		}
		cur, curNL, ok = nxt, nxtNL, more
	}
	in.close()
	return c.finish(status)
}

// sedInput reads the lines of sed's input files in turn.
type sedInput struct {
	c      *cmd
	files  []string
	status *int
	fd     int
	r      *bufio.Reader
}

// next returns the next line without its newline and whether it had one;
// ok is false at the end of the last file. A file that cannot be read is
// reported when its turn comes, as GNU sed does.
func (in *sedInput) next() (line []byte, nl, ok bool) {
	for {
		if in.r == nil {
			if len(in.files) == 0 {
				return nil, false, false
			}
			f := in.files[0]
			in.files = in.files[1:]
			fd, err := in.c.openIn(f)
			if err != nil {
				in.c.errorf("can't read %s: %s", f, errText(err))
				*in.status = 2
				continue
			}
			in.fd, in.r = fd, in.c.reader(fd)
		}
		l, err := readLine(in.r)
		if err == nil {
			nl = len(l) > 0 && l[len(l)-1] == '\n'
			if nl {
				l = l[:len(l)-1]
			}
			return append([]byte(nil), l...), nl, true
		}
		if err != io.EOF {
			in.c.errorf("read error on %s: %s", "stdin", errText(err))
			*in.status = 2
		}
		in.close()
	}
}

// close closes the file being read.
func (in *sedInput) close() {
	if in.r != nil {
		in.c.closeIn(in.fd)
		in.r = nil
	}
}

// substitute applies s///.
func substitute(ps []byte, cm *sedCmd) ([]byte, bool) {
	var out []byte
	pos, count, done := 0, 0, false
	prevEnd := -1
	for pos <= len(ps) {
		m := cm.re.FindSubmatchIndex(ps[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		if m[0] == m[1] && m[0] == prevEnd {
			// An empty match right after the previous match: skip a byte.
			if m[0] >= len(ps) {
				break
			}
			out = append(out, ps[m[0]])
			pos = m[0] + 1
			continue
		}
		count++
		out = append(out, ps[pos:m[0]]...)
		if count >= cm.nth && (cm.global || count == cm.nth) {
			out = expandRepl(out, cm.repl, ps, m)
			done = true
		} else {
			out = append(out, ps[m[0]:m[1]]...)
		}
		prevEnd = m[1]
		if m[1] == m[0] {
			if m[0] < len(ps) {
				out = append(out, ps[m[0]])
			}
			pos = m[0] + 1
		} else {
			pos = m[1]
		}
		if !cm.global && count >= cm.nth {
			break
		}
	}
	if !done {
		return ps, false
	}
	if pos < len(ps) {
		out = append(out, ps[pos:]...)
	}
	return out, true
}

// expandRepl appends sed's replacement: & is the match, \1-\9 groups, \n
// a newline.
func expandRepl(out []byte, repl string, src []byte, m []int) []byte {
	for i := 0; i < len(repl); i++ {
		ch := repl[i]
		switch {
		case ch == '&':
			out = append(out, src[m[0]:m[1]]...)
		case ch == '\\' && i+1 < len(repl):
			i++
			e := repl[i]
			switch {
			case e >= '0' && e <= '9':
				g := int(e - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					out = append(out, src[m[2*g]:m[2*g+1]]...)
				}
			case e == 'n':
				out = append(out, '\n')
			case e == 't':
				out = append(out, '\t')
			default:
				out = append(out, e)
			}
		default:
			out = append(out, ch)
		}
	}
	return out
}

// parseSed parses a script into commands; the message says what is
// wrong, as GNU sed's "char N: ..." does.
func parseSed(s string, ere bool) ([]*sedCmd, string) {
	var cmds []*sedCmd
	i := 0
	errAt := func(msg string) ([]*sedCmd, string) {
		return nil, "char " + strconv.Itoa(i) + ": " + msg
	}
	skipWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	// delimited reads text up to the unescaped delimiter d.
	delimited := func(d byte) (string, bool) {
		var b strings.Builder
		for i < len(s) {
			ch := s[i]
			if ch == '\\' && i+1 < len(s) {
				if s[i+1] == d {
					b.WriteByte(d)
				} else {
					b.WriteByte('\\')
					b.WriteByte(s[i+1])
				}
				i += 2
				continue
			}
			if ch == d {
				i++
				return b.String(), true
			}
			b.WriteByte(ch)
			i++
		}
		return "", false
	}
	var lastRE *regexp.Regexp
	compile := func(re string, icase bool) (*regexp.Regexp, string) {
		if re == "" {
			if lastRE == nil {
				return nil, "no previous regular expression"
			}
			return lastRE, ""
		}
		rx, err := compileRE(re, ere, icase)
		if err != nil {
			return nil, err.Error()
		}
		lastRE = rx
		return rx, ""
	}
	addr := func() (*sedAddr, string) {
		switch {
		case i < len(s) && s[i] >= '0' && s[i] <= '9':
			j := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			n, _ := strconv.Atoi(s[j:i])
			if n == 0 {
				return nil, "invalid usage of line address 0"
			}
			return &sedAddr{kind: 'n', line: n}, ""
		case i < len(s) && s[i] == '$':
			i++
			return &sedAddr{kind: '$'}, ""
		case i < len(s) && (s[i] == '/' || s[i] == '\\'):
			d := byte('/')
			if s[i] == '\\' {
				i++
				if i >= len(s) {
					return nil, "unexpected `,'"
				}
				d = s[i]
			}
			i++
			re, ok := delimited(d)
			if !ok {
				return nil, "unterminated address regex"
			}
			icase := false
			if i < len(s) && s[i] == 'I' {
				icase = true
				i++
			}
			rx, msg := compile(re, icase)
			if msg != "" {
				return nil, msg
			}
			return &sedAddr{kind: '/', re: rx}, ""
		}
		return nil, ""
	}
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == ';') {
			i++
		}
		if i >= len(s) {
			break
		}
		cm := &sedCmd{}
		a1, msg := addr()
		if msg != "" {
			return errAt(msg)
		}
		cm.a1 = a1
		if a1 != nil && i < len(s) && s[i] == ',' {
			i++
			skipWS()
			a2, msg := addr()
			if msg != "" {
				return errAt(msg)
			}
			if a2 == nil {
				return errAt("unexpected `,'")
			}
			cm.a2 = a2
		}
		skipWS()
		for i < len(s) && s[i] == '!' {
			cm.neg = true
			i++
			skipWS()
		}
		if i >= len(s) {
			return errAt("missing command")
		}
		cm.name = s[i]
		i++
		switch cm.name {
		case 'p', 'd', '=':
		case 'q':
			if cm.a2 != nil {
				return errAt("command only uses one address")
			}
		case 's':
			if i >= len(s) {
				return errAt("unterminated `s' command")
			}
			d := s[i]
			i++
			re, ok := delimited(d)
			if !ok {
				return errAt("unterminated `s' command")
			}
			repl, ok := delimited(d)
			if !ok {
				return errAt("unterminated `s' command")
			}
			cm.repl = repl
			icase := false
			cm.nth = 1
		flags:
			for i < len(s) {
				switch ch := s[i]; {
				case ch == 'g':
					cm.global = true
				case ch == 'p':
					cm.print = true
				case ch == 'i' || ch == 'I':
					icase = true
				case ch >= '1' && ch <= '9':
					j := i
					for i < len(s) && s[i] >= '0' && s[i] <= '9' {
						i++
					}
					cm.nth, _ = strconv.Atoi(s[j:i])
					continue
				case ch == ';' || ch == '\n' || ch == ' ' || ch == '}':
					break flags
				default:
					i++
					return errAt("unknown option to `s'")
				}
				i++
			}
			rx, msg := compile(re, icase)
			if msg != "" {
				return errAt(msg)
			}
			cm.re = rx
		default:
			return errAt("unknown command: `" + string(cm.name) + "'")
		}
		skipWS()
		if i < len(s) && s[i] != ';' && s[i] != '\n' {
			i++
			return errAt("extra characters after command")
		}
		cmds = append(cmds, cm)
	}
	return cmds, ""
}
