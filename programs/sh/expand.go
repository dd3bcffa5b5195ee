package sh

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gocage/gocage/posix"
)

// Character attributes of expanded text.
const (
	aQuoted = 1 << iota // quoted: no pathname expansion, no splitting
	aSplit              // from an unquoted expansion: IFS splits here
)

// field is an expanded word under construction: bytes and attributes.
type field struct {
	b []byte
	a []byte
}

// expander expands the words of one context.
type expander struct {
	s *shell
	// split: field splitting and pathname expansion apply (command
	// words); otherwise the result is one string.
	split   bool
	heredoc bool
	assign  bool
	inOp    int // inside the word of ${x-word}: literals split too
	ifs     string

	fields    []field
	cur       field
	started   bool // cur exists even if empty (a quoted "" was seen)
	pendingWS bool // cur was just ended by IFS white space
}

func (s *shell) newExpander(split bool) *expander {
	ifs, ok := s.lookup("IFS")
	if !ok {
		ifs = " \t\n"
	}
	return &expander{s: s, split: split, ifs: ifs}
}

// add appends text with attribute a.
func (e *expander) add(text string, a byte) {
	for i := 0; i < len(text); i++ {
		e.cur.b = append(e.cur.b, text[i])
		e.cur.a = append(e.cur.a, a)
	}
	if len(text) > 0 || a&aQuoted != 0 {
		e.started = true
	}
	if len(text) > 0 {
		e.pendingWS = false
	}
}

// addExp appends the result of an expansion, split at IFS characters
// when unquoted in a splitting context.
func (e *expander) addExp(text string, quoted bool) {
	if quoted {
		e.add(text, aQuoted)
		return
	}
	if !e.split {
		e.add(text, 0)
		return
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if strings.IndexByte(e.ifs, c) < 0 {
			e.cur.b = append(e.cur.b, c)
			e.cur.a = append(e.cur.a, aSplit)
			e.started = true
			e.pendingWS = false
			continue
		}
		if isIFSWhite(c) {
			if e.started {
				e.push()
				e.pendingWS = true
			}
			continue
		}
		// A non-white IFS character ends a field, even an empty one,
		// unless it belongs to the white space that just ended one.
		if e.pendingWS {
			e.pendingWS = false
			continue
		}
		e.push()
	}
}

func isIFSWhite(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// push ends the current field.
func (e *expander) push() {
	e.fields = append(e.fields, e.cur)
	e.cur = field{}
	e.started = false
}

// boundary separates the fields of "$@".
func (e *expander) boundary() {
	if !e.split {
		e.add(" ", aQuoted)
		return
	}
	e.push()
	e.started = false
}

// end finishes the word.
func (e *expander) end() {
	if e.started {
		e.push()
	}
}

// expandFields expands command words: parameters, command substitution,
// arithmetic, field splitting, pathname expansion, quote removal.
func (s *shell) expandFields(words []*syntax.Word) []string {
	var out []string
	for _, w := range words {
		e := s.newExpander(true)
		e.word(w)
		e.end()
		for _, f := range e.fields {
			if !s.opt.noglob && hasGlob(f) {
				if m := s.glob(globPattern(f)); len(m) > 0 {
					out = append(out, m...)
					continue
				}
			}
			out = append(out, string(f.b))
		}
	}
	return out
}

// expandString expands a word to one string without splitting or
// pathname expansion (case words, redirection targets, here-doc lines).
func (s *shell) expandString(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	e := s.newExpander(false)
	e.word(w)
	e.end()
	var b strings.Builder
	for _, f := range e.fields {
		b.Write(f.b)
	}
	return b.String()
}

// expandAssign expands an assignment's value: tilde after = and :.
func (s *shell) expandAssign(w *syntax.Word) string {
	e := s.newExpander(false)
	e.assign = true
	e.word(w)
	e.end()
	var b strings.Builder
	for _, f := range e.fields {
		b.Write(f.b)
	}
	return b.String()
}

// expandPattern expands a pattern word: quoted characters are escaped.
func (s *shell) expandPattern(w *syntax.Word) string {
	e := s.newExpander(false)
	e.word(w)
	e.end()
	var b strings.Builder
	for _, f := range e.fields {
		b.WriteString(globPattern(f))
	}
	return b.String()
}

// expandHeredoc expands a here-document body as if double-quoted.
func (s *shell) expandHeredoc(parts []syntax.WordPart) string {
	e := s.newExpander(false)
	e.heredoc = true
	e.parts(parts, true, false)
	e.end()
	var b strings.Builder
	for _, f := range e.fields {
		b.Write(f.b)
	}
	return b.String()
}

// hasGlob reports whether f has an unquoted pattern character.
func hasGlob(f field) bool {
	for i, c := range f.b {
		if f.a[i]&aQuoted == 0 && (c == '*' || c == '?' || c == '[') {
			return true
		}
	}
	return false
}

// globPattern turns f into a pattern: quoted special characters escaped.
func globPattern(f field) string {
	var b strings.Builder
	for i, c := range f.b {
		if f.a[i]&aQuoted != 0 && strings.IndexByte("*?[]\\!^-", c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// word expands one word into e.
func (e *expander) word(w *syntax.Word) {
	e.parts(w.Parts, false, true)
}

// parts expands word parts; quoted is set inside double quotes; first is
// set when the parts begin a word (tilde expansion).
func (e *expander) parts(parts []syntax.WordPart, quoted, first bool) {
	for i, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			e.lit(p.Value, quoted, first && i == 0)
		case *syntax.SglQuoted:
			v := p.Value
			if p.Dollar {
				v = "$" + v
			}
			e.add(v, aQuoted)
		case *syntax.DblQuoted:
			if len(p.Parts) == 0 {
				e.add("", aQuoted)
				continue
			}
			if !onlyAt(p.Parts) || len(e.s.args) > 0 {
				e.started = true
			}
			e.parts(p.Parts, true, false)
		case *syntax.ParamExp:
			e.param(p, quoted)
		case *syntax.CmdSubst:
			e.addExp(e.s.cmdSubst(p), quoted)
		case *syntax.ArithmExp:
			v := e.s.arithExp(p)
			e.addExp(strconv.FormatInt(v, 10), quoted)
		default:
			e.s.errorf("Syntax error: unsupported expansion")
			e.s.fatal(2)
		}
	}
}

// onlyAt reports whether double-quoted parts are just "$@".
func onlyAt(parts []syntax.WordPart) bool {
	if len(parts) != 1 {
		return false
	}
	pe, ok := parts[0].(*syntax.ParamExp)
	return ok && pe.Param != nil && pe.Param.Value == "@" && pe.Exp == nil && !pe.Length
}

// lit expands literal text: backslash escapes and tilde.
func (e *expander) lit(v string, quoted, first bool) {
	if !quoted && first && strings.HasPrefix(v, "~") {
		v = e.tilde(v)
	} else if e.assign && !quoted {
		v = e.tildeAssign(v, first)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 >= len(v) {
			switch {
			case quoted:
				e.add(string(c), aQuoted)
			case e.inOp > 0:
				e.addExp(string(c), false)
			default:
				e.add(string(c), 0)
			}
			continue
		}
		n := v[i+1]
		switch {
		case e.heredoc:
			if n == '$' || n == '`' || n == '\\' {
				e.add(string(n), aQuoted)
				i++
			} else if n == '\n' {
				i++
			} else {
				e.add("\\", aQuoted)
			}
		case quoted:
			if n == '$' || n == '`' || n == '"' || n == '\\' {
				e.add(string(n), aQuoted)
				i++
			} else if n == '\n' {
				i++
			} else {
				e.add("\\", aQuoted)
			}
		default:
			if n == '\n' {
				i++
				continue
			}
			e.add(string(n), aQuoted)
			i++
		}
	}
}

// tilde expands a leading ~ or ~/ to $HOME.
func (e *expander) tilde(v string) string {
	end := strings.IndexByte(v, '/')
	if end < 0 {
		end = len(v)
	}
	if end == 1 {
		if home, ok := e.s.lookup("HOME"); ok {
			return quoteBackslash(home) + v[1:]
		}
	}
	return v
}

// tildeAssign expands ~ at the start and after each : of an assignment.
func (e *expander) tildeAssign(v string, first bool) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '~' && (i == 0 && first || i > 0 && v[i-1] == ':') {
			j := i + 1
			if j == len(v) || v[j] == '/' || v[j] == ':' {
				if home, ok := e.s.lookup("HOME"); ok {
					b.WriteString(quoteBackslash(home))
					continue
				}
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// quoteBackslash escapes s so that lit keeps it as is.
func quoteBackslash(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte('\\')
		b.WriteByte(s[i])
	}
	return b.String()
}

// param expands a parameter expansion.
func (e *expander) param(pe *syntax.ParamExp, quoted bool) {
	s := e.s
	name := pe.Param.Value
	if pe.Length {
		if name == "@" || name == "*" {
			e.addExp(strconv.Itoa(len(s.args)), quoted)
			return
		}
		v, ok := s.lookup(name)
		if !ok && s.opt.nounset && name != "@" && name != "*" {
			s.errorf("%s: parameter not set", name)
			s.fatal(2)
		}
		e.addExp(strconv.Itoa(utf8.RuneCountInString(v)), quoted)
		return
	}
	if (name == "@" || name == "*") && pe.Exp == nil {
		e.positional(name, quoted)
		return
	}
	val, set := s.lookup(name)
	if name == "@" || name == "*" {
		set = len(s.args) > 0
	}
	if pe.Exp != nil {
		op := pe.Exp.Op
		colon := op == syntax.DefaultUnsetOrNull || op == syntax.AssignUnsetOrNull || op == syntax.ErrorUnsetOrNull || op == syntax.AlternateUnsetOrNull
		empty := !set || colon && val == ""
		switch op {
		case syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
			if empty {
				e.opWord(pe.Exp.Word, quoted)
				return
			}
		case syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
			if !empty {
				e.opWord(pe.Exp.Word, quoted)
			}
			return
		case syntax.AssignUnset, syntax.AssignUnsetOrNull:
			if empty {
				v := s.expandString(pe.Exp.Word)
				if !syntax.ValidName(name) {
					s.errorf("%s: bad variable name", name)
					s.fatal(2)
				}
				if !s.assignChecked(name, v) {
					s.fatal(2)
				}
				val = v
			}
		case syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
			if empty {
				msg := "parameter not set"
				if pe.Exp.Word != nil && len(pe.Exp.Word.Parts) > 0 {
					msg = s.expandString(pe.Exp.Word)
				} else if op == syntax.ErrorUnsetOrNull {
					msg = "parameter not set or null"
				}
				s.errorf("%s: %s", name, msg)
				s.fatal(2)
			}
		case syntax.RemSmallSuffix, syntax.RemLargeSuffix, syntax.RemSmallPrefix, syntax.RemLargePrefix:
			if !set && s.opt.nounset {
				s.errorf("%s: parameter not set", name)
				s.fatal(2)
			}
			pat := ""
			if pe.Exp.Word != nil {
				pat = s.expandPattern(pe.Exp.Word)
			}
			val = trimPattern(val, pat, op)
		default:
			s.errorf("Syntax error: Bad substitution")
			s.fatal(2)
		}
	} else if !set && s.opt.nounset {
		s.errorf("%s: parameter not set", name)
		s.fatal(2)
	}
	e.addExp(val, quoted)
}

// opWord expands the word of ${x-word} in the context of the expansion.
func (e *expander) opWord(w *syntax.Word, quoted bool) {
	if w == nil {
		if quoted {
			e.add("", aQuoted)
		}
		return
	}
	e.inOp++
	e.parts(w.Parts, quoted, !quoted)
	e.inOp--
}

// positional expands $@ and $*.
func (e *expander) positional(name string, quoted bool) {
	args := e.s.args
	if quoted && name == "*" {
		sep := " "
		if ifs, ok := e.s.lookup("IFS"); ok {
			sep = ""
			if ifs != "" {
				sep = ifs[:1]
			}
		}
		e.add(strings.Join(args, sep), aQuoted)
		return
	}
	for i, a := range args {
		if i > 0 {
			if quoted {
				e.boundary()
			} else if e.split {
				e.end()
				e.pendingWS = false
			} else {
				sep := " "
				if name == "*" {
					if ifs, ok := e.s.lookup("IFS"); ok {
						sep = ""
						if ifs != "" {
							sep = ifs[:1]
						}
					}
				}
				e.add(sep, 0)
			}
		}
		e.addExp(a, quoted)
	}
}

// trimPattern removes the shortest or longest prefix or suffix of v that
// matches pat.
func trimPattern(v, pat string, op syntax.ParExpOperator) string {
	switch op {
	case syntax.RemSmallPrefix:
		for i := 0; i <= len(v); i++ {
			if match(pat, v[:i], false) {
				return v[i:]
			}
		}
	case syntax.RemLargePrefix:
		for i := len(v); i >= 0; i-- {
			if match(pat, v[:i], false) {
				return v[i:]
			}
		}
	case syntax.RemSmallSuffix:
		for i := len(v); i >= 0; i-- {
			if match(pat, v[i:], false) {
				return v[:i]
			}
		}
	case syntax.RemLargeSuffix:
		for i := 0; i <= len(v); i++ {
			if match(pat, v[i:], false) {
				return v[:i]
			}
		}
	}
	return v
}

// cmdSubst runs a command substitution in a forked child whose stdout is
// a pipe, reads all it writes, waits for it and strips trailing newlines.
func (s *shell) cmdSubst(cs *syntax.CmdSubst) string {
	r, w, err := s.p.Pipe()
	if err != nil {
		s.errorf("Pipe call failed")
		s.fatal(2)
	}
	pid, ferr := s.fork(-1, func(c *shell) int {
		c.p.Close(r)
		if w != 1 {
			c.p.Dup2(w, 1)
			c.p.Close(w)
		}
		c.execList(cs.Stmts, true)
		return c.status
	})
	s.p.Close(w)
	var out []byte
	if ferr == nil {
		buf := make([]byte, 4096)
		for {
			n, err := s.p.Read(r, buf)
			if err == posix.EINTR {
				continue
			}
			if n <= 0 || err != nil {
				break
			}
			out = append(out, buf[:n]...)
		}
	}
	s.p.Close(r)
	if ferr != nil {
		s.substStatus = 2
		return ""
	}
	s.substStatus = s.waitFg(pid)
	s.status = s.substStatus
	for len(out) > 0 && out[len(out)-1] == '\n' {
		out = out[:len(out)-1]
	}
	return string(out)
}
