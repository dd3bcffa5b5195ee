// Package wasm runs WebAssembly modules — C programs compiled for
// wasm32 — as cage programs, on wazero. Two host modules serve a
// module's imports, every function a cage system call through the
// cage's 3i table: "gocage", the system-call interface of gocage's C
// library (Linux's calls by number, Linux's errnos and structures; fork
// and setjmp through Asyncify), and "wasi_snapshot_preview1", for modules
// other toolchains built (WASI's numbering translated at this edge). A
// module's fds are the cage's fds (shared with its parent and children,
// dup'able, pipes), its paths are the cage's filesystem, its exit is the
// cage's exit; every pointer a module passes is checked against its
// linear memory (EFAULT). Modules are instrumented at load so that a
// program computing without calls still takes its signals (instrument.go).
//
// Use it by handing Runtime.Program to the kernel:
//
//	rt, _ := wasm.New(ctx, wasm.Options{})
//	k := cages.New(cages.Config{Wasm: rt.Program})
//
// after which execve of a file that starts with "\0asm" runs the module.
//
// It may import cages and posix (and wazero).
package wasm

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Options configure a Runtime.
type Options struct {
	// CacheDir is where compiled modules are kept across processes; ""
	// means gocage/wazero under the user's cache directory, "-" none.
	CacheDir string
}

// Runtime compiles and runs modules. One Runtime serves any number of
// kernels and cages; it is safe for concurrent use.
type Runtime struct {
	// rt runs the modules instrument rewrote: they take signals at
	// their loop headers. slow runs the others, which wazero itself
	// stops when their context ends, at a call into Go per loop
	// iteration (WithCloseOnContextDone).
	rt, slow wazero.Runtime

	mu       sync.Mutex
	compiled map[[32]byte]*module // by the module's SHA-256

	// instances are the running instances by cage pid, for the signal
	// handlers a module installs (which a forked child inherits).
	instances sync.Map

	// mems keeps the memories of exited forked children for the next
	// forks (forkmem.go).
	mems memPool
}

// module is a compiled module and what the bridge learned of it.
type module struct {
	cm wazero.CompiledModule
	rt wazero.Runtime
	// instrumented is set when the module checks gocage_flag at its
	// loop headers (instrument).
	instrumented bool
	// linux is set for a module of gocage's C library (it imports
	// gocage.syscall): Linux's errnos, no preopened directory.
	linux bool
}

// New returns a runtime with gocage's host modules instantiated.
func New(ctx context.Context, opt Options) (*Runtime, error) {
	// The compiler engine where wazero has one for this platform, else
	// the interpreter.
	cfg := wazero.NewRuntimeConfig().WithDebugInfoEnabled(false) // DWARF lookups made every exit cost milliseconds
	dir := opt.CacheDir
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "gocage", "wazero")
		}
	}
	if dir != "" && dir != "-" {
		if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	r := &Runtime{rt: wazero.NewRuntimeWithConfig(ctx, cfg),
		slow: wazero.NewRuntimeWithConfig(ctx, cfg.WithCloseOnContextDone(true)), compiled: map[[32]byte]*module{}}
	for _, rt := range []wazero.Runtime{r.rt, r.slow} {
		err := instantiateWASI(ctx, rt)
		if err == nil {
			err = instantiateGocage(ctx, rt)
		}
		if err != nil {
			r.Close(ctx)
			return nil, err
		}
	}
	return r, nil
}

// Close releases the runtime and every module it compiled.
func (r *Runtime) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	if e := r.slow.Close(ctx); err == nil {
		err = e
	}
	return err
}

// compile returns the compiled form of bin, compiling it on first use.
func (r *Runtime) compile(bin []byte) (*module, error) {
	sum := sha256.Sum256(bin)
	r.mu.Lock()
	m := r.compiled[sum]
	r.mu.Unlock()
	if m != nil {
		return m, nil
	}
	m = &module{rt: r.slow}
	code := bin
	added := false
	if ib, add, err := instrument(bin); err == nil {
		m.rt, m.instrumented, code, added = r.rt, true, ib, add
	}
	cm, err := m.rt.CompileModule(context.Background(), code)
	if err != nil {
		return nil, err
	}
	m.cm = cm
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.compiled[sum]; old != nil {
		cm.Close(context.Background())
		return old, nil
	}
	for _, f := range cm.ImportedFunctions() {
		if mod, name, _ := f.Import(); mod == "gocage" && name == "syscall" && !added {
			m.linux = true
		}
	}
	r.compiled[sum] = m
	return m, nil
}

// Program returns the cage program that runs the module bin; it is what
// cages.Config.Wasm wants. A module that does not compile, or that does
// not export _start and a memory, fails with ENOEXEC, as a corrupt ELF
// file does.
func (r *Runtime) Program(c *cages.Cage, bin []byte) (cages.Program, posix.Errno) {
	m, err := r.compile(bin)
	if err != nil {
		return nil, posix.ENOEXEC
	}
	if _, ok := m.cm.ExportedFunctions()["_start"]; !ok {
		return nil, posix.ENOEXEC
	}
	if len(m.cm.ExportedMemories()) == 0 {
		return nil, posix.ENOEXEC
	}
	return func(p *cages.Proc) int { return r.run(p, m) }, 0
}

// procKey finds the calling cage's Proc in a host function's context.
type procKey struct{}

// instance is one running module: its cage's Proc, its preopen, and the
// state of a fork in progress.
type instance struct {
	r       *Runtime
	m       *module
	p       *cages.Proc
	ctx     context.Context
	mod     api.Module
	preopen int // the fd of the preopened "/" (-1: none)
	// pre is a forked child's instance, made inside the fork, or nil.
	pre api.Module

	// unwind is set by the fork or setjmp import when it has started
	// Asyncify's unwind; rewinding while the stack is rebuilt back into
	// that import, which then returns forkResult.
	unwind     unwindKind
	rewinding  bool
	forkResult int64
	// jmpEnv is the jmp_buf of a setjmp being saved; jmps the stacks
	// setjmp saved, by the key its jmp_buf holds (a forked child starts with a
	// copy of its parent's). inHandler counts the signal handlers
	// running: their frames are the host's, and cannot be saved.
	jmpEnv    uint32
	jmps      map[uint32]*jmpState
	fns       map[string]api.Function // fn's
	inHandler int

	// catching has bit sig-1 set while the module has a handler for
	// signal sig (gSigaction keeps it; a forked child starts with its
	// parent's). calls counts host calls' entries and exits: it is odd
	// while the module is in one. Both are read by watchSignals.
	catching atomic.Uint64
	calls    atomic.Uint64

	// flagMu serializes the host's writes of flag, the instrumented
	// module's gocage_flag countdown (nil otherwise): raise sets it from
	// any goroutine; the module counts it down and resets it itself.
	flagMu sync.Mutex
	flag   api.MutableGlobal
}

// raise makes an instrumented module call in at its next loop header
// (its countdown to the next call set to 1).
func (inst *instance) raise() {
	inst.flagMu.Lock()
	if inst.flag != nil {
		inst.flag.Set(1)
	}
	inst.flagMu.Unlock()
}

// unwindKind says why a module unwinds through Asyncify.
type unwindKind uint8

const (
	unwindNone unwindKind = iota
	unwindFork
	unwindSetjmp
)

// errExec unwinds a module whose execve succeeded.
var errExec = errors.New("wasm: execve")

// run instantiates m in p's cage and runs its _start.
func (r *Runtime) run(p *cages.Proc, m *module) int {
	inst := &instance{r: r, m: m, p: p, preopen: -1}
	// A WASI module gets "/" preopened at the lowest free fd, for
	// wasi-libc's path lookups; closed on exec, as the next program opens
	// its own. A module of gocage's C library makes Linux's path calls.
	if !m.linux {
		if fd, err := p.Open("/", posix.O_PATH|posix.O_DIRECTORY|posix.O_CLOEXEC, 0); err == nil {
			inst.preopen = fd
		}
	}
	return r.start(inst, nil)
}

// forkImage is what a forked child starts from: the parent's memory and
// stack pointer at the fork, its unwound stack inside the memory.
type forkImage struct {
	mem     []byte
	sp      uint64
	preopen int
	err     error // the child's instance could not be made
}

// start instantiates inst's module and runs it: from _start, or, for a
// forked child, from the fork point in img.
func (r *Runtime) start(inst *instance, img *forkImage) int {
	p := inst.p
	// SIGKILL stops the module even while it computes without calls, and
	// so does another signal that kills it (watchSignals).
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := cancel
	if inst.m.instrumented {
		stop = inst.raise
	}
	killed := p.Cage().Killed()
	go func() {
		select {
		case <-killed:
			stop()
		case <-base.Done():
		}
	}()
	defer watchSignals(p.Cage(), inst, stop)()
	ctx := context.WithValue(base, procKey{}, inst)
	inst.ctx = ctx
	// No stdio, args or environment in the config: the bridge's WASI
	// reads them from the cage.
	mod := inst.pre // a forked child's, instantiated inside the fork
	if mod == nil {
		var err error
		if mod, err = r.instantiate(context.Background(), inst.m); err != nil {
			p.Write(2, []byte(fmt.Sprintf("gocage: %s: %v\n", progName(p), err)))
			return 126
		}
	}
	defer mod.Close(context.Background())
	inst.mod = mod
	if inst.m.instrumented {
		g, _ := mod.ExportedGlobal(flagExport).(api.MutableGlobal)
		inst.flagMu.Lock()
		inst.flag = g
		inst.flagMu.Unlock()
		defer func() {
			inst.flagMu.Lock()
			inst.flag = nil
			inst.flagMu.Unlock()
		}()
	}
	r.instances.Store(p.Cage().Pid(), inst)
	defer r.instances.CompareAndDelete(p.Cage().Pid(), inst)
	if img != nil {
		if img.err != nil {
			p.Write(2, []byte(fmt.Sprintf("gocage: %s: fork: %v\n", progName(p), img.err)))
			return 126
		}
		inst.preopen = img.preopen
		inst.forkResult, inst.rewinding = 0, true
		if err := inst.asyncify("asyncify_start_rewind", inst.asyncBufAddr()); err != nil {
			return finish(p, err)
		}
	}
	start := mod.ExportedFunction("_start")
	for {
		_, err := start.Call(ctx)
		var lj *longjmpError
		switch {
		case inst.unwind == unwindFork:
			// The module has unwound out of _start for fork, unless its
			// saved stack overran the unwind buffer. Asyncify checks that
			// only when the unwind is over (stop_unwind traps), having
			// written what did not fit past the buffer's end, or trapped
			// on the way if that was past the memory's end.
			inst.unwind = unwindNone
			if err == nil {
				err = inst.asyncify("asyncify_stop_unwind")
			}
			if err != nil {
				return forkTooDeep(p, err)
			}
			inst.forkResult = r.fork(inst)
		case inst.unwind == unwindSetjmp:
			inst.unwind = unwindNone
			if err == nil {
				err = inst.asyncify("asyncify_stop_unwind")
			}
			if err != nil {
				return forkTooDeep(p, err)
			}
			if err := inst.saveJmp(); err != nil {
				p.Write(2, []byte(fmt.Sprintf("gocage: %s: %v\n", progName(p), err)))
				die(p, posix.SIGABRT)
				return 128 + posix.SIGABRT
			}
			inst.forkResult = 0
		case errors.As(err, &lj):
			if err := inst.restoreJmp(lj.env); err != nil {
				p.Write(2, []byte(fmt.Sprintf("gocage: %s: longjmp: %v\n", progName(p), err)))
				die(p, posix.SIGSEGV)
				return 128 + posix.SIGSEGV
			}
			inst.forkResult = int64(lj.val)
		default:
			return finish(p, err)
		}
		inst.rewinding = true
		if err := inst.asyncify("asyncify_start_rewind", inst.asyncBufAddr()); err != nil {
			return finish(p, err)
		}
	}
}

// saveJmp keeps the stack a setjmp has just unwound, under its jmp_buf.
// The Asyncify buffer starts with its current position and end; the
// data follows.
func (inst *instance) saveJmp() error {
	mem := inst.mod.Memory()
	buf := uint32(inst.asyncBufAddr())
	cur, ok := mem.ReadUint32Le(buf)
	if buf == 0 || !ok || cur < buf+8 {
		return errors.New("setjmp: no Asyncify buffer")
	}
	data, ok := mem.Read(buf+8, cur-buf-8)
	if !ok {
		return errors.New("setjmp: the Asyncify buffer is out of the memory")
	}
	st := &jmpState{data: append([]byte(nil), data...)}
	if g := inst.mod.ExportedGlobal("__stack_pointer"); g != nil {
		st.sp = g.Get()
	}
	if inst.jmps == nil {
		inst.jmps = map[uint32]*jmpState{}
	}
	inst.dropDeadJmps(st.sp)
	inst.jmps[inst.jmpEnv] = st
	total := 0
	for _, j := range inst.jmps {
		total += len(j.data)
	}
	if total > maxJmpBytes {
		return errTooManyJmps
	}
	return nil
}

// maxJmpBytes bounds the saved stacks of the setjmps a program may
// still longjmp to: a program beyond it (thousands of live jmp_bufs on
// deep stacks) ends as one that overflows its stack does.
const maxJmpBytes = 32 << 20

// errTooManyJmps ends a program whose live setjmps hold more than
// maxJmpBytes of saved stack.
var errTooManyJmps = errors.New("setjmp: the saved stacks of live jmp_bufs exceed 32 MiB")

// dropDeadJmps forgets the stacks saved by setjmps whose frames have
// returned: those saved with a C stack pointer below sp, the stack
// pointer of a frame that runs now (the stack grows down, so their
// frames were deeper). A longjmp to them is undefined in C; forgetting
// them keeps the saved stacks to those of the frames still live.
func (inst *instance) dropDeadJmps(sp uint64) {
	for env, j := range inst.jmps {
		if j.sp < sp {
			delete(inst.jmps, env)
		}
	}
}

// restoreJmp puts the stack saved by the setjmp at env back into the
// Asyncify buffer, for run to rewind it.
func (inst *instance) restoreJmp(env uint32) error {
	st := inst.jmps[env]
	if st == nil {
		return errors.New("no setjmp saved this jmp_buf")
	}
	mem := inst.mod.Memory()
	buf := uint32(inst.asyncBufAddr())
	if buf == 0 || !mem.Write(buf+8, st.data) || !mem.WriteUint32Le(buf, buf+8+uint32(len(st.data))) {
		return errors.New("no Asyncify buffer")
	}
	if g, ok := inst.mod.ExportedGlobal("__stack_pointer").(api.MutableGlobal); ok {
		g.Set(st.sp)
	}
	inst.dropDeadJmps(st.sp)
	return nil
}

// asyncBufAddr returns the Asyncify buffer's address without resetting
// it (for a rewind, which reads the saved stack back from its end), or 0.
func (inst *instance) asyncBufAddr() uint64 {
	f := inst.fn("gocage_async_buf_addr")
	if f == nil {
		return 0
	}
	res, err := f.Call(inst.ctx)
	if err != nil || len(res) == 0 {
		return 0
	}
	return res[0]
}

// fn returns the module's exported function name (nil if none), made
// once per instance: each api.Function has its own call stack, costly
// to make at every fork and setjmp. Only for functions that never run
// nested in themselves (Asyncify's controls, the buffer's accessors),
// as one api.Function cannot.
func (inst *instance) fn(name string) api.Function {
	if f, ok := inst.fns[name]; ok {
		return f
	}
	f := inst.mod.ExportedFunction(name)
	if inst.fns == nil {
		inst.fns = map[string]api.Function{}
	}
	inst.fns[name] = f
	return f
}

// instantiate makes a new instance of a module without running it, in
// ctx (which may carry a memory allocator).
func (r *Runtime) instantiate(ctx context.Context, m *module) (api.Module, error) {
	return m.rt.InstantiateModule(ctx, m.cm, moduleConfig)
}

// moduleConfig is every instance's configuration. No stdio, args or
// environment: the bridge's WASI reads them from the cage. Not wazero's
// default random source either, which the bridge does not use and which
// costs a seeding per instance; crypto/rand costs nothing until read.
var moduleConfig = wazero.NewModuleConfig().WithName("").WithStartFunctions().WithRandSource(rand.Reader)

// fork makes the child cage of a module that has unwound for fork and
// returns the fork import's answer for the parent: the child's pid, or a
// negated WASI errno. The child's instance is made inside the fork, while
// the parent's memory cannot change, and the memory is copied once,
// straight into it.
func (r *Runtime) fork(inst *instance) int64 {
	mem := inst.mod.Memory()
	raw, _ := mem.Read(0, mem.Size())
	img := &forkImage{mem: raw, preopen: inst.preopen}
	if g := inst.mod.ExportedGlobal("__stack_pointer"); g != nil {
		img.sp = g.Get()
	}
	m := inst.m
	pid, err := inst.p.ForkPrepared(func(child *cages.Cage) cages.Program {
		ci := &instance{r: r, m: m, preopen: -1, jmps: maps.Clone(inst.jmps)}
		ci.catching.Store(inst.catching.Load())
		alloc, made := r.mems.forkAllocator(uint64(len(img.mem)))
		mod, err := r.instantiate(experimental.WithMemoryAllocator(context.Background(), alloc), m)
		if err == nil {
			if err = restore(mod, img); err != nil {
				mod.Close(context.Background())
			} else if *made != nil {
				(*made).copied()
			}
		}
		childImg := &forkImage{sp: img.sp, preopen: img.preopen, err: err}
		if err == nil {
			ci.pre = mod
		}
		return func(p *cages.Proc) int {
			ci.p = p
			return r.start(ci, childImg)
		}
	})
	if err != nil {
		if m.linux {
			return -int64(lxErrno(err))
		}
		return -int64(wasiErrno(err))
	}
	return int64(pid)
}

// restore gives a new instance a forked parent's memory and stack
// pointer.
func restore(mod api.Module, img *forkImage) error {
	mem := mod.Memory()
	if have := mem.Size(); have < uint32(len(img.mem)) {
		if _, ok := mem.Grow((uint32(len(img.mem)) - have) / 65536); !ok {
			return errors.New("cannot grow the memory to the parent's size")
		}
	}
	if !mem.Write(0, img.mem) {
		return errors.New("cannot copy the parent's memory")
	}
	g, ok := mod.ExportedGlobal("__stack_pointer").(api.MutableGlobal)
	if !ok {
		return errors.New("the module does not export __stack_pointer (build it with gocage cc)")
	}
	g.Set(img.sp)
	return nil
}

// signalGrace is how long a deliverable signal must stay pending, the
// module computing without a call, before watchSignals stops it.
const signalGrace = 10 * time.Millisecond

// watchSignals makes an instrumented module take its pending signals:
// cancel raises its flag, and the module calls in at its next loop
// header (or takes them as its current call returns).
//
// For a module that is not instrumented, it stops the module (cancel)
// when a signal that kills it is pending while it computes without
// calls: the kernel delivers signals as a call returns, and a module in
// a loop makes none. finish then makes a call, which delivers the
// signal.
//
// The watch sees only that some signal is pending and not blocked. If
// one is, twice, signalGrace apart, and the module made no host call in
// between and is in none, the signal is fatal or caught: the kernel
// discards an ignored signal as it is sent, or, if it was blocked, as
// the call that unblocks it returns. So the watch stops the module only
// while it catches no signal; a caught signal waits for the module's
// next call, where its handler runs. It returns the function that ends
// the watch.
func watchSignals(c *cages.Cage, inst *instance, cancel func()) (stop func()) {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	stopped := false
	go func() {
		mu.Lock()
		defer mu.Unlock()
		seen := uint64(1) // inst.calls when a signal was last seen pending; odd: none
		for !stopped {
			if c.Block(cond) == 0 {
				seen = 1 // woken by stop, or a signal came and went
				continue
			}
			if inst.m.instrumented {
				// The module takes any signal, caught or fatal, at its
				// next loop header or call.
				cancel()
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				continue
			}
			n := inst.calls.Load()
			if n%2 == 0 && n == seen && inst.catching.Load() == 0 {
				cancel()
				return
			}
			seen = n
			mu.Unlock()
			time.Sleep(signalGrace)
			mu.Lock()
		}
	}()
	return func() {
		mu.Lock()
		stopped = true
		cond.Broadcast()
		mu.Unlock()
	}
}

// forkTooDeep ends a module whose fork could not save its stack: it
// says so on fd 2 and dies of SIGABRT, as a C runtime that detects the
// overflow of one of its stacks does. Nothing of the module runs after
// the overflow, so nothing reads the data it overwrote, and no child
// exists yet. A kill that ended the unwind is reported as the kill.
func forkTooDeep(p *cages.Proc, err error) int {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return finish(p, err)
	}
	p.Write(2, []byte(fmt.Sprintf("gocage: %s: fork: the call stack is too deep to fork (the unwind buffer overflowed)\n", progName(p))))
	die(p, posix.SIGABRT)
	return 128 + posix.SIGABRT
}

// asyncBuf resets the C library's Asyncify buffer for an unwind and
// returns its address (0 if the module has none). The buffer is a
// stack: the unwind pushes the frames, innermost first; the rewind pops
// them, outermost first.
func (inst *instance) asyncBuf() uint64 {
	f := inst.fn("gocage_async_buf")
	if f == nil {
		return 0
	}
	res, err := f.Call(inst.ctx)
	if err != nil || len(res) == 0 {
		return 0
	}
	return res[0]
}

// asyncify calls one of Asyncify's exported controls.
func (inst *instance) asyncify(name string, args ...uint64) error {
	f := inst.fn(name)
	if f == nil {
		return errNoAsyncify
	}
	_, err := f.Call(inst.ctx, args...)
	return err
}

// finish turns how _start ended into the program's end.
func finish(p *cages.Proc, err error) int {
	var exit *sys.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if exit.ExitCode() == sys.ExitCodeContextCanceled || exit.ExitCode() == sys.ExitCodeDeadlineExceeded {
			// Stopped for a signal that kills (start's watches): any
			// call delivers it, SIGKILL first; the exit is a fallback.
			p.Getpid()
			p.Exit(128 + posix.SIGKILL)
		}
		return int(exit.ExitCode())
	case errors.Is(err, errExec):
		runtime.Goexit() // the cage's runner starts the new program
	}
	// A trap: the cage dies as a native process would of its fault.
	sig := posix.SIGSEGV
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unreachable"):
		sig = posix.SIGABRT
	case strings.Contains(msg, "integer divide by zero"), strings.Contains(msg, "integer overflow"):
		sig = posix.SIGFPE
	}
	die(p, sig)
	return 128 + sig
}

// die ends p's cage with signal sig's default action.
func die(p *cages.Proc, sig int) {
	p.Signal(sig, nil)
	var none posix.Sigset
	p.Sigprocmask(posix.SIG_SETMASK, &none)
	p.Kill(p.Cage().Pid(), sig)
}

// progName is the program's name for messages.
func progName(p *cages.Proc) string {
	if a := p.Args(); len(a) > 0 {
		return a[0]
	}
	return "wasm"
}

// instanceOf returns the running instance a host function serves.
func instanceOf(ctx context.Context) *instance {
	inst, _ := ctx.Value(procKey{}).(*instance)
	return inst
}
