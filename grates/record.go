package grates

import (
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// Recorder is a Layer that records the paths the cages under it use, and
// turns them into the grants that let the same run pass under Grants:
// `gocage run --record-grants` writes them, `--grants` reads them back.
//
// It forwards every call unchanged. For each path of the calls Grants
// checks, it resolves the path as Grants would, before forwarding (a
// call that creates or removes changes the tree), and notes the rights
// that Grants would ask for it; it keeps the note unless the call fails
// with ENOENT, which Grants would answer for an ungranted path as well.
// So a failed call that reached a file (EACCES, EEXIST, ENOTDIR...) is
// noted too, with what it needs to fail the same way under Grants —
// except where Grants gives the same error without the rights (EISDIR
// for a directory opened for writing or truncated). What the rules of
// Grants make a call need is decided by the same code (see Grants):
// open(O_CREAT) of a missing file needs Create, a file the run creates
// then reads needs Create and Read, an execve Exec, a rename Write on
// the old path. A path that a call only needs to see (stat, access,
// chdir, a ".." or a symlink on the way) is noted with no rights. A
// listing (getdents64) notes each entry it returned as a path to see:
// under Grants its directory is then their ancestor, which lists just
// those entries, rather than a directory granted Read with all it holds.
//
// Grants returns the notes as grants, as few and as narrow as replaying
// allows: at most one grant per noted path, none widened to a parent
// directory, and left out the grants that the others make needless — a
// path that only had to be visible, when it lies under another grant or
// leads to one (ancestors are visible); a directory opened for reading,
// when it leads to a grant (ancestors open read-only); a grant whose
// rights the grants above it give. A path that only had to be visible
// is written with the rights "-" (which ParseGrants reads back): it and
// what lies under it can be seen, not opened.
//
// A cage's own /proc/PID is noted as /proc/self, which Grants reads so
// too; the /proc/PID of other cages name one run's pids and do not
// replay. A shell that globs lists directories, and each entry listed is
// noted (our sh lists the working directory to glob a lone "[", as in
// `[ $i -lt 8 ]`).
//
// A Recorder is safe for concurrent use.
type Recorder struct {
	mu sync.Mutex
	// used maps each resolved path to the rights noted for it. Protected
	// by mu.
	used map[string]Rights
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{used: map[string]Rights{}} }

// note records what one call needed.
func (r *Recorder) note(gs []Grant) {
	if len(gs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range gs {
		r.used[g.Path] |= g.Rights
	}
}

// Handle implements Layer: it forwards c unchanged and notes the paths
// it uses.
func (r *Recorder) Handle(gr *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	caller, ok := c.Caller.(*cages.Cage)
	if !ok {
		return gr.Forward(c)
	}
	if c.Num == posix.SYS_GETDENTS64 {
		return r.getdents64(gr, caller, c)
	}
	var us [2]pathUse
	n := pathUses(c, &us)
	if n == 0 {
		return gr.Forward(c)
	}
	var notes []Grant
	seen := func(p string) bool {
		notes = append(notes, Grant{Path: p})
		return false
	}
	var ends [2]struct {
		paths []string
		need  Rights
	}
	for i := 0; i < n; i++ {
		u := &us[i]
		res, err := resolveUse(gr, caller, c, u, seen)
		if err != 0 || res.empty {
			continue
		}
		ends[i].need, _ = demand(u, &res, statOf(gr, c, res.path, u.create != noCreate && !(u.entry && res.dot)))
		ends[i].paths = res.paths()
	}
	rv, err := gr.Forward(c)
	if err == posix.ENOENT {
		// Grants fails it so too, for a path it does not show.
		return rv, err
	}
	for i := 0; i < n; i++ {
		need := ends[i].need
		if us[i].dirErr != 0 && err == us[i].dirErr {
			need = 0 // Grants refuses a directory so too (EISDIR)
		}
		for _, p := range ends[i].paths {
			notes = append(notes, Grant{Path: p, Rights: need})
		}
	}
	r.note(notes)
	return rv, err
}

// getdents64 forwards a listing and notes each entry it returned as a
// path to see: under Grants, the directory (an ancestor of those notes)
// lists the same entries, and nothing else of their subtrees is granted.
func (r *Recorder) getdents64(gr *threei.Grate, caller *cages.Cage, c *threei.Call) (int64, posix.Errno) {
	n, err := gr.Forward(c)
	if err != 0 || n <= 0 || n > int64(gr.Len(c, 1)) {
		return n, err
	}
	dir, e := caller.FdPath(c.Args[0].Int32())
	if e != 0 || !strings.HasPrefix(dir, "/") || strings.HasSuffix(dir, " (deleted)") {
		return n, err
	}
	dir = procSelf(dir, caller.Pid())
	buf := make([]byte, n)
	if _, e := gr.CopyIn(c, 1, 0, buf); e != 0 {
		return n, err
	}
	var notes []Grant
	filterDirents(buf, func(name string) bool {
		if name != "." && name != ".." {
			notes = append(notes, Grant{Path: childPath(dir, name)})
		}
		return true
	})
	r.note(notes)
	return n, err
}

// Grants returns the grants that let the recorded run pass under Grants,
// sorted by path (see Recorder for how they are kept small). It may be
// called at any time; it reflects the calls recorded so far.
//
// It starts from a grant per noted path, with the rights noted for it,
// and drops the grants that the others make needless, a parent before
// its children (so the narrower grants are the ones kept): a grant goes
// when every note it served (its path, the paths beneath it, the
// ancestors it made visible) still gets its rights from the grants that
// remain.
func (r *Recorder) Grants() []Grant {
	r.mu.Lock()
	notes := make(map[string]Rights, len(r.used))
	for p, rs := range r.used {
		notes[p] = rs
	}
	r.mu.Unlock()

	paths := make([]string, 0, len(notes))
	for p := range notes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	set := NewGrants(nil)
	for _, p := range paths {
		set.add(Grant{Path: p, Rights: notes[p]})
	}
	// served reports whether the note at q is still served by set.
	served := func(q string) bool {
		have, covered, ancestor := set.lookup(q)
		if ancestor {
			have |= Read
		}
		return (covered || ancestor) && notes[q]&^have == 0
	}
	for _, p := range paths {
		g := Grant{Path: p, Rights: notes[p]}
		set.remove(g)
		ok := served(p)
		for q := p; ok && q != "/"; {
			q = path.Dir(q)
			if _, noted := notes[q]; noted {
				ok = served(q)
			}
		}
		prefix := strings.TrimSuffix(p, "/") + "/"
		for j := sort.SearchStrings(paths, prefix); ok && j < len(paths) && strings.HasPrefix(paths[j], prefix); j++ {
			ok = served(paths[j])
		}
		if !ok {
			set.add(g)
		}
	}
	var out []Grant
	for _, p := range paths {
		if rs, ok := set.rights[p]; ok {
			out = append(out, Grant{Path: p, Rights: rs})
		}
	}
	return out
}

// add adds a grant to g, which must not be shared yet.
func (g *Grants) add(gr Grant) {
	g.rights[gr.Path] |= gr.Rights
	for q := gr.Path; q != "/"; {
		q = path.Dir(q)
		g.ancestors[q]++
	}
}

// remove takes back a grant that add gave, whole, from g, which must not
// be shared.
func (g *Grants) remove(gr Grant) {
	delete(g.rights, gr.Path)
	for q := gr.Path; q != "/"; {
		q = path.Dir(q)
		if g.ancestors[q]--; g.ancestors[q] == 0 {
			delete(g.ancestors, q)
		}
	}
}
