package wasm

import (
	"context"
	"encoding/binary"
	"errors"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// The "gocage" host module: what WASI lacks, for gocage's C runtime
// (wasm/runtime/gocage.c) to build the POSIX calls on. Every function
// takes i32s and returns an i32: a result ≥ 0, or a negated WASI errno.
// Flags and structures travel in Linux's encoding: the C runtime
// translates wasi-libc's constants, so that the kernel sees Linux's.

// gocageFuncs are the host module's functions and their arities.
var gocageFuncs = []struct {
	name  string
	arity int
	fn    func(inst *instance, mem api.Memory, s []uint64) int64
}{
	{"pipe2", 2, gPipe2},
	{"dup", 1, func(inst *instance, _ api.Memory, s []uint64) int64 { return ret(inst.p.Dup(fd(s, 0))) }},
	{"dup2", 2, func(inst *instance, _ api.Memory, s []uint64) int64 { return ret(inst.p.Dup2(fd(s, 0), fd(s, 1))) }},
	{"dup3", 3, func(inst *instance, _ api.Memory, s []uint64) int64 {
		return ret(inst.p.Dup3(fd(s, 0), fd(s, 1), int(int32(s[2]))))
	}},
	{"fcntl", 3, func(inst *instance, _ api.Memory, s []uint64) int64 {
		return ret(inst.p.Fcntl(fd(s, 0), int(int32(s[1])), int(int32(s[2]))))
	}},
	{"fionread", 2, gFionread},
	{"execve", 3, gExecve},
	{"wait4", 3, gWait4},
	{"kill", 2, func(inst *instance, _ api.Memory, s []uint64) int64 {
		return ret(0, inst.p.Kill(int(int32(s[0])), int(int32(s[1]))))
	}},
	{"getpid", 0, func(inst *instance, _ api.Memory, _ []uint64) int64 { return int64(inst.p.Getpid()) }},
	{"getppid", 0, func(inst *instance, _ api.Memory, _ []uint64) int64 { return int64(inst.p.Getppid()) }},
	{"getpgid", 1, func(inst *instance, _ api.Memory, s []uint64) int64 { return ret(inst.p.Getpgid(int(int32(s[0])))) }},
	{"setpgid", 2, func(inst *instance, _ api.Memory, s []uint64) int64 {
		return ret(0, inst.p.Setpgid(int(int32(s[0])), int(int32(s[1]))))
	}},
	{"getsid", 1, func(inst *instance, _ api.Memory, s []uint64) int64 { return ret(inst.p.Getsid(int(int32(s[0])))) }},
	{"setsid", 0, func(inst *instance, _ api.Memory, _ []uint64) int64 { return ret(inst.p.Setsid()) }},
	{"sigaction", 5, gSigaction},
	{"sigprocmask", 3, gSigprocmask},
	{"sigpending", 1, gSigpending},
	{"sigsuspend", 1, gSigsuspend},
	{"alarm", 1, func(inst *instance, _ api.Memory, s []uint64) int64 { return int64(inst.p.Alarm(uint(uint32(s[0])))) }},
	{"getrlimit", 2, gGetrlimit},
	{"setrlimit", 2, gSetrlimit},
	{"mknod", 3, gMknod},
	{"poll", 3, gPoll},
	{"chdir", 2, gChdir},
	{"getcwd", 2, gGetcwd},
	{"umask", 1, func(inst *instance, _ api.Memory, s []uint64) int64 { return int64(inst.p.Umask(int(uint32(s[0])))) }},
	{"fork", 0, gFork},
}

// instantiateGocage adds the gocage host module to rt.
func instantiateGocage(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder("gocage")
	for _, f := range gocageFuncs {
		fn := f.fn
		params := make([]api.ValueType, f.arity)
		for i := range params {
			params[i] = i32
		}
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
			inst := instanceOf(ctx)
			if inst == nil {
				stack[0] = uint64(uint32(1<<32 - wasiENOSYS))
				return
			}
			inst.mod = m
			inst.calls.Add(1)
			stack[0] = uint64(uint32(int32(fn(inst, m.Memory(), stack))))
			inst.calls.Add(1)
		}), params, []api.ValueType{i32}).Export(f.name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// ret turns a call's (result, error) into the host module's i32 answer.
func ret(r int, err error) int64 {
	if err != nil {
		return -int64(wasiErrno(err))
	}
	return int64(r)
}

// efault is the answer for a bad pointer.
const efault = -int64(wasiEFAULT)

func gPipe2(inst *instance, mem api.Memory, s []uint64) int64 {
	r, w, err := inst.p.Pipe2(int(int32(s[1])))
	if err != nil {
		return ret(0, err)
	}
	if !putU32(mem, u32(s, 0), uint32(r)) || !putU32(mem, u32(s, 0)+4, uint32(w)) {
		inst.p.Close(r)
		inst.p.Close(w)
		return efault
	}
	return 0
}

func gFionread(inst *instance, mem api.Memory, s []uint64) int64 {
	var n int32
	if err := inst.p.Ioctl(fd(s, 0), posix.FIONREAD, &n); err != nil {
		return ret(0, err)
	}
	if !putU32(mem, u32(s, 1), uint32(n)) {
		return efault
	}
	return 0
}

// cstring reads a NUL-terminated string at ptr, of at most max bytes.
func cstring(mem api.Memory, ptr uint32, max uint32) (string, bool) {
	size := mem.Size()
	if ptr >= size {
		return "", false
	}
	n := min(size-ptr, max)
	b, _ := mem.Read(ptr, n)
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), true
		}
	}
	return "", false
}

// cstrings reads a NULL-terminated array of C strings at ptr.
func cstrings(mem api.Memory, ptr uint32) ([]string, bool) {
	var out []string
	for i := uint32(0); ; i++ {
		if i > 1<<16 {
			return nil, false
		}
		p, ok := mem.ReadUint32Le(ptr + 4*i)
		if !ok {
			return nil, false
		}
		if p == 0 {
			return out, true
		}
		s, ok := cstring(mem, p, 1<<20)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
}

func gExecve(inst *instance, mem api.Memory, s []uint64) int64 {
	path, ok := cstring(mem, u32(s, 0), 4096)
	if !ok {
		return efault
	}
	argv, ok := cstrings(mem, u32(s, 1))
	if !ok {
		return efault
	}
	envv, ok := cstrings(mem, u32(s, 2))
	if !ok {
		return efault
	}
	if err := inst.p.Exec(path, argv, envv); err != nil {
		return ret(0, err)
	}
	panic(errExec) // unwinds the module; run starts the new program
}

func gWait4(inst *instance, mem api.Memory, s []uint64) int64 {
	pid, st, err := inst.p.Wait4(int(int32(s[0])), int(int32(s[2])))
	if err != nil {
		return ret(0, err)
	}
	if ptr := u32(s, 1); ptr != 0 && pid > 0 {
		if !putU32(mem, ptr, uint32(st)) {
			return efault
		}
	}
	return int64(pid)
}

// gSigaction sets signal sig's disposition: kind 0 default, 1 ignore,
// 2 catch with the module's function at table index handler (run by the
// runtime's exported gocage_signal trampoline), with sa_flags flags and
// the mask at maskPtr. It returns the previous kind.
func gSigaction(inst *instance, mem api.Memory, s []uint64) int64 {
	sig, kind, handler, flags, maskPtr := int(int32(s[0])), u32(s, 1), u32(s, 2), int(int32(s[3])), u32(s, 4)
	var old cages.SigAction
	if kind > 2 {
		if err := inst.p.Sigaction(sig, nil, &old); err != nil {
			return ret(0, err)
		}
		return int64(old.Disposition)
	}
	var mask posix.Sigset
	if maskPtr != 0 {
		v, ok := mem.ReadUint64Le(maskPtr)
		if !ok {
			return efault
		}
		mask = posix.Sigset(v)
	}
	act := cages.SigAction{Flags: flags, Mask: mask}
	switch kind {
	case 1:
		act.Disposition = cages.SigIgnore
	case 2:
		act.Disposition = cages.SigCatch
		r, pid := inst.r, inst.p.Cage().Pid()
		act.Handler = func(sig int) {
			// The instance running in the cage when the signal comes: a
			// forked child runs the handler in its own copy.
			if v, ok := r.instances.Load(pid); ok {
				v.(*instance).callHandler(handler, sig)
			}
		}
	}
	if err := inst.p.Sigaction(sig, &act, &old); err != nil {
		return ret(0, err)
	}
	bit := uint64(1) << (sig - 1) // sig is valid: the kernel took it
	if kind == 2 {
		inst.catching.Or(bit)
	} else {
		inst.catching.And(^bit)
	}
	return int64(old.Disposition)
}

// callHandler runs the module's signal handler at table index h.
func (inst *instance) callHandler(h uint32, sig int) {
	if inst.mod == nil {
		return
	}
	f := inst.mod.ExportedFunction("gocage_signal")
	if f == nil {
		return
	}
	if _, err := f.Call(inst.ctx, uint64(h), uint64(sig)); err != nil {
		panic(err) // a trap or an exit inside the handler ends the module
	}
}

func gSigprocmask(inst *instance, mem api.Memory, s []uint64) int64 {
	var set *posix.Sigset
	how, setPtr, oldPtr := int(int32(s[0])), u32(s, 1), u32(s, 2)
	if setPtr != 0 {
		v, ok := mem.ReadUint64Le(setPtr)
		if !ok {
			return efault
		}
		ss := posix.Sigset(v)
		set = &ss
	}
	old, err := inst.p.Sigprocmask(how, set)
	if err != nil {
		return ret(0, err)
	}
	if oldPtr != 0 && !putU64(mem, oldPtr, uint64(old)) {
		return efault
	}
	return 0
}

func gSigpending(inst *instance, mem api.Memory, s []uint64) int64 {
	set, err := inst.p.Sigpending()
	if err != nil {
		return ret(0, err)
	}
	if !putU64(mem, u32(s, 0), uint64(set)) {
		return efault
	}
	return 0
}

func gSigsuspend(inst *instance, mem api.Memory, s []uint64) int64 {
	v, ok := mem.ReadUint64Le(u32(s, 0))
	if !ok {
		return efault
	}
	return ret(0, inst.p.Sigsuspend(posix.Sigset(v)))
}

func gGetrlimit(inst *instance, mem api.Memory, s []uint64) int64 {
	rl, err := inst.p.Getrlimit(int(int32(s[0])))
	if err != nil {
		return ret(0, err)
	}
	if !putU64(mem, u32(s, 1), rl.Cur) || !putU64(mem, u32(s, 1)+8, rl.Max) {
		return efault
	}
	return 0
}

func gSetrlimit(inst *instance, mem api.Memory, s []uint64) int64 {
	cur, ok1 := mem.ReadUint64Le(u32(s, 1))
	max, ok2 := mem.ReadUint64Le(u32(s, 1) + 8)
	if !ok1 || !ok2 {
		return efault
	}
	return ret(0, inst.p.Setrlimit(int(int32(s[0])), posix.Rlimit{Cur: cur, Max: max}))
}

func gMknod(inst *instance, mem api.Memory, s []uint64) int64 {
	path, ok := cstring(mem, u32(s, 0), 4096)
	if !ok {
		return efault
	}
	return ret(0, inst.p.Mknodat(posix.AT_FDCWD, path, u32(s, 1), uint64(u32(s, 2))))
}

func gPoll(inst *instance, mem api.Memory, s []uint64) int64 {
	ptr, n := u32(s, 0), u32(s, 1)
	if n > 1<<16 {
		return -int64(wasiEINVAL)
	}
	raw, ok := mem.Read(ptr, n*8)
	if !ok {
		return efault
	}
	fds := make([]posix.PollFd, n)
	for i := range fds {
		fds[i].Fd = int32(binary.LittleEndian.Uint32(raw[i*8:]))
		fds[i].Events = int16(binary.LittleEndian.Uint16(raw[i*8+4:]))
	}
	r, err := inst.p.Poll(fds, int(int32(s[2])))
	if err != nil {
		return ret(0, err)
	}
	for i := range fds {
		binary.LittleEndian.PutUint16(raw[i*8+6:], uint16(fds[i].Revents))
	}
	return int64(r)
}

func gChdir(inst *instance, mem api.Memory, s []uint64) int64 {
	path, ok := str(mem, u32(s, 0), u32(s, 1))
	if !ok {
		return efault
	}
	return ret(0, inst.p.Chdir(path))
}

func gGetcwd(inst *instance, mem api.Memory, s []uint64) int64 {
	dir, err := inst.p.Getcwd()
	if err != nil {
		return ret(0, err)
	}
	if uint32(len(dir))+1 > u32(s, 1) {
		return -int64(linuxToWASI[posix.ERANGE])
	}
	if !mem.WriteString(u32(s, 0), dir) || !mem.WriteByte(u32(s, 0)+uint32(len(dir)), 0) {
		return efault
	}
	return int64(len(dir))
}

// errNoAsyncify is fork's failure in a module built without Asyncify.
var errNoAsyncify = errors.New("wasm: fork needs a module built with gocage cc (Asyncify)")

// gFork is the fork import. Called normally, it starts Asyncify's unwind
// (the run loop then forks and rewinds); called while rewinding, it ends
// the rewind and answers: 0 in the child, the child's pid in the parent.
func gFork(inst *instance, mem api.Memory, s []uint64) int64 {
	mod := inst.mod
	if inst.rewinding {
		inst.rewinding = false
		if err := asyncifyCall(inst.ctx, mod, "asyncify_stop_rewind"); err != nil {
			panic(err)
		}
		return inst.forkResult
	}
	buf := asyncBuf(inst.ctx, mod)
	if buf == 0 || mod.ExportedFunction("asyncify_start_unwind") == nil {
		return -int64(wasiENOSYS)
	}
	if err := asyncifyCall(inst.ctx, mod, "asyncify_start_unwind", buf); err != nil {
		panic(err)
	}
	inst.forking = true
	return 0
}
