package threei

import (
	"unsafe"

	"github.com/gocage/gocage/posix"
)

// AllCalls, given as a call number to registration, means every call
// number, served or not (a tracer sees the calls that fail with ENOSYS).
const AllCalls = -1

// Host is the kernel's side of a grate: where the grate's forwarded calls
// go and which cages' memory it may touch. The kernel (package cages)
// implements it; tests may fake it.
type Host interface {
	// Table returns the grate cage's current call table: the next layer
	// down, to which the grate's handlers forward.
	Table() *Table
	// MayAccess reports whether the grate may read or write the memory of
	// the cage with id owner, on behalf of call c.
	MayAccess(c *Call, owner int) bool
}

// Grate is the handle through which a grate's handlers serve the calls of
// other cages: they forward calls to the next layer, and they reach the
// caller's memory only through its bounded copy helpers. A Grate is safe
// for concurrent use: its handlers run on the goroutines of the cages
// whose calls they serve, several at once.
type Grate struct {
	id   int
	host Host
}

// NewGrate returns the handle of the grate cage id whose kernel side is
// host.
func NewGrate(id int, host Host) *Grate { return &Grate{id: id, host: host} }

// Host returns the grate's kernel side.
func (g *Grate) Host() Host { return g.host }

// ID returns the grate cage's id.
func (g *Grate) ID() int { return g.id }

// GrateHandler serves a call on a grate's behalf: it answers the call
// itself, or forwards it (changed or not) with g.Forward. The call's
// Caller is the cage that made it, whatever layer the call has reached.
//
// A handler that changes arguments should change a copy of the Call if
// it needs the original afterwards: the record belongs to the caller and
// is what layers above see when the call returns.
type GrateHandler func(g *Grate, c *Call) (int64, posix.Errno)

// Forward passes c to the next layer: the grate cage's own call table, so
// that grates stack (a tracer above a confiner above the kernel). Buffers
// go through untouched, without a copy.
func (g *Grate) Forward(c *Call) (int64, posix.Errno) {
	return g.host.Table().Dispatch(c)
}

// owner returns the id of the cage whose memory argument a is.
func owner(c *Call, a *Arg) int {
	if a.Owner != 0 {
		return a.Owner
	}
	if c.Caller == nil {
		return 0
	}
	return c.Caller.CageID()
}

// mem returns argument i's memory after checking the grate's right to it.
func (g *Grate) mem(c *Call, i int) ([]byte, posix.Errno) {
	if uint(i) >= MaxArgs {
		return nil, posix.EINVAL
	}
	a := &c.Args[i]
	if o := owner(c, a); o != g.id && !g.host.MayAccess(c, o) {
		return nil, posix.EPERM
	}
	return a.Buf, 0
}

// Len returns the size of argument i's memory (0 for a scalar). Reading
// it needs no right: it is what a pass-through grate sees of a buffer.
func (g *Grate) Len(c *Call, i int) int {
	if uint(i) >= MaxArgs {
		return 0
	}
	return len(c.Args[i].Buf)
}

// CopyIn copies len(dst) bytes of argument i's memory, from offset off,
// into dst. It fails with EPERM if the grate has no right to the cage
// that owns the memory, and with EFAULT if the range is not inside it.
func (g *Grate) CopyIn(c *Call, i, off int, dst []byte) (int, posix.Errno) {
	b, err := g.mem(c, i)
	if err != 0 {
		return 0, err
	}
	if off < 0 || off > len(b) || len(dst) > len(b)-off {
		return 0, posix.EFAULT
	}
	return copy(dst, b[off:]), 0
}

// CopyOut copies src into argument i's memory at offset off, with
// CopyIn's checks.
func (g *Grate) CopyOut(c *Call, i, off int, src []byte) (int, posix.Errno) {
	b, err := g.mem(c, i)
	if err != 0 {
		return 0, err
	}
	if off < 0 || off > len(b) || len(src) > len(b)-off {
		return 0, posix.EFAULT
	}
	return copy(b[off:], src), 0
}

// String copies in the NUL-terminated string that argument i holds, at
// most max bytes of it; more reports whether it went on past max. A
// string with no NUL ends with its memory.
func (g *Grate) String(c *Call, i, max int) (s string, more bool, err posix.Errno) {
	b, err := g.mem(c, i)
	if err != 0 {
		return "", false, err
	}
	for j, ch := range b {
		if ch == 0 {
			b = b[:j]
			break
		}
	}
	if max >= 0 && len(b) > max {
		return string(b[:max]), true, 0
	}
	return string(b), false, 0
}

// AppendString is String without the allocation: it appends at most max
// bytes of argument i's string to dst.
func (g *Grate) AppendString(dst []byte, c *Call, i, max int) (out []byte, more bool, err posix.Errno) {
	b, err := g.mem(c, i)
	if err != 0 {
		return dst, false, err
	}
	for j, ch := range b {
		if ch == 0 {
			b = b[:j]
			break
		}
	}
	if max >= 0 && len(b) > max {
		return append(dst, b[:max]...), true, 0
	}
	return append(dst, b...), false, 0
}

// Value returns argument i's Go-typed value (a *posix.Stat a call fills,
// a []string argv...), with the same right check as the copies: Go cage
// programs pass structures as typed values, which the kernel never
// serializes.
func (g *Grate) Value(c *Call, i int) (any, posix.Errno) {
	if uint(i) >= MaxArgs {
		return nil, posix.EINVAL
	}
	a := &c.Args[i]
	if o := owner(c, a); o != g.id && !g.host.MayAccess(c, o) {
		return nil, posix.EPERM
	}
	return a.Ptr, 0
}

// Addr returns an address for argument i's memory, for display (what
// strace prints for a buffer it does not show): 0 for none.
func Addr(a *Arg) uintptr {
	if a.Buf == nil {
		return 0
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(a.Buf)))
}
