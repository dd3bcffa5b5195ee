package grates

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Rights are what a grant allows on a path and everything under it.
type Rights uint8

// The rights a grant can give.
const (
	Read   Rights = 1 << iota // open for reading, list, stat
	Write                     // open for writing, truncate, chmod/chown/utimes, unlink/rmdir/rename-away
	Create                    // make new entries: O_CREAT of a missing file, mkdir, mknod/mkfifo, symlink, link, rename-to
	Exec                      // execve
)

// rightLetters are the letters of the rights, in the order String writes
// them.
const rightLetters = "rwcx"

// String returns the rights' letters in the order "rwcx" ("rwc", "r",
// "rx"), or "-" for none.
func (r Rights) String() string {
	var b [len(rightLetters)]byte
	n := 0
	for i := range rightLetters {
		if r&(1<<i) != 0 {
			b[n] = rightLetters[i]
			n++
		}
	}
	if n == 0 {
		return "-"
	}
	return string(b[:n])
}

// parseRights reads rights letters ("rwcx" in any order, each at most
// once), or "-" for none.
func parseRights(s string) (Rights, error) {
	if s == "-" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("no rights")
	}
	var r Rights
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(rightLetters, s[i])
		if j < 0 {
			return 0, fmt.Errorf("unknown right %q in %q (want letters from %q, or \"-\")", s[i], s, rightLetters)
		}
		if r&(1<<j) != 0 {
			return 0, fmt.Errorf("right %q twice in %q", s[i], s)
		}
		r |= 1 << j
	}
	return r, nil
}

// Grant is one entry of a namespace: Rights on Path and everything under
// it. Path is absolute and clean.
type Grant struct {
	// Path is the granted file or directory.
	Path string
	// Rights are what the grant allows.
	Rights Rights
}

// String returns the grant as a line of a grants file: "rx /bin".
func (g Grant) String() string { return g.Rights.String() + " " + g.Path }

// The access suffixes of the --grant flag.
var grantSuffixes = map[string]Rights{
	"ro": Read,
	"rw": Read | Write | Create,
	"x":  Read | Exec,
}

// ParseGrant parses the value of a --grant flag: "PATH" or "PATH:ro"
// (Read), "PATH:rw" (Read, Write and Create) or "PATH:x" (Read and Exec).
// PATH must be absolute; it is cleaned. A text after the last ':' that
// holds no '/' is taken as a suffix and must be one of those three, so a
// path whose last component holds a ':' can be granted only in a grants
// file.
func ParseGrant(s string) (Grant, error) {
	p, rights := s, Read
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i+1:], "/") {
		r, ok := grantSuffixes[s[i+1:]]
		if !ok {
			return Grant{}, fmt.Errorf("grant %q: unknown access %q (want ro, rw or x)", s, s[i+1:])
		}
		p, rights = s[:i], r
	}
	if !strings.HasPrefix(p, "/") {
		return Grant{}, fmt.Errorf("grant %q: the path must be absolute", s)
	}
	return Grant{Path: path.Clean(p), Rights: rights}, nil
}

// grantsHeader is the comment WriteGrants starts a grants file with.
const grantsHeader = "# gocage grants: RIGHTS PATH (r read, w write, c create, x exec)"

// ParseGrants reads a grants file: one grant per line, "RIGHTS PATH",
// where RIGHTS are letters from "rwcx" ("rx /bin", "rwc /tmp",
// "r /etc/hostname") or "-" for a path that is only visible, and PATH,
// the rest of the line after one space, is absolute (it may hold spaces;
// it is cleaned). Blank lines and lines starting with '#' are ignored; a
// line may end with "\r\n". Errors name the line.
func ParseGrants(r io.Reader) ([]Grant, error) {
	var out []Grant
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rs, p, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("grants: line %d: %q: want RIGHTS PATH", n, line)
		}
		rights, err := parseRights(rs)
		if err != nil {
			return nil, fmt.Errorf("grants: line %d: %v", n, err)
		}
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("grants: line %d: path %q is not absolute", n, p)
		}
		out = append(out, Grant{Path: path.Clean(p), Rights: rights})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("grants: %v", err)
	}
	return out, nil
}

// WriteGrants writes gs as a grants file that ParseGrants reads back: a
// comment line, then one "RIGHTS PATH" line per grant, sorted by path.
// It fails, writing nothing, on a path that is not absolute or that holds
// a newline.
func WriteGrants(w io.Writer, gs []Grant) error {
	sorted := append([]Grant(nil), gs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var b strings.Builder
	b.WriteString(grantsHeader + "\n")
	for _, g := range sorted {
		if !strings.HasPrefix(g.Path, "/") || strings.ContainsAny(g.Path, "\n\r") {
			return fmt.Errorf("grants: cannot write the path %q", g.Path)
		}
		b.WriteString(g.String())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Grants is a Layer that shows the cages under it a least-authority view
// of the filesystem, after Plash: only the granted paths, each with its
// rights.
//
// Which paths are seen:
//
//   - A grant covers its path and everything beneath it, at a component
//     boundary (a grant on /tmp covers /tmp/x, not /tmpfoo). The grants
//     covering a path add up: its rights are the union of theirs. A grant
//     with no rights ("-" in a grants file) makes what it covers visible
//     (stat, access, readlink, chdir, traversal) and nothing more.
//   - The ancestors of granted paths (/ and /etc, for a grant on
//     /etc/hostname) are visible too: stat, access, chdir and read-only
//     opens work on them, but listing one shows only its entries that are
//     granted or lead to a grant. The root is always visible. A directory
//     covered by a grant with Read lists fully.
//   - Everything else seems not to exist: the call fails with ENOENT,
//     whatever the file is, and even where the kernel would have failed
//     otherwise (ENOTDIR, ELOOP, EACCES of a directory that cannot be
//     searched), so that nothing outside the grants leaks.
//
// Paths are checked as the calling cage's call would resolve them:
// relative to its working directory or the dirfd, with every symlink
// resolved (the final one only for calls that follow it), using
// Cage.Realpath. Every step of the resolution must be visible, not only
// its end: "/secret/../etc/hostname" is ENOENT, and so is a symlink whose
// target goes through an invisible directory; a relative path needs its
// base directory visible. Grant paths are compared with resolved paths,
// so a grant must name a file by its real path (not through a symlink).
// A cage's own /proc/PID is checked as /proc/self, and a final
// /proc/self/fd/N (where /dev/stdout leads) as the link itself — it
// reaches the open file, as the kernel follows it — plus the file's path
// when it is a file of the tree.
//
// A path plain enough (no "..", no symlink on the way) costs one
// Realpath, two when relative, and an lstat through the next layer for
// a call that may create; the others are resolved again one component
// at a time.
//
// A visible path whose rights lack what the call needs fails with EACCES
// — or, as Linux orders those errors, ENOENT when it does not exist,
// EISDIR for a directory opened for writing or truncated, EEXIST when
// the call would make it and it exists. The rights needed:
//
//   - open, openat, creat: Read for O_RDONLY and O_RDWR; Write for
//     O_WRONLY, O_RDWR and O_TRUNC; Create when O_CREAT finds no file.
//     O_PATH needs nothing. An existing file opened with O_CREAT by a cage
//     without Create is opened without O_CREAT (so that its removal after
//     the check does not let the open create it).
//   - stat, lstat, newfstatat, access, faccessat, faccessat2, readlink,
//     readlinkat, statfs, chdir: visibility only. access does not check
//     the mode against the grants: access(W_OK) may succeed where an
//     open for writing is refused.
//   - execve: Exec on the program (the interpreter of a "#!" script is
//     loaded by the kernel and not checked).
//   - mkdir, mkdirat, mknod, mknodat, symlink, symlinkat (the new link):
//     Create.
//   - link, linkat: Create on the new path; Read and Write on the old one
//     (the new name reaches the same file, and the grants on it could
//     allow writing; asking for Write on the old name keeps a read-only
//     file read-only). linkat with AT_EMPTY_PATH checks the dirfd's file.
//   - rename, renameat, renameat2: Write on the old path; on the new path
//     Create, and Write if it exists (it is replaced).
//   - unlink, unlinkat, rmdir, truncate, chmod, fchmodat, chown, lchown,
//     fchownat, utimensat with a path: Write.
//   - A call that would make, move or remove the entry "." or ".." (or
//     /), which the kernel refuses (EEXIST, EINVAL, EBUSY...), needs
//     only to see the path.
//   - getdents64: a directory opened on an ancestor lists filtered.
//
// Calls on file descriptors (read, write, fstat, fchmod, fchdir, the *at
// calls with AT_EMPTY_PATH and an empty path...) are not checked: the fd
// was obtained through a checked open, or given by the host. Calls
// without paths are forwarded unchanged.
//
// A checked call is forwarded with its path replaced by the resolved
// absolute path (the dirfd is kept: an absolute path ignores it), so a
// symlink swapped in for the final component after the check is not
// followed where the check did not. A window remains between check and
// use: a directory on the resolved path replaced by a symlink in that
// window is followed by the kernel, and whether a file exists (which
// decides whether Create is needed) may change. Grants is a confinement
// for programs that do not race their own checks, not a defence against
// a cage tree that does: closing the window needs the kernel to resolve
// and check in one walk.
//
// A Grants is immutable and safe for concurrent use.
type Grants struct {
	// rights maps each granted path to the union of its grants' rights.
	// Immutable.
	rights map[string]Rights
	// ancestors counts, for each strict ancestor of granted paths, the
	// granted paths beneath it. Immutable.
	ancestors map[string]int
}

// NewGrants returns the layer that confines its cages to gs. The paths
// are cleaned (a relative one is taken from /); gs is not retained.
func NewGrants(gs []Grant) *Grants {
	g := &Grants{rights: map[string]Rights{}, ancestors: map[string]int{}}
	for _, gr := range gs {
		g.add(Grant{Path: path.Clean("/" + gr.Path), Rights: gr.Rights})
	}
	return g
}

// lookup returns the union of the rights of the grants covering p (an
// absolute clean path), whether any covers it, and whether p is an
// ancestor of a granted path (the root always is).
func (g *Grants) lookup(p string) (have Rights, covered, ancestor bool) {
	for q := p; ; q = path.Dir(q) {
		if r, ok := g.rights[q]; ok {
			have |= r
			covered = true
		}
		if q == "/" || !strings.HasPrefix(q, "/") {
			break
		}
	}
	return have, covered, p == "/" || g.ancestors[p] > 0
}

// visible reports whether p is in the cages' view.
func (g *Grants) visible(p string) bool {
	_, covered, ancestor := g.lookup(p)
	return covered || ancestor
}

// effective returns the rights a call has on a visible p: its grants',
// and Read on an ancestor.
func (g *Grants) effective(p string) Rights {
	have, _, ancestor := g.lookup(p)
	if ancestor {
		have |= Read
	}
	return have
}

// Handle implements Layer: it checks the paths of the call and forwards
// it with resolved paths, or fails it.
func (g *Grants) Handle(gr *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	if c.Num == posix.SYS_GETDENTS64 {
		return g.getdents64(gr, c)
	}
	var us [2]pathUse
	n := pathUses(c, &us)
	if n == 0 {
		return gr.Forward(c)
	}
	caller, ok := c.Caller.(*cages.Cage)
	if !ok {
		return -1, posix.EPERM // no cage to resolve the path for: refuse
	}
	fwd := *c
	hidden := func(p string) bool { return !g.visible(p) }
	for i := 0; i < n; i++ {
		u := &us[i]
		res, err := resolveUse(gr, caller, c, u, hidden)
		if err != 0 {
			return -1, err
		}
		if res.empty {
			continue
		}
		for _, p := range res.paths() {
			if !g.visible(p) {
				return -1, posix.ENOENT
			}
		}
		if err := g.allow(gr, c, &fwd, u, &res); err != 0 {
			return -1, err
		}
	}
	return gr.Forward(&fwd)
}

// allow checks that the call may do u on res and sets the forwarded
// call's path (and open flags) accordingly.
func (g *Grants) allow(gr *threei.Grate, c, fwd *threei.Call, u *pathUse, res *resolved) posix.Errno {
	have := g.effective(res.path)
	if res.extra != "" {
		have &= g.effective(res.extra)
	}
	st := statOf(gr, c, res.path, u.create != noCreate && !(u.entry && res.dot))
	need, exists := demand(u, res, st)
	if exists && u.excl() {
		return posix.EEXIST
	}
	if need&^have != 0 {
		if !st.asked {
			st = statOf(gr, c, res.path, true)
		}
		return denial(u, need, st)
	}
	if res.fwd == "" {
		return 0 // a file named by its fd: nothing to replace
	}
	fwd.Args[u.arg] = gratePath(gr, res.fwd)
	if u.create == createOpen && exists && have&Create == 0 {
		// Open the existing file without O_CREAT: if it goes away before
		// the kernel opens it, the open fails instead of creating it.
		if st.isDir() {
			return posix.EISDIR // what O_CREAT of a directory gives
		}
		if u.flagsArg == flagsCreat {
			// creat(path, mode) is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode).
			mode := fwd.Args[1]
			fwd.Num = posix.SYS_OPEN
			fwd.Args[1] = threei.Arg{Val: uint64(posix.O_WRONLY | posix.O_TRUNC)}
			fwd.Args[2] = mode
		} else {
			fwd.Args[u.flagsArg].Val = uint64(int64(c.Args[u.flagsArg].Int32() &^ posix.O_CREAT))
		}
	}
	return 0
}

// getdents64 lists a directory: fully if the grants give Read on it (or
// the fd is the host's, on a path outside the view), filtered to the
// visible entries on an ancestor of grants.
func (g *Grants) getdents64(gr *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	caller, ok := c.Caller.(*cages.Cage)
	if !ok {
		return gr.Forward(c)
	}
	dir, err := caller.FdPath(c.Args[0].Int32())
	if err != 0 || !strings.HasPrefix(dir, "/") {
		return gr.Forward(c)
	}
	dir = procSelf(dir, caller.Pid())
	have, covered, ancestor := g.lookup(dir)
	if have&Read != 0 || !covered && !ancestor {
		return gr.Forward(c)
	}
	n := gr.Len(c, 1)
	if _, err := gr.CopyOut(c, 1, 0, nil); err != 0 {
		return -1, err
	}
	buf := make([]byte, n)
	fwd := *c
	fwd.Args[1] = threei.Arg{Val: uint64(n), Buf: buf, Owner: gr.ID()}
	for {
		r, err := gr.Forward(&fwd)
		if err != 0 || r <= 0 || r > int64(n) {
			return r, err
		}
		kept := filterDirents(buf[:r], func(name string) bool {
			return name == "." || name == ".." || g.visible(childPath(dir, name))
		})
		if kept > 0 {
			if _, err := gr.CopyOut(c, 1, 0, buf[:kept]); err != 0 {
				return -1, err
			}
			return int64(kept), 0
		}
		// Every entry of this batch was hidden: read on, so that an empty
		// batch does not read as the end of the directory.
	}
}

// direntHeader is the size of linux_dirent64's fixed part: d_ino (u64),
// d_off (i64), d_reclen (u16), d_type (u8).
const direntHeader = 19

// filterDirents keeps, in place, the linux_dirent64 records of b whose
// name keep accepts, and returns the length of what is kept. A malformed
// record ends the scan, dropping it and what follows.
func filterDirents(b []byte, keep func(name string) bool) int {
	w := 0
	for off := 0; off+direntHeader <= len(b); {
		reclen := int(binary.LittleEndian.Uint16(b[off+16:]))
		if reclen < direntHeader+1 || off+reclen > len(b) {
			break
		}
		rec := b[off : off+reclen]
		name := rec[direntHeader:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if keep(string(name)) {
			w += copy(b[w:], rec)
		}
		off += reclen
	}
	return w
}

// childPath returns the path of entry name of directory dir.
func childPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// The ways a call treats a path that may not exist yet.
type creation uint8

const (
	noCreate        creation = iota // the path must exist
	createExcl                      // mkdir, mknod, symlink, link's new path, O_CREAT|O_EXCL: made; EEXIST if it exists
	createOpen                      // O_CREAT: made if missing, opened if not
	createMove                      // rename's new path: made if missing, replaced if not
	createNoReplace                 // renameat2 RENAME_NOREPLACE's new path: made; EEXIST if it exists
)

// flagsCreat, as pathUse.flagsArg, marks creat(2): its flags are implied.
const flagsCreat = -2

// pathUse is one path argument of a call, and what the call does with it.
type pathUse struct {
	// dirfd is the index of the dirfd argument, or -1 for AT_FDCWD.
	dirfd int
	// arg is the index of the path argument.
	arg int
	// follow is whether the call follows a final symlink.
	follow bool
	// need are the rights needed whether or not the path exists.
	need Rights
	// create says how a missing path is treated.
	create creation
	// flagsArg is open's flags argument, flagsCreat for creat, -1 else.
	flagsArg int
	// emptyFd says an empty path names the dirfd's file (linkat with
	// AT_EMPTY_PATH), which is then checked by its path.
	emptyFd bool
	// entry says the call makes, removes or moves the directory entry
	// itself (mkdir, unlink, rename...), which "." and ".." are not.
	entry bool
	// dirErr is the error the call fails with on a directory before
	// any permission check (EISDIR for an open for writing, truncate),
	// or 0.
	dirErr posix.Errno
}

// excl reports whether the call fails with EEXIST on an existing path.
func (u *pathUse) excl() bool { return u.create == createExcl || u.create == createNoReplace }

// demand returns the rights u needs given the path's state, and whether
// the path exists.
func demand(u *pathUse, res *resolved, st fileState) (need Rights, exists bool) {
	if u.entry && res.dot {
		// A call on the entry "." or ".." (or /) fails without touching
		// anything (EEXIST, EISDIR, EBUSY, ENOTEMPTY, EINVAL...): it needs
		// only to see the path.
		return 0, false
	}
	need = u.need
	exists = st.exists()
	switch u.create {
	case noCreate:
	case createMove:
		if exists {
			need |= Write
		} else {
			need |= Create
		}
	default:
		if exists && u.excl() {
			return 0, true
		}
		if !exists {
			need |= Create
		}
	}
	return need, exists
}

// denial returns the error of a call refused for lack of rights, as
// Linux orders its checks: ENOENT for a file that is not there (unless
// the call would make it), the call's error for a directory (EISDIR for
// one opened for writing or truncated), EACCES otherwise.
func denial(u *pathUse, need Rights, st fileState) posix.Errno {
	switch {
	case st.missing() && need&Create == 0:
		return posix.ENOENT
	case u.dirErr != 0 && st.isDir():
		return u.dirErr
	}
	return posix.EACCES
}

// openNeed returns the rights an open with flags needs, whatever exists.
func openNeed(flags int) Rights {
	if flags&posix.O_PATH != 0 {
		return 0
	}
	var need Rights
	switch flags & posix.O_ACCMODE {
	case posix.O_RDONLY:
		need = Read
	case posix.O_WRONLY:
		need = Write
	default:
		need = Read | Write
	}
	if flags&posix.O_TRUNC != 0 {
		need |= Write
	}
	if flags&posix.O_TMPFILE == posix.O_TMPFILE {
		need |= Write | Create // an unnamed file made in the directory
	}
	return need
}

// openUse describes the path of an open.
func openUse(dirfd, arg, flags, flagsArg int) pathUse {
	u := pathUse{dirfd: dirfd, arg: arg, need: openNeed(flags), flagsArg: flagsArg,
		follow: flags&posix.O_NOFOLLOW == 0}
	if u.need&Write != 0 && flags&posix.O_TMPFILE != posix.O_TMPFILE {
		u.dirErr = posix.EISDIR
	}
	if flags&posix.O_CREAT != 0 && flags&posix.O_PATH == 0 && flags&posix.O_TMPFILE != posix.O_TMPFILE {
		u.dirErr = posix.EISDIR
		u.create = createOpen
		if flags&posix.O_EXCL != 0 {
			u.create, u.follow = createExcl, false // O_CREAT|O_EXCL never follows a final symlink
		}
	}
	return u
}

// renameat2's flags.
const (
	renameNoreplace = 1
)

// pathUses fills us with the path arguments of c that are checked, and
// returns how many; 0 for a call without paths.
func pathUses(c *threei.Call, us *[2]pathUse) int {
	a := &c.Args
	one := func(dirfd, arg int, follow bool, need Rights, create creation) int {
		us[0] = pathUse{dirfd: dirfd, arg: arg, follow: follow, need: need, create: create, flagsArg: -1,
			entry: create != noCreate}
		return 1
	}
	two := func(od, oa int, ofollow bool, nd, na int, ncreate creation) int {
		us[0] = pathUse{dirfd: od, arg: oa, follow: ofollow, flagsArg: -1}
		us[1] = pathUse{dirfd: nd, arg: na, create: ncreate, flagsArg: -1, entry: true}
		return 2
	}
	follows := func(i int) bool { return a[i].Int32()&posix.AT_SYMLINK_NOFOLLOW == 0 }
	switch c.Num {
	case posix.SYS_OPEN:
		us[0] = openUse(-1, 0, a[1].Int32(), 1)
		return 1
	case posix.SYS_OPENAT:
		us[0] = openUse(0, 1, a[2].Int32(), 2)
		return 1
	case posix.SYS_CREAT:
		us[0] = openUse(-1, 0, posix.O_CREAT|posix.O_WRONLY|posix.O_TRUNC, flagsCreat)
		return 1
	case posix.SYS_STAT, posix.SYS_ACCESS, posix.SYS_STATFS, posix.SYS_CHDIR:
		return one(-1, 0, true, 0, noCreate)
	case posix.SYS_LSTAT, posix.SYS_READLINK:
		return one(-1, 0, false, 0, noCreate)
	case posix.SYS_NEWFSTATAT:
		return one(0, 1, follows(3), 0, noCreate)
	case posix.SYS_FACCESSAT:
		return one(0, 1, true, 0, noCreate)
	case posix.SYS_FACCESSAT2:
		return one(0, 1, follows(3), 0, noCreate)
	case posix.SYS_READLINKAT:
		return one(0, 1, false, 0, noCreate)
	case posix.SYS_EXECVE:
		return one(-1, 0, true, Exec, noCreate)
	case posix.SYS_MKDIR, posix.SYS_MKNOD:
		return one(-1, 0, false, 0, createExcl)
	case posix.SYS_MKDIRAT, posix.SYS_MKNODAT:
		return one(0, 1, false, 0, createExcl)
	case posix.SYS_SYMLINK:
		return one(-1, 1, false, 0, createExcl)
	case posix.SYS_SYMLINKAT:
		return one(1, 2, false, 0, createExcl)
	case posix.SYS_LINK:
		n := two(-1, 0, false, -1, 1, createExcl)
		us[0].need = Read | Write
		return n
	case posix.SYS_LINKAT:
		flags := a[4].Int32()
		n := two(0, 1, flags&posix.AT_SYMLINK_FOLLOW != 0, 2, 3, createExcl)
		us[0].need = Read | Write
		us[0].emptyFd = flags&posix.AT_EMPTY_PATH != 0
		return n
	case posix.SYS_RENAME:
		n := two(-1, 0, false, -1, 1, createMove)
		us[0].need, us[0].entry = Write, true
		return n
	case posix.SYS_RENAMEAT, posix.SYS_RENAMEAT2:
		create := createMove
		if c.Num == posix.SYS_RENAMEAT2 && a[4].Int32()&renameNoreplace != 0 {
			create = createNoReplace
		}
		n := two(0, 1, false, 2, 3, create)
		us[0].need, us[0].entry = Write, true
		return n
	case posix.SYS_UNLINK, posix.SYS_RMDIR:
		n := one(-1, 0, false, Write, noCreate)
		us[0].entry = true
		return n
	case posix.SYS_UNLINKAT:
		n := one(0, 1, false, Write, noCreate)
		us[0].entry = true
		return n
	case posix.SYS_TRUNCATE:
		n := one(-1, 0, true, Write, noCreate)
		us[0].dirErr = posix.EISDIR
		return n
	case posix.SYS_CHMOD, posix.SYS_CHOWN:
		return one(-1, 0, true, Write, noCreate)
	case posix.SYS_LCHOWN:
		return one(-1, 0, false, Write, noCreate)
	case posix.SYS_FCHMODAT:
		return one(0, 1, follows(3), Write, noCreate)
	case posix.SYS_FCHOWNAT:
		return one(0, 1, follows(4), Write, noCreate)
	case posix.SYS_UTIMENSAT:
		return one(0, 1, follows(3), Write, noCreate)
	}
	return 0
}

// pathMax is PATH_MAX: a path of this length or more is ENAMETOOLONG.
const pathMax = 4096

// maxHops bounds the symlinks a checked resolution follows, as Linux's
// MAXSYMLINKS.
const maxHops = 40

// resolved is a path argument as a grate checks and forwards it.
type resolved struct {
	// empty is set for an empty path, forwarded as it is: the kernel
	// fails it with ENOENT, or (AT_EMPTY_PATH) works on the dirfd's file.
	empty bool
	// path is the resolved path the rights apply to.
	path string
	// extra is a second path to check, or "": the target of a final
	// symlink that a non-following call names with a trailing slash
	// (which makes the kernel follow it).
	extra string
	// fwd is the path to forward; "" to keep the argument.
	fwd string
	// dot is set when the path ends in "." or "..", or is the root: it
	// names a directory by a name that is not its entry.
	dot bool
}

// paths returns the paths to check.
func (r *resolved) paths() []string {
	if r.extra != "" {
		return []string{r.path, r.extra}
	}
	return []string{r.path}
}

// resolveUse reads path argument u.arg of c and resolves it as caller's
// call would. hidden is called with the paths a resolution passes
// through when it cannot be judged by its end alone (a "..", a symlink,
// a failure); if it returns true the path is ENOENT.
func resolveUse(gr *threei.Grate, caller *cages.Cage, c *threei.Call, u *pathUse, hidden func(string) bool) (resolved, posix.Errno) {
	s, more, err := gr.String(c, u.arg, pathMax)
	if err != 0 {
		return resolved{}, err
	}
	if more || len(s) >= pathMax {
		return resolved{}, posix.ENAMETOOLONG
	}
	dirfd := posix.AT_FDCWD
	if u.dirfd >= 0 {
		dirfd = c.Args[u.dirfd].Int32()
	}
	if s == "" {
		if !u.emptyFd {
			return resolved{empty: true}, 0
		}
		p, err := caller.FdPath(dirfd)
		if err != 0 {
			return resolved{}, err
		}
		if !strings.HasPrefix(p, "/") {
			return resolved{empty: true}, 0 // not a file of the tree: the kernel refuses it
		}
		return resolved{path: procSelf(strings.TrimSuffix(p, " (deleted)"), caller.Pid())}, 0
	}
	pid := caller.Pid()
	res, err := resolvePath(gr, caller, c, dirfd, s, u.follow, func(p string) bool { return hidden(procSelf(p, pid)) })
	res.path, res.extra = procSelf(res.path, pid), procSelf(res.extra, pid)
	return res, err
}

// procSelf names the caller's own /proc/PID directory /proc/self, in a
// path to check: grants on /proc/self apply to every cage, and a
// recording replays although pids differ.
func procSelf(p string, pid int) string {
	dir := "/proc/" + strconv.Itoa(pid)
	if rest, ok := strings.CutPrefix(p, dir); ok && (rest == "" || rest[0] == '/') {
		return "/proc/self" + rest
	}
	return p
}

// isFdLink reports whether the resolved path p is a /proc/PID/fd/N
// link: a magic link, which the kernel follows to the open file itself,
// not to the path its text shows ("pipe:[N]" for a pipe).
func isFdLink(p string) bool {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return false
	}
	pid, fd, ok := strings.Cut(rest, "/fd/")
	return ok && isDigits(pid) && isDigits(fd)
}

// isDigits reports whether s is a non-empty decimal number.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// finalFdLink follows, hop by hop, the symlinks that end s and returns
// the first /proc/PID/fd/N link among them, or "".
func finalFdLink(gr *threei.Grate, caller *cages.Cage, c *threei.Call, dirfd int, s string) string {
	for hops := 0; hops <= maxHops; hops++ {
		nf, err := caller.Realpath(dirfd, s, false)
		if err != 0 {
			return ""
		}
		if isFdLink(nf) {
			return nf
		}
		t, err := readlinkVia(gr, c, nf)
		if err != 0 || t == "" {
			return "" // not a symlink
		}
		if !strings.HasPrefix(t, "/") {
			t = childPath(path.Dir(nf), t)
		}
		dirfd, s = posix.AT_FDCWD, t
	}
	return ""
}

// fdLinkTarget returns the path of the file a /proc/PID/fd/N link leads
// to, or "" for one outside the tree (a pipe) or removed.
func fdLinkTarget(gr *threei.Grate, c *threei.Call, link string) string {
	t, err := readlinkVia(gr, c, link)
	if err != 0 || !strings.HasPrefix(t, "/") || strings.HasSuffix(t, " (deleted)") {
		return ""
	}
	return t
}

// resolvePath resolves the non-empty path s for caller, relative to
// dirfd, as resolveUse.
func resolvePath(gr *threei.Grate, caller *cages.Cage, c *threei.Call, dirfd int, s string, follow bool, hidden func(string) bool) (resolved, posix.Errno) {
	trimmed := strings.TrimRight(s, "/")
	trailing := trimmed != "" && len(trimmed) < len(s)
	last := trimmed[strings.LastIndexByte(trimmed, '/')+1:]

	r, err := caller.Realpath(dirfd, s, follow)
	slow := err != 0 || hasDotDot(s)
	var extra string
	if !slow {
		lex, ok := lexical(caller, dirfd, s)
		slow = !ok || lex != r
	}
	if !slow && trailing && !follow {
		// The kernel follows a final symlink named with a trailing slash.
		f, ferr := caller.Realpath(dirfd, s, true)
		if ferr != 0 || f != r {
			slow, extra = true, f
		}
	}
	if slow && walkHidden(gr, caller, c, dirfd, s, follow || trailing, 0, hidden) {
		return resolved{}, posix.ENOENT
	}
	if follow && slow {
		// Realpath follows a final /proc/PID/fd/N by its text; the kernel
		// jumps to the open file. Check the link, and the file if it is
		// one of the tree; forward the link.
		if link := finalFdLink(gr, caller, c, dirfd, s); link != "" {
			r, err, extra = link, 0, fdLinkTarget(gr, c, link)
		}
	}
	if err != 0 {
		return resolved{}, err
	}
	fwd := r
	if !follow && (last == "." || last == "..") {
		// Keep the final "." or "..", which the call treats specially
		// (rmdir of "x/.." is not rmdir of x's parent).
		parent := trimmed[:len(trimmed)-len(last)]
		if parent == "" {
			parent = "."
		}
		d, derr := caller.Realpath(dirfd, parent, true)
		if derr != 0 {
			return resolved{}, derr
		}
		fwd = childPath(d, last)
	}
	if trailing && fwd != "/" {
		fwd += "/"
	}
	return resolved{path: r, extra: extra, fwd: fwd, dot: last == "." || last == ".." || trimmed == ""}, 0
}

// hasDotDot reports whether s has a ".." component.
func hasDotDot(s string) bool {
	for s != "" {
		var comp string
		comp, s, _ = strings.Cut(s, "/")
		if comp == ".." {
			return true
		}
	}
	return false
}

// lexical returns the absolute clean path s names without resolving
// symlinks (s has no ".."): the resolution's result when no symlink is
// on the way. ok is false if the base directory cannot be named.
func lexical(caller *cages.Cage, dirfd int, s string) (string, bool) {
	if strings.HasPrefix(s, "/") {
		return path.Clean(s), true
	}
	base, err := caller.Realpath(dirfd, ".", true)
	if err != 0 {
		return "", false
	}
	return path.Join(base, s), true
}

// walkHidden resolves s step by step, as the kernel does, and reports
// whether hidden accepts one of the paths it passes through: the base
// directory of a relative path, each component (the entry itself, and
// where it is a symlink, every step of its target's resolution). It
// stops without a verdict where the resolution fails: the caller reports
// that failure.
//
// It costs a Realpath per component, so it runs only when a path cannot
// be judged by where it ends.
func walkHidden(gr *threei.Grate, caller *cages.Cage, c *threei.Call, dirfd int, s string, follow bool, depth int, hidden func(string) bool) bool {
	if !strings.HasPrefix(s, "/") {
		base, err := caller.Realpath(dirfd, ".", true)
		if err != 0 {
			return false
		}
		if hidden(base) {
			return true
		}
	}
	for end := 0; end < len(s); {
		for end < len(s) && s[end] == '/' {
			end++
		}
		if end == len(s) {
			break
		}
		next := strings.IndexByte(s[end:], '/')
		if next < 0 {
			end = len(s)
		} else {
			end += next
		}
		final := strings.TrimLeft(s[end:], "/") == ""
		q := s[:end]
		nf, err := caller.Realpath(dirfd, q, false)
		if err != 0 {
			return false
		}
		if hidden(nf) {
			return true
		}
		if final && !follow {
			return false
		}
		f, err := caller.Realpath(dirfd, q, true)
		if err == 0 && f == nf {
			continue
		}
		// q ends in a symlink: its target's resolution must be visible at
		// every step too.
		if depth >= maxHops {
			return false
		}
		var target string
		if isFdLink(nf) {
			// A magic link leads to an open file: only a file of the tree
			// has a path to check.
			if target = fdLinkTarget(gr, c, nf); target == "" {
				continue
			}
		} else if target, err = readlinkVia(gr, c, nf); err != 0 || target == "" {
			return false
		}
		if !strings.HasPrefix(target, "/") {
			target = childPath(path.Dir(nf), target)
		}
		if walkHidden(gr, caller, c, posix.AT_FDCWD, target, true, depth+1, hidden) {
			return true
		}
	}
	return false
}

// gratePath returns a path argument holding p, in the grate's memory.
func gratePath(gr *threei.Grate, p string) threei.Arg {
	b := []byte(p)
	return threei.Arg{Val: uint64(len(b)), Buf: b, Owner: gr.ID()}
}

// intArg returns a scalar argument holding v, as a C int or long.
func intArg(v int) threei.Arg { return threei.Arg{Val: uint64(int64(v))} }

// readlinkVia reads the symlink at the absolute path p through the
// grate's next layer, on behalf of c's caller.
func readlinkVia(gr *threei.Grate, c *threei.Call, p string) (string, posix.Errno) {
	buf := make([]byte, pathMax)
	call := threei.Call{Num: posix.SYS_READLINKAT, Caller: c.Caller}
	call.Args[0] = intArg(posix.AT_FDCWD)
	call.Args[1] = gratePath(gr, p)
	call.Args[2] = threei.Arg{Val: pathMax, Buf: buf, Owner: gr.ID()}
	call.Args[3] = threei.Arg{Val: pathMax}
	n, err := gr.Forward(&call)
	if err != 0 {
		return "", err
	}
	return string(buf[:n]), 0
}

// fileState is what an lstat through the next layer said of a path.
type fileState struct {
	// asked is false when the path was not looked up.
	asked bool
	st    posix.Stat
	err   posix.Errno
}

// exists reports whether the path was found.
func (f fileState) exists() bool { return f.asked && f.err == 0 }

// missing reports whether the lookup said ENOENT.
func (f fileState) missing() bool { return f.asked && f.err == posix.ENOENT }

// isDir reports whether the path is a directory.
func (f fileState) isDir() bool { return f.exists() && f.st.Mode&posix.S_IFMT == posix.S_IFDIR }

// statOf lstats the absolute path p through the grate's next layer on
// behalf of c's caller, if ask; otherwise it returns a state not asked.
func statOf(gr *threei.Grate, c *threei.Call, p string, ask bool) fileState {
	if !ask {
		return fileState{}
	}
	fs := fileState{asked: true}
	call := threei.Call{Num: posix.SYS_NEWFSTATAT, Caller: c.Caller}
	call.Args[0] = intArg(posix.AT_FDCWD)
	call.Args[1] = gratePath(gr, p)
	call.Args[2] = threei.Arg{Ptr: &fs.st}
	call.Args[3] = threei.Arg{Val: posix.AT_SYMLINK_NOFOLLOW}
	_, fs.err = gr.Forward(&call)
	return fs
}
