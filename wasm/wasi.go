package wasm

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"runtime"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/gocage/gocage/posix"
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// hostFunc is a host function: it reads its parameters from stack and
// returns the WASI errno it answers.
type hostFunc func(inst *instance, mem api.Memory, stack []uint64) uint64

// wasiFuncs are gocage's wasi_snapshot_preview1: every function with its
// parameter types (each returns one i32 errno).
var wasiFuncs = []struct {
	name   string
	params []api.ValueType
	fn     hostFunc
}{
	{"args_get", []api.ValueType{i32, i32}, argsGet},
	{"args_sizes_get", []api.ValueType{i32, i32}, argsSizesGet},
	{"environ_get", []api.ValueType{i32, i32}, environGet},
	{"environ_sizes_get", []api.ValueType{i32, i32}, environSizesGet},
	{"clock_res_get", []api.ValueType{i32, i32}, clockResGet},
	{"clock_time_get", []api.ValueType{i32, i64, i32}, clockTimeGet},
	{"fd_advise", []api.ValueType{i32, i64, i64, i32}, fdAdvise},
	{"fd_allocate", []api.ValueType{i32, i64, i64}, fdAllocate},
	{"fd_close", []api.ValueType{i32}, fdClose},
	{"fd_datasync", []api.ValueType{i32}, fdDatasync},
	{"fd_fdstat_get", []api.ValueType{i32, i32}, fdFdstatGet},
	{"fd_fdstat_set_flags", []api.ValueType{i32, i32}, fdFdstatSetFlags},
	{"fd_fdstat_set_rights", []api.ValueType{i32, i64, i64}, fdFdstatSetRights},
	{"fd_filestat_get", []api.ValueType{i32, i32}, fdFilestatGet},
	{"fd_filestat_set_size", []api.ValueType{i32, i64}, fdFilestatSetSize},
	{"fd_filestat_set_times", []api.ValueType{i32, i64, i64, i32}, fdFilestatSetTimes},
	{"fd_pread", []api.ValueType{i32, i32, i32, i64, i32}, fdPread},
	{"fd_prestat_get", []api.ValueType{i32, i32}, fdPrestatGet},
	{"fd_prestat_dir_name", []api.ValueType{i32, i32, i32}, fdPrestatDirName},
	{"fd_pwrite", []api.ValueType{i32, i32, i32, i64, i32}, fdPwrite},
	{"fd_read", []api.ValueType{i32, i32, i32, i32}, fdRead},
	{"fd_readdir", []api.ValueType{i32, i32, i32, i64, i32}, fdReaddir},
	{"fd_renumber", []api.ValueType{i32, i32}, fdRenumber},
	{"fd_seek", []api.ValueType{i32, i64, i32, i32}, fdSeek},
	{"fd_sync", []api.ValueType{i32}, fdSync},
	{"fd_tell", []api.ValueType{i32, i32}, fdTell},
	{"fd_write", []api.ValueType{i32, i32, i32, i32}, fdWrite},
	{"path_create_directory", []api.ValueType{i32, i32, i32}, pathCreateDirectory},
	{"path_filestat_get", []api.ValueType{i32, i32, i32, i32, i32}, pathFilestatGet},
	{"path_filestat_set_times", []api.ValueType{i32, i32, i32, i32, i64, i64, i32}, pathFilestatSetTimes},
	{"path_link", []api.ValueType{i32, i32, i32, i32, i32, i32, i32}, pathLink},
	{"path_open", []api.ValueType{i32, i32, i32, i32, i32, i64, i64, i32, i32}, pathOpen},
	{"path_readlink", []api.ValueType{i32, i32, i32, i32, i32, i32}, pathReadlink},
	{"path_remove_directory", []api.ValueType{i32, i32, i32}, pathRemoveDirectory},
	{"path_rename", []api.ValueType{i32, i32, i32, i32, i32, i32}, pathRename},
	{"path_symlink", []api.ValueType{i32, i32, i32, i32, i32}, pathSymlink},
	{"path_unlink_file", []api.ValueType{i32, i32, i32}, pathUnlinkFile},
	{"poll_oneoff", []api.ValueType{i32, i32, i32, i32}, pollOneoff},
	{"proc_raise", []api.ValueType{i32}, procRaise},
	{"sched_yield", nil, schedYield},
	{"random_get", []api.ValueType{i32, i32}, randomGet},
	{"sock_accept", []api.ValueType{i32, i32, i32}, enosys},
	{"sock_recv", []api.ValueType{i32, i32, i32, i32, i32, i32}, enosys},
	{"sock_send", []api.ValueType{i32, i32, i32, i32, i32}, enosys},
	{"sock_shutdown", []api.ValueType{i32, i32}, enosys},
}

// instantiateWASI adds gocage's wasi_snapshot_preview1 to rt.
func instantiateWASI(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder("wasi_snapshot_preview1")
	for _, f := range wasiFuncs {
		fn := f.fn
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
			inst := instanceOf(ctx)
			if inst == nil {
				stack[0] = wasiENOSYS
				return
			}
			inst.calls.Add(1)
			stack[0] = fn(inst, m.Memory(), stack)
			inst.calls.Add(1)
		}), f.params, []api.ValueType{i32}).Export(f.name)
	}
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
		panic(sys.NewExitError(uint32(stack[0])))
	}), []api.ValueType{i32}, nil).Export("proc_exit")
	_, err := b.Instantiate(ctx)
	return err
}

func enosys(*instance, api.Memory, []uint64) uint64 { return wasiENOSYS }

// u32 is parameter i as a uint32 (a pointer or a length).
func u32(stack []uint64, i int) uint32 { return uint32(stack[i]) }

// fd is parameter i as an fd (an i32).
func fd(stack []uint64, i int) int { return int(int32(uint32(stack[i]))) }

// str reads a string the module passed as (ptr, len).
func str(mem api.Memory, ptr, n uint32) (string, bool) {
	b, ok := mem.Read(ptr, n)
	return string(b), ok
}

// putU32 and putU64 store a result; false when the pointer is out of
// bounds.
func putU32(mem api.Memory, ptr uint32, v uint32) bool { return mem.WriteUint32Le(ptr, v) }
func putU64(mem api.Memory, ptr uint32, v uint64) bool { return mem.WriteUint64Le(ptr, v) }

// iovecs reads n (buf, len) pairs at ptr as slices of the memory.
func iovecs(mem api.Memory, ptr, n uint32) ([][]byte, bool) {
	if n > 1024 {
		return nil, false
	}
	raw, ok := mem.Read(ptr, n*8)
	if !ok {
		return nil, false
	}
	out := make([][]byte, n)
	for i := range out {
		base := binary.LittleEndian.Uint32(raw[i*8:])
		l := binary.LittleEndian.Uint32(raw[i*8+4:])
		b, ok := mem.Read(base, l)
		if !ok {
			return nil, false
		}
		out[i] = b
	}
	return out, true
}

// strings writes list as a NUL-terminated string table: pointers at
// ptrs, bytes at buf.
func putStrings(mem api.Memory, list []string, ptrs, buf uint32) uint64 {
	for _, s := range list {
		if !putU32(mem, ptrs, buf) || !mem.WriteString(buf, s) || !mem.WriteByte(buf+uint32(len(s)), 0) {
			return wasiEFAULT
		}
		ptrs += 4
		buf += uint32(len(s)) + 1
	}
	return wasiSuccess
}

// putSizes writes a string table's count and byte size.
func putSizes(mem api.Memory, list []string, countPtr, sizePtr uint32) uint64 {
	size := 0
	for _, s := range list {
		size += len(s) + 1
	}
	if !putU32(mem, countPtr, uint32(len(list))) || !putU32(mem, sizePtr, uint32(size)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func argsGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	return putStrings(mem, inst.p.Args(), u32(s, 0), u32(s, 1))
}

func argsSizesGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	return putSizes(mem, inst.p.Args(), u32(s, 0), u32(s, 1))
}

func environGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	return putStrings(mem, inst.p.Environ(), u32(s, 0), u32(s, 1))
}

func environSizesGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	return putSizes(mem, inst.p.Environ(), u32(s, 0), u32(s, 1))
}

func clockResGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	if u32(s, 0) > 3 {
		return wasiEINVAL
	}
	if !putU64(mem, u32(s, 1), 1) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func clockTimeGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	// WASI's clock ids 0-3 are Linux's CLOCK_REALTIME, CLOCK_MONOTONIC,
	// CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID.
	id := u32(s, 0)
	if id > 3 {
		return wasiEINVAL
	}
	ts, err := inst.p.ClockGettime(int(id))
	if err != nil {
		return wasiErrno(err)
	}
	if !putU64(mem, u32(s, 2), uint64(ts.Nano())) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdAdvise(inst *instance, mem api.Memory, s []uint64) uint64 {
	_, err := inst.p.Fstat(fd(s, 0))
	return wasiErrno(err)
}

func fdAllocate(inst *instance, mem api.Memory, s []uint64) uint64 {
	st, err := inst.p.Fstat(fd(s, 0))
	if err != nil {
		return wasiErrno(err)
	}
	if end := int64(s[1] + s[2]); end > st.Size {
		return wasiErrno(inst.p.Ftruncate(fd(s, 0), end))
	}
	return wasiSuccess
}

func fdClose(inst *instance, mem api.Memory, s []uint64) uint64 {
	if fd(s, 0) == inst.preopen {
		inst.preopen = -1
	}
	return wasiErrno(inst.p.Close(fd(s, 0)))
}

func fdDatasync(inst *instance, mem api.Memory, s []uint64) uint64 {
	return wasiErrno(inst.p.Fdatasync(fd(s, 0)))
}

func fdSync(inst *instance, mem api.Memory, s []uint64) uint64 {
	return wasiErrno(inst.p.Fsync(fd(s, 0)))
}

// WASI file types.
const (
	wasiFileUnknown   = 0
	wasiFileBlock     = 1
	wasiFileChar      = 2
	wasiFileDirectory = 3
	wasiFileRegular   = 4
	wasiFileSocket    = 6 // SOCKET_STREAM
	wasiFileSymlink   = 7
)

// fileType is WASI's type of a Linux st_mode. WASI has no FIFOs: they,
// pipes included, are given the socket type, which wasi-libc's stat turns
// into its S_IFSOCK, the value its S_IFIFO shares, so that S_ISFIFO holds.
func fileType(mode uint32) uint8 {
	switch mode & posix.S_IFMT {
	case posix.S_IFIFO, posix.S_IFSOCK:
		return wasiFileSocket
	case posix.S_IFBLK:
		return wasiFileBlock
	case posix.S_IFCHR:
		return wasiFileChar
	case posix.S_IFDIR:
		return wasiFileDirectory
	case posix.S_IFREG:
		return wasiFileRegular
	case posix.S_IFLNK:
		return wasiFileSymlink
	}
	return wasiFileUnknown
}

// WASI fd flags.
const (
	wasiFdAppend   = 1
	wasiFdDsync    = 2
	wasiFdNonblock = 4
	wasiFdRsync    = 8
	wasiFdSync     = 16
)

// The rights a terminal lacks, as wasi-libc's isatty tests them.
const (
	wasiRightSeek = 1 << 2
	wasiRightTell = 1 << 5
	allRights     = 1<<30 - 1
)

func fdFdstatGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, f := inst.p, fd(s, 0)
	st, err := p.Fstat(f)
	if err != nil {
		return wasiErrno(err)
	}
	fl, err := p.Fcntl(f, posix.F_GETFL, 0)
	if err != nil {
		return wasiErrno(err)
	}
	var flags uint16
	if fl&posix.O_APPEND != 0 {
		flags |= wasiFdAppend
	}
	if fl&posix.O_DSYNC != 0 {
		flags |= wasiFdDsync
	}
	if fl&posix.O_NONBLOCK != 0 {
		flags |= wasiFdNonblock
	}
	if fl&posix.O_SYNC == posix.O_SYNC {
		flags |= wasiFdSync | wasiFdRsync
	}
	typ := fileType(st.Mode)
	rights := uint64(allRights)
	if p.Ioctl(f, posix.TCGETS, nil) == nil {
		typ = wasiFileChar
		rights &^= wasiRightSeek | wasiRightTell
	}
	ptr := u32(s, 1)
	var buf [24]byte
	buf[0] = typ
	binary.LittleEndian.PutUint16(buf[2:], flags)
	binary.LittleEndian.PutUint64(buf[8:], rights)
	binary.LittleEndian.PutUint64(buf[16:], rights)
	if !mem.Write(ptr, buf[:]) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdFdstatSetFlags(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, f := inst.p, fd(s, 0)
	fl, err := p.Fcntl(f, posix.F_GETFL, 0)
	if err != nil {
		return wasiErrno(err)
	}
	w := u32(s, 1)
	fl &^= posix.O_APPEND | posix.O_NONBLOCK
	if w&wasiFdAppend != 0 {
		fl |= posix.O_APPEND
	}
	if w&wasiFdNonblock != 0 {
		fl |= posix.O_NONBLOCK
	}
	_, err = p.Fcntl(f, posix.F_SETFL, fl)
	return wasiErrno(err)
}

func fdFdstatSetRights(inst *instance, mem api.Memory, s []uint64) uint64 {
	_, err := inst.p.Fstat(fd(s, 0))
	return wasiErrno(err)
}

// putFilestat writes WASI's filestat of st at ptr.
func putFilestat(mem api.Memory, ptr uint32, st posix.Stat) uint64 {
	var buf [64]byte
	binary.LittleEndian.PutUint64(buf[0:], st.Dev)
	binary.LittleEndian.PutUint64(buf[8:], st.Ino)
	buf[16] = fileType(st.Mode)
	binary.LittleEndian.PutUint64(buf[24:], st.Nlink)
	binary.LittleEndian.PutUint64(buf[32:], uint64(st.Size))
	binary.LittleEndian.PutUint64(buf[40:], uint64(st.Atim.Nano()))
	binary.LittleEndian.PutUint64(buf[48:], uint64(st.Mtim.Nano()))
	binary.LittleEndian.PutUint64(buf[56:], uint64(st.Ctim.Nano()))
	if !mem.Write(ptr, buf[:]) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdFilestatGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	st, err := inst.p.Fstat(fd(s, 0))
	if err != nil {
		return wasiErrno(err)
	}
	return putFilestat(mem, u32(s, 1), st)
}

func fdFilestatSetSize(inst *instance, mem api.Memory, s []uint64) uint64 {
	return wasiErrno(inst.p.Ftruncate(fd(s, 0), int64(s[1])))
}

// times turns WASI's (atim, mtim, fstflags) into utimensat's times.
func times(atim, mtim uint64, flags uint32) (*[2]posix.Timespec, bool) {
	const atimSet, atimNow, mtimSet, mtimNow = 1, 2, 4, 8
	if flags&(atimSet|atimNow) == atimSet|atimNow || flags&(mtimSet|mtimNow) == mtimSet|mtimNow {
		return nil, false
	}
	t := [2]posix.Timespec{{Nsec: posix.UTIME_OMIT}, {Nsec: posix.UTIME_OMIT}}
	switch {
	case flags&atimNow != 0:
		t[0].Nsec = posix.UTIME_NOW
	case flags&atimSet != 0:
		t[0] = posix.NsecToTimespec(int64(atim))
	}
	switch {
	case flags&mtimNow != 0:
		t[1].Nsec = posix.UTIME_NOW
	case flags&mtimSet != 0:
		t[1] = posix.NsecToTimespec(int64(mtim))
	}
	return &t, true
}

func fdFilestatSetTimes(inst *instance, mem api.Memory, s []uint64) uint64 {
	t, ok := times(s[1], s[2], u32(s, 3))
	if !ok {
		return wasiEINVAL
	}
	return wasiErrno(inst.p.Futimens(fd(s, 0), t))
}

func fdPread(inst *instance, mem api.Memory, s []uint64) uint64 {
	return positioned(mem, s, inst.p.Pread)
}

func fdPwrite(inst *instance, mem api.Memory, s []uint64) uint64 {
	return positioned(mem, s, inst.p.Pwrite)
}

// positioned is fd_pread and fd_pwrite: op on each iovec in turn at the
// offset, until one is short; the count is stored at the last parameter.
func positioned(mem api.Memory, s []uint64, op func(fd int, b []byte, off int64) (int, error)) uint64 {
	iov, ok := iovecs(mem, u32(s, 1), u32(s, 2))
	if !ok {
		return wasiEFAULT
	}
	off, total := int64(s[3]), 0
	for _, b := range iov {
		n, err := op(fd(s, 0), b, off)
		if err != nil {
			if total == 0 {
				return wasiErrno(err)
			}
			break
		}
		total += n
		off += int64(n)
		if n < len(b) {
			break
		}
	}
	if !putU32(mem, u32(s, 4), uint32(total)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdPrestatGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	if fd(s, 0) != inst.preopen || inst.preopen < 0 {
		return wasiEBADF
	}
	var buf [8]byte
	binary.LittleEndian.PutUint32(buf[4:], 1) // len("/")
	if !mem.Write(u32(s, 1), buf[:]) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdPrestatDirName(inst *instance, mem api.Memory, s []uint64) uint64 {
	if fd(s, 0) != inst.preopen || inst.preopen < 0 {
		return wasiEBADF
	}
	if u32(s, 2) < 1 {
		return wasiEINVAL
	}
	if !mem.WriteByte(u32(s, 1), '/') {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdRead(inst *instance, mem api.Memory, s []uint64) uint64 {
	return vectored(mem, s, inst.p.Read, inst.p.Readv)
}

func fdWrite(inst *instance, mem api.Memory, s []uint64) uint64 {
	return vectored(mem, s, inst.p.Write, inst.p.Writev)
}

// vectored is fd_read and fd_write: one call for the iovecs (the plain
// one for a single buffer, the common case), the count stored at the
// last parameter.
func vectored(mem api.Memory, s []uint64, one func(int, []byte) (int, error), many func(int, [][]byte) (int, error)) uint64 {
	iov, ok := iovecs(mem, u32(s, 1), u32(s, 2))
	if !ok {
		return wasiEFAULT
	}
	var n int
	var err error
	if len(iov) == 1 {
		n, err = one(fd(s, 0), iov[0])
	} else {
		n, err = many(fd(s, 0), iov)
	}
	if err != nil {
		return wasiErrno(err)
	}
	if !putU32(mem, u32(s, 3), uint32(n)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

// fdReaddir lists a directory in WASI's format: each entry a 24-byte
// header (next cookie, inode, name length, type) and the name; a cookie
// is the index of the next entry. The directory is reread from its start
// each call, as WASI's cookies are positions, not offsets.
func fdReaddir(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, f := inst.p, fd(s, 0)
	bufPtr, bufLen, cookie := u32(s, 1), u32(s, 2), s[3]
	out, ok := mem.Read(bufPtr, bufLen)
	if !ok {
		return wasiEFAULT
	}
	if _, err := p.Lseek(f, 0, posix.SEEK_SET); err != nil {
		return wasiErrno(err)
	}
	raw := make([]byte, 32<<10)
	used, index := uint32(0), uint64(0)
	for used < bufLen {
		n, err := p.Getdents64(f, raw)
		if err != nil {
			return wasiErrno(err)
		}
		if n == 0 {
			break
		}
		for off := 0; off+19 <= n && used < bufLen; {
			ino := binary.LittleEndian.Uint64(raw[off:])
			reclen := int(binary.LittleEndian.Uint16(raw[off+16:]))
			dtype := raw[off+18]
			name := raw[off+19 : off+reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			off += reclen
			index++
			if index <= cookie {
				continue
			}
			var hdr [24]byte
			binary.LittleEndian.PutUint64(hdr[0:], index)
			binary.LittleEndian.PutUint64(hdr[8:], ino)
			binary.LittleEndian.PutUint32(hdr[16:], uint32(len(name)))
			hdr[20] = direntType(dtype)
			used += uint32(copy(out[used:], hdr[:]))
			used += uint32(copy(out[used:], name))
		}
	}
	if !putU32(mem, u32(s, 4), used) {
		return wasiEFAULT
	}
	return wasiSuccess
}

// direntType is WASI's type of a d_type.
func direntType(t uint8) uint8 {
	switch t {
	case 4: // DT_DIR
		return wasiFileDirectory
	case 8: // DT_REG
		return wasiFileRegular
	case 10: // DT_LNK
		return wasiFileSymlink
	case 2: // DT_CHR
		return wasiFileChar
	case 6: // DT_BLK
		return wasiFileBlock
	case 1, 12: // DT_FIFO, DT_SOCK
		return wasiFileSocket
	}
	return wasiFileUnknown
}

func fdRenumber(inst *instance, mem api.Memory, s []uint64) uint64 {
	from, to := fd(s, 0), fd(s, 1)
	if _, err := inst.p.Dup2(from, to); err != nil {
		return wasiErrno(err)
	}
	if from != to {
		inst.p.Close(from)
	}
	return wasiSuccess
}

func fdSeek(inst *instance, mem api.Memory, s []uint64) uint64 {
	whence := u32(s, 2) // WASI's SET, CUR, END are Linux's 0, 1, 2
	if whence > 2 {
		return wasiEINVAL
	}
	off, err := inst.p.Lseek(fd(s, 0), int64(s[1]), int(whence))
	if err != nil {
		return wasiErrno(err)
	}
	if !putU64(mem, u32(s, 3), uint64(off)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func fdTell(inst *instance, mem api.Memory, s []uint64) uint64 {
	off, err := inst.p.Lseek(fd(s, 0), 0, posix.SEEK_CUR)
	if err != nil {
		return wasiErrno(err)
	}
	if !putU64(mem, u32(s, 1), uint64(off)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

// path reads the (ptr, len) path at parameters i and i+1.
func path(mem api.Memory, s []uint64, i int) (string, uint64) {
	p, ok := str(mem, u32(s, i), u32(s, i+1))
	if !ok {
		return "", wasiEFAULT
	}
	return p, wasiSuccess
}

func pathCreateDirectory(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 1)
	if e != 0 {
		return e
	}
	return wasiErrno(inst.p.Mkdirat(fd(s, 0), p, 0o777))
}

// lookupFollow is WASI's lookupflags bit for following a final symlink.
const lookupFollow = 1

func pathFilestatGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 2)
	if e != 0 {
		return e
	}
	flags := posix.AT_SYMLINK_NOFOLLOW
	if u32(s, 1)&lookupFollow != 0 {
		flags = 0
	}
	st, err := inst.p.Fstatat(fd(s, 0), p, flags)
	if err != nil {
		return wasiErrno(err)
	}
	return putFilestat(mem, u32(s, 4), st)
}

func pathFilestatSetTimes(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 2)
	if e != 0 {
		return e
	}
	t, ok := times(s[4], s[5], u32(s, 6))
	if !ok {
		return wasiEINVAL
	}
	flags := posix.AT_SYMLINK_NOFOLLOW
	if u32(s, 1)&lookupFollow != 0 {
		flags = 0
	}
	return wasiErrno(inst.p.Utimensat(fd(s, 0), p, t, flags))
}

func pathLink(inst *instance, mem api.Memory, s []uint64) uint64 {
	oldp, e := path(mem, s, 2)
	if e != 0 {
		return e
	}
	newp, e := path(mem, s, 5)
	if e != 0 {
		return e
	}
	flags := 0
	if u32(s, 1)&lookupFollow != 0 {
		flags = posix.AT_SYMLINK_FOLLOW
	}
	return wasiErrno(inst.p.Linkat(fd(s, 0), oldp, fd(s, 4), newp, flags))
}

// WASI rights that make an open writable or readable.
const (
	wasiRightRead  = 1 << 1
	wasiRightWrite = 1 << 6
)

func pathOpen(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 2)
	if e != 0 {
		return e
	}
	oflags, rights, fdflags := u32(s, 4), s[5], u32(s, 7)
	flags := 0
	switch {
	case rights&wasiRightWrite != 0 && rights&wasiRightRead != 0:
		flags = posix.O_RDWR
	case rights&wasiRightWrite != 0:
		flags = posix.O_WRONLY
	}
	if oflags&1 != 0 {
		flags |= posix.O_CREAT
	}
	if oflags&2 != 0 {
		flags |= posix.O_DIRECTORY
	}
	if oflags&4 != 0 {
		flags |= posix.O_EXCL
	}
	if oflags&8 != 0 {
		flags |= posix.O_TRUNC
	}
	if fdflags&wasiFdAppend != 0 {
		flags |= posix.O_APPEND
	}
	if fdflags&wasiFdNonblock != 0 {
		flags |= posix.O_NONBLOCK
	}
	if fdflags&(wasiFdSync|wasiFdRsync) != 0 {
		flags |= posix.O_SYNC
	} else if fdflags&wasiFdDsync != 0 {
		flags |= posix.O_DSYNC
	}
	if u32(s, 1)&lookupFollow == 0 {
		flags |= posix.O_NOFOLLOW
	}
	newfd, err := inst.p.Openat(fd(s, 0), p, flags, 0o666)
	if err != nil {
		return wasiErrno(err)
	}
	if !putU32(mem, u32(s, 8), uint32(newfd)) {
		inst.p.Close(newfd)
		return wasiEFAULT
	}
	return wasiSuccess
}

func pathReadlink(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 1)
	if e != 0 {
		return e
	}
	out, ok := mem.Read(u32(s, 3), u32(s, 4))
	if !ok {
		return wasiEFAULT
	}
	n, err := inst.p.Readlinkat(fd(s, 0), p, out)
	if err != nil {
		return wasiErrno(err)
	}
	if !putU32(mem, u32(s, 5), uint32(n)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

func pathRemoveDirectory(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 1)
	if e != 0 {
		return e
	}
	return wasiErrno(inst.p.Unlinkat(fd(s, 0), p, posix.AT_REMOVEDIR))
}

func pathRename(inst *instance, mem api.Memory, s []uint64) uint64 {
	oldp, e := path(mem, s, 1)
	if e != 0 {
		return e
	}
	newp, e := path(mem, s, 4)
	if e != 0 {
		return e
	}
	return wasiErrno(inst.p.Renameat2(fd(s, 0), oldp, fd(s, 3), newp, 0))
}

func pathSymlink(inst *instance, mem api.Memory, s []uint64) uint64 {
	target, e := path(mem, s, 0)
	if e != 0 {
		return e
	}
	linkp, e := path(mem, s, 3)
	if e != 0 {
		return e
	}
	return wasiErrno(inst.p.Symlinkat(target, fd(s, 2), linkp))
}

func pathUnlinkFile(inst *instance, mem api.Memory, s []uint64) uint64 {
	p, e := path(mem, s, 1)
	if e != 0 {
		return e
	}
	return wasiErrno(inst.p.Unlinkat(fd(s, 0), p, 0))
}

// pollOneoff waits for clock and fd subscriptions: fds through poll(2),
// with the earliest clock as its timeout.
func pollOneoff(inst *instance, mem api.Memory, s []uint64) uint64 {
	in, out, nsub := u32(s, 0), u32(s, 1), u32(s, 2)
	if nsub == 0 {
		return wasiEINVAL
	}
	if nsub > 4096 {
		return wasiEINVAL
	}
	subs, ok := mem.Read(in, nsub*48)
	if !ok {
		return wasiEFAULT
	}
	if _, ok := mem.Read(out, nsub*32); !ok {
		return wasiEFAULT
	}
	p := inst.p
	timeout := int64(-1) // ns
	clockSub := -1
	var fds []posix.PollFd
	var fdSubs []int
	for i := 0; i < int(nsub); i++ {
		sub := subs[i*48:]
		switch sub[8] {
		case 0: // clock
			id := binary.LittleEndian.Uint32(sub[16:])
			t := int64(binary.LittleEndian.Uint64(sub[24:]))
			if binary.LittleEndian.Uint16(sub[40:])&1 != 0 { // absolute
				now, err := p.ClockGettime(int(id))
				if err != nil {
					return wasiErrno(err)
				}
				t -= now.Nano()
			}
			t = max(t, 0)
			if timeout < 0 || t < timeout {
				timeout, clockSub = t, i
			}
		case 1, 2: // fd_read, fd_write
			ev := int16(posix.POLLIN)
			if sub[8] == 2 {
				ev = posix.POLLOUT
			}
			fds = append(fds, posix.PollFd{Fd: int32(binary.LittleEndian.Uint32(sub[16:])), Events: ev})
			fdSubs = append(fdSubs, i)
		default:
			return wasiEINVAL
		}
	}
	var events []byte
	event := func(i int, typ uint8, errno uint16, nbytes uint64, hangup bool) {
		var ev [32]byte
		copy(ev[0:8], subs[i*48:i*48+8]) // userdata
		binary.LittleEndian.PutUint16(ev[8:], errno)
		ev[10] = typ
		binary.LittleEndian.PutUint64(ev[16:], nbytes)
		if hangup {
			binary.LittleEndian.PutUint16(ev[24:], 1)
		}
		events = append(events, ev[:]...)
	}
	if len(fds) == 0 {
		if err := p.Nanosleep(posix.NsecToTimespec(timeout), nil); err != nil {
			return wasiErrno(err)
		}
		event(clockSub, 0, 0, 0, false)
	} else {
		ms := -1
		if timeout >= 0 {
			ms = int((timeout + 999999) / 1000000)
		}
		n, err := p.Poll(fds, ms)
		if err != nil {
			return wasiErrno(err)
		}
		if n == 0 && clockSub >= 0 {
			event(clockSub, 0, 0, 0, false)
		}
		for j, pf := range fds {
			if pf.Revents == 0 {
				continue
			}
			typ := uint8(1)
			if pf.Events == posix.POLLOUT {
				typ = 2
			}
			var errno uint16
			if pf.Revents&posix.POLLNVAL != 0 {
				errno = wasiEBADF
			}
			var avail int32
			if typ == 1 {
				p.Ioctl(int(pf.Fd), posix.FIONREAD, &avail)
			}
			event(fdSubs[j], typ, errno, uint64(max(avail, 0)), pf.Revents&posix.POLLHUP != 0)
		}
	}
	if !mem.Write(out, events) || !putU32(mem, u32(s, 3), uint32(len(events)/32)) {
		return wasiEFAULT
	}
	return wasiSuccess
}

// procRaise sends the module a signal in WASI's numbering, which is
// Linux's up to SIGTERM (15) and one less from SIGCHLD (16, Linux's 17)
// on, as WASI has no SIGSTKFLT.
func procRaise(inst *instance, mem api.Memory, s []uint64) uint64 {
	sig := u32(s, 0)
	switch {
	case sig > 30: // WASI's last is SIGSYS
		return wasiEINVAL
	case sig >= 16:
		sig++
	}
	return wasiErrno(inst.p.Kill(inst.p.Cage().Pid(), int(sig)))
}

func schedYield(*instance, api.Memory, []uint64) uint64 {
	runtime.Gosched()
	return wasiSuccess
}

func randomGet(inst *instance, mem api.Memory, s []uint64) uint64 {
	b, ok := mem.Read(u32(s, 0), u32(s, 1))
	if !ok {
		return wasiEFAULT
	}
	rand.Read(b)
	return wasiSuccess
}
