package programs

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// sortKey is one -k POS1[,POS2] key.
type sortKey struct {
	f1, c1, f2, c2       int // fields and characters, 1-based; f2 0: end of line; c2 0: end of field
	numeric, reverse     bool
	fold, blank1, blank2 bool
	hasOpts              bool
}

// Sort implements sort(1) in the C locale (byte order): -n, -r, -u, -f,
// -b, -s, -t SEP, -k POS1[,POS2] with GNU's field semantics, and -o FILE.
func Sort(p *cages.Proc) int {
	c := newCmd(p, "sort")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "nrufbsk:t:o:", permute: true, long: map[string]string{
		"numeric-sort": "n", "reverse": "r", "unique": "u", "ignore-case": "f", "ignore-leading-blanks": "b",
		"stable": "s", "key": "k:", "field-separator": "t:", "output": "o:"}})
	if err != nil {
		return c.usage(2, "")
	}
	var global sortKey
	var keys []sortKey
	unique, stable := false, false
	sep := -1
	output := ""
	for _, o := range opts {
		switch o.c {
		case 'n':
			global.numeric = true
		case 'r':
			global.reverse = true
		case 'f':
			global.fold = true
		case 'b':
			global.blank1, global.blank2 = true, true
		case 'u':
			unique = true
		case 's':
			stable = true
		case 'o':
			output = o.arg
		case 't':
			if len(o.arg) != 1 {
				if o.arg == "" {
					c.errorf("empty tab")
				} else {
					c.errorf("multi-character tab %s", quote(o.arg))
				}
				return 2
			}
			sep = int(o.arg[0])
		case 'k':
			k, msg := parseSortKey(o.arg)
			if msg != "" {
				c.errorf("%s", msg)
				return 2
			}
			keys = append(keys, k)
		}
	}
	for i := range keys {
		if !keys[i].hasOpts {
			k := &keys[i]
			k.numeric, k.reverse, k.fold = global.numeric, global.reverse, global.fold
			k.blank1, k.blank2 = global.blank1, global.blank2
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	var lines [][]byte
	for _, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("cannot read: %s: %s", quotef(f), errText(err))
			return 2
		}
		data, err := c.readAll(fd)
		c.closeIn(fd)
		if err != nil {
			c.errorf("read failed: %s: %s", quotef(f), errText(err))
			return 2
		}
		lines = append(lines, splitLines(data)...)
	}
	cmpKeys := func(a, b []byte) int {
		if len(keys) == 0 {
			return compareField(a, b, global)
		}
		for _, k := range keys {
			if r := compareField(keyOf(a, k, sep), keyOf(b, k, sep), k); r != 0 {
				return r
			}
		}
		return 0
	}
	full := func(a, b []byte) int {
		if r := cmpKeys(a, b); r != 0 || unique || stable {
			return r
		}
		r := bytes.Compare(a, b)
		if global.reverse {
			r = -r
		}
		return r
	}
	slices.SortStableFunc(lines, full)
	if unique {
		var u [][]byte
		for _, l := range lines {
			if len(u) == 0 || cmpKeys(u[len(u)-1], l) != 0 {
				u = append(u, l)
			}
		}
		lines = u
	}
	if output != "" {
		fd, err := p.Open(output, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 0o666)
		if err != nil {
			c.errorf("open failed: %s: %s", quotef(output), errText(err))
			return 2
		}
		c.out = &writer{p: p, fd: fd}
	}
	for _, l := range lines {
		c.out.Write(l)
		c.out.WriteByte('\n')
		if c.out.err != nil {
			break
		}
	}
	return c.finish(0)
}

// parseSortKey parses POS1[,POS2] with POS F[.C][OPTS].
func parseSortKey(s string) (sortKey, string) {
	var k sortKey
	pos1, pos2, has2 := strings.Cut(s, ",")
	parse := func(pos string, second bool) (f, ch int, opts string, msg string) {
		i := 0
		for i < len(pos) && pos[i] >= '0' && pos[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, 0, "", "invalid number at field start: invalid count at start of " + quote(pos)
		}
		f, _ = strconv.Atoi(pos[:i])
		if f == 0 {
			return 0, 0, "", "field number is zero: invalid field specification " + quote(s)
		}
		if i < len(pos) && pos[i] == '.' {
			j := i + 1
			for j < len(pos) && pos[j] >= '0' && pos[j] <= '9' {
				j++
			}
			if j == i+1 {
				return 0, 0, "", "invalid number after '.': invalid count at start of " + quote(pos[i+1:])
			}
			ch, _ = strconv.Atoi(pos[i+1 : j])
			if ch == 0 && !second {
				return 0, 0, "", "character offset is zero: invalid field specification " + quote(s)
			}
			i = j
		}
		opts = pos[i:]
		if strings.Trim(opts, "bdfgiMhnRrV") != "" {
			return 0, 0, "", "stray character in field spec: invalid field specification " + quote(s)
		}
		return f, ch, opts, ""
	}
	f, ch, opts, msg := parse(pos1, false)
	if msg != "" {
		return k, msg
	}
	k.f1, k.c1 = f, max(ch, 1)
	apply := func(opts string, second bool) {
		for _, o := range opts {
			k.hasOpts = true
			switch o {
			case 'n':
				k.numeric = true
			case 'r':
				k.reverse = true
			case 'f':
				k.fold = true
			case 'b':
				if second {
					k.blank2 = true
				} else {
					k.blank1 = true
				}
			}
		}
	}
	apply(opts, false)
	if has2 {
		f, ch, opts, msg := parse(pos2, true)
		if msg != "" {
			return k, msg
		}
		k.f2, k.c2 = f, ch
		apply(opts, true)
	}
	return k, ""
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// keyOf extracts key k of line: fields begin at a blank after a
// non-blank (each field keeps its leading blanks) or after sep.
func keyOf(line []byte, k sortKey, sep int) []byte {
	// fieldStart returns the offset of field f (1-based) and its end.
	field := func(f int) (int, int) {
		pos := 0
		for i := 1; i < f; i++ {
			if sep >= 0 {
				j := bytes.IndexByte(line[pos:], byte(sep))
				if j < 0 {
					return len(line), len(line)
				}
				pos += j + 1
			} else {
				for pos < len(line) && isBlank(line[pos]) {
					pos++
				}
				for pos < len(line) && !isBlank(line[pos]) {
					pos++
				}
			}
		}
		end := pos
		if sep >= 0 {
			j := bytes.IndexByte(line[pos:], byte(sep))
			if j < 0 {
				end = len(line)
			} else {
				end = pos + j
			}
		} else {
			for end < len(line) && isBlank(line[end]) {
				end++
			}
			for end < len(line) && !isBlank(line[end]) {
				end++
			}
		}
		return pos, end
	}
	start, fend := field(k.f1)
	if k.blank1 {
		for start < fend && isBlank(line[start]) {
			start++
		}
	}
	start = min(start+k.c1-1, fend)
	if k.c1 > 1 && start > fend {
		start = fend
	}
	end := len(line)
	if k.f2 > 0 {
		s2, e2 := field(k.f2)
		if k.c2 == 0 {
			end = e2
		} else {
			if k.blank2 {
				for s2 < e2 && isBlank(line[s2]) {
					s2++
				}
			}
			end = min(s2+k.c2, e2)
		}
	}
	if end < start {
		end = start
	}
	return line[start:end]
}

// compareField compares two keys under k's options.
func compareField(a, b []byte, k sortKey) int {
	var r int
	switch {
	case k.numeric:
		r = compareNumeric(a, b)
	case k.fold:
		r = bytes.Compare(bytes.ToUpper(a), bytes.ToUpper(b))
	default:
		if k.blank1 {
			a = bytes.TrimLeft(a, " \t")
			b = bytes.TrimLeft(b, " \t")
		}
		r = bytes.Compare(a, b)
	}
	if k.reverse {
		r = -r
	}
	return r
}

// compareNumeric compares the numbers leading a and b as sort -n does:
// blanks skipped, optional '-', digits and a decimal point; no number is
// zero.
func compareNumeric(a, b []byte) int {
	na, nb := numKey(a), numKey(b)
	return compareDecimal(na, nb)
}

func numKey(s []byte) string {
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return string(s[start:i])
}

// compareDecimal compares decimal strings of any length.
func compareDecimal(a, b string) int {
	neg := func(s string) (bool, string) {
		if strings.HasPrefix(s, "-") {
			return true, s[1:]
		}
		return false, s
	}
	norm := func(s string) (string, string) {
		ip, fp, _ := strings.Cut(s, ".")
		ip = strings.TrimLeft(ip, "0")
		fp = strings.TrimRight(fp, "0")
		return ip, fp
	}
	an, a := neg(a)
	bn, b := neg(b)
	ai, af := norm(a)
	bi, bf := norm(b)
	if ai == "" && af == "" {
		an = false
	}
	if bi == "" && bf == "" {
		bn = false
	}
	if an != bn {
		if an {
			return -1
		}
		return 1
	}
	r := 0
	switch {
	case len(ai) != len(bi):
		r = len(ai) - len(bi)
	case ai != bi:
		r = strings.Compare(ai, bi)
	default:
		r = strings.Compare(af, bf)
	}
	if r > 0 {
		r = 1
	} else if r < 0 {
		r = -1
	}
	if an {
		r = -r
	}
	return r
}

// Uniq implements uniq(1): it drops adjacent repeated lines of INPUT
// (standard input) and writes OUTPUT (standard output). Options: -c
// (prefix counts), -d (only repeated lines), -u (only unique lines), -i.
func Uniq(p *cages.Proc) int {
	c := newCmd(p, "uniq")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "cdui", permute: true, long: map[string]string{
		"count": "c", "repeated": "d", "unique": "u", "ignore-case": "i"}})
	if err != nil {
		return c.usage(1, "")
	}
	var count, dups, uniq, icase bool
	for _, o := range opts {
		switch o.c {
		case 'c':
			count = true
		case 'd':
			dups = true
		case 'u':
			uniq = true
		case 'i':
			icase = true
		}
	}
	if len(ops) > 2 {
		return c.usage(1, "extra operand %s", quote(ops[2]))
	}
	in := "-"
	if len(ops) > 0 {
		in = ops[0]
	}
	fd, oerr := c.openIn(in)
	if oerr != nil {
		c.errorf("%s: %s", quotef(in), errText(oerr))
		return 1
	}
	if len(ops) == 2 && ops[1] != "-" {
		ofd, err := p.Open(ops[1], posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 0o666)
		if err != nil {
			c.errorf("%s: %s", quotef(ops[1]), errText(err))
			return 1
		}
		c.out = &writer{p: p, fd: ofd}
	}
	r := c.reader(fd)
	var prev []byte
	n := 0
	flush := func() {
		if n == 0 || dups && n < 2 || uniq && n > 1 {
			return
		}
		if count {
			c.out.WriteString(padLeft(strconv.Itoa(n), 7) + " ")
		}
		c.out.Write(prev)
		c.out.WriteByte('\n')
	}
	for {
		l, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			c.errorf("%s: %s", quotef(in), errText(err))
			return 1
		}
		l = bytes.TrimSuffix(l, []byte("\n"))
		same := n > 0 && (bytes.Equal(prev, l) || icase && bytes.EqualFold(prev, l))
		if same {
			n++
			continue
		}
		flush()
		prev = append(prev[:0], l...)
		n = 1
		if c.out.err != nil {
			break
		}
	}
	flush()
	return c.finish(0)
}
