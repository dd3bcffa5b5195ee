package wasm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// The "gocage" host module: the system-call interface of gocage's C
// library (musl for wasm32, built by wasm/cc). It has four functions:
//
//   - syscall(n i32, a1..a6 i64) i64: Linux system call n (x86-64
//     numbering) with its arguments as Linux x32 passes them (ints
//     sign-extended, pointers and sizes zero-extended, off_t whole),
//     structures in the C library's wasm32 layouts; the result, or
//     -errno with Linux's numbers. Nothing is translated: the C library
//     sees Linux's errno, flag and signal numbers.
//   - fork() i32: fork through Asyncify (the module unwinds, the host
//     copies it, both rewind).
//   - setjmp(env i32) i32 and longjmp(env, val i32): the C stack saved and
//     restored through Asyncify (setjmp.c in the C library).
//
// A module that imports gocage.syscall is a "Linux" module: the bridge
// gives it no preopened directory and answers fork with Linux's errnos.

// instantiateGocage adds the gocage host module to rt.
func instantiateGocage(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder("gocage")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
		inst := instanceOf(ctx)
		if inst == nil {
			s[0] = negErrno(posix.ENOSYS)
			return
		}
		inst.mod = m
		inst.calls.Add(1)
		args := [6]uint64{s[1], s[2], s[3], s[4], s[5], s[6]}
		s[0] = uint64(inst.syscall(m.Memory(), int(int32(uint32(s[0]))), &args))
		inst.calls.Add(1)
	}), []api.ValueType{i32, i64, i64, i64, i64, i64, i64}, []api.ValueType{i64}).Export("syscall")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
		inst := instanceOf(ctx)
		if inst == nil {
			s[0] = negErrno(posix.ENOSYS) & 0xffffffff
			return
		}
		inst.mod = m
		inst.calls.Add(1)
		s[0] = uint64(uint32(int32(gFork(inst))))
		inst.calls.Add(1)
	}), nil, []api.ValueType{i32}).Export("fork")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
		inst := instanceOf(ctx)
		if inst == nil {
			s[0] = 0
			return
		}
		inst.mod = m
		s[0] = uint64(uint32(int32(gSetjmp(inst, uint32(s[0])))))
	}), []api.ValueType{i32}, []api.ValueType{i32}).Export("setjmp")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
		inst := instanceOf(ctx)
		if inst == nil {
			panic(errors.New("longjmp outside a cage"))
		}
		val := int32(uint32(s[1]))
		if val == 0 {
			val = 1
		}
		panic(&longjmpError{env: jmpKeyOf(m.Memory(), uint32(s[0])), val: val})
	}), []api.ValueType{i32, i32}, nil).Export("longjmp")
	_, err := b.Instantiate(ctx)
	return err
}

// syscall serves gocage.syscall: the calls that concern the module
// itself (its exit, exec, fork and signal handlers) here, the rest in
// linuxSyscall.
func (inst *instance) syscall(mem api.Memory, n int, a *[6]uint64) int64 {
	switch n {
	case checkpointCall:
		// An instrumented loop header found its flag raised. While
		// Asyncify rewinds, the module is not running its code: nothing
		// may be delivered into it.
		if !inst.rewinding {
			inst.p.Checkpoint()
		}
		// Let other goroutines run (the collector's among them): Go's
		// scheduler cannot take the processor from compiled code.
		runtime.Gosched()
		return 0
	case posix.SYS_EXIT, posix.SYS_EXIT_GROUP:
		panic(sys.NewExitError(uint32(int32(uint32(a[0])) & 0xff)))
	case posix.SYS_EXECVE:
		return lExecve(inst, mem, a)
	case posix.SYS_FORK, posix.SYS_VFORK:
		return -int64(posix.ENOSYS) // the fork import does it
	case posix.SYS_RT_SIGACTION:
		return lSigaction(inst, mem, a)
	case posix.SYS_RT_SIGRETURN:
		return -int64(posix.ENOSYS)
	case posix.SYS_PAUSE:
		return lxZero(inst.p.Pause())
	}
	return inst.linuxSyscall(mem, n, a)
}

// negErrno is e as an import's negative result.
func negErrno(e posix.Errno) uint64 { return uint64(-int64(e)) }

// Linux's limits on execve's arguments (include/uapi/linux/binfmts.h,
// fs/exec.c): one string of at most MAX_ARG_STRLEN bytes with its NUL,
// and all of them, with a pointer each, within a quarter of the 8 MiB
// default stack.
const (
	maxArgStrlen = 32 * 4096
	maxArgTotal  = 8 << 20 / 4
)

// cstrings reads the NULL-terminated array of C strings at ptr, as
// execve's copy_strings does: E2BIG for a string longer than
// maxArgStrlen or for more than maxArgTotal bytes in all, EFAULT for a
// pointer or string outside the memory.
func cstrings(mem api.Memory, ptr uint32) ([]string, posix.Errno) {
	var out []string
	total := 0
	for i := uint32(0); ; i++ {
		p, ok := mem.ReadUint32Le(ptr + 4*i)
		if !ok || ptr+4*i < ptr {
			return nil, posix.EFAULT
		}
		if p == 0 {
			return out, 0
		}
		if p >= mem.Size() {
			return nil, posix.EFAULT
		}
		b, _ := mem.Read(p, min(mem.Size()-p, maxArgStrlen))
		n := bytes.IndexByte(b, 0)
		switch {
		case n < 0 && len(b) == maxArgStrlen:
			return nil, posix.E2BIG
		case n < 0:
			return nil, posix.EFAULT
		}
		total += n + 1 + 8 // the string and its pointer, as Linux counts them
		if total > maxArgTotal {
			return nil, posix.E2BIG
		}
		out = append(out, string(b[:n]))
	}
}

// lExecve implements execve(2) for a module: on success the module
// unwinds (run starts the new program).
func lExecve(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	path, e := lxPath(mem, a[0])
	if e != 0 {
		return lxErr(e)
	}
	ap, ok1 := uint32(a[1]), a[1]>>32 == 0
	ep, ok2 := uint32(a[2]), a[2]>>32 == 0
	if !ok1 || !ok2 {
		return lxErr(posix.EFAULT)
	}
	var argv, envv []string
	if ap != 0 {
		if argv, e = cstrings(mem, ap); e != 0 {
			return -int64(e)
		}
	}
	if ep != 0 {
		if envv, e = cstrings(mem, ep); e != 0 {
			return -int64(e)
		}
	}
	if err := inst.p.Exec(path, argv, envv); err != nil {
		return lxZero(err)
	}
	panic(errExec) // unwinds the module; run starts the new program
}

// The C library's struct k_sigaction (arch/x32/ksigaction.h): handler,
// flags and restorer are 4 bytes each, the mask 8.
const (
	ksaHandler = 0
	ksaFlags   = 4
	ksaMask    = 12
	ksaSize    = 20
	sigDFL     = 0
	sigIGN     = 1
	saSiginfo  = 4
)

// lSigaction implements rt_sigaction(2) for a module: a caught signal's
// handler is the function at a table index of the module, run (by
// gocage_signal, in the C library's crt1.c) in the instance of whichever
// cage takes the signal — a forked child runs it in its own memory.
func lSigaction(inst *instance, mem api.Memory, a *[6]uint64) int64 {
	sig := int(int32(uint32(a[0])))
	actp, oldp := uint32(a[1]), uint32(a[2])
	if a[1]>>32 != 0 || a[2]>>32 != 0 {
		return -int64(posix.EFAULT)
	}
	if a[3] != 8 {
		return -int64(posix.EINVAL)
	}
	var act *cages.SigAction
	if actp != 0 {
		raw, ok := mem.Read(actp, ksaSize)
		if !ok {
			return -int64(posix.EFAULT)
		}
		h := binary.LittleEndian.Uint32(raw[ksaHandler:])
		flags := int(int32(binary.LittleEndian.Uint32(raw[ksaFlags:])))
		act = &cages.SigAction{Flags: flags &^ posix.SA_RESTORER, Mask: posix.Sigset(binary.LittleEndian.Uint64(raw[ksaMask:]))}
		switch h {
		case sigDFL:
		case sigIGN:
			act.Disposition = cages.SigIgnore
		default:
			act.Disposition = cages.SigCatch
			act.Data = uint64(h)
			r, info := inst.r, flags&saSiginfo != 0
			act.Run = func(p *cages.Proc, sig int) {
				if v, ok := r.instances.Load(p.Cage().Pid()); ok {
					v.(*instance).callHandler(h, sig, info)
				}
			}
		}
	}
	var old cages.SigAction
	if err := inst.p.Sigaction(sig, act, &old); err != nil {
		return lxZero(err)
	}
	if sig >= 1 && sig <= 64 && act != nil {
		bit := uint64(1) << (sig - 1)
		if act.Disposition == cages.SigCatch {
			inst.catching.Or(bit)
		} else {
			inst.catching.And(^bit)
		}
	}
	if oldp != 0 {
		var raw [ksaSize]byte
		h := uint32(sigDFL)
		switch old.Disposition {
		case cages.SigIgnore:
			h = sigIGN
		case cages.SigCatch:
			h = uint32(old.Data)
		}
		binary.LittleEndian.PutUint32(raw[ksaHandler:], h)
		flags := uint32(old.Flags)
		if old.Disposition == cages.SigCatch {
			flags |= posix.SA_RESTORER
		}
		binary.LittleEndian.PutUint32(raw[ksaFlags:], flags)
		binary.LittleEndian.PutUint64(raw[ksaMask:], uint64(old.Mask))
		if !mem.Write(oldp, raw[:]) {
			return -int64(posix.EFAULT)
		}
	}
	return 0
}

// callHandler runs the module's signal handler at table index h.
func (inst *instance) callHandler(h uint32, sig int, info bool) {
	if inst.mod == nil {
		return
	}
	f := inst.mod.ExportedFunction("gocage_signal")
	if f == nil {
		return
	}
	si := uint64(0)
	if info {
		si = 1
	}
	inst.inHandler++
	defer func() { inst.inHandler-- }()
	// si_code SI_USER; the sender's pid and uid are not kept by the kernel.
	if _, err := f.Call(inst.ctx, uint64(h), uint64(sig), si, 0, 0, 0, 0); err != nil {
		panic(err) // a trap, an exit or a longjmp inside the handler ends the call
	}
}

// errNoAsyncify is fork's failure in a module built without Asyncify.
var errNoAsyncify = errors.New("wasm: fork needs a module built with gocage cc (Asyncify)")

// gFork is the fork import. Called normally, it starts Asyncify's unwind
// (the run loop then forks and rewinds); called while rewinding, it ends
// the rewind and answers: 0 in the child, the child's pid in the parent,
// or -errno.
func gFork(inst *instance) int64 {
	if inst.rewinding {
		inst.rewinding = false
		if err := inst.asyncify("asyncify_stop_rewind"); err != nil {
			panic(err)
		}
		return inst.forkResult
	}
	if inst.inHandler > 0 {
		return -int64(posix.ENOSYS) // the handler's frames are the host's: they cannot be rebuilt
	}
	buf := inst.asyncBuf()
	if buf == 0 || inst.fn("asyncify_start_unwind") == nil {
		return -int64(posix.ENOSYS)
	}
	if err := inst.asyncify("asyncify_start_unwind", buf); err != nil {
		panic(err)
	}
	inst.unwind = unwindFork
	return 0
}

// gSetjmp is the setjmp import: it saves the stack as fork does, under
// a key it writes into the jmp_buf (run does the saving), and then
// answers 0; rewound by a longjmp, it answers longjmp's value.
func gSetjmp(inst *instance, env uint32) int64 {
	if inst.rewinding {
		inst.rewinding = false
		if err := inst.asyncify("asyncify_stop_rewind"); err != nil {
			panic(err)
		}
		return inst.forkResult
	}
	mem := inst.mod.Memory()
	if inst.inHandler > 0 {
		putJmpKey(mem, env, 0) // not saved: a longjmp to it ends the program
		return 0
	}
	buf := inst.asyncBuf()
	if buf == 0 || inst.fn("asyncify_start_unwind") == nil {
		return 0
	}
	key := inst.jmpKey(mem, env)
	putJmpKey(mem, env, key)
	if err := inst.asyncify("asyncify_start_unwind", buf); err != nil {
		panic(err)
	}
	inst.unwind = unwindSetjmp
	inst.jmpEnv = key
	return 0
}

// A jmp_buf holds, in its first 8 bytes, jmpMagic and the key of the
// stack its setjmp saved: as a native jmp_buf holds the registers, a
// copy of one made with memcpy longjmps where the original does, and a
// jmp_buf saved, set again by an inner frame and restored longjmps to
// the outer frame (an unwind-protect's re-throw). The key of a setjmp
// at env is one of env..env+jmpKeys-1, which no other jmp_buf's can be
// (jmp_bufs are 64 bytes): the key the buffer holds, if it is still
// saved for a frame at the same depth (the same setjmp run again, as in
// a loop), else the first that is free or saved at that depth. With
// all of them held by deeper frames' setjmps, env itself is taken
// again.
const (
	jmpMagic = 0x626a6367 // "gcjb"
	jmpKeys  = 64
)

// jmpKey returns the key under which the setjmp at env saves its stack.
func (inst *instance) jmpKey(mem api.Memory, env uint32) uint32 {
	var sp uint64
	if g := inst.mod.ExportedGlobal("__stack_pointer"); g != nil {
		sp = g.Get()
	}
	sameDepth := func(k uint32) bool { j := inst.jmps[k]; return j != nil && j.sp == sp }
	if k := jmpKeyOf(mem, env); k-env < jmpKeys && sameDepth(k) {
		return k
	}
	for k := env; k-env < jmpKeys && k >= env; k++ {
		if inst.jmps[k] == nil || sameDepth(k) {
			return k
		}
	}
	return env
}

// jmpKeyOf returns the key the jmp_buf at env holds (env itself if it
// holds none: no setjmp set it).
func jmpKeyOf(mem api.Memory, env uint32) uint32 {
	magic, ok1 := mem.ReadUint32Le(env)
	key, ok2 := mem.ReadUint32Le(env + 4)
	if !ok1 || !ok2 || magic != jmpMagic {
		return env
	}
	return key
}

// putJmpKey writes key into the jmp_buf at env.
func putJmpKey(mem api.Memory, env, key uint32) {
	mem.WriteUint32Le(env, jmpMagic)
	mem.WriteUint32Le(env+4, key)
}

// longjmpError unwinds the module out of longjmp; run then rewinds the
// stack saved by the setjmp at env.
type longjmpError struct {
	env uint32
	val int32
}

func (e *longjmpError) Error() string {
	return fmt.Sprintf("longjmp to %#x", e.env)
}

// jmpState is the stack a setjmp saved: the Asyncify data and the C
// stack pointer. It is immutable once saved (forked children share it).
type jmpState struct {
	data []byte
	sp   uint64
}
