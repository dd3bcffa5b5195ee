package programs

import (
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Chmod implements chmod(1): MODE (octal, or symbolic clauses such as
// u+x,go-w,a=r) applied to each FILE, -R recursively, -v and -f as GNU.
// A clause without u, g, o or a leaves the bits set in the umask alone,
// as GNU chmod does.
func Chmod(p *cages.Proc) int {
	c := newCmd(p, "chmod")
	args := p.Args()[1:]
	// A mode like -w looks like an option: GNU takes it as the mode when
	// it is not one of chmod's own.
	var opts, ops []string
	modeSeen := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case a == "-R" || a == "--recursive" || a == "-f" || a == "--silent" || a == "--quiet" || a == "-v" || a == "--verbose" || a == "-c" || a == "--changes":
			opts = append(opts, a)
		case !modeSeen && len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "rwxXst") == "":
			ops = append(ops, a)
			modeSeen = true
		case strings.HasPrefix(a, "-") && len(a) > 1:
			c.errorf("invalid option -- '%s'", strings.TrimLeft(a, "-")[:1])
			return c.usage(1, "")
		default:
			ops = append(ops, a)
			modeSeen = true
		}
	}
	recursive, quiet, verbose := false, false, false
	for _, o := range opts {
		switch o {
		case "-R", "--recursive":
			recursive = true
		case "-f", "--silent", "--quiet":
			quiet = true
		case "-v", "--verbose", "-c", "--changes":
			verbose = true
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	if len(ops) == 1 {
		return c.usage(1, "missing operand after %s", quote(ops[0]))
	}
	spec := ops[0]
	if _, ok := chmodApply(spec, 0, 0); !ok {
		return c.usage(1, "invalid mode: %s", quote(spec))
	}
	umask := uint32(p.Umask(0))
	p.Umask(int(umask))
	status := 0
	var walk func(path string)
	walk = func(path string) {
		st, err := p.Stat(path)
		if err != nil {
			if !quiet {
				c.errorf("cannot access %s: %s", shellQuote(path), errText(err))
			}
			status = 1
			return
		}
		old := st.Mode & 0o7777
		mode, _ := chmodApply(spec, old, umask)
		if err := p.Chmod(path, mode); err != nil {
			if !quiet {
				c.errorf("changing permissions of %s: %s", shellQuote(path), errText(err))
			}
			status = 1
			return
		}
		if verbose && mode != old {
			c.out.WriteString("mode of " + shellQuote(path) + " changed from " + octal4(old) + " to " + octal4(mode) + "\n")
		}
		if recursive && st.Mode&posix.S_IFMT == posix.S_IFDIR {
			names, err := readDirNames(p, path)
			if err != nil {
				status = 1
				return
			}
			for _, n := range names {
				if n != "." && n != ".." {
					walk(joinPath(path, n))
				}
			}
		}
	}
	for _, f := range ops[1:] {
		walk(f)
	}
	return c.finish(status)
}

// octal4 formats a mode as GNU's verbose output does: "0644 (rw-r--r--)".
func octal4(m uint32) string {
	const rwx = "rwxrwxrwx"
	b := []byte("0000 (---------)")
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + m>>(3*(3-i))&7)
	}
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) != 0 {
			b[6+i] = rwx[i]
		}
	}
	return string(b)
}

// chmodApply computes the mode spec gives a file whose mode is old, with
// umask protecting the bits of clauses that name no one.
func chmodApply(spec string, old, umask uint32) (uint32, bool) {
	if m, ok := parseMode(spec, old); ok && strings.Trim(spec, "01234567") == "" {
		return m, true
	}
	m := old
	for _, clause := range strings.Split(spec, ",") {
		if clause == "" {
			return 0, false
		}
		named := strings.IndexAny(clause[:1], "ugoa") == 0
		n, ok := parseMode(clause, m)
		if !ok {
			return 0, false
		}
		if !named {
			// Bits in the umask keep their old value.
			n = n&^umask | m&umask
		}
		m = n
	}
	return m, true
}
