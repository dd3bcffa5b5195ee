// Package cages is gocage's kernel: the Kernel that owns the cage table,
// the Cage (an emulated process: pid, parent and children, process group
// and session, fd table, signal state, call table), the implementation of
// every system call, the Go program API (Proc) and the host embedding API
// (Kernel.Start, Process).
//
// Every system call a cage makes goes through the cage's 3i table
// (package threei); the kernel's handlers are the table's default entries.
// The system-call table in syscalls.go is the one source that says which
// calls exist, their arguments and how fully they are supported.
//
// It may import posix, fdtable, pipes and threei; nothing above it.
//
// Lock order: Kernel.tree, then Cage.sigMu, then Cage.waitMu, then any
// file's lock (the flock table's lock is one: flock sleeps under it). The
// per-cage attributes of cage_ext.go (cageExt.mu) and a terminal's mu are
// leaves, taken last. Waking a sleeping cage (Cage.interrupt) takes the
// lock of the condition it sleeps on, so it is never called with a lock
// held that the sleeper might hold: in particular never with Kernel.tree
// held.
package cages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
	"github.com/gocage/gocage/vfs"
)

// Program is a cage program written in Go: a function of its handle that
// returns the exit status. Its arguments and environment are read from p.
type Program func(p *Proc) int

// A Loader finds what execve(2) runs for a path. The kernel's default
// loader asks the filesystem: an installed Go program, a "#!" script (its
// interpreter loaded in turn), or a WebAssembly module (Config.Wasm).
type Loader interface {
	// Load returns the program at path, resolved against the caller's
	// working directory, and the argv it receives (an interpreter may
	// rewrite it), or the errno execve fails with.
	Load(c *Cage, path string, argv []string) (Program, []string, posix.Errno)
}

// Config holds a kernel's settings. The zero value is usable: every zero
// field takes the default named in its comment.
type Config struct {
	// MaxCages is the number of cages that may exist at once, zombies
	// included; fork beyond it fails with EAGAIN. Default 32768.
	MaxCages int
	// Hostname is the node name uname(2) reports. Default "gocage".
	Hostname string
	// UID and GID are the ids every cage runs as. Default 1000: cages are
	// unprivileged.
	UID, GID int
	// Loader resolves execve paths. Default: the filesystem's files.
	Loader Loader
	// FS is the filesystem. Default: a new in-memory tree (vfs.New).
	FS *vfs.FS
	// Wasm turns a WebAssembly module that execve found into the program
	// that runs it. Nil: such files fail with ENOEXEC.
	Wasm func(c *Cage, module []byte) (Program, posix.Errno)
}

const (
	defaultMaxCages = 32768
	// pidMax is the largest pid, as Linux's 64-bit default pid_max.
	pidMax = 4194304
	// initPid is the init cage's pid.
	initPid = 1
)

// Kernel is one gocage kernel: a cage table, the init cage that adopts
// orphans, the installed programs and the default call table. A host
// program may run several kernels side by side; they share nothing.
//
// A Kernel is safe for concurrent use.
type Kernel struct {
	cfg Config

	// cages maps pid to cage, zombies included.
	cages *xsync.Map[int, *Cage]
	// count is the number of cages in cages, init excluded.
	count atomic.Int64

	// defaultTable routes every call to the kernel. Immutable.
	defaultTable *threei.Table

	// init is the cage with pid 1. Immutable.
	init *Cage

	// tree guards the process tree: every Cage's parent, children, pgid,
	// sid, state and status, and nextPid.
	tree sync.Mutex
	// nextPid is where the next pid search starts. Protected by tree.
	nextPid int
	// wrapped is set once nextPid has wrapped around pidMax: from then on
	// a free pid may still name a living process group. Protected by tree.
	wrapped bool

	// fs is the filesystem. Immutable.
	fs *vfs.FS

	// flocks are the flock(2) locks of every file, by inode.
	flocks flockTable
	// reclocks are the fcntl(2) record locks of every file, keyed as
	// flocks are.
	reclocks recLockTable
}

// New returns a kernel with cfg's settings and an init cage.
func New(cfg Config) *Kernel {
	if cfg.MaxCages <= 0 {
		cfg.MaxCages = defaultMaxCages
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "gocage"
	}
	if cfg.UID == 0 && cfg.GID == 0 {
		cfg.UID, cfg.GID = 1000, 1000
	}
	k := &Kernel{
		cfg:          cfg,
		cages:        xsync.NewMap[int, *Cage](),
		defaultTable: defaultTable(),
		nextPid:      initPid + 1,
		fs:           cfg.FS,
	}
	if k.fs == nil {
		k.fs = vfs.New(vfs.Options{Hostname: cfg.Hostname, UID: cfg.UID, GID: cfg.GID})
	}
	if k.cfg.Loader == nil {
		k.cfg.Loader = fsLoader{k}
	}
	k.init = newCage(k, initPid, nil, nil)
	k.init.pgid, k.init.sid = initPid, initPid
	k.init.args = []string{"init"}
	k.cages.Store(initPid, k.init)
	return k
}

// Install makes prog runnable by execve at path (an absolute path such as
// "/bin/true"): the filesystem gets an executable file there (mode 0755,
// parent directories created). Installing again replaces the program.
func (k *Kernel) Install(path string, prog Program) error {
	return k.fs.Install(path, prog)
}

// FS returns the kernel's filesystem, for the host to seed and inspect.
func (k *Kernel) FS() *vfs.FS { return k.fs }

// maxInterpDepth is how many "#!" interpreters execve follows before ELOOP,
// as fs/exec.c's exec_binprm.
const maxInterpDepth = 5

// fsLoader is the default Loader: it asks the filesystem what the file at
// the path is.
type fsLoader struct{ k *Kernel }

// Load implements Loader. A script's interpreter is loaded in turn, with
// argv rewritten as Linux's binfmt_script does: interpreter, its optional
// argument, the script's path, then the original arguments after argv[0].
func (l fsLoader) Load(c *Cage, name string, argv []string) (Program, []string, posix.Errno) {
	for depth := 0; ; depth++ {
		if depth > maxInterpDepth {
			return nil, nil, posix.ELOOP
		}
		ex, err := l.k.fs.Exec(c.vctx(), vfs.Loc{}, name)
		if err != 0 {
			return nil, nil, err
		}
		switch ex.Kind {
		case vfs.ExecProgram:
			prog, ok := ex.Program.(Program)
			if !ok {
				return nil, nil, posix.ENOEXEC
			}
			return prog, argv, 0
		case vfs.ExecWasm:
			if l.k.cfg.Wasm == nil {
				return nil, nil, posix.ENOEXEC
			}
			prog, err := l.k.cfg.Wasm(c, ex.Data)
			return prog, argv, err
		case vfs.ExecScript:
			nargv := []string{ex.Interp}
			if ex.InterpArg != "" {
				nargv = append(nargv, ex.InterpArg)
			}
			nargv = append(nargv, name)
			if len(argv) > 1 {
				nargv = append(nargv, argv[1:]...)
			}
			name, argv = ex.Interp, nargv
		default:
			return nil, nil, posix.ENOEXEC
		}
	}
}

// Cage returns the cage with the given pid, zombies included, or nil.
func (k *Kernel) Cage(pid int) *Cage {
	c, _ := k.cages.Load(pid)
	return c
}

// NumCages returns how many cages exist, zombies included, init excluded.
func (k *Kernel) NumCages() int { return int(k.count.Load()) }

// allocPidLocked reserves a pid for a new cage.
//
// Preconditions: k.tree is held.
func (k *Kernel) allocPidLocked() (int, posix.Errno) {
	if k.count.Load() >= int64(k.cfg.MaxCages) {
		return 0, posix.EAGAIN
	}
	for range pidMax {
		pid := k.nextPid
		k.nextPid++
		if k.nextPid > pidMax {
			k.nextPid = initPid + 1
			k.wrapped = true
		}
		if _, used := k.cages.Load(pid); !used && !k.groupExistsLocked(pid) {
			return pid, 0
		}
	}
	return 0, posix.EAGAIN
}

// groupExistsLocked reports whether some cage uses id as its process group
// or session, so that a pid is not reused while its group lives.
//
// Preconditions: k.tree is held.
func (k *Kernel) groupExistsLocked(id int) bool {
	if !k.wrapped {
		// Every pid from nextPid up is unused: it cannot name a group.
		return false
	}
	found := false
	k.cages.Range(func(_ int, c *Cage) bool {
		if c.pgid == id || c.sid == id {
			found = true
		}
		return !found
	})
	return found
}

// Spec says how the host starts a cage.
type Spec struct {
	// Path is the program to run, as for execve(2).
	Path string
	// Args is argv; if empty, argv is []string{Path}.
	Args []string
	// Env is the environment, as "KEY=value" strings.
	Env []string
	// Dir is the working directory. Default "/".
	Dir string
	// Stdin is fd 0. Its data is fed to the cage through a pipe; nil reads
	// as end of file at once.
	Stdin io.Reader
	// Stdout and Stderr are fds 1 and 2. Nil discards the output. The same
	// writer may be given for both. A writer that fails with
	// io.ErrClosedPipe, os.ErrClosed or EPIPE behaves as a pipe whose
	// reader is gone: the cage gets EPIPE and SIGPIPE.
	Stdout, Stderr io.Writer
	// Program, if set, runs instead of the program at Path (Path is then
	// only the name /proc shows).
	Program Program
	// Limits are the cage's resource limits; zero fields keep the defaults.
	Limits Limits
	// Terminal makes fds 0, 1 and 2 answer as a terminal (isatty, TCGETS)
	// and fstat as character devices. Set it when the host's own stdio is
	// a terminal, so a shell started on it is interactive.
	Terminal bool
}

// Limits are resource limits for a cage the host starts.
type Limits struct {
	// NoFile is RLIMIT_NOFILE (soft and hard): the cage's fds are below it.
	NoFile int
}

// UID returns the user id cages run as.
func (k *Kernel) UID() int { return k.cfg.UID }

// GID returns the group id cages run as.
func (k *Kernel) GID() int { return k.cfg.GID }

// Process is the host's handle on a cage it started: it can wait for the
// cage and signal it. Safe for concurrent use.
type Process struct {
	k *Kernel
	c *Cage
	// term is the terminal of Spec.Terminal, or nil. Immutable.
	term *terminal
}

// Pid returns the cage's pid.
func (p *Process) Pid() int { return p.c.pid }

// Cage returns the cage.
func (p *Process) Cage() *Cage { return p.c }

// Done returns a channel that is closed when the cage has exited.
func (p *Process) Done() <-chan struct{} { return p.c.done }

// Wait waits until the cage exits and returns its wait status, or returns
// ctx's error if ctx ends first (the cage keeps running).
func (p *Process) Wait(ctx context.Context) (posix.WaitStatus, error) {
	select {
	case <-p.c.done:
		return p.c.exitStatus(), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Signal sends sig to the cage, as kill(2) from outside the kernel.
func (p *Process) Signal(sig int) error {
	if sig < 0 || sig >= posix.NSIG {
		return posix.EINVAL
	}
	if sig == 0 {
		return nil
	}
	p.c.signalFrom(sig, p.c.userInfo(nil, posix.SI_USER))
	return nil
}

// Kill sends SIGKILL to the cage.
func (p *Process) Kill() { p.c.Signal(posix.SIGKILL) }

// SignalForeground sends sig to the foreground process group of the
// cage's terminal (what a shell with job control set with tcsetpgrp), or
// to the cage's own group when it has no terminal: where a terminal's ^C
// goes.
func (p *Process) SignalForeground(sig int) error {
	if p.term != nil {
		if fg := int(p.term.fg.Load()); fg > 0 {
			if err := p.k.killGroup(fg, sig); err == nil {
				return nil
			}
		}
	}
	return p.KillGroup(sig)
}

// KillGroup sends sig to the cage's process group, as kill(-pgid, sig):
// ESRCH if the group is empty, else EINVAL for an invalid signal, as Signal.
func (p *Process) KillGroup(sig int) error {
	if sig < 0 || sig >= posix.NSIG {
		if err := p.k.killGroup(p.c.Pgid(), 0); err != nil {
			return err
		}
		return posix.EINVAL
	}
	return p.k.killGroup(p.c.Pgid(), sig)
}

// ErrNoProgram is returned by Start when neither Spec.Path nor
// Spec.Program names a program.
var ErrNoProgram = errors.New("cages: no program to start")

// Start starts a cage as spec says: a new session and process group, child
// of init, fds 0-2 wired to the host's reader and writers.
func (k *Kernel) Start(spec Spec) (*Process, error) {
	argv := spec.Args
	if len(argv) == 0 {
		argv = []string{spec.Path}
	}
	env := append([]string(nil), spec.Env...)
	k.tree.Lock()
	pid, err := k.allocPidLocked()
	if err != 0 {
		k.tree.Unlock()
		return nil, fmt.Errorf("cages: start %s: %w", spec.Path, err)
	}
	c := newCage(k, pid, k.init, nil)
	c.pgid, c.sid = pid, pid
	c.table.Store(k.defaultTable)
	k.addLocked(c, k.init)
	k.tree.Unlock()

	if spec.Dir != "" {
		loc, e := k.fs.Chdir(c.vctx(), vfs.Loc{}, spec.Dir)
		if e != 0 {
			k.discard(c)
			return nil, fmt.Errorf("cages: start %s: chdir %s: %w", spec.Path, spec.Dir, e)
		}
		c.setCwd(loc)
	}

	prog := spec.Program
	if prog == nil {
		var e posix.Errno
		prog, argv, e = k.cfg.Loader.Load(c, spec.Path, argv)
		if e != 0 {
			k.discard(c)
			return nil, fmt.Errorf("cages: start %s: %w", spec.Path, e)
		}
	}
	// Stdio first: fds at or above a lower limit stay open, as on Linux.
	var term *terminal
	if spec.Terminal {
		term = newTerminal(c.pid, spec.Stdin, spec.Stdout, spec.Stderr)
	}
	c.installStdio(spec.Stdin, spec.Stdout, spec.Stderr, term)
	if n := spec.Limits.NoFile; n > 0 {
		if n > fdtable.MaxLimit {
			n = fdtable.MaxLimit
		}
		c.fds.SetLimit(n)
		c.rlimits[posix.RLIMIT_NOFILE] = posix.Rlimit{Cur: uint64(n), Max: uint64(n)}
	}
	c.args, c.env = argv, env
	p := newProc(c, argv, env)
	k.run(c, prog, p)
	return &Process{k: k, c: c, term: term}, nil
}

// Run starts a cage and waits for it; if ctx ends first, the cage is
// killed and Run returns ctx's error once it has exited.
func (k *Kernel) Run(ctx context.Context, spec Spec) (posix.WaitStatus, error) {
	p, err := k.Start(spec)
	if err != nil {
		return 0, err
	}
	st, err := p.Wait(ctx)
	if err != nil {
		p.Kill()
		<-p.c.done
	}
	return st, err
}

// Shutdown kills every cage and waits until all have exited or ctx ends.
func (k *Kernel) Shutdown(ctx context.Context) error {
	var all []*Cage
	k.cages.Range(func(_ int, c *Cage) bool {
		if c != k.init {
			all = append(all, c)
		}
		return true
	})
	for _, c := range all {
		c.Signal(posix.SIGKILL)
	}
	for _, c := range all {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// addLocked enters c in the cage table as a child of parent.
//
// Preconditions: k.tree is held.
func (k *Kernel) addLocked(c, parent *Cage) {
	c.parent = parent
	if parent.children == nil {
		parent.children = map[*Cage]struct{}{}
	}
	parent.children[c] = struct{}{}
	k.cages.Store(c.pid, c)
	k.count.Add(1)
}

// discard removes a cage that never ran.
func (k *Kernel) discard(c *Cage) {
	k.tree.Lock()
	delete(c.parent.children, c)
	k.removeLocked(c)
	k.tree.Unlock()
	c.fds.CloseAll()
	close(c.done)
}

// removeLocked deletes a reaped cage from the cage table.
//
// Preconditions: k.tree is held.
func (k *Kernel) removeLocked(c *Cage) {
	c.state = stateReaped
	k.cages.Delete(c.pid)
	k.count.Add(-1)
}

// killGroup sends sig to every cage in process group pgid, from the host.
func (k *Kernel) killGroup(pgid, sig int) error { return k.killGroupFrom(nil, pgid, sig) }

// killGroupFrom sends sig to every cage in process group pgid, from cage
// from (nil: the host).
func (k *Kernel) killGroupFrom(from *Cage, pgid, sig int) error {
	var targets []*Cage
	k.tree.Lock()
	k.cages.Range(func(_ int, c *Cage) bool {
		if c.pgid == pgid && c != k.init {
			targets = append(targets, c)
		}
		return true
	})
	k.tree.Unlock()
	if len(targets) == 0 {
		return posix.ESRCH
	}
	if sig != 0 {
		for _, c := range targets {
			c.signalFrom(sig, c.userInfo(from, posix.SI_USER))
		}
	}
	return nil
}
