package programs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// cmd is one run of a utility: its cage, its name for messages and its
// buffered standard output.
type cmd struct {
	p    *cages.Proc
	name string
	out  *writer
}

func newCmd(p *cages.Proc, name string) *cmd {
	return &cmd{p: p, name: name, out: &writer{p: p, fd: 1}}
}

// writer buffers output to a file descriptor and keeps the first write
// error; once it has failed, it drops everything.
type writer struct {
	p   *cages.Proc
	fd  int
	buf []byte
	err error
}

const writerFlushAt = 64 << 10

func (w *writer) Write(b []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= writerFlushAt {
		w.Flush()
	}
	return len(b), w.err
}

func (w *writer) WriteString(s string) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, s...)
	if len(w.buf) >= writerFlushAt {
		w.Flush()
	}
	return len(s), w.err
}

func (w *writer) WriteByte(c byte) error {
	if w.err != nil {
		return w.err
	}
	w.buf = append(w.buf, c)
	if len(w.buf) >= writerFlushAt {
		w.Flush()
	}
	return w.err
}

// Flush writes the buffer out.
func (w *writer) Flush() error {
	if w.err != nil {
		w.buf = w.buf[:0]
		return w.err
	}
	w.err = writeAll(w.p, w.fd, w.buf)
	w.buf = w.buf[:0]
	return w.err
}

// writeAll writes all of b to fd.
func writeAll(p *cages.Proc, fd int, b []byte) error {
	for len(b) > 0 {
		n, err := p.Write(fd, b)
		if err != nil {
			return err
		}
		if n <= 0 {
			return posix.EIO
		}
		b = b[n:]
	}
	return nil
}

// errorf prints "name: message" on fd 2.
func (c *cmd) errorf(format string, args ...any) {
	c.out.Flush()
	msg := c.name + ": " + sprintf(format, args...) + "\n"
	writeAll(c.p, 2, []byte(msg))
}

// usage prints "name: message" and the --help hint, and returns code.
func (c *cmd) usage(code int, format string, args ...any) int {
	if format != "" {
		c.errorf(format, args...)
	}
	writeAll(c.p, 2, []byte("Try '"+c.name+" --help' for more information.\n"))
	return code
}

// finish flushes standard output and returns status, or 1 if the output
// failed: quietly for EPIPE (the reader is gone), with GNU's "write error"
// otherwise.
func (c *cmd) finish(status int) int {
	if err := c.out.Flush(); err != nil {
		if !errors.Is(err, posix.EPIPE) {
			writeAll(c.p, 2, []byte(c.name+": write error: "+errText(err)+"\n"))
		}
		return 1
	}
	return status
}

// errText is the Linux message of err.
func errText(err error) string {
	var e posix.Errno
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

// quote quotes s as GNU's quote() does in a UTF-8 locale: ‘s’.
func quote(s string) string { return "‘" + s + "’" }

// shellQuote quotes s as GNU's quoteaf (shell-escape-always) does.
func shellQuote(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	if !strings.ContainsAny(s, "\"$`\\") {
		return "\"" + s + "\""
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quotef quotes s as GNU's quotef (shell-escape) does: only when needed.
func quotef(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"$`\\|&;()<>*?[]{}!#~=%") {
		return s
	}
	return shellQuote(s)
}

// fdReader reads a file descriptor; before each read it flushes out, so
// that a program in a pipeline never sits on output while it waits.
type fdReader struct {
	p     *cages.Proc
	fd    int
	flush *writer
}

func (r *fdReader) Read(b []byte) (int, error) {
	if r.flush != nil && len(r.flush.buf) > 0 {
		r.flush.Flush()
	}
	n, err := r.p.Read(r.fd, b)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// openIn opens name for reading ("-" is standard input).
func (c *cmd) openIn(name string) (int, error) {
	if name == "-" {
		return 0, nil
	}
	return c.p.Open(name, posix.O_RDONLY, 0)
}

// closeIn closes fd unless it is standard input.
func (c *cmd) closeIn(fd int) {
	if fd != 0 {
		c.p.Close(fd)
	}
}

// reader returns a buffered reader of fd.
func (c *cmd) reader(fd int) *bufio.Reader {
	return bufio.NewReaderSize(&fdReader{p: c.p, fd: fd, flush: c.out}, 64<<10)
}

// readAll reads fd to its end.
func (c *cmd) readAll(fd int) ([]byte, error) {
	var out []byte
	buf := make([]byte, 64<<10)
	r := &fdReader{p: c.p, fd: fd, flush: c.out}
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// readLine returns the next line with its newline (the last line may lack
// one), or io.EOF.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	return line, err
}

// splitLines splits data into lines without their newlines; a final line
// without a newline counts.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := indexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i])
		data = data[i+1:]
	}
	return lines
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// opt is one parsed option: its short letter (or the long name's code)
// and its argument.
type opt struct {
	c   rune
	arg string
}

// optSpec describes a program's options as getopt_long does: short is
// getopt's string ("n:c:qv"); long maps a long name to its code and
// whether it takes an argument ("lines" -> "n:"). With permute, options
// may follow operands, as GNU allows; numOperands makes an argument such
// as "-1" or "-.5" an operand.
type optSpec struct {
	short       string
	long        map[string]string
	permute     bool
	numOperands bool
}

// errUsage is returned by getopt after it has printed a usage error.
var errUsage = errors.New("usage")

// getopt parses args (argv without argv[0]) and returns the options in
// order and the operands. On a usage error it prints GNU's message.
func (c *cmd) getopt(args []string, spec optSpec) ([]opt, []string, error) {
	var opts []opt
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			break
		}
		isNum := spec.numOperands && len(a) > 1 && a[0] == '-' && (a[1] >= '0' && a[1] <= '9' || a[1] == '.')
		if len(a) < 2 || a[0] != '-' || isNum {
			if !spec.permute {
				operands = append(operands, args[i:]...)
				break
			}
			operands = append(operands, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			code, full, ok := matchLong(spec.long, name)
			if !ok {
				if full == "ambiguous" {
					c.errorf("option '%s' is ambiguous", a)
				} else {
					c.errorf("unrecognized option '%s'", a)
				}
				return nil, nil, errUsage
			}
			takes := strings.HasSuffix(code, ":")
			optional := strings.HasSuffix(code, "::")
			code = strings.TrimRight(code, ":")
			r := []rune(code)[0]
			switch {
			case takes && !hasVal && !optional:
				if i+1 >= len(args) {
					c.errorf("option '--%s' requires an argument", full)
					return nil, nil, errUsage
				}
				i++
				val = args[i]
			case !takes && hasVal:
				c.errorf("option '--%s' doesn't allow an argument", full)
				return nil, nil, errUsage
			}
			opts = append(opts, opt{r, val})
			continue
		}
		for j := 1; j < len(a); j++ {
			ch := a[j]
			k := strings.IndexByte(spec.short, ch)
			if k < 0 || ch == ':' {
				c.errorf("invalid option -- '%c'", ch)
				return nil, nil, errUsage
			}
			if k+1 < len(spec.short) && spec.short[k+1] == ':' {
				val := a[j+1:]
				if val == "" {
					if k+2 < len(spec.short) && spec.short[k+2] == ':' {
						opts = append(opts, opt{rune(ch), ""})
						break
					}
					if i+1 >= len(args) {
						c.errorf("option requires an argument -- '%c'", ch)
						return nil, nil, errUsage
					}
					i++
					val = args[i]
				}
				opts = append(opts, opt{rune(ch), val})
				break
			}
			opts = append(opts, opt{rune(ch), ""})
		}
	}
	return opts, operands, nil
}

// matchLong finds name, or an unambiguous prefix of it, among long.
func matchLong(long map[string]string, name string) (code, full string, ok bool) {
	if c, ok := long[name]; ok {
		return c, name, true
	}
	n := 0
	for k, v := range long {
		if strings.HasPrefix(k, name) {
			if n > 0 && v != code {
				return "", "ambiguous", false
			}
			code, full = v, k
			n++
		}
	}
	return code, full, n > 0
}

// parseSize parses a count with GNU's optional multiplier suffixes (b,
// k/K, KB, KiB, M, MB, MiB, G ...).
func parseSize(s string) (int64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	suf := s[i:]
	if suf == "" {
		return n, true
	}
	mult := int64(1)
	switch suf {
	case "b":
		mult = 512
	case "KB", "kB":
		mult = 1000
	case "K", "k", "KiB", "kiB":
		mult = 1024
	default:
		units := "KMGTPE"
		u := strings.IndexByte(units, suf[0])
		if u < 0 {
			return 0, false
		}
		base := int64(1024)
		switch suf[1:] {
		case "", "iB":
		case "B":
			base = 1000
		default:
			return 0, false
		}
		for range u + 1 {
			mult *= base
		}
	}
	return n * mult, true
}

// sprintf is fmt.Sprintf, except that a format without arguments is
// taken literally.
func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// baseName returns the last element of path as basename(1) does.
func baseName(path string) string {
	if path == "" {
		return ""
	}
	path = strings.TrimRight(path, "/")
	if path == "" {
		return "/"
	}
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	return path
}

// isDir reports whether mode is a directory's.
func isDir(mode uint32) bool { return mode&posix.S_IFMT == posix.S_IFDIR }

// lookPath finds name for execve: names with a slash as they are, others
// in the directories of path (default /bin:/usr/bin). It returns the
// first existing file, or the errno of the search.
func lookPath(p *cages.Proc, name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	if path == "" {
		path = "/bin:/usr/bin"
	}
	var firstErr error = posix.ENOENT
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		full := dir + "/" + name
		st, err := p.Stat(full)
		if err != nil {
			continue
		}
		if isDir(st.Mode) {
			continue
		}
		if p.Access(full, posix.X_OK) != nil {
			firstErr = posix.EACCES
			continue
		}
		return full, nil
	}
	return "", firstErr
}

// envLookup returns the value of key in env.
func envLookup(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
