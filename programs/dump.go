package programs

import (
	"bytes"
	"encoding/binary"
	"io"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
)

// odFormat is one -t TYPE: c (characters), a (named characters), or
// d/u/o/x with a size in bytes; z adds the printable text.
type odFormat struct {
	kind  byte
	size  int
	width int
}

// Od implements od(1): it dumps files (standard input) 16 bytes a line,
// with -A d|o|x|n addresses, -t TYPE (c, a, d/u/o/x with sizes 1, 2, 4,
// 8 or C/S/I/L, and the z suffix), the shorthands -b -c -d -o -x, and -v
// (no "*" for repeated lines). The default is -t o2.
func Od(p *cages.Proc) int {
	c := newCmd(p, "od")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "A:t:bcdoxvs", permute: true, long: map[string]string{
		"address-radix": "A:", "format": "t:", "output-duplicates": "v"}})
	if err != nil {
		return c.usage(1, "")
	}
	radix := byte('o')
	var fmts []odFormat
	text, dupes := false, false
	add := func(spec string) bool {
		for spec != "" {
			k := spec[0]
			spec = spec[1:]
			f := odFormat{kind: k}
			switch k {
			case 'c', 'a':
				f.size = 1
			case 'd', 'u', 'o', 'x':
				f.size = 4
				if spec != "" {
					switch spec[0] {
					case 'C':
						f.size, spec = 1, spec[1:]
					case 'S':
						f.size, spec = 2, spec[1:]
					case 'I':
						f.size, spec = 4, spec[1:]
					case 'L':
						f.size, spec = 8, spec[1:]
					default:
						j := 0
						for j < len(spec) && spec[j] >= '0' && spec[j] <= '9' {
							j++
						}
						if j > 0 {
							n, _ := strconv.Atoi(spec[:j])
							if n != 1 && n != 2 && n != 4 && n != 8 {
								c.errorf("invalid type string %s;\nthis system doesn't provide a %d-byte integral type", quote(string(k)+spec), n)
								return false
							}
							f.size, spec = n, spec[j:]
						}
					}
				}
			default:
				c.errorf("invalid character '%c' in type string %s", k, quote(string(k)+spec))
				return false
			}
			if strings.HasPrefix(spec, "z") {
				text, spec = true, spec[1:]
			}
			f.width = odWidth(f)
			fmts = append(fmts, f)
		}
		return true
	}
	for _, o := range opts {
		ok := true
		switch o.c {
		case 'A':
			if len(o.arg) != 1 || strings.IndexByte("doxn", o.arg[0]) < 0 {
				c.errorf("invalid output address radix '%s'; it must be one character from [doxn]", o.arg)
				return 1
			}
			radix = o.arg[0]
		case 't':
			ok = add(o.arg)
		case 'b':
			ok = add("o1")
		case 'c':
			ok = add("c")
		case 'd':
			ok = add("u2")
		case 'o':
			ok = add("o2")
		case 'x':
			ok = add("x2")
		case 's':
			ok = add("d2")
		case 'v':
			dupes = true
		}
		if !ok {
			return 1
		}
	}
	if len(fmts) == 0 {
		add("o2")
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	src := &dumpInput{c: c, files: files, status: &status}
	// Fields are widened so that every format's columns line up.
	perByte := 0
	for _, f := range fmts {
		perByte = max(perByte, (f.width+1+f.size-1)/f.size)
	}
	if len(fmts) == 1 {
		perByte = 0
	}
	addr := func(off int) string {
		switch radix {
		case 'd':
			return padZero(strconv.Itoa(off), 7)
		case 'x':
			return padZero(strconv.FormatInt(int64(off), 16), 6)
		case 'n':
			return ""
		}
		return padZero(strconv.FormatInt(int64(off), 8), 7)
	}
	const perLine = 16
	var prev []byte
	starred := false
	// line prints the line of chunk at offset off; the input streams in
	// (yes | od -c | head -n 1 ends), a line at a time.
	line := func(off int, chunk []byte) {
		if !dupes && prev != nil && len(chunk) == perLine && bytes.Equal(chunk, prev) {
			if !starred {
				c.out.WriteString("*\n")
				starred = true
			}
			return
		}
		starred = false
		prev = append(prev[:0], chunk...)
		for i, f := range fmts {
			if i == 0 {
				c.out.WriteString(addr(off))
			} else {
				c.out.WriteString(strings.Repeat(" ", len(addr(off))))
			}
			w := f.width
			if perByte > 0 {
				w = perByte*f.size - 1
			}
			line := ""
			padded := make([]byte, (len(chunk)+f.size-1)/f.size*f.size)
			copy(padded, chunk)
			for j := 0; j < len(padded); j += f.size {
				line += " " + padLeft(odField(f, padded[j:j+f.size]), w)
			}
			c.out.WriteString(line)
			if text && i == 0 {
				full := perLine / f.size * (w + 1)
				c.out.WriteString(strings.Repeat(" ", full-len(line)) + "  >" + printable(chunk) + "<")
			}
			c.out.WriteByte('\n')
		}
	}
	off := 0
	buf := make([]byte, 0, 64<<10)
	for {
		eof := src.fill(&buf)
		pos := 0
		for len(buf)-pos >= perLine && c.out.err == nil {
			line(off, buf[pos:pos+perLine])
			pos += perLine
			off += perLine
		}
		buf = buf[:copy(buf, buf[pos:])]
		if eof || c.out.err != nil {
			break
		}
	}
	if len(buf) > 0 && c.out.err == nil {
		line(off, buf)
		off += len(buf)
	}
	if radix != 'n' {
		c.out.WriteString(addr(off) + "\n")
	}
	return c.finish(status)
}

// dumpInput reads od's input files in turn, as one stream.
type dumpInput struct {
	c      *cmd
	files  []string
	status *int
	fd     int
	open   bool
}

// fill appends what the next read gives to *buf (which has room) and
// reports the end of the last file. A file that cannot be opened or read
// is reported when its turn comes, as GNU od does.
func (in *dumpInput) fill(buf *[]byte) (eof bool) {
	for {
		if !in.open {
			if len(in.files) == 0 {
				return true
			}
			f := in.files[0]
			in.files = in.files[1:]
			fd, err := in.c.openIn(f)
			if err != nil {
				in.c.errorf("%s: %s", quotef(f), errText(err))
				*in.status = 1
				continue
			}
			in.fd, in.open = fd, true
		}
		b := *buf
		r := &fdReader{p: in.c.p, fd: in.fd, flush: in.c.out}
		n, err := r.Read(b[len(b):cap(b)])
		*buf = b[:len(b)+n]
		if n > 0 {
			return false
		}
		if err != nil && err != io.EOF {
			in.c.errorf("%s: read error: %s", "standard input", errText(err))
			*in.status = 1
		}
		in.c.closeIn(in.fd)
		in.open = false
	}
}

func padZero(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return strings.Repeat("0", w-len(s)) + s
}

// printable shows bytes as od's z suffix and xxd do: '.' for the
// unprintable.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, x := range b {
		if x >= ' ' && x < 0x7f {
			out[i] = x
		} else {
			out[i] = '.'
		}
	}
	return string(out)
}

// odWidth is the width of one field of f.
func odWidth(f odFormat) int {
	if f.kind == 'c' || f.kind == 'a' {
		return 3
	}
	maxv := uint64(1)<<(8*f.size) - 1
	if f.size == 8 {
		maxv = ^uint64(0)
	}
	switch f.kind {
	case 'o':
		return len(strconv.FormatUint(maxv, 8))
	case 'x':
		return 2 * f.size
	case 'u':
		return len(strconv.FormatUint(maxv, 10))
	}
	return len(strconv.FormatInt(-int64(maxv>>1)-1, 10))
}

var odNames = [...]string{"nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
	"dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp"}

// odField formats one field.
func odField(f odFormat, b []byte) string {
	switch f.kind {
	case 'c':
		switch x := b[0]; {
		case x == 0:
			return `\0`
		case x == '\a':
			return `\a`
		case x == '\b':
			return `\b`
		case x == '\f':
			return `\f`
		case x == '\n':
			return `\n`
		case x == '\r':
			return `\r`
		case x == '\t':
			return `\t`
		case x == '\v':
			return `\v`
		case x >= ' ' && x < 0x7f:
			return string(x)
		default:
			return padZero(strconv.FormatUint(uint64(x), 8), 3)
		}
	case 'a':
		x := b[0] & 0x7f
		if int(x) < len(odNames) {
			return odNames[x]
		}
		if x == 0x7f {
			return "del"
		}
		return string(x)
	}
	var v uint64
	switch f.size {
	case 1:
		v = uint64(b[0])
	case 2:
		v = uint64(binary.LittleEndian.Uint16(b))
	case 4:
		v = uint64(binary.LittleEndian.Uint32(b))
	default:
		v = binary.LittleEndian.Uint64(b)
	}
	switch f.kind {
	case 'o':
		return padZero(strconv.FormatUint(v, 8), f.width)
	case 'x':
		return padZero(strconv.FormatUint(v, 16), f.width)
	case 'u':
		return strconv.FormatUint(v, 10)
	}
	shift := 64 - 8*f.size
	return strconv.FormatInt(int64(v<<shift)>>shift, 10)
}

// Xxd implements xxd(1)'s default dump: per 16 bytes, an 8-digit hex
// offset, the bytes in groups of two, and the printable text. -c COLS,
// -g BYTES and -p (plain hex) change the layout.
func Xxd(p *cages.Proc) int {
	c := newCmd(p, "xxd")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "c:g:pu", permute: true})
	if err != nil {
		return c.usage(1, "")
	}
	cols, group, plain, upper := 16, 2, false, false
	for _, o := range opts {
		n, _ := strconv.Atoi(o.arg)
		switch o.c {
		case 'c':
			cols = max(1, n)
		case 'g':
			group = n
		case 'p':
			plain = true
		case 'u':
			upper = true
		}
	}
	in := "-"
	if len(files) > 0 {
		in = files[0]
	}
	fd, oerr := c.openIn(in)
	if oerr != nil {
		writeAll(p, 2, []byte("xxd: "+in+": "+errText(oerr)+"\n"))
		return 2
	}
	hexb := func(x byte) string {
		s := padZero(strconv.FormatUint(uint64(x), 16), 2)
		if upper {
			s = strings.ToUpper(s)
		}
		return s
	}
	if group <= 0 {
		group = cols
	}
	hexWidth := cols*2 + (cols+group-1)/group
	per := cols
	if plain {
		per = 30
	}
	// line prints the line of chunk at offset off; the input streams in
	// (yes | xxd | head -n 1 ends).
	line := func(off int, chunk []byte) {
		if plain {
			for _, x := range chunk {
				c.out.WriteString(hexb(x))
			}
			c.out.WriteByte('\n')
			return
		}
		var b strings.Builder
		for i, x := range chunk {
			b.WriteString(hexb(x))
			if (i+1)%group == 0 {
				b.WriteByte(' ')
			}
		}
		h := b.String()
		c.out.WriteString(padZero(strconv.FormatInt(int64(off), 16), 8) + ": " + h +
			strings.Repeat(" ", hexWidth-len(h)) + " " + printable(chunk) + "\n")
	}
	status := 0
	src := &dumpInput{c: c, files: nil, status: &status, fd: fd, open: true}
	off := 0
	buf := make([]byte, 0, 64<<10)
	for {
		eof := src.fill(&buf)
		pos := 0
		for len(buf)-pos >= per && c.out.err == nil {
			line(off, buf[pos:pos+per])
			pos += per
			off += per
		}
		buf = buf[:copy(buf, buf[pos:])]
		if eof || c.out.err != nil {
			break
		}
	}
	if len(buf) > 0 && c.out.err == nil {
		line(off, buf)
	}
	return c.finish(0)
}
