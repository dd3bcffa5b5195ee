package programs

import (
	"math"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
)

// Seq implements seq(1): FIRST, FIRST LAST, or FIRST INCREMENT LAST, with
// -s SEPARATOR and -w (equal width). Numbers print with the most decimal
// places of FIRST and INCREMENT, as GNU seq does.
func Seq(p *cages.Proc) int {
	c := newCmd(p, "seq")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "s:wf:", permute: true, numOperands: true,
		long: map[string]string{"separator": "s:", "equal-width": "w", "format": "f:"}})
	if err != nil {
		return c.usage(1, "")
	}
	sep, width := "\n", false
	for _, o := range opts {
		switch o.c {
		case 's':
			sep = o.arg
		case 'w':
			width = true
		case 'f':
			c.errorf("--format is not supported")
			return 1
		}
	}
	switch {
	case len(ops) == 0:
		return c.usage(1, "missing operand")
	case len(ops) > 3:
		return c.usage(1, "extra operand %s", quote(ops[3]))
	}
	type num struct {
		v    float64
		prec int
		str  string
	}
	var nums []num
	for _, s := range ops {
		t := strings.TrimSpace(s)
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(v) || strings.ContainsAny(t, "xXpP_") {
			c.errorf("invalid floating point argument: %s", quote(s))
			return c.usage(1, "")
		}
		nums = append(nums, num{v, decimals(t), t})
	}
	first, incr, last := num{1, 0, "1"}, num{1, 0, "1"}, nums[len(nums)-1]
	if len(nums) >= 2 {
		first = nums[0]
	}
	if len(nums) == 3 {
		incr = nums[1]
		if incr.v == 0 {
			c.errorf("invalid Zero increment value: %s", quote(ops[1]))
			return c.usage(1, "")
		}
	}
	prec := max(first.prec, incr.prec)
	format := func(v float64) string {
		if v == 0 {
			v = 0 // no "-0"
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	w := 0
	if width {
		w = max(len(format(first.v)), len(strconv.FormatFloat(last.v, 'f', prec, 64)))
	}
	pad := func(s string) string {
		if len(s) >= w {
			return s
		}
		if strings.HasPrefix(s, "-") {
			return "-" + strings.Repeat("0", w-len(s)) + s[1:]
		}
		return strings.Repeat("0", w-len(s)) + s
	}
	fi, ii, li := int64(first.v), int64(incr.v), int64(last.v)
	integral := prec == 0 && float64(fi) == first.v && float64(ii) == incr.v &&
		math.Abs(first.v) < 1e15 && math.Abs(incr.v) < 1e15 && math.Abs(last.v) < 1e15
	if integral {
		if last.v < 0 && float64(li) != last.v {
			li = int64(math.Floor(last.v))
		}
		n := 0
		var num []byte
		for x := fi; ii > 0 && x <= li || ii < 0 && x >= li; x += ii {
			if n > 0 {
				c.out.WriteString(sep)
			}
			if w == 0 {
				num = strconv.AppendInt(num[:0], x, 10)
				c.out.Write(num)
			} else {
				c.out.WriteString(pad(strconv.FormatInt(x, 10)))
			}
			n++
			if c.out.err != nil {
				break
			}
		}
		if n > 0 {
			c.out.WriteByte('\n')
		}
		return c.finish(0)
	}
	n := 0
	for i := 0; ; i++ {
		x := first.v + float64(i)*incr.v
		if incr.v > 0 && x > last.v || incr.v < 0 && x < last.v {
			break
		}
		if n > 0 {
			c.out.WriteString(sep)
		}
		c.out.WriteString(pad(format(x)))
		n++
		if c.out.err != nil {
			break
		}
	}
	if n > 0 {
		c.out.WriteByte('\n')
	}
	return c.finish(0)
}

// decimals is the number of decimal places s is written with, less its
// exponent, as seq computes its output precision.
func decimals(s string) int {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(s[i+1:])
	}
	d := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		d = len(mant) - i - 1
	}
	return max(0, d-exp)
}
