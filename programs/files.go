package programs

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// readDirNames lists the names in directory path (with . and ..), read
// through getdents64.
func readDirNames(p *cages.Proc, path string) ([]string, error) {
	fd, err := p.Open(path, posix.O_RDONLY|posix.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	defer p.Close(fd)
	var names []string
	buf := make([]byte, 32<<10)
	for {
		n, err := p.Getdents64(fd, buf)
		if err != nil {
			return names, err
		}
		if n == 0 {
			return names, nil
		}
		for off := 0; off+19 <= n; {
			reclen := int(binary.LittleEndian.Uint16(buf[off+16:]))
			if reclen == 0 {
				break
			}
			name := buf[off+19 : off+reclen]
			if i := indexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			names = append(names, string(name))
			off += reclen
		}
	}
}

// joinPath joins dir and name.
func joinPath(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// modeString is ls -l's "drwxr-xr-x".
func modeString(m uint32) string {
	var b [10]byte
	switch m & posix.S_IFMT {
	case posix.S_IFDIR:
		b[0] = 'd'
	case posix.S_IFLNK:
		b[0] = 'l'
	case posix.S_IFIFO:
		b[0] = 'p'
	case posix.S_IFCHR:
		b[0] = 'c'
	case posix.S_IFBLK:
		b[0] = 'b'
	case posix.S_IFSOCK:
		b[0] = 's'
	default:
		b[0] = '-'
	}
	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if m&(1<<(8-i)) != 0 {
			b[i+1] = rwx[i]
		} else {
			b[i+1] = '-'
		}
	}
	special := func(bit uint32, i int, set, unset byte) {
		if m&bit != 0 {
			if b[i] == '-' {
				b[i] = unset
			} else {
				b[i] = set
			}
		}
	}
	special(posix.S_ISUID, 3, 's', 'S')
	special(posix.S_ISGID, 6, 's', 'S')
	special(posix.S_ISVTX, 9, 't', 'T')
	return string(b[:])
}

// idNames reads /etc/passwd or /etc/group into id -> name.
func idNames(p *cages.Proc, file string) map[uint32]string {
	m := map[uint32]string{}
	fd, err := p.Open(file, posix.O_RDONLY, 0)
	if err != nil {
		return m
	}
	defer p.Close(fd)
	c := &cmd{p: p}
	data, _ := c.readAll(fd)
	for _, l := range splitLines(data) {
		f := strings.Split(string(l), ":")
		if len(f) >= 3 {
			if id, err := strconv.ParseUint(f[2], 10, 32); err == nil {
				if _, dup := m[uint32(id)]; !dup {
					m[uint32(id)] = f[0]
				}
			}
		}
	}
	return m
}

// Ls implements ls(1): it lists files and directory contents, one name a
// line (its output is never a terminal), sorted in byte order. Options:
// -l (long format, times in UTC), -a, -A, -1, -d.
func Ls(p *cages.Proc) int {
	c := newCmd(p, "ls")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "laA1dn", permute: true, long: map[string]string{
		"all": "a", "almost-all": "A", "directory": "d", "numeric-uid-gid": "n"}})
	if err != nil {
		return c.usage(2, "")
	}
	var long, all, almost, dirOnly, numeric bool
	for _, o := range opts {
		switch o.c {
		case 'l':
			long = true
		case 'n':
			long, numeric = true, true
		case 'a':
			all = true
		case 'A':
			almost = true
		case 'd':
			dirOnly = true
		}
	}
	l := &lister{c: c, long: long, numeric: numeric, now: time.Now()}
	if ts, err := p.ClockGettime(posix.CLOCK_REALTIME); err == nil {
		l.now = time.Unix(ts.Sec, ts.Nsec)
	}
	if long && !numeric {
		l.users, l.groups = idNames(p, "/etc/passwd"), idNames(p, "/etc/group")
	}
	if len(ops) == 0 {
		ops = []string{"."}
	}
	status := 0
	var files []lsEntry
	var dirs []string
	for _, op := range ops {
		st, err := p.Lstat(op)
		if err == nil && st.Mode&posix.S_IFMT == posix.S_IFLNK && !long && !dirOnly {
			if st2, err2 := p.Stat(op); err2 == nil {
				st = st2
			}
		}
		if err != nil {
			c.errorf("cannot access %s: %s", shellQuote(op), errText(err))
			status = 2
			continue
		}
		if isDir(st.Mode) && !dirOnly {
			dirs = append(dirs, op)
		} else {
			files = append(files, lsEntry{op, op, st})
		}
	}
	slices.SortFunc(files, func(a, b lsEntry) int { return strings.Compare(a.name, b.name) })
	slices.Sort(dirs)
	l.print(files, false)
	for i, d := range dirs {
		if len(files) > 0 || i > 0 {
			c.out.WriteByte('\n')
		}
		if len(ops) > 1 {
			c.out.WriteString(d + ":\n")
		}
		names, err := readDirNames(p, d)
		if err != nil {
			c.errorf("cannot open directory %s: %s", shellQuote(d), errText(err))
			status = 2
			continue
		}
		var ents []lsEntry
		for _, n := range names {
			if strings.HasPrefix(n, ".") && !all && !(almost && n != "." && n != "..") {
				continue
			}
			full := joinPath(d, n)
			if !long {
				// A short listing needs no stat (GNU ls goes by d_type), so
				// an entry gone since readdir, such as ls's own directory fd
				// in /proc/self/fd, is still listed.
				ents = append(ents, lsEntry{n, full, posix.Stat{}})
				continue
			}
			st, err := p.Lstat(full)
			if err == posix.ENOENT {
				// Gone since readdir: GNU ls drops it silently.
				continue
			}
			if err != nil {
				c.errorf("cannot access %s: %s", shellQuote(full), errText(err))
				status = 1
				continue
			}
			ents = append(ents, lsEntry{n, full, st})
		}
		slices.SortFunc(ents, func(a, b lsEntry) int { return strings.Compare(a.name, b.name) })
		l.print(ents, true)
	}
	return c.finish(status)
}

type lsEntry struct {
	name, path string
	st         posix.Stat
}

type lister struct {
	c             *cmd
	long, numeric bool
	users, groups map[uint32]string
	now           time.Time
}

func (l *lister) owner(m map[uint32]string, id uint32) string {
	if n, ok := m[id]; ok && !l.numeric {
		return n
	}
	return strconv.FormatUint(uint64(id), 10)
}

func (l *lister) print(ents []lsEntry, total bool) {
	out := l.c.out
	if !l.long {
		for _, e := range ents {
			out.WriteString(e.name + "\n")
		}
		return
	}
	var blocks int64
	var wl, wu, wg, ws int
	for _, e := range ents {
		blocks += (e.st.Blocks + 1) / 2
		wl = max(wl, len(strconv.FormatUint(e.st.Nlink, 10)))
		wu = max(wu, len(l.owner(l.users, e.st.Uid)))
		wg = max(wg, len(l.owner(l.groups, e.st.Gid)))
		ws = max(ws, len(l.size(e.st)))
	}
	if total {
		out.WriteString("total " + strconv.FormatInt(blocks, 10) + "\n")
	}
	for _, e := range ents {
		st := e.st
		u, g := l.owner(l.users, st.Uid), l.owner(l.groups, st.Gid)
		line := modeString(st.Mode) + " " + padLeft(strconv.FormatUint(st.Nlink, 10), wl) + " " +
			u + strings.Repeat(" ", wu-len(u)) + " " + g + strings.Repeat(" ", wg-len(g)) + " " +
			padLeft(l.size(st), ws) + " " + l.date(st.Mtim) + " " + e.name
		if st.Mode&posix.S_IFMT == posix.S_IFLNK {
			if t, err := l.c.p.Readlink(e.path); err == nil {
				line += " -> " + t
			}
		}
		out.WriteString(line + "\n")
	}
}

func (l *lister) size(st posix.Stat) string {
	if ft := st.Mode & posix.S_IFMT; ft == posix.S_IFCHR || ft == posix.S_IFBLK {
		return strconv.FormatUint(st.Rdev>>8&0xfff, 10) + ", " + strconv.FormatUint(st.Rdev&0xff, 10)
	}
	return strconv.FormatInt(st.Size, 10)
}

// date is ls -l's time column: "Jan _2 15:04" within six months in the
// past, else "Jan _2  2006".
func (l *lister) date(ts posix.Timespec) string {
	t := time.Unix(ts.Sec, ts.Nsec).UTC()
	sixMonths := time.Duration(31556952/2) * time.Second
	if t.After(l.now) {
		// As GNU ls: a file that seems to be in the future may just have
		// changed since the clock was read (a /proc file): read it again.
		if ts, err := l.c.p.ClockGettime(posix.CLOCK_REALTIME); err == nil {
			l.now = time.Unix(ts.Sec, ts.Nsec)
		}
	}
	if t.After(l.now) || l.now.Sub(t) > sixMonths {
		return t.Format("Jan _2  2006")
	}
	return t.Format("Jan _2 15:04")
}

// parseMode parses an octal mode or a simple symbolic one ([ugoa]*[+-=][rwx]*,
// comma-separated) relative to base.
func parseMode(s string, base uint32) (uint32, bool) {
	if v, err := strconv.ParseUint(s, 8, 32); err == nil {
		return uint32(v) & 0o7777, true
	}
	m := base
	for _, clause := range strings.Split(s, ",") {
		i := 0
		var who uint32
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			who |= map[byte]uint32{'u': 0o4700, 'g': 0o2070, 'o': 0o1007, 'a': 0o7777}[clause[i]]
			i++
		}
		if who == 0 {
			who = 0o7777
		}
		if i >= len(clause) || strings.IndexByte("+-=", clause[i]) < 0 {
			return 0, false
		}
		op := clause[i]
		var perm uint32
		for _, ch := range clause[i+1:] {
			switch ch {
			case 'r':
				perm |= 0o444
			case 'w':
				perm |= 0o222
			case 'x':
				perm |= 0o111
			default:
				return 0, false
			}
		}
		perm &= who
		switch op {
		case '+':
			m |= perm
		case '-':
			m &^= perm
		default:
			m = m&^(who&0o777) | perm
		}
	}
	return m, true
}

// Mkdir implements mkdir(1): it creates directories; -p creates parents
// and accepts existing directories, -m MODE sets the mode, -v reports.
func Mkdir(p *cages.Proc) int {
	c := newCmd(p, "mkdir")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "pm:v", permute: true, long: map[string]string{
		"parents": "p", "mode": "m:", "verbose": "v"}})
	if err != nil {
		return c.usage(1, "")
	}
	parents, verbose := false, false
	mode, setMode := uint32(0o777), false
	for _, o := range opts {
		switch o.c {
		case 'p':
			parents = true
		case 'v':
			verbose = true
		case 'm':
			umask := p.Umask(0)
			p.Umask(umask)
			m, ok := parseMode(o.arg, 0o777&^uint32(umask))
			if !ok {
				c.errorf("invalid mode %s", quote(o.arg))
				return 1
			}
			mode, setMode = m, true
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	status := 0
	for _, d := range ops {
		if parents {
			parts := strings.Split(d, "/")
			cur := ""
			for i, part := range parts {
				if i > 0 {
					cur += "/"
				}
				cur += part
				if part == "" || part == "." || part == ".." || i == len(parts)-1 {
					continue
				}
				if err := p.Mkdir(cur, 0o777); err == nil {
					if verbose {
						c.out.WriteString("mkdir: created directory " + shellQuote(cur) + "\n")
					}
				} else if st, serr := p.Stat(cur); serr != nil || !isDir(st.Mode) {
					if serr == nil {
						err = posix.ENOTDIR
					}
					c.errorf("cannot create directory %s: %s", quote(cur), errText(err))
					status = 1
					break
				}
			}
			if status != 0 {
				continue
			}
		}
		err := p.Mkdir(d, mode)
		if err != nil {
			if parents && errors.Is(err, posix.EEXIST) {
				if st, serr := p.Stat(d); serr == nil && isDir(st.Mode) {
					continue
				}
			}
			c.errorf("cannot create directory %s: %s", quote(d), errText(err))
			status = 1
			continue
		}
		if setMode && mode&0o7000 != 0 {
			p.Chmod(d, mode)
		}
		if verbose {
			c.out.WriteString("mkdir: created directory " + shellQuote(d) + "\n")
		}
	}
	return c.finish(status)
}

// Rm implements rm(1): it removes files; -r/-R removes directories and
// their contents, -f ignores missing files and never fails for them, -d
// removes empty directories, -v reports.
func Rm(p *cages.Proc) int {
	c := newCmd(p, "rm")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "rRfdvi", permute: true, long: map[string]string{
		"recursive": "r", "force": "f", "dir": "d", "verbose": "v"}})
	if err != nil {
		return c.usage(1, "")
	}
	var recursive, force, dirs, verbose bool
	for _, o := range opts {
		switch o.c {
		case 'r', 'R':
			recursive = true
		case 'f':
			force = true
		case 'd':
			dirs = true
		case 'v':
			verbose = true
		}
	}
	if len(ops) == 0 {
		if force {
			return 0
		}
		return c.usage(1, "missing operand")
	}
	status := 0
	var remove func(path string) bool
	remove = func(path string) bool {
		st, err := p.Lstat(path)
		if err != nil {
			if force && errors.Is(err, posix.ENOENT) {
				return true
			}
			c.errorf("cannot remove %s: %s", shellQuote(path), errText(err))
			return false
		}
		if isDir(st.Mode) {
			if !recursive {
				if dirs {
					if err := p.Rmdir(path); err != nil {
						c.errorf("cannot remove %s: %s", shellQuote(path), errText(err))
						return false
					}
					if verbose {
						c.out.WriteString("removed directory " + shellQuote(path) + "\n")
					}
					return true
				}
				c.errorf("cannot remove %s: Is a directory", shellQuote(path))
				return false
			}
			names, err := readDirNames(p, path)
			if err != nil {
				c.errorf("cannot remove %s: %s", shellQuote(path), errText(err))
				return false
			}
			ok := true
			for _, n := range names {
				if n == "." || n == ".." {
					continue
				}
				if !remove(joinPath(path, n)) {
					ok = false
				}
			}
			if !ok {
				return false
			}
			if err := p.Rmdir(path); err != nil {
				c.errorf("cannot remove %s: %s", shellQuote(path), errText(err))
				return false
			}
			if verbose {
				c.out.WriteString("removed directory " + shellQuote(path) + "\n")
			}
			return true
		}
		if err := p.Unlink(path); err != nil {
			if force && errors.Is(err, posix.ENOENT) {
				return true
			}
			c.errorf("cannot remove %s: %s", shellQuote(path), errText(err))
			return false
		}
		if verbose {
			c.out.WriteString("removed " + shellQuote(path) + "\n")
		}
		return true
	}
	for _, op := range ops {
		if b := baseName(op); b == "." || b == ".." {
			c.errorf("refusing to remove '.' or '..' directory: skipping %s", shellQuote(op))
			status = 1
			continue
		}
		if op == "/" || strings.Trim(op, "/") == "" {
			c.errorf("it is dangerous to operate recursively on '/'")
			writeAll(p, 2, []byte("rm: use --no-preserve-root to override this failsafe\n"))
			status = 1
			continue
		}
		if !remove(op) {
			status = 1
		}
	}
	return c.finish(status)
}

// copyFile copies regular file src to dst, creating it with src's mode.
func copyFile(p *cages.Proc, src, dst string, mode uint32) (error, bool) {
	in, err := p.Open(src, posix.O_RDONLY, 0)
	if err != nil {
		return err, true
	}
	defer p.Close(in)
	out, err := p.Open(dst, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, mode&0o777)
	if err != nil {
		return err, false
	}
	defer p.Close(out)
	buf := make([]byte, 128<<10)
	for {
		n, err := p.Read(in, buf)
		if err != nil {
			return err, true
		}
		if n == 0 {
			return nil, false
		}
		if err := writeAll(p, out, buf[:n]); err != nil {
			return err, false
		}
	}
}

// targets resolves SOURCE... DEST into (source, destination) pairs as
// cp, mv and ln do: DEST a directory receives each source by its base
// name.
func (c *cmd) targets(ops []string, what string) ([][2]string, bool) {
	if len(ops) == 0 {
		c.usage(1, "missing file operand")
		return nil, false
	}
	if len(ops) == 1 {
		c.usage(1, "missing destination file operand after %s", shellQuote(ops[0]))
		return nil, false
	}
	dest := ops[len(ops)-1]
	st, err := c.p.Stat(dest)
	destDir := err == nil && isDir(st.Mode)
	if len(ops) > 2 && !destDir {
		if err == nil {
			err = posix.ENOTDIR
		}
		c.errorf("target %s: %s", shellQuote(dest), errText(err))
		return nil, false
	}
	var pairs [][2]string
	for _, src := range ops[:len(ops)-1] {
		d := dest
		if destDir {
			d = joinPath(dest, baseName(src))
		}
		pairs = append(pairs, [2]string{src, d})
	}
	return pairs, true
}

// Cp implements cp(1): it copies files; -r/-R copies directories
// recursively, -f removes an unwritable destination first, -p keeps
// modes and times, -v reports.
func Cp(p *cages.Proc) int {
	c := newCmd(p, "cp")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "rRfpavn", permute: true, long: map[string]string{
		"recursive": "r", "force": "f", "verbose": "v", "archive": "a", "no-clobber": "n"}})
	if err != nil {
		return c.usage(1, "")
	}
	var recursive, force, preserve, verbose, noClobber bool
	for _, o := range opts {
		switch o.c {
		case 'r', 'R':
			recursive = true
		case 'f':
			force = true
		case 'p':
			preserve = true
		case 'a':
			recursive, preserve = true, true
		case 'v':
			verbose = true
		case 'n':
			noClobber = true
		}
	}
	pairs, ok := c.targets(ops, "cp")
	if !ok {
		return 1
	}
	status := 0
	var cp func(src, dst string, top bool) bool
	cp = func(src, dst string, top bool) bool {
		st, err := p.Stat(src)
		if err != nil {
			c.errorf("cannot stat %s: %s", shellQuote(src), errText(err))
			return false
		}
		if dstSt, err := p.Stat(dst); err == nil {
			if dstSt.Dev == st.Dev && dstSt.Ino == st.Ino {
				c.errorf("%s and %s are the same file", shellQuote(src), shellQuote(dst))
				return false
			}
			if noClobber && !isDir(dstSt.Mode) {
				return true
			}
			if isDir(dstSt.Mode) && !isDir(st.Mode) {
				c.errorf("cannot overwrite directory %s with non-directory", shellQuote(dst))
				return false
			}
		}
		if isDir(st.Mode) {
			if !recursive {
				c.errorf("-r not specified; omitting directory %s", shellQuote(src))
				return false
			}
			if dst == src || strings.HasPrefix(dst, strings.TrimSuffix(src, "/")+"/") {
				c.errorf("cannot copy a directory, %s, into itself, %s", shellQuote(src), shellQuote(dst))
				return false
			}
			if err := p.Mkdir(dst, st.Mode&0o777|0o700); err != nil {
				if dstSt, serr := p.Stat(dst); !errors.Is(err, posix.EEXIST) || serr != nil || !isDir(dstSt.Mode) {
					c.errorf("cannot create directory %s: %s", shellQuote(dst), errText(err))
					return false
				}
			} else if verbose {
				c.out.WriteString(shellQuote(src) + " -> " + shellQuote(dst) + "\n")
			}
			names, err := readDirNames(p, src)
			if err != nil {
				c.errorf("cannot access %s: %s", shellQuote(src), errText(err))
				return false
			}
			ok := true
			for _, n := range names {
				if n != "." && n != ".." && !cp(joinPath(src, n), joinPath(dst, n), false) {
					ok = false
				}
			}
			p.Chmod(dst, st.Mode&0o7777)
			if preserve {
				t := [2]posix.Timespec{st.Atim, st.Mtim}
				p.Utimensat(posix.AT_FDCWD, dst, &t, 0)
			}
			return ok
		}
		err, readSide := copyFile(p, src, dst, st.Mode)
		if err != nil && !readSide && force && errors.Is(err, posix.EACCES) {
			p.Unlink(dst)
			err, readSide = copyFile(p, src, dst, st.Mode)
		}
		if err != nil {
			if readSide {
				c.errorf("cannot open %s for reading: %s", shellQuote(src), errText(err))
			} else {
				c.errorf("cannot create regular file %s: %s", shellQuote(dst), errText(err))
			}
			return false
		}
		if verbose {
			c.out.WriteString(shellQuote(src) + " -> " + shellQuote(dst) + "\n")
		}
		if preserve {
			p.Chmod(dst, st.Mode&0o7777)
			t := [2]posix.Timespec{st.Atim, st.Mtim}
			p.Utimensat(posix.AT_FDCWD, dst, &t, 0)
		}
		return true
	}
	for _, pr := range pairs {
		if !cp(pr[0], pr[1], true) {
			status = 1
		}
	}
	return c.finish(status)
}

// Mv implements mv(1): it renames files, or moves them into a directory;
// -f and -n choose whether to overwrite, -v reports.
func Mv(p *cages.Proc) int {
	c := newCmd(p, "mv")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "fnvi", permute: true, long: map[string]string{
		"force": "f", "no-clobber": "n", "verbose": "v"}})
	if err != nil {
		return c.usage(1, "")
	}
	var noClobber, verbose bool
	for _, o := range opts {
		switch o.c {
		case 'n':
			noClobber = true
		case 'f':
			noClobber = false
		case 'v':
			verbose = true
		}
	}
	pairs, ok := c.targets(ops, "mv")
	if !ok {
		return 1
	}
	status := 0
	for _, pr := range pairs {
		src, dst := pr[0], pr[1]
		st, err := p.Lstat(src)
		if err != nil {
			c.errorf("cannot stat %s: %s", shellQuote(src), errText(err))
			status = 1
			continue
		}
		if (dst == src || strings.HasPrefix(dst, strings.TrimSuffix(src, "/")+"/")) && isDir(st.Mode) {
			c.errorf("cannot move %s to a subdirectory of itself, %s", shellQuote(src), shellQuote(dst))
			status = 1
			continue
		}
		if dstSt, err := p.Lstat(dst); err == nil {
			if dstSt.Dev == st.Dev && dstSt.Ino == st.Ino {
				c.errorf("%s and %s are the same file", shellQuote(src), shellQuote(dst))
				status = 1
				continue
			}
			if noClobber {
				continue
			}
		}
		if err := p.Rename(src, dst); err != nil {
			switch {
			case errors.Is(err, posix.EINVAL) && isDir(st.Mode):
				c.errorf("cannot move %s to a subdirectory of itself, %s", shellQuote(src), shellQuote(dst))
			case errors.Is(err, posix.EISDIR) || errors.Is(err, posix.ENOTDIR) && isDir(st.Mode):
				c.errorf("cannot overwrite non-directory %s with directory %s", shellQuote(dst), shellQuote(src))
			case errors.Is(err, posix.ENOTDIR):
				c.errorf("cannot overwrite directory %s with non-directory", shellQuote(dst))
			default:
				c.errorf("cannot move %s to %s: %s", shellQuote(src), shellQuote(dst), errText(err))
			}
			status = 1
			continue
		}
		if verbose {
			c.out.WriteString("renamed " + shellQuote(src) + " -> " + shellQuote(dst) + "\n")
		}
	}
	return c.finish(status)
}

// Touch implements touch(1): it sets files' access and modification
// times to now, creating missing files (-c: not); -a and -m choose one
// time.
func Touch(p *cages.Proc) int {
	c := newCmd(p, "touch")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "camh", permute: true, long: map[string]string{
		"no-create": "c", "no-dereference": "h"}})
	if err != nil {
		return c.usage(1, "")
	}
	var noCreate, onlyA, onlyM, noDeref bool
	for _, o := range opts {
		switch o.c {
		case 'c':
			noCreate = true
		case 'a':
			onlyA = true
		case 'm':
			onlyM = true
		case 'h':
			noDeref, noCreate = true, true
		}
	}
	if len(ops) == 0 {
		return c.usage(1, "missing file operand")
	}
	times := [2]posix.Timespec{{Nsec: utimeNow}, {Nsec: utimeNow}}
	if onlyA && !onlyM {
		times[1].Nsec = utimeOmit
	}
	if onlyM && !onlyA {
		times[0].Nsec = utimeOmit
	}
	flags := 0
	if noDeref {
		flags = posix.AT_SYMLINK_NOFOLLOW
	}
	status := 0
	for _, f := range ops {
		var openErr error
		if !noCreate {
			fd, err := p.Open(f, posix.O_WRONLY|posix.O_CREAT|posix.O_NONBLOCK|posix.O_NOCTTY, 0o666)
			if err == nil {
				p.Close(fd)
			}
			openErr = err
		}
		if err := p.Utimensat(posix.AT_FDCWD, f, &times, flags); err != nil {
			if noCreate && errors.Is(err, posix.ENOENT) {
				continue
			}
			if openErr != nil && !errors.Is(openErr, posix.EISDIR) {
				err = openErr
			}
			c.errorf("cannot touch %s: %s", shellQuote(f), errText(err))
			status = 1
		}
	}
	return status
}

// Ln implements ln(1): it makes hard links (-s: symbolic links) to
// TARGETs, as LINK_NAME or in DIRECTORY; -f replaces existing names, -v
// reports. With one operand it links into the working directory.
func Ln(p *cages.Proc) int {
	c := newCmd(p, "ln")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "sfvnT", permute: true, long: map[string]string{
		"symbolic": "s", "force": "f", "verbose": "v", "no-dereference": "n"}})
	if err != nil {
		return c.usage(1, "")
	}
	var sym, force, verbose bool
	for _, o := range opts {
		switch o.c {
		case 's':
			sym = true
		case 'f':
			force = true
		case 'v':
			verbose = true
		}
	}
	if len(ops) == 1 {
		ops = append(ops, baseName(ops[0]))
	}
	pairs, ok := c.targets(ops, "ln")
	if !ok {
		return 1
	}
	status := 0
	for _, pr := range pairs {
		target, name := pr[0], pr[1]
		if !sym {
			if _, err := p.Lstat(target); err != nil {
				c.errorf("failed to access %s: %s", shellQuote(target), errText(err))
				status = 1
				continue
			}
		}
		if force {
			if st, err := p.Lstat(name); err == nil && !isDir(st.Mode) {
				if tst, err := p.Lstat(target); err == nil && !sym && tst.Ino == st.Ino && tst.Dev == st.Dev {
					c.errorf("%s and %s are the same file", shellQuote(target), shellQuote(name))
					status = 1
					continue
				}
				p.Unlink(name)
			}
		}
		var err error
		kind := "hard link"
		if sym {
			kind = "symbolic link"
			err = p.Symlink(target, name)
		} else {
			err = p.Link(target, name)
		}
		if err != nil {
			c.errorf("failed to create %s %s: %s", kind, shellQuote(name), errText(err))
			status = 1
			continue
		}
		if verbose {
			arrow := " => "
			if sym {
				arrow = " -> "
			}
			c.out.WriteString(shellQuote(name) + arrow + shellQuote(target) + "\n")
		}
	}
	return c.finish(status)
}

// Mkfifo implements mkfifo(1): it creates named pipes (-m MODE: their
// mode).
func Mkfifo(p *cages.Proc) int {
	c := newCmd(p, "mkfifo")
	opts, ops, err := c.getopt(p.Args()[1:], optSpec{short: "m:", permute: true, long: map[string]string{"mode": "m:"}})
	if err != nil {
		return c.usage(1, "")
	}
	mode, setMode := uint32(0o666), false
	for _, o := range opts {
		m, ok := parseMode(o.arg, 0o666)
		if !ok {
			c.errorf("invalid mode")
			return 1
		}
		mode, setMode = m, true
	}
	if len(ops) == 0 {
		return c.usage(1, "missing operand")
	}
	status := 0
	for _, f := range ops {
		if err := p.Mkfifo(f, mode); err != nil {
			c.errorf("cannot create fifo %s: %s", shellQuote(f), errText(err))
			status = 1
			continue
		}
		if setMode {
			p.Chmod(f, mode)
		}
	}
	return status
}

// utimensat(2)'s special nanosecond values (Linux's UTIME_NOW and
// UTIME_OMIT).
const (
	utimeNow  = 1<<30 - 1
	utimeOmit = 1<<30 - 2
)
