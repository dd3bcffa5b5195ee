package sh

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// arithError is a failed arithmetic evaluation.
type arithError struct{ msg string }

// arithExp evaluates $(( )); an error ends a non-interactive shell with
// status 2, as dash.
func (s *shell) arithExp(ae *syntax.ArithmExp) int64 {
	text := ""
	l, r := int(ae.Left.Offset())+3, int(ae.Right.Offset())
	if l <= r && r <= len(s.src) {
		text = s.src[l:r]
	}
	if ae.X == nil {
		return 0
	}
	return s.arithEval(ae.X, text)
}

// arithEval evaluates x, reporting errors with the expression text.
func (s *shell) arithEval(x syntax.ArithmExpr, text string) (v int64) {
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
	return s.arith(x)
}

// arithString evaluates an expression held in a string (a variable's or
// an expansion's value).
func (s *shell) arithString(str string) int64 {
	str = strings.TrimSpace(str)
	if str == "" {
		return 0
	}
	if n, ok := parseNumber(str); ok {
		return n
	}
	x, err := newParser().Arithmetic(strings.NewReader(str))
	if err != nil || x == nil {
		panic(arithError{"expecting EOF"})
	}
	return s.arith(x)
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

// varValue returns a variable's numeric value for arithmetic.
func (s *shell) varValue(name string) int64 {
	v, ok := s.lookup(name)
	if !ok {
		if s.opt.nounset {
			s.errorf("%s: parameter not set", name)
			s.fatal(2)
		}
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

// arith evaluates one node.
func (s *shell) arith(x syntax.ArithmExpr) int64 {
	switch x := x.(type) {
	case *syntax.Word:
		if lit := x.Lit(); lit != "" {
			if syntax.ValidName(lit) {
				return s.varValue(lit)
			}
			if n, ok := parseNumber(lit); ok {
				return n
			}
			if lit[0] >= '0' && lit[0] <= '9' {
				panic(arithError{"expecting EOF"})
			}
		}
		str := s.expandString(x)
		if syntax.ValidName(strings.TrimSpace(str)) {
			return s.varValue(strings.TrimSpace(str))
		}
		return s.arithString(str)
	case *syntax.ParenArithm:
		return s.arith(x.X)
	case *syntax.UnaryArithm:
		switch x.Op {
		case syntax.Inc, syntax.Dec:
			name := arithName(x.X)
			old := s.varValue(name)
			n := old + 1
			if x.Op == syntax.Dec {
				n = old - 1
			}
			s.arithAssign(name, n)
			if x.Post {
				return old
			}
			return n
		}
		v := s.arith(x.X)
		switch x.Op {
		case syntax.Not:
			return b2i(v == 0)
		case syntax.BitNegation:
			return ^v
		case syntax.Plus:
			return v
		case syntax.Minus:
			return -v
		}
	case *syntax.BinaryArithm:
		switch x.Op {
		case syntax.AndArit:
			if s.arith(x.X) == 0 {
				return 0
			}
			return b2i(s.arith(x.Y) != 0)
		case syntax.OrArit:
			if s.arith(x.X) != 0 {
				return 1
			}
			return b2i(s.arith(x.Y) != 0)
		case syntax.TernQuest:
			c := s.arith(x.X)
			tc, ok := x.Y.(*syntax.BinaryArithm)
			if !ok || tc.Op != syntax.TernColon {
				panic(arithError{"expecting ':'"})
			}
			if c != 0 {
				return s.arith(tc.X)
			}
			return s.arith(tc.Y)
		case syntax.Comma:
			s.arith(x.X)
			return s.arith(x.Y)
		case syntax.Assgn:
			name := arithName(x.X)
			v := s.arith(x.Y)
			s.arithAssign(name, v)
			return v
		case syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn, syntax.RemAssgn,
			syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
			name := arithName(x.X)
			old := s.varValue(name)
			v := binop(assignOp[x.Op], old, s.arith(x.Y))
			s.arithAssign(name, v)
			return v
		}
		return binop(x.Op, s.arith(x.X), s.arith(x.Y))
	}
	panic(arithError{"syntax error"})
}

// assignOp maps each compound assignment to its operator.
var assignOp = map[syntax.BinAritOperator]syntax.BinAritOperator{
	syntax.AddAssgn: syntax.Add, syntax.SubAssgn: syntax.Sub, syntax.MulAssgn: syntax.Mul,
	syntax.QuoAssgn: syntax.Quo, syntax.RemAssgn: syntax.Rem, syntax.AndAssgn: syntax.And,
	syntax.OrAssgn: syntax.Or, syntax.XorAssgn: syntax.Xor, syntax.ShlAssgn: syntax.Shl,
	syntax.ShrAssgn: syntax.Shr,
}

// binop applies a binary arithmetic operator.
func binop(op syntax.BinAritOperator, a, b int64) int64 {
	switch op {
	case syntax.Add:
		return a + b
	case syntax.Sub:
		return a - b
	case syntax.Mul:
		return a * b
	case syntax.Quo, syntax.Rem:
		if b == 0 {
			panic(arithError{"division by zero"})
		}
		if b == -1 {
			if op == syntax.Quo {
				return -a
			}
			return 0
		}
		if op == syntax.Quo {
			return a / b
		}
		return a % b
	case syntax.Pow:
		if b < 0 {
			panic(arithError{"exponent less than 0"})
		}
		r := int64(1)
		for ; b > 0; b-- {
			r *= a
		}
		return r
	case syntax.Eql:
		return b2i(a == b)
	case syntax.Neq:
		return b2i(a != b)
	case syntax.Lss:
		return b2i(a < b)
	case syntax.Leq:
		return b2i(a <= b)
	case syntax.Gtr:
		return b2i(a > b)
	case syntax.Geq:
		return b2i(a >= b)
	case syntax.And:
		return a & b
	case syntax.Or:
		return a | b
	case syntax.Xor:
		return a ^ b
	case syntax.Shl:
		return a << uint64(b&63)
	case syntax.Shr:
		return a >> uint64(b&63)
	}
	panic(arithError{"syntax error"})
}

// arithName returns the variable an assignment operator assigns.
func arithName(x syntax.ArithmExpr) string {
	if w, ok := x.(*syntax.Word); ok {
		if l := w.Lit(); syntax.ValidName(l) {
			return l
		}
	}
	panic(arithError{"expecting primary"})
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
