package programs

import (
	"bytes"
	"encoding/binary"
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
	var data []byte
	status := 0
	for _, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("%s: %s", quotef(f), errText(err))
			status = 1
			continue
		}
		b, err := c.readAll(fd)
		c.closeIn(fd)
		if err != nil {
			c.errorf("%s: read error: %s", quotef(f), errText(err))
			status = 1
		}
		data = append(data, b...)
	}
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
	for off := 0; off < len(data); off += perLine {
		chunk := data[off:min(off+perLine, len(data))]
		if !dupes && prev != nil && len(chunk) == perLine && bytes.Equal(chunk, prev) {
			if !starred {
				c.out.WriteString("*\n")
				starred = true
			}
			continue
		}
		starred = false
		prev = chunk
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
	if radix != 'n' {
		c.out.WriteString(addr(len(data)) + "\n")
	}
	return c.finish(status)
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
	data, _ := c.readAll(fd)
	c.closeIn(fd)
	hexb := func(x byte) string {
		s := padZero(strconv.FormatUint(uint64(x), 16), 2)
		if upper {
			s = strings.ToUpper(s)
		}
		return s
	}
	if plain {
		if !c.out.writesHexPlain(data, hexb) {
			return 1
		}
		return c.finish(0)
	}
	if group <= 0 {
		group = cols
	}
	hexWidth := cols*2 + (cols+group-1)/group
	for off := 0; off < len(data); off += cols {
		chunk := data[off:min(off+cols, len(data))]
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
	return c.finish(0)
}

// writesHexPlain writes data as xxd -p does: 30 bytes a line.
func (w *writer) writesHexPlain(data []byte, hexb func(byte) string) bool {
	for off := 0; off < len(data); off += 30 {
		for _, x := range data[off:min(off+30, len(data))] {
			w.WriteString(hexb(x))
		}
		w.WriteByte('\n')
	}
	return true
}
