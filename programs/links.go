package programs

import (
	"path"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Rmdir implements rmdir(1): remove empty directories; -p removes each
// parent in turn, -v tells, --ignore-fail-on-non-empty stays quiet about
// directories that are not empty.
func Rmdir(p *cages.Proc) int {
	c := newCmd(p, "rmdir")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "pv", permute: true, long: map[string]string{
		"parents": "p", "verbose": "v", "ignore-fail-on-non-empty": "I"}})
	if err != nil {
		return c.usage(1, "")
	}
	parents, verbose, ignoreNonEmpty := false, false, false
	for _, o := range opts {
		switch o.c {
		case 'p':
			parents = true
		case 'v':
			verbose = true
		case 'I':
			ignoreNonEmpty = true
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	status := 0
	remove := func(dir string) bool {
		if verbose {
			c.out.WriteString("rmdir: removing directory, " + shellQuote(dir) + "\n")
		}
		if err := p.Rmdir(dir); err != nil {
			if ignoreNonEmpty && (err == posix.ENOTEMPTY || err == posix.EEXIST) {
				return false
			}
			c.out.Flush()
			c.errorf("failed to remove %s: %s", shellQuote(dir), errText(err))
			status = 1
			return false
		}
		return true
	}
	for _, dir := range ops {
		if !remove(dir) || !parents {
			continue
		}
		for d := path.Dir(strings.TrimRight(dir, "/")); d != "." && d != "/"; d = path.Dir(d) {
			if !remove(d) {
				break
			}
		}
	}
	return c.finish(status)
}

// Readlink implements readlink(1): print a symbolic link's target; -f, -e
// and -m print the canonical path instead (every component, all but the
// last, or none need exist), -n omits the newline. A file that is not a
// link (or, with -f/-e, cannot be resolved) exits 1 without a word unless
// -v is given, as GNU readlink.
func Readlink(p *cages.Proc) int {
	c := newCmd(p, "readlink")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "femnqsvz", permute: true, long: map[string]string{
		"canonicalize": "f", "canonicalize-existing": "e", "canonicalize-missing": "m",
		"no-newline": "n", "quiet": "q", "silent": "s", "verbose": "v", "zero": "z"}})
	if err != nil {
		return c.usage(1, "")
	}
	canon, noNL, verbose, zero := byte(0), false, false, false
	for _, o := range opts {
		switch o.c {
		case 'f', 'e', 'm':
			canon = byte(o.c)
		case 'n':
			noNL = true
		case 'v':
			verbose = true
		case 'q', 's':
			verbose = false
		case 'z':
			zero = true
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	end := "\n"
	if zero {
		end = "\x00"
	} else if noNL && len(ops) == 1 {
		end = ""
	}
	status := 0
	for _, f := range ops {
		var out string
		var err error
		if canon == 0 {
			out, err = p.Readlink(f)
		} else {
			out, err = canonicalize(p, f, canon)
		}
		if err != nil {
			if verbose {
				c.errorf("%s: %s", f, errText(err))
			}
			status = 1
			continue
		}
		c.out.WriteString(out + end)
	}
	return c.finish(status)
}

// canonicalize resolves every symlink, ".", ".." and extra slash in name,
// as readlink -f (mode 'f': all but the last component must exist), -e
// (all must) and -m (none need).
func canonicalize(p *cages.Proc, name string, mode byte) (string, error) {
	if !strings.HasPrefix(name, "/") {
		cwd, err := p.Getcwd()
		if err != nil {
			return "", err
		}
		name = cwd + "/" + name
	}
	var done []string // resolved components
	todo := strings.Split(name, "/")
	links := 0
	for len(todo) > 0 {
		comp := todo[0]
		todo = todo[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := "/" + strings.Join(append(done, comp), "/")
		st, err := p.Lstat(cur)
		if err != nil {
			last := len(strings.Trim(strings.Join(todo, ""), "/.")) == 0
			if mode == 'm' || (mode == 'f' && last && err == posix.ENOENT) {
				done = append(done, comp)
				continue
			}
			return "", err
		}
		if st.Mode&posix.S_IFMT == posix.S_IFLNK {
			if links++; links > 40 {
				return "", posix.ELOOP
			}
			target, err := p.Readlink(cur)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				done = nil
			}
			todo = append(strings.Split(target, "/"), todo...)
			continue
		}
		if len(todo) > 0 && st.Mode&posix.S_IFMT != posix.S_IFDIR && mode != 'm' {
			if len(strings.Trim(strings.Join(todo, ""), "/")) > 0 {
				return "", posix.ENOTDIR
			}
		}
		done = append(done, comp)
	}
	return "/" + strings.Join(done, "/"), nil
}
