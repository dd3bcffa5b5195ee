package programs

import (
	"bytes"
	"strconv"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Wc implements wc(1): newline, word and byte counts (-l, -w, -c; -m
// counts bytes too, -L the longest line), per file and in total.
func Wc(p *cages.Proc) int {
	c := newCmd(p, "wc")
	opts, files, err := c.getopt(p.Args()[1:], optSpec{short: "lwcmL", permute: true, long: map[string]string{
		"lines": "l", "words": "w", "bytes": "c", "chars": "m", "max-line-length": "L"}})
	if err != nil {
		return c.usage(1, "")
	}
	var show [5]bool // lines words chars bytes maxlen
	for _, o := range opts {
		switch o.c {
		case 'l':
			show[0] = true
		case 'w':
			show[1] = true
		case 'm':
			show[2] = true
		case 'c':
			show[3] = true
		case 'L':
			show[4] = true
		}
	}
	if show == [5]bool{} {
		show = [5]bool{true, true, false, true, false}
	}
	nshow := 0
	for _, s := range show {
		if s {
			nshow++
		}
	}
	stdin := len(files) == 0
	if stdin {
		files = []string{"-"}
	}
	type result struct {
		counts [5]int64
		name   string
		ok     bool
	}
	var results []result
	var total [5]int64
	status := 0
	width, minWidth := 1, 1
	var regular int64
	firstFailed := false
	for i, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("%s: %s", quotef(f), errText(err))
			status = 1
			if i == 0 {
				firstFailed = true
			}
			results = append(results, result{})
			continue
		}
		if st, err := p.Fstat(fd); err == nil && st.Mode&posix.S_IFMT == posix.S_IFREG {
			regular += st.Size
		} else {
			minWidth = 7
		}
		var cnt [5]int64
		inWord := false
		lineLen := int64(0)
		buf := make([]byte, 64<<10)
		var rerr error
		for {
			n, err := p.Read(fd, buf)
			if err != nil {
				rerr = err
				break
			}
			if n == 0 {
				break
			}
			cnt[3] += int64(n)
			switch {
			case !show[0] && !show[1] && !show[2] && !show[4]:
				continue // bytes only: nothing to scan
			case !show[1] && !show[2] && !show[4]:
				cnt[0] += int64(bytes.Count(buf[:n], []byte{'\n'})) // lines: as GNU wc -l, a vectorised count
				continue
			}
			for _, b := range buf[:n] {
				if b&0xc0 != 0x80 {
					cnt[2]++
				}
				switch b {
				case '\n':
					cnt[0]++
					cnt[4] = max(cnt[4], lineLen)
					lineLen = 0
					inWord = false
				case ' ', '\t', '\v', '\f', '\r':
					inWord = false
					if b == '\t' {
						lineLen += 8 - lineLen%8
					} else if b == ' ' {
						lineLen++
					}
				default:
					if !inWord {
						cnt[1]++
						inWord = true
					}
					if b&0xc0 != 0x80 {
						lineLen++
					}
				}
			}
		}
		cnt[4] = max(cnt[4], lineLen)
		c.closeIn(fd)
		if rerr != nil {
			c.errorf("%s: %s", quotef(f), errText(rerr))
			status = 1
		}
		name := f
		if stdin {
			name = ""
		}
		results = append(results, result{cnt, name, true})
		for k := range 4 {
			total[k] += cnt[k]
		}
		total[4] = max(total[4], cnt[4])
	}
	if !firstFailed && !(nshow == 1 && len(files) == 1) {
		for ; regular >= 10; regular /= 10 {
			width++
		}
		width = max(width, minWidth)
	}
	line := func(cnt [5]int64, name string) {
		first := true
		for k, s := range show {
			if !s {
				continue
			}
			if !first {
				c.out.WriteByte(' ')
			}
			first = false
			c.out.WriteString(padLeft(strconv.FormatInt(cnt[k], 10), width))
		}
		if name != "" {
			c.out.WriteString(" " + name)
		}
		c.out.WriteByte('\n')
	}
	for _, r := range results {
		if r.ok {
			line(r.counts, r.name)
		}
	}
	if len(files) > 1 {
		line(total, "total")
	}
	return c.finish(status)
}
