package sh

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// arithError is a failed arithmetic evaluation.
type arithError struct{ msg string }

// arithExp evaluates $(( )) as dash does: the expression's text is
// expanded first (parameters, command substitutions, nested arithmetic
// pasted in as text, so that with y=1+2, $(($y*2)) is 1+2*2 = 5), and
// the resulting string is then parsed and evaluated. An error ends a
// non-interactive shell with status 2.
func (s *shell) arithExp(ae *syntax.ArithmExp) int64 {
	return s.arithEval(s.arithText(ae))
}

// arithText returns the expanded text of $(( )): the source between the
// delimiters with each word that holds an expansion replaced by its
// expansion. When the source text is not at hand (a function defined in
// an eval run later), the text is rebuilt from the syntax tree.
func (s *shell) arithText(ae *syntax.ArithmExp) string {
	l, r := int(ae.Left.Offset())+3, int(ae.Right.Offset())
	if l >= 3 && l <= r && r+2 <= len(s.src) && s.src[l-3:l] == "$((" && s.src[r:r+2] == "))" {
		var b strings.Builder
		at := l
		ok := true
		if ae.X != nil {
			syntax.Walk(ae.X, func(n syntax.Node) bool {
				w, isWord := n.(*syntax.Word)
				if !isWord || !ok {
					return ok
				}
				if w.Lit() != "" {
					return false
				}
				ws, we := int(w.Pos().Offset()), int(w.End().Offset())
				if ws < at || we > r {
					ok = false
					return false
				}
				b.WriteString(s.src[at:ws])
				b.WriteString(s.expandString(w))
				at = we
				return false
			})
		}
		if ok {
			b.WriteString(s.src[at:r])
			return b.String()
		}
	}
	if ae.X == nil {
		return ""
	}
	return s.arithTree(ae.X)
}

// arithTree rebuilds an arithmetic expression's text from its tree,
// expanding its words.
func (s *shell) arithTree(x syntax.ArithmExpr) string {
	switch x := x.(type) {
	case *syntax.Word:
		if lit := x.Lit(); lit != "" {
			return lit
		}
		return s.expandString(x)
	case *syntax.ParenArithm:
		return "(" + s.arithTree(x.X) + ")"
	case *syntax.UnaryArithm:
		if x.Post {
			return s.arithTree(x.X) + x.Op.String()
		}
		return x.Op.String() + s.arithTree(x.X)
	case *syntax.BinaryArithm:
		return s.arithTree(x.X) + " " + x.Op.String() + " " + s.arithTree(x.Y)
	}
	return ""
}

// arithEval evaluates an expanded arithmetic expression, reporting errors
// with its text as dash does.
func (s *shell) arithEval(text string) (v int64) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(arithError)
			if !ok {
				panic(r)
			}
			if strings.HasPrefix(e.msg, "Illegal number") {
				s.errorf("%s", e.msg)
			} else {
				s.errorf("arithmetic expression: %s: \"%s\"", e.msg, text)
			}
			s.fatal(2)
		}
	}()
	a := &arithParser{s: s, src: text}
	a.next()
	v = a.assignment(false)
	if a.tok != tEnd {
		panic(arithError{"expecting EOF"})
	}
	return v
}

// Tokens of dash's arithmetic lexer.
type arithTok int

const (
	tEnd arithTok = iota
	tBad
	tNum
	tVar
	tLParen
	tRParen
	tQuest
	tColon
	tNot
	tBNot
	tAssign
	// Binary operators, then their assignment forms in the same order.
	tMul
	tDiv
	tRem
	tAdd
	tSub
	tShl
	tShr
	tLt
	tLe
	tGt
	tGe
	tEq
	tNe
	tAnd
	tXor
	tOr
	tAndAnd
	tOrOr
)

// arithOps are the operator spellings, longest first.
var arithOps = []struct {
	s      string
	t      arithTok
	assign bool
}{
	{"<<=", tShl, true}, {">>=", tShr, true},
	{"<<", tShl, false}, {">>", tShr, false}, {"<=", tLe, false}, {">=", tGe, false},
	{"==", tEq, false}, {"!=", tNe, false}, {"&&", tAndAnd, false}, {"||", tOrOr, false},
	{"*=", tMul, true}, {"/=", tDiv, true}, {"%=", tRem, true}, {"+=", tAdd, true},
	{"-=", tSub, true}, {"&=", tAnd, true}, {"^=", tXor, true}, {"|=", tOr, true},
	{"*", tMul, false}, {"/", tDiv, false}, {"%", tRem, false}, {"+", tAdd, false},
	{"-", tSub, false}, {"<", tLt, false}, {">", tGt, false}, {"&", tAnd, false},
	{"^", tXor, false}, {"|", tOr, false}, {"=", tAssign, false}, {"!", tNot, false},
	{"~", tBNot, false}, {"?", tQuest, false}, {":", tColon, false},
	{"(", tLParen, false}, {")", tRParen, false},
}

// arithPrec is each binary operator's precedence, C's: higher binds
// tighter.
var arithPrec = map[arithTok]int{
	tMul: 10, tDiv: 10, tRem: 10, tAdd: 9, tSub: 9, tShl: 8, tShr: 8,
	tLt: 7, tLe: 7, tGt: 7, tGe: 7, tEq: 6, tNe: 6, tAnd: 5, tXor: 4, tOr: 3,
}

// arithParser is dash's arith_yacc: a recursive-descent evaluator over
// the expanded text; noeval skips side effects and errors of the branch
// not taken (&&, ||, ?:).
type arithParser struct {
	s      *shell
	src    string
	pos    int
	tok    arithTok
	assign bool // tok is an assignment operator (op=)
	num    int64
	name   string
}

// next reads the next token.
func (a *arithParser) next() {
	for a.pos < len(a.src) && (a.src[a.pos] == ' ' || a.src[a.pos] == '\t' || a.src[a.pos] == '\n') {
		a.pos++
	}
	a.assign = false
	if a.pos >= len(a.src) {
		a.tok = tEnd
		return
	}
	c := a.src[a.pos]
	switch {
	case c >= '0' && c <= '9':
		a.tok, a.num = tNum, a.number()
		return
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		i := a.pos + 1
		for i < len(a.src) && (a.src[i] == '_' || a.src[i] >= 'a' && a.src[i] <= 'z' || a.src[i] >= 'A' && a.src[i] <= 'Z' || a.src[i] >= '0' && a.src[i] <= '9') {
			i++
		}
		a.tok, a.name, a.pos = tVar, a.src[a.pos:i], i
		return
	}
	for _, op := range arithOps {
		if strings.HasPrefix(a.src[a.pos:], op.s) {
			a.tok, a.assign = op.t, op.assign
			a.pos += len(op.s)
			return
		}
	}
	a.tok = tBad
}

// number reads an integer constant as strtoimax with base 0 does:
// 0x hex, 0 octal, else decimal, saturating on overflow.
func (a *arithParser) number() int64 {
	t := a.src[a.pos:]
	base, i := uint64(10), 0
	digit := func(c byte) (uint64, bool) {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		return d, d < base
	}
	switch {
	case len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && isHex(t[2]):
		base, i = 16, 2
	case t[0] == '0':
		base = 8
	}
	var n uint64
	over := false
	for ; i < len(t); i++ {
		d, ok := digit(t[i])
		if !ok {
			break
		}
		if n > (1<<63-1-d)/base {
			over = true
		}
		n = n*base + d
	}
	a.pos += i
	if over {
		return 1<<63 - 1
	}
	return int64(n)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// assignment is NAME op= assignment, or a conditional expression.
func (a *arithParser) assignment(noeval bool) int64 {
	if a.tok == tVar {
		save := *a
		name := a.name
		a.next()
		if a.tok == tAssign || a.assign {
			op, isAssign := a.tok, a.tok == tAssign
			a.next()
			v := a.assignment(noeval)
			if noeval {
				return v
			}
			if !isAssign {
				v = a.binop(op, a.s.varValue(name), v)
			}
			a.s.arithAssign(name, v)
			return v
		}
		*a = save
	}
	return a.cond(noeval)
}

// cond is a ? b : c.
func (a *arithParser) cond(noeval bool) int64 {
	c := a.or(noeval)
	if a.tok != tQuest {
		return c
	}
	a.next()
	b := a.assignment(noeval || c == 0)
	if a.tok != tColon {
		panic(arithError{"expecting ':'"})
	}
	a.next()
	d := a.cond(noeval || c != 0)
	if c != 0 {
		return b
	}
	return d
}

func (a *arithParser) or(noeval bool) int64 {
	x := a.and(noeval)
	if a.tok != tOrOr || a.assign {
		return x
	}
	a.next()
	y := a.or(noeval || x != 0)
	return b2i(x != 0 || y != 0)
}

func (a *arithParser) and(noeval bool) int64 {
	x := a.binary(0, noeval)
	if a.tok != tAndAnd || a.assign {
		return x
	}
	a.next()
	y := a.and(noeval || x == 0)
	return b2i(x != 0 && y != 0)
}

// binary parses binary operators binding tighter than prec.
func (a *arithParser) binary(prec int, noeval bool) int64 {
	x := a.primary(noeval)
	for {
		p, ok := arithPrec[a.tok]
		if !ok || a.assign || p <= prec {
			return x
		}
		op := a.tok
		a.next()
		y := a.binary(p, noeval)
		if !noeval {
			x = a.binop(op, x, y)
		}
	}
}

// primary is a number, a variable, a parenthesised expression or a
// unary operator applied to a primary.
func (a *arithParser) primary(noeval bool) int64 {
	if a.assign {
		panic(arithError{"expecting primary"})
	}
	switch a.tok {
	case tLParen:
		a.next()
		v := a.assignment(noeval)
		if a.tok != tRParen {
			panic(arithError{"expecting ')'"})
		}
		a.next()
		return v
	case tNum:
		v := a.num
		a.next()
		return v
	case tVar:
		name := a.name
		a.next()
		if noeval {
			return 0
		}
		return a.s.varValue(name)
	case tAdd:
		a.next()
		return a.primary(noeval)
	case tSub:
		a.next()
		return -a.primary(noeval)
	case tNot:
		a.next()
		return b2i(a.primary(noeval) == 0)
	case tBNot:
		a.next()
		return ^a.primary(noeval)
	}
	panic(arithError{"expecting primary"})
}

// binop applies a binary operator.
func (a *arithParser) binop(op arithTok, x, y int64) int64 {
	switch op {
	case tMul:
		return x * y
	case tDiv, tRem:
		if y == 0 {
			panic(arithError{"division by zero"})
		}
		if y == -1 {
			if op == tDiv {
				return -x
			}
			return 0
		}
		if op == tDiv {
			return x / y
		}
		return x % y
	case tAdd:
		return x + y
	case tSub:
		return x - y
	case tShl:
		return x << uint64(y&63)
	case tShr:
		return x >> uint64(y&63)
	case tLt:
		return b2i(x < y)
	case tLe:
		return b2i(x <= y)
	case tGt:
		return b2i(x > y)
	case tGe:
		return b2i(x >= y)
	case tEq:
		return b2i(x == y)
	case tNe:
		return b2i(x != y)
	case tAnd:
		return x & y
	case tXor:
		return x ^ y
	case tOr:
		return x | y
	}
	panic(arithError{"syntax error"})
}

// parseNumber parses a C integer constant: decimal, 0 octal, 0x hex,
// with an optional sign.
func parseNumber(str string) (int64, bool) {
	neg := false
	t := str
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return 0, false
	}
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X"):
		n, err = strconv.ParseUint(t[2:], 16, 64)
	case len(t) > 1 && t[0] == '0':
		n, err = strconv.ParseUint(t[1:], 8, 64)
	default:
		n, err = strconv.ParseUint(t, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

// varValue returns a variable's numeric value for arithmetic: unset or
// empty is 0 (even under set -u, as dash), else its value must be an
// integer constant.
func (s *shell) varValue(name string) int64 {
	v, ok := s.lookup(name)
	if !ok {
		return 0
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, ok := parseNumber(v)
	if !ok {
		panic(arithError{"Illegal number: " + v})
	}
	return n
}

// arithAssign assigns a number to a variable.
func (s *shell) arithAssign(name string, v int64) {
	if !s.assignChecked(name, strconv.FormatInt(v, 10)) {
		s.fatal(2)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
