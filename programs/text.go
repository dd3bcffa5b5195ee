package programs

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Tr implements tr(1): it translates, squeezes (-s) or deletes (-d)
// bytes of standard input. SETs take ranges (a-z), classes ([:upper:]),
// repeats ([c*n], [c*]) and escapes (\n, \\, \NNN); -c complements SET1.
func Tr(p *cages.Proc) int {
	c := newCmd(p, "tr")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "cCdst", permute: true, long: map[string]string{
		"complement": "c", "delete": "d", "squeeze-repeats": "s", "truncate-set1": "t"}})
	if err != nil {
		return c.usage(1, "")
	}
	var comp, del, squeeze, trunc bool
	for _, o := range opts {
		switch o.c {
		case 'c', 'C':
			comp = true
		case 'd':
			del = true
		case 's':
			squeeze = true
		case 't':
			trunc = true
		}
	}
	need := 2
	if del && !squeeze || squeeze && !del && len(ops) < 2 {
		need = 1
	}
	switch {
	case len(ops) == 0:
		return c.usage(1, "missing operand")
	case len(ops) < need:
		if del && squeeze {
			c.errorf("missing operand after %s", quote(ops[0]))
			writeAll(p, 2, []byte("Two strings must be given when both deleting and squeezing repeats.\n"))
		} else {
			c.errorf("missing operand after %s", quote(ops[0]))
			writeAll(p, 2, []byte("Two strings must be given when translating.\n"))
		}
		return c.usage(1, "")
	case len(ops) > need:
		c.errorf("extra operand %s", quote(ops[need]))
		if need == 1 && del {
			writeAll(p, 2, []byte("Only one string may be given when deleting without squeezing repeats.\n"))
		}
		return c.usage(1, "")
	}
	set1, msg := expandSet(ops[0], 0)
	if msg != "" {
		c.errorf("%s", msg)
		return 1
	}
	if comp {
		var in [256]bool
		for _, b := range set1 {
			in[b] = true
		}
		set1 = set1[:0]
		for b := range 256 {
			if !in[b] {
				set1 = append(set1, byte(b))
			}
		}
	}
	var set2 []byte
	if len(ops) == 2 {
		set2, msg = expandSet(ops[1], len(set1))
		if msg != "" {
			c.errorf("%s", msg)
			return 1
		}
	}
	var delSet, sqSet [256]bool
	var xlate [256]byte
	for i := range xlate {
		xlate[i] = byte(i)
	}
	translating := !del && len(ops) == 2
	if translating {
		if len(set2) == 0 {
			c.errorf("when not truncating set1, string2 must be non-empty")
			return 1
		}
		if trunc && len(set1) > len(set2) {
			set1 = set1[:len(set2)]
		}
		for i, b := range set1 {
			t := set2[len(set2)-1]
			if i < len(set2) {
				t = set2[i]
			}
			xlate[b] = t
		}
	}
	if del {
		for _, b := range set1 {
			delSet[b] = true
		}
	}
	if squeeze {
		sq := set1
		if len(ops) == 2 {
			sq = set2
		}
		for _, b := range sq {
			sqSet[b] = true
		}
	}
	buf := make([]byte, 64<<10)
	last := -1
	r := &fdReader{p: p, fd: 0, flush: c.out}
	plain := delSet == [256]bool{} && sqSet == [256]bool{}
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			c.errorf("read error: %s", errText(err))
			return 1
		}
		if plain {
			// Translation only: one table lookup a byte, in place.
			for i, b := range buf[:n] {
				buf[i] = xlate[b]
			}
			c.out.Write(buf[:n])
			if c.out.err != nil {
				break
			}
			continue
		}
		out := buf[:0]
		for _, b := range buf[:n] {
			if delSet[b] {
				continue
			}
			b = xlate[b]
			if sqSet[b] && int(b) == last {
				continue
			}
			last = int(b)
			out = append(out, b)
		}
		c.out.Write(out)
		if c.out.err != nil {
			break
		}
	}
	return c.finish(0)
}

// trClasses are tr's character classes.
var trClasses = map[string]func(b byte) bool{
	"alpha": func(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' },
	"upper": func(b byte) bool { return b >= 'A' && b <= 'Z' },
	"lower": func(b byte) bool { return b >= 'a' && b <= 'z' },
	"digit": func(b byte) bool { return b >= '0' && b <= '9' },
	"alnum": func(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' },
	"space": func(b byte) bool { return b == ' ' || b >= '\t' && b <= '\r' },
	"blank": func(b byte) bool { return b == ' ' || b == '\t' },
	"punct": func(b byte) bool {
		return b > ' ' && b < 0x7f && !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9')
	},
	"print":  func(b byte) bool { return b >= ' ' && b < 0x7f },
	"graph":  func(b byte) bool { return b > ' ' && b < 0x7f },
	"cntrl":  func(b byte) bool { return b < ' ' || b == 0x7f },
	"xdigit": func(b byte) bool { return isHex(b) },
}

// expandSet expands a tr SET; fill is SET1's length, for [c*] in SET2.
func expandSet(s string, fill int) ([]byte, string) {
	// decode escapes first into (byte, literal) pairs.
	type tok struct {
		b   byte
		esc bool
	}
	var toks []tok
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			toks = append(toks, tok{s[i], false})
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			toks = append(toks, tok{'\a', true})
		case 'b':
			toks = append(toks, tok{'\b', true})
		case 'f':
			toks = append(toks, tok{'\f', true})
		case 'n':
			toks = append(toks, tok{'\n', true})
		case 'r':
			toks = append(toks, tok{'\r', true})
		case 't':
			toks = append(toks, tok{'\t', true})
		case 'v':
			toks = append(toks, tok{'\v', true})
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
				v = v*8 + int(s[i+1]-'0')
				i++
			}
			toks = append(toks, tok{byte(v), true})
		default:
			toks = append(toks, tok{e, true})
		}
	}
	var out []byte
	fillAt := -1
	var fillByte byte
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.b == '[' && !t.esc && i+1 < len(toks) {
			rest := make([]byte, 0, len(toks)-i)
			for _, x := range toks[i:] {
				rest = append(rest, x.b)
			}
			rs := string(rest)
			if strings.HasPrefix(rs, "[:") {
				if end := strings.Index(rs, ":]"); end > 2 {
					name := rs[2:end]
					f, ok := trClasses[name]
					if !ok {
						return nil, "invalid character class " + quote(name)
					}
					for b := range 256 {
						if f(byte(b)) {
							out = append(out, byte(b))
						}
					}
					i += end + 1
					continue
				}
			}
			if strings.HasPrefix(rs, "[=") && len(rs) >= 5 && rs[3:5] == "=]" {
				out = append(out, rs[2])
				i += 4
				continue
			}
			if len(rs) >= 4 && rs[2] == '*' {
				if end := strings.IndexByte(rs, ']'); end >= 3 {
					num := rs[3:end]
					if num == "" {
						fillAt, fillByte = len(out), rs[1]
						i += end
						continue
					}
					base := 10
					if strings.HasPrefix(num, "0") {
						base = 8
					}
					if n, err := strconv.ParseInt(num, base, 32); err == nil {
						out = append(out, bytes.Repeat([]byte{rs[1]}, int(n))...)
						i += end
						continue
					}
					return nil, "invalid repeat count " + quote(num) + " in [c*n] construct"
				}
			}
		}
		if i+2 < len(toks) && toks[i+1].b == '-' && !toks[i+1].esc {
			hi := toks[i+2].b
			if hi < t.b {
				return nil, "range-endpoints of " + quote(string([]byte{t.b, '-', hi})) + " are in reverse collating sequence order"
			}
			for b := int(t.b); b <= int(hi); b++ {
				out = append(out, byte(b))
			}
			i += 2
			continue
		}
		out = append(out, t.b)
	}
	if fillAt >= 0 {
		n := max(0, fill-len(out))
		out = append(out[:fillAt], append(bytes.Repeat([]byte{fillByte}, n), out[fillAt:]...)...)
	}
	return out, ""
}

// Cut implements cut(1): -b LIST / -c LIST (bytes), -f LIST (fields) with
// -d DELIM, -s (only lines with delimiters), --complement and
// --output-delimiter.
func Cut(p *cages.Proc) int {
	c := newCmd(p, "cut")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "b:c:f:d:sn", permute: true, long: map[string]string{
		"bytes": "b:", "characters": "c:", "fields": "f:", "delimiter": "d:", "only-delimited": "s",
		"complement": "C", "output-delimiter": "O:"}})
	if err != nil {
		return c.usage(1, "")
	}
	var list string
	mode := byte(0)
	delim := byte('\t')
	haveDelim, only, complement := false, false, false
	outDelim, haveOut := "", false
	for _, o := range opts {
		switch o.c {
		case 'b', 'c', 'f':
			if mode != 0 {
				return c.usage(1, "only one type of list may be specified")
			}
			mode, list = byte(o.c), o.arg
		case 'd':
			if len(o.arg) > 1 {
				return c.usage(1, "the delimiter must be a single character")
			}
			delim, haveDelim = 0, true
			if o.arg != "" {
				delim = o.arg[0]
			}
		case 's':
			only = true
		case 'C':
			complement = true
		case 'O':
			outDelim, haveOut = o.arg, true
		}
	}
	if mode == 0 {
		return c.usage(1, "you must specify a list of bytes, characters, or fields")
	}
	if mode != 'f' && haveDelim {
		return c.usage(1, "an input delimiter may be specified only when operating on fields")
	}
	if mode != 'f' && only {
		return c.usage(1, "suppressing non-delimited lines makes sense\n\tonly when operating on fields")
	}
	ranges, msg := parseList(list, mode == 'f')
	if msg != "" {
		return c.usage(1, "%s", msg)
	}
	selected := func(i int) bool {
		in := false
		for _, r := range ranges {
			if i >= r[0] && i <= r[1] {
				in = true
				break
			}
		}
		return in != complement
	}
	if !haveOut {
		outDelim = string([]byte{delim})
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("%s: %s", quotef(f), errText(err))
			status = 1
			continue
		}
		r := c.reader(fd)
		for {
			l, err := readLine(r)
			if err != nil {
				if err != io.EOF {
					c.errorf("%s: %s", quotef(f), errText(err))
					status = 1
				}
				break
			}
			l = bytes.TrimSuffix(l, []byte("\n"))
			if mode != 'f' {
				first := true
				prevSel := false
				for i, b := range l {
					if selected(i + 1) {
						if haveOut && !first && !prevSel {
							c.out.WriteString(outDelim)
						}
						c.out.WriteByte(b)
						first, prevSel = false, true
					} else {
						prevSel = false
					}
				}
				c.out.WriteByte('\n')
				continue
			}
			if bytes.IndexByte(l, delim) < 0 {
				if !only {
					c.out.Write(l)
					c.out.WriteByte('\n')
				}
				continue
			}
			first := true
			for i, fld := range bytes.Split(l, []byte{delim}) {
				if selected(i + 1) {
					if !first {
						c.out.WriteString(outDelim)
					}
					c.out.Write(fld)
					first = false
				}
			}
			c.out.WriteByte('\n')
		}
		c.closeIn(fd)
	}
	return c.finish(status)
}

// parseList parses cut's LIST: N, N-M, N-, -M, comma-separated.
func parseList(list string, fields bool) ([][2]int, string) {
	what := "byte/character position"
	if fields {
		what = "field value"
	}
	var out [][2]int
	for _, part := range strings.Split(list, ",") {
		if part == "" || part == "-" {
			if part == "-" {
				return nil, "invalid range with no endpoint: -"
			}
			return nil, "fields and positions are numbered from 1"
		}
		lo, hi, isRange := strings.Cut(part, "-")
		num := func(s string) (int, string) {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || strings.HasPrefix(s, "+") {
				return 0, "invalid " + what + " " + quote(part)
			}
			if n == 0 {
				if fields {
					return 0, "fields are numbered from 1"
				}
				return 0, "byte/character positions are numbered from 1"
			}
			return n, ""
		}
		var r [2]int
		var msg string
		if !isRange {
			if r[0], msg = num(lo); msg != "" {
				return nil, msg
			}
			r[1] = r[0]
		} else {
			r[0], r[1] = 1, int(^uint(0)>>1)
			if lo != "" {
				if r[0], msg = num(lo); msg != "" {
					return nil, msg
				}
			}
			if hi != "" {
				if r[1], msg = num(hi); msg != "" {
					return nil, msg
				}
			}
			if r[1] < r[0] {
				return nil, "invalid decreasing range"
			}
		}
		out = append(out, r)
	}
	return out, ""
}

// Tee implements tee(1): it copies standard input to standard output and
// to each FILE (-a: appending); -i ignores SIGINT.
func Tee(p *cages.Proc) int {
	c := newCmd(p, "tee")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "aip", permute: true, long: map[string]string{
		"append": "a", "ignore-interrupts": "i"}})
	if err != nil {
		return c.usage(1, "")
	}
	flags := posix.O_WRONLY | posix.O_CREAT | posix.O_TRUNC
	for _, o := range opts {
		switch o.c {
		case 'a':
			flags = posix.O_WRONLY | posix.O_CREAT | posix.O_APPEND
		case 'i':
			p.Ignore(posix.SIGINT)
		}
	}
	status := 0
	type out struct {
		fd   int
		name string
	}
	outs := []out{{1, "standard output"}}
	for _, f := range files {
		if f == "-" {
			outs = append(outs, out{1, "standard output"})
			continue
		}
		fd, err := p.Open(f, flags, 0o666)
		if err != nil {
			c.errorf("%s: %s", quotef(f), errText(err))
			status = 1
			continue
		}
		outs = append(outs, out{fd, f})
	}
	buf := make([]byte, 64<<10)
	live := len(outs)
	for live > 0 {
		n, err := p.Read(0, buf)
		if err != nil {
			c.errorf("read error: %s", errText(err))
			return 1
		}
		if n == 0 {
			break
		}
		for i := range outs {
			if outs[i].fd < 0 {
				continue
			}
			if err := writeAll(p, outs[i].fd, buf[:n]); err != nil {
				c.errorf("%s: %s", quotef(outs[i].name), errText(err))
				status = 1
				outs[i].fd = -1
				live--
			}
		}
	}
	for _, o := range outs {
		if o.fd > 2 {
			p.Close(o.fd)
		}
	}
	return status
}
