package programs

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
)

// Expr implements expr(1): evaluate the expression its arguments spell and
// print the result. Status 0 when the result is neither null nor 0, 1 when
// it is, 2 for a syntax error, as GNU expr (which also says 2 for a
// non-integer argument and division by zero).
func Expr(p *cages.Proc) int {
	c := newCmd(p, "expr")
	args := p.Args()[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return c.usage(2, "missing operand")
	}
	e := &exprEval{args: args}
	v, err := e.or()
	if err == nil && e.pos < len(e.args) {
		err = exprError("syntax error: unexpected argument " + quote(e.args[e.pos]))
	}
	if err != nil {
		c.errorf("%s", err.Error())
		return 2
	}
	c.out.WriteString(v + "\n")
	if v == "" || isZeroNumber(v) {
		return c.finish(1)
	}
	return c.finish(0)
}

// exprError is an expr evaluation error; its text is GNU's.
type exprError string

func (e exprError) Error() string { return string(e) }

// exprEval is a recursive-descent evaluator over expr's arguments, with
// GNU's precedence: | & (= > >= < <= !=) (+ -) (* / %) : and the prefix
// operators match, substr, index, length, +.
type exprEval struct {
	args []string
	pos  int
}

func (e *exprEval) peek() (string, bool) {
	if e.pos < len(e.args) {
		return e.args[e.pos], true
	}
	return "", false
}

// binary parses one precedence level: operands by next, joined by ops.
func (e *exprEval) binary(next func() (string, error), ops []string, apply func(op, a, b string) (string, error)) (string, error) {
	a, err := next()
	if err != nil {
		return "", err
	}
	for {
		op, ok := e.peek()
		if !ok || !contains(ops, op) {
			return a, nil
		}
		e.pos++
		if e.pos >= len(e.args) {
			return "", exprError("syntax error: missing argument after " + quote(op))
		}
		b, err := next()
		if err != nil {
			return "", err
		}
		if a, err = apply(op, a, b); err != nil {
			return "", err
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isNull(v string) bool { return v == "" || isZeroNumber(v) }

func isZeroNumber(v string) bool {
	n, ok := new(big.Int).SetString(v, 10)
	return ok && n.Sign() == 0 && strings.TrimLeft(v, "-0") == ""
}

func (e *exprEval) or() (string, error) {
	return e.binary(e.and, []string{"|"}, func(_, a, b string) (string, error) {
		if !isNull(a) {
			return a, nil
		}
		if !isNull(b) {
			return b, nil
		}
		return "0", nil
	})
}

func (e *exprEval) and() (string, error) {
	return e.binary(e.compare, []string{"&"}, func(_, a, b string) (string, error) {
		if isNull(a) || isNull(b) {
			return "0", nil
		}
		return a, nil
	})
}

func (e *exprEval) compare() (string, error) {
	return e.binary(e.sum, []string{"=", "==", "!=", "<", "<=", ">", ">="}, func(op, a, b string) (string, error) {
		var cmp int
		x, xok := new(big.Int).SetString(a, 10)
		y, yok := new(big.Int).SetString(b, 10)
		if xok && yok {
			cmp = x.Cmp(y)
		} else {
			cmp = strings.Compare(a, b)
		}
		var r bool
		switch op {
		case "=", "==":
			r = cmp == 0
		case "!=":
			r = cmp != 0
		case "<":
			r = cmp < 0
		case "<=":
			r = cmp <= 0
		case ">":
			r = cmp > 0
		case ">=":
			r = cmp >= 0
		}
		if r {
			return "1", nil
		}
		return "0", nil
	})
}

// integers converts both operands of an arithmetic operator.
func integers(a, b string) (*big.Int, *big.Int, error) {
	x, ok1 := new(big.Int).SetString(a, 10)
	y, ok2 := new(big.Int).SetString(b, 10)
	if !ok1 || !ok2 {
		return nil, nil, exprError("non-integer argument")
	}
	return x, y, nil
}

func (e *exprEval) sum() (string, error) {
	return e.binary(e.product, []string{"+", "-"}, func(op, a, b string) (string, error) {
		x, y, err := integers(a, b)
		if err != nil {
			return "", err
		}
		if op == "+" {
			return x.Add(x, y).String(), nil
		}
		return x.Sub(x, y).String(), nil
	})
}

func (e *exprEval) product() (string, error) {
	return e.binary(e.match, []string{"*", "/", "%"}, func(op, a, b string) (string, error) {
		x, y, err := integers(a, b)
		if err != nil {
			return "", err
		}
		if op == "*" {
			return x.Mul(x, y).String(), nil
		}
		if y.Sign() == 0 {
			return "", exprError("division by zero")
		}
		if op == "/" {
			return x.Quo(x, y).String(), nil
		}
		return x.Rem(x, y).String(), nil
	})
}

func (e *exprEval) match() (string, error) {
	return e.binary(e.unary, []string{":"}, func(_, a, b string) (string, error) {
		return exprMatch(a, b)
	})
}

// exprMatch anchors the BRE re at the start of s: the first group's text,
// or the length of the match.
func exprMatch(s, re string) (string, error) {
	t, err := translateRE(re, false)
	if err != nil {
		return "", exprError(err.Error())
	}
	rx, err := regexp.Compile("^(?s:" + t + ")")
	if err != nil {
		return "", exprError(reError(err).Error())
	}
	rx.Longest()
	m := rx.FindStringSubmatchIndex(s)
	if rx.NumSubexp() > 0 {
		if m == nil || m[2] < 0 {
			return "", nil
		}
		return s[m[2]:m[3]], nil
	}
	if m == nil {
		return "0", nil
	}
	return strconv.Itoa(len([]rune(s[:m[1]]))), nil
}

func (e *exprEval) unary() (string, error) {
	tok, ok := e.peek()
	if !ok {
		return "", exprError("syntax error: missing argument after " + quote(e.args[len(e.args)-1]))
	}
	// need reads the n operands of a prefix operator.
	need := func(n int) ([]string, error) {
		var out []string
		for i := 0; i < n; i++ {
			v, err := e.unary()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	switch tok {
	case "(":
		e.pos++
		v, err := e.or()
		if err != nil {
			return "", err
		}
		if t, ok := e.peek(); !ok || t != ")" {
			if !ok {
				return "", exprError("syntax error: expecting ')' after " + quote(e.args[len(e.args)-1]))
			}
			return "", exprError("syntax error: expecting ')' instead of " + quote(t))
		}
		e.pos++
		return v, nil
	case "+":
		e.pos++
		if e.pos >= len(e.args) {
			return "", exprError("syntax error: missing argument after " + quote("+"))
		}
		v := e.args[e.pos]
		e.pos++
		return v, nil
	case "length":
		e.pos++
		a, err := need(1)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(len([]rune(a[0]))), nil
	case "match":
		e.pos++
		a, err := need(2)
		if err != nil {
			return "", err
		}
		return exprMatch(a[0], a[1])
	case "index":
		e.pos++
		a, err := need(2)
		if err != nil {
			return "", err
		}
		for i, r := range []rune(a[0]) {
			if strings.ContainsRune(a[1], r) {
				return strconv.Itoa(i + 1), nil
			}
		}
		return "0", nil
	case "substr":
		e.pos++
		a, err := need(3)
		if err != nil {
			return "", err
		}
		rs := []rune(a[0])
		pos, err1 := strconv.Atoi(a[1])
		n, err2 := strconv.Atoi(a[2])
		if err1 != nil || err2 != nil || pos < 1 || n < 1 || pos > len(rs) {
			return "", nil
		}
		end := min(pos-1+n, len(rs))
		return string(rs[pos-1 : end]), nil
	}
	e.pos++
	return tok, nil
}
