package programs

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
)

// Grep implements grep(1): it prints the lines of its files (standard
// input if none) that match a pattern. Options: -E, -F, -G, -e PATTERN,
// -i, -v, -c, -n, -q, -s, -l, -L, -h, -H, -x, -w, -o. Exit status 0 if a
// line was selected, 1 if none, 2 on error.
func Grep(p *cages.Proc) int {
	c := newCmd(p, "grep")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "EFGe:ivcnqslLhHxwoym:", permute: true, long: map[string]string{
		"extended-regexp": "E", "fixed-strings": "F", "basic-regexp": "G", "regexp": "e:", "ignore-case": "i",
		"invert-match": "v", "count": "c", "line-number": "n", "quiet": "q", "silent": "q", "no-messages": "s",
		"files-with-matches": "l", "files-without-match": "L", "no-filename": "h", "with-filename": "H",
		"line-regexp": "x", "word-regexp": "w", "only-matching": "o", "max-count": "m:"}})
	if err != nil {
		return grepUsage(c)
	}
	mode := 'G'
	var pats []string
	havePat := false
	var icase, invert, count, number, quiet, noMsg, list, listNot, word, line, only bool
	fname := 0
	maxCount := int64(-1) // -m: stop reading a file after this many selected lines
	for _, o := range opts {
		switch o.c {
		case 'm':
			v, err := strconv.ParseInt(o.arg, 10, 64)
			if err != nil {
				c.errorf("invalid max count")
				return 2
			}
			if v >= 0 {
				maxCount = v
			}
		case 'E', 'F', 'G':
			mode = o.c
		case 'e':
			pats = append(pats, strings.Split(o.arg, "\n")...)
			havePat = true
		case 'i', 'y':
			icase = true
		case 'v':
			invert = true
		case 'c':
			count = true
		case 'n':
			number = true
		case 'q':
			quiet = true
		case 's':
			noMsg = true
		case 'l':
			list = true
		case 'L':
			listNot = true
		case 'h':
			fname = -1
		case 'H':
			fname = 1
		case 'x':
			line = true
		case 'w':
			word = true
		case 'o':
			only = true
		}
	}
	if !havePat {
		if len(ops) == 0 {
			return grepUsage(c)
		}
		pats = strings.Split(ops[0], "\n")
		ops = ops[1:]
	}
	var exprs []string
	for _, pt := range pats {
		var t string
		if mode == 'F' {
			t = regexp.QuoteMeta(pt)
		} else {
			var err error
			if t, err = translateRE(pt, mode == 'E'); err != nil {
				c.errorf("%s", err.Error())
				return 2
			}
		}
		if line {
			t = "^(?:" + t + ")$"
		} else if word {
			t = `(?:^|\b)(?:` + t + `)(?:\b|$)`
		}
		exprs = append(exprs, "(?:"+t+")")
	}
	expr := strings.Join(exprs, "|")
	if icase {
		expr = "(?i)" + expr
	}
	rx, rerr := regexp.Compile(expr)
	if rerr != nil {
		c.errorf("%s", reError(rerr).Error())
		return 2
	}
	rx.Longest()
	// match reports whether a line is selected before -v. A pattern that is
	// one plain string is searched for as bytes, as GNU grep's fixed-string
	// matcher does; only -o needs the regexp's leftmost-longest positions.
	match := rx.Match
	var needle []byte
	if lit, complete := rx.LiteralPrefix(); complete && lit != "" && !icase && !line && !word {
		needle = []byte(lit)
		match = func(b []byte) bool { return bytes.Contains(b, needle) }
	}
	// Printing the lines that hold a plain string needs no line-by-line
	// scan: search the whole buffer and cut out the lines around each hit.
	scanWhole := needle != nil && !invert && !count && !list && !listNot && !number && !only && !quiet && maxCount < 0
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	showName := fname == 1 || fname == 0 && len(ops) > 1
	selected, errs := false, false
	for _, f := range ops {
		fd, err := c.openIn(f)
		name := f
		if f == "-" {
			name = "(standard input)"
		}
		if err != nil {
			if !noMsg {
				c.errorf("%s: %s", f, errText(err))
			}
			errs = true
			continue
		}
		if scanWhole && !showName {
			found, err := grepWhole(c, fd, needle)
			if err != nil {
				if !noMsg {
					c.errorf("%s: %s", f, errText(err))
				}
				errs = true
			}
			selected = selected || found
			c.closeIn(fd)
			if c.out.err != nil {
				break
			}
			continue
		}
		r := c.reader(fd)
		n, lineNo := 0, 0
		for {
			if maxCount >= 0 && int64(n) >= maxCount {
				break // -m: enough lines selected; the rest is not read
			}
			l, err := readLine(r)
			if err == io.EOF {
				break
			}
			if err != nil {
				if !noMsg {
					c.errorf("%s: %s", f, errText(err))
				}
				errs = true
				break
			}
			lineNo++
			body := bytes.TrimSuffix(l, []byte("\n"))
			if match(body) == invert {
				continue
			}
			n++
			selected = true
			if quiet {
				c.closeIn(fd)
				return c.finish(0)
			}
			if count || list || listNot {
				if list {
					break
				}
				continue
			}
			prefix := ""
			if showName {
				prefix = name + ":"
			}
			if number {
				prefix += strconv.Itoa(lineNo) + ":"
			}
			if only && !invert {
				for _, m := range rx.FindAllIndex(body, -1) {
					if m[1] > m[0] {
						c.out.WriteString(prefix)
						c.out.Write(body[m[0]:m[1]])
						c.out.WriteByte('\n')
					}
				}
				continue
			}
			c.out.WriteString(prefix)
			c.out.Write(body)
			c.out.WriteByte('\n')
			if c.out.err != nil {
				break
			}
		}
		c.closeIn(fd)
		switch {
		case count && !list && !listNot:
			if showName {
				c.out.WriteString(name + ":")
			}
			c.out.WriteString(strconv.Itoa(n) + "\n")
		case list && n > 0:
			c.out.WriteString(name + "\n")
		case listNot && n == 0:
			c.out.WriteString(name + "\n")
		}
	}
	status := 1
	if selected {
		status = 0
	}
	if errs && !(quiet && selected) {
		status = 2
	}
	return c.finish(status)
}

func grepUsage(c *cmd) int {
	writeAll(c.p, 2, []byte("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"))
	return 2
}

// grepWhole prints every line of fd that contains needle (which holds no
// newline), searching the data a buffer at a time rather than a line at a
// time. A final line without a newline is printed with one, as grep does.
func grepWhole(c *cmd, fd int, needle []byte) (found bool, err error) {
	r := &fdReader{p: c.p, fd: fd, flush: c.out}
	buf := make([]byte, 0, 128<<10)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // a line longer than the buffer: grow
		}
		n, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := rerr == io.EOF
		if rerr != nil && !eof {
			return found, rerr
		}
		// Search the complete lines; keep a partial last line for later.
		end := bytes.LastIndexByte(buf, '\n') + 1
		if eof {
			end = len(buf)
		}
		for pos := 0; pos < end; {
			i := bytes.Index(buf[pos:end], needle)
			if i < 0 {
				break
			}
			hit := pos + i
			start := bytes.LastIndexByte(buf[:hit], '\n') + 1
			stop := bytes.IndexByte(buf[hit:end], '\n')
			if stop < 0 {
				c.out.Write(buf[start:end])
				c.out.WriteByte('\n')
				pos = end
			} else {
				c.out.Write(buf[start : hit+stop+1])
				pos = hit + stop + 1
			}
			found = true
			if c.out.err != nil {
				return found, nil
			}
		}
		if eof {
			return found, nil
		}
		buf = buf[:copy(buf, buf[end:])]
	}
}
