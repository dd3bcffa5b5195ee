package programs

import (
	"bytes"
	"io"
	"strings"

	"github.com/gocage/gocage/cages"
)

// obsoleteCount rewrites GNU's obsolete first argument -N[bkmcl] (and, for
// tail, +N[...]) as -n/-c, as head and tail accept it.
func obsoleteCount(args []string, plus bool) []string {
	if len(args) == 0 {
		return args
	}
	a := args[0]
	if len(a) < 2 || !(a[0] == '-' || plus && a[0] == '+') || a[1] < '0' || a[1] > '9' {
		return args
	}
	i := 1
	for i < len(a) && a[i] >= '0' && a[i] <= '9' {
		i++
	}
	num := a[1:i]
	if a[0] == '+' {
		num = "+" + num
	}
	flag := "-n"
	switch suf := a[i:]; suf {
	case "", "l":
	case "c":
		flag = "-c"
	case "b", "k", "m":
		flag = "-c"
		num += suf
	default:
		return args
	}
	return append([]string{flag, num}, args[1:]...)
}

// Head implements head(1): the first 10 lines of each file, or -n N lines
// (-n -N: all but the last N), or -c N bytes (-c -N); -q, -v; the obsolete
// form -N.
func Head(p *cages.Proc) int {
	c := newCmd(p, "head")
	args := obsoleteCount(p.Args()[1:], false)
	opts, files, err := c.getopt(args, optSpec{short: "n:c:qvz", permute: true, long: map[string]string{
		"lines": "n:", "bytes": "c:", "quiet": "q", "silent": "q", "verbose": "v", "zero-terminated": "z"}})
	if err != nil {
		return c.usage(1, "")
	}
	count, bytesMode, allBut := int64(10), false, false
	headers := 0 // 0 auto, -1 never, 1 always
	for _, o := range opts {
		switch o.c {
		case 'n', 'c':
			s := o.arg
			allBut = strings.HasPrefix(s, "-")
			s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
			n, ok := parseSize(s)
			if !ok {
				what := "lines"
				if o.c == 'c' {
					what = "bytes"
				}
				c.errorf("invalid number of %s: %s", what, quote(o.arg))
				return 1
			}
			count, bytesMode = n, o.c == 'c'
		case 'q':
			headers = -1
		case 'v':
			headers = 1
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	show := headers == 1 || headers == 0 && len(files) > 1
	status := 0
	for i, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("cannot open %s for reading: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		if show {
			if i > 0 {
				c.out.WriteByte('\n')
			}
			name := f
			if f == "-" {
				name = "standard input"
			}
			c.out.WriteString("==> " + name + " <==\n")
		}
		if err := c.headOne(fd, count, bytesMode, allBut); err != nil {
			c.errorf("error reading %s: %s", shellQuote(f), errText(err))
			status = 1
		}
		c.closeIn(fd)
		if c.out.err != nil {
			break
		}
	}
	return c.finish(status)
}

func (c *cmd) headOne(fd int, count int64, bytesMode, allBut bool) error {
	if allBut {
		data, err := c.readAll(fd)
		if err != nil {
			return err
		}
		if bytesMode {
			c.out.Write(data[:max(0, int64(len(data))-count)])
			return nil
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		for _, l := range lines[:max(0, int64(len(lines))-count)] {
			c.out.Write(l)
		}
		return nil
	}
	if bytesMode {
		buf := make([]byte, 64<<10)
		for count > 0 {
			n, err := c.p.Read(fd, buf[:min(int64(len(buf)), count)])
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
			c.out.Write(buf[:n])
			count -= int64(n)
		}
		return nil
	}
	r := c.reader(fd)
	for ; count > 0; count-- {
		line, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		c.out.Write(line)
	}
	return nil
}

// Tail implements tail(1): the last 10 lines of each file, or -n N lines
// (-n +N: from line N on), or -c N bytes (-c +N); -q, -v; the obsolete
// forms -N and +N.
func Tail(p *cages.Proc) int {
	c := newCmd(p, "tail")
	args := obsoleteCount(p.Args()[1:], true)
	opts, files, err := c.getopt(args, optSpec{short: "n:c:qvzf", permute: true, long: map[string]string{
		"lines": "n:", "bytes": "c:", "quiet": "q", "silent": "q", "verbose": "v", "zero-terminated": "z"}})
	if err != nil {
		return c.usage(1, "")
	}
	count, bytesMode, fromStart := int64(10), false, false
	headers := 0
	for _, o := range opts {
		switch o.c {
		case 'n', 'c':
			s := o.arg
			fromStart = strings.HasPrefix(s, "+")
			s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
			n, ok := parseSize(s)
			if !ok {
				what := "lines"
				if o.c == 'c' {
					what = "bytes"
				}
				c.errorf("invalid number of %s: %s", what, quote(o.arg))
				return 1
			}
			count, bytesMode = n, o.c == 'c'
		case 'q':
			headers = -1
		case 'v':
			headers = 1
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	show := headers == 1 || headers == 0 && len(files) > 1
	status, shown := 0, 0
	for _, f := range files {
		fd, err := c.openIn(f)
		if err != nil {
			c.errorf("cannot open %s for reading: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		if show {
			if shown > 0 {
				c.out.WriteByte('\n')
			}
			name := f
			if f == "-" {
				name = "standard input"
			}
			c.out.WriteString("==> " + name + " <==\n")
		}
		shown++
		data, err := c.readAll(fd)
		c.closeIn(fd)
		if err != nil {
			c.errorf("error reading %s: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		c.out.Write(tailOf(data, count, bytesMode, fromStart))
	}
	return c.finish(status)
}

// tailOf selects tail's part of data.
func tailOf(data []byte, count int64, bytesMode, fromStart bool) []byte {
	n := int64(len(data))
	if bytesMode {
		if fromStart {
			return data[min(n, max(0, count-1)):]
		}
		return data[n-min(n, count):]
	}
	if fromStart {
		line := int64(1)
		for i := int64(0); i < n && line < count; i++ {
			if data[i] == '\n' {
				line++
				if line == count {
					return data[i+1:]
				}
			}
		}
		if line < count {
			return nil
		}
		return data
	}
	if count == 0 {
		return nil
	}
	end := n
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	seen := int64(0)
	for i := end - 1; i >= 0; i-- {
		if data[i] == '\n' {
			seen++
			if seen == count {
				return data[i+1:]
			}
		}
	}
	return data
}
