package cages

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// Grate is the kernel's side of a grate: a cage that serves system calls
// of the cages it started. A grate program gets its handle from
// Proc.Grate, registers handlers on its descendants (Register,
// RegisterTree), and its handlers forward what they do not answer to the
// grate cage's own table (Forward, promoted from threei.Grate), so grates
// stack.
//
// The rules:
//
//   - A grate may interpose only on its descendants, and on cages the host
//     program has let it serve with Cage.AllowGrate, and their
//     descendants. Registration fails with EPERM otherwise.
//   - A child inherits its parent's table at fork, so a grate keeps
//     serving the whole subtree; execve keeps the table.
//   - Handlers run on the goroutine of the cage whose call they serve.
//     A handler that blocks blocks only that cage, which stays killable:
//     SIGKILL ends the cage at once even while a handler holds its
//     goroutine (the goroutine ends when the handler returns).
//   - A handler that panics kills the grate cage (the panic goes to the
//     grate's stderr) and the cage whose call it served.
//   - When the grate cage exits, every cage it was serving is killed with
//     SIGKILL, and a call that still reaches one of its handlers kills
//     its caller: no cage ever runs on without the grate it was placed
//     under. (Failing the calls with an errno instead would let a program
//     retry through a call the grate did not register, or loop forever.)
//
// A Grate is safe for concurrent use.
type Grate struct {
	*threei.Grate
	c *Cage

	// dead is set when the grate cage has exited or a handler panicked.
	dead atomic.Bool
	// watch is the lifecycle watcher, or nil.
	watch atomic.Pointer[Watcher]
}

// Watcher is told about the life of the cages a grate serves, directly or
// through grates it serves, so the grate can keep per-cage state. Each
// function may be nil. They run on the goroutine of the cage concerned
// (Fork on the parent's, before the child runs) and must not block.
type Watcher struct {
	// Fork is called when a served cage has forked a child.
	Fork func(parent, child int)
	// Exec is called when a served cage has replaced its program.
	Exec func(pid int, path string, argv []string)
	// Exit is called when a served cage has exited.
	Exit func(pid int, status posix.WaitStatus)
}

// Grate returns the calling cage's grate handle, creating it on first
// use.
func (p *Proc) Grate() *Grate { return p.c.grateHandle() }

// grateHandle returns c's grate handle, creating it on first use.
func (c *Cage) grateHandle() *Grate {
	if g := c.grate.Load(); g != nil {
		return g
	}
	g := &Grate{c: c}
	g.Grate = threei.NewGrate(c.pid, g)
	if c.grate.CompareAndSwap(nil, g) {
		return g
	}
	return c.grate.Load()
}

// Cage returns the grate cage.
func (g *Grate) Cage() *Cage { return g.c }

// Table implements threei.Host: the grate cage's own table, where its
// handlers forward.
func (g *Grate) Table() *threei.Table { return g.c.table.Load() }

// MayAccess implements threei.Host: the grate may touch the memory of
// itself and of the cages it may serve.
func (g *Grate) MayAccess(call *threei.Call, owner int) bool {
	var t *Cage
	if cc, ok := call.Caller.(*Cage); ok && cc.pid == owner && cc.k == g.c.k {
		t = cc
	} else {
		t = g.c.k.Cage(owner)
	}
	if t == nil {
		return false
	}
	if t == g.c || t.lastGrate.Load() == g.c {
		return true
	}
	if !g.c.k.mayServe(g.c, t) {
		return false
	}
	t.lastGrate.Store(g.c)
	return true
}

// Watch sets the grate's lifecycle watcher (nil: none).
func (g *Grate) Watch(w *Watcher) { g.watch.Store(w) }

// AllowGrate lets the cage grate serve c and its descendants although it
// did not start them: the host program's grant of more than 3i allows by
// default.
func (c *Cage) AllowGrate(grate *Cage) {
	c.k.tree.Lock()
	defer c.k.tree.Unlock()
	if grate.allowed == nil {
		grate.allowed = map[*Cage]struct{}{}
	}
	grate.allowed[c] = struct{}{}
}

// mayServe reports whether grate may interpose on t: t descends from the
// grate or from a cage the host allowed it.
func (k *Kernel) mayServe(grate, t *Cage) bool {
	k.tree.Lock()
	defer k.tree.Unlock()
	for x := t; x != nil; x = x.parent {
		if x == grate && x != t {
			return true
		}
		if _, ok := grate.allowed[x]; ok {
			return true
		}
	}
	return false
}

// target finds the cage a registration names and checks the grate's
// right to it.
func (g *Grate) target(pid, num int) (*Cage, posix.Errno) {
	if num != threei.AllCalls && (num < 0 || num >= posix.SyscallMax) {
		return nil, posix.EINVAL
	}
	if g.dead.Load() {
		return nil, posix.ESRCH
	}
	t := g.c.k.Cage(pid)
	if t == nil {
		return nil, posix.ESRCH
	}
	if !g.c.k.mayServe(g.c, t) {
		return nil, posix.EPERM
	}
	return t, 0
}

// Register makes h serve call num (or every call, threei.AllCalls) of the
// cage pid: from its next call on, and in the children it forks after.
// It fails with ESRCH for no such cage, EPERM for a cage the grate may
// not serve, EINVAL for a bad number, and EBUSY if another grate serves
// the entry that the grate's own calls do not pass through (replacing it
// would let the cage bypass that grate).
func (g *Grate) Register(pid, num int, h threei.GrateHandler) error {
	t, err := g.target(pid, num)
	if err != 0 {
		return err
	}
	return errOf(g.register(t, num, g.wrap(h)))
}

// RegisterTree is Register for pid and all its living descendants.
func (g *Grate) RegisterTree(pid, num int, h threei.GrateHandler) error {
	t, err := g.target(pid, num)
	if err != 0 {
		return err
	}
	w := g.wrap(h)
	for _, x := range g.c.k.subtree(t) {
		if err := g.register(x, num, w); err != 0 {
			return err
		}
	}
	return nil
}

// Deregister stops the grate serving call num (or every call it serves,
// threei.AllCalls) of cage pid: the entry goes back to where the grate
// itself forwards.
func (g *Grate) Deregister(pid, num int) error {
	t, err := g.target(pid, num)
	if err != 0 {
		return err
	}
	g.deregister(t, num)
	return nil
}

// DeregisterTree is Deregister for pid and all its living descendants.
func (g *Grate) DeregisterTree(pid, num int) error {
	t, err := g.target(pid, num)
	if err != 0 {
		return err
	}
	for _, x := range g.c.k.subtree(t) {
		g.deregister(x, num)
	}
	return nil
}

func (g *Grate) register(t *Cage, num int, h threei.Handler) posix.Errno {
	for {
		old := t.table.Load()
		own := g.c.table.Load()
		for n := 0; n < posix.SyscallMax; n++ {
			if num != threei.AllCalls && n != num {
				continue
			}
			if o := old.Owner(n); o != nil && o != g.Grate && o != own.Owner(n) {
				return posix.EBUSY
			}
		}
		if t.table.CompareAndSwap(old, old.Interposed(num, h, g.Grate)) {
			return 0
		}
	}
}

func (g *Grate) deregister(t *Cage, num int) {
	for {
		old := t.table.Load()
		if t.table.CompareAndSwap(old, old.Restored(num, g.Grate, g.c.table.Load())) {
			return
		}
	}
}

// subtree returns t and its living descendants.
func (k *Kernel) subtree(t *Cage) []*Cage {
	k.tree.Lock()
	defer k.tree.Unlock()
	out := []*Cage{t}
	for i := 0; i < len(out); i++ {
		for ch := range out[i].children {
			if ch.state == stateRunning {
				out = append(out, ch)
			}
		}
	}
	return out
}

// wrap turns a grate handler into the table entry that runs it: it
// refuses calls once the grate is dead, marks the caller as inside a
// grate (so SIGKILL can end it while the handler holds its goroutine),
// and turns a panic into the grate's death.
func (g *Grate) wrap(h threei.GrateHandler) threei.Handler {
	return func(call *threei.Call) (r int64, err posix.Errno) {
		c, _ := call.Caller.(*Cage)
		if g.dead.Load() {
			return orphaned(c)
		}
		c.enterGrate()
		defer func() {
			if p := recover(); p != nil {
				g.panicked(call.Num, p)
				r, err = orphaned(c)
			}
			c.leaveGrate()
		}()
		return h(g.Grate, call)
	}
}

// orphaned is the end of a call that reached a dead grate: the caller is
// killed.
func orphaned(c *Cage) (int64, posix.Errno) {
	if c != nil {
		c.Signal(posix.SIGKILL)
	}
	return -1, posix.EINTR
}

// panicked handles a panic in one of g's handlers: the grate dies.
func (g *Grate) panicked(num int, p any) {
	g.c.writeStderr(fmt.Sprintf("gocage: grate %d: panic in the handler of %s: %v\n\n%s", g.c.pid, syscallName(num), p, debug.Stack()))
	g.c.Signal(posix.SIGKILL)
	g.die()
}

// die marks the grate dead and kills every cage whose table holds one of
// its handlers.
func (g *Grate) die() {
	if g.dead.Swap(true) {
		return
	}
	var victims []*Cage
	g.c.k.cages.Range(func(_ int, c *Cage) bool {
		if slices.Contains(c.table.Load().Grates(), g.Grate) {
			victims = append(victims, c)
		}
		return true
	})
	for _, c := range victims {
		c.Signal(posix.SIGKILL)
	}
}

// grateDetached marks, in Cage.inGrate, a cage whose exit was finished
// while a grate handler held its goroutine.
const grateDetached = 1 << 30

// enterGrate records that the cage's goroutine runs a grate's handler.
func (c *Cage) enterGrate() {
	if c != nil {
		c.inGrate.Add(1)
	}
}

// leaveGrate records the handler's end; if the cage was killed meanwhile
// and has already exited, its goroutine ends here.
func (c *Cage) leaveGrate() {
	if c != nil && c.inGrate.Add(-1)&grateDetached != 0 {
		runtime.Goexit()
	}
}

// detachIfInGrate finishes a killed cage's exit now if its goroutine is
// inside a grate's handler, which may never return.
func (c *Cage) detachIfInGrate() {
	for {
		v := c.inGrate.Load()
		if v == 0 || v&grateDetached != 0 {
			return
		}
		if c.inGrate.CompareAndSwap(v, v|grateDetached) {
			break
		}
	}
	c.setExit(posix.Signaled(posix.SIGKILL, false))
	c.exit()
}

// servingGrates returns the grates that serve c, directly or through the
// grates that serve them, nearest first.
func (c *Cage) servingGrates() []*Grate {
	var out []*Grate
	var walk func(t *threei.Table)
	walk = func(t *threei.Table) {
		for _, tg := range t.Grates() {
			if g, ok := tg.Host().(*Grate); ok && !slices.Contains(out, g) {
				out = append(out, g)
				walk(g.c.table.Load())
			}
		}
	}
	walk(c.table.Load())
	return out
}

// notifyFork tells the grates serving child about its birth.
func (c *Cage) notifyFork(child *Cage) {
	if len(child.table.Load().Grates()) == 0 {
		return
	}
	for _, g := range child.servingGrates() {
		if w := g.watch.Load(); w != nil && w.Fork != nil {
			w.Fork(c.pid, child.pid)
		}
	}
}

// notifyExec tells the grates serving c about its new program.
func (c *Cage) notifyExec(path string, argv []string) {
	if len(c.table.Load().Grates()) == 0 {
		return
	}
	for _, g := range c.servingGrates() {
		if w := g.watch.Load(); w != nil && w.Exec != nil {
			w.Exec(c.pid, path, argv)
		}
	}
}

// notifyExit tells the grates serving c about its end.
func (c *Cage) notifyExit(st posix.WaitStatus) {
	if len(c.table.Load().Grates()) == 0 {
		return
	}
	for _, g := range c.servingGrates() {
		if w := g.watch.Load(); w != nil && w.Exit != nil {
			w.Exit(c.pid, st)
		}
	}
}

// syscallName returns the name of call num, or "syscall_N".
func syscallName(num int) string {
	if s, ok := Syscall(num); ok {
		return s.Name
	}
	return fmt.Sprintf("syscall_%d", num)
}

// Syscall returns the kernel's system-call table row for num.
func Syscall(num int) (threei.Syscall, bool) {
	if uint(num) < uint(len(syscallByNum)) && syscallByNum[num] != nil {
		return *syscallByNum[num], true
	}
	return threei.Syscall{Num: num}, false
}

// syscallByNum indexes syscallTable by number.
var syscallByNum = func() []*threei.Syscall {
	out := make([]*threei.Syscall, posix.SyscallMax)
	for i := range syscallTable {
		out[syscallTable[i].Num] = &syscallTable[i]
	}
	return out
}()

// Realpath returns the absolute path, every symlink resolved (a final one
// only if follow), that path names for the cage, relative to dirfd
// (AT_FDCWD: its working directory). The final component need not exist.
// It is how a grate names what a call touches.
func (c *Cage) Realpath(dirfd int, path string, follow bool) (string, posix.Errno) {
	at, err := c.atLoc(dirfd, path, 0)
	if err != 0 {
		return "", err
	}
	if path == "" {
		return "", posix.ENOENT
	}
	return c.k.fs.Realpath(c.fillCtx(new(vfs.Ctx)), at, path, follow)
}

// FdPath returns the path of the file open at fd, as readlink of
// /proc/self/fd/N shows it ("pipe:[N]" for a pipe), or an errno.
func (c *Cage) FdPath(fd int) (string, posix.Errno) {
	return c.k.fs.Readlink(c.fillCtx(new(vfs.Ctx)), vfs.Loc{}, "/proc/self/fd/"+strconv.Itoa(fd))
}
