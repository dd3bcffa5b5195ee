package threei

import (
	"sync"

	"github.com/gocage/gocage/posix"
)

// Want is what an encasement does with one argument of a call.
type Want uint8

// What an encasement may do with an argument. For a scalar argument (an
// fd, an int, flags...) only Pass and Replace mean anything: the handler
// always sees the value.
const (
	// Pass forwards the argument untouched; of a memory argument the
	// handler sees only the length.
	Pass Want = iota
	// In copies the argument's memory into the grate before the handler
	// runs (Encased.Bytes, Encased.Str); the copy is what is forwarded.
	In
	// Out forwards a buffer of the grate's, of the caller's length, for
	// the next layer to fill; the handler sees the result (Encased.Bytes)
	// and may change it; it is copied out to the caller after the handler
	// returns successfully (for an output buffer, as many bytes as the
	// call returned).
	Out
	// InOut is In and Out: the caller's memory is copied in, the next
	// layer reads and fills the grate's copy, which is copied back out.
	InOut
	// Replace forwards a value of the grate's instead of the caller's:
	// the handler sets it with SetVal, SetBytes or SetString; a memory
	// argument it does not set is forwarded as a null pointer.
	Replace
)

// Encasement declares what a grate wants of each argument of one call, so
// its handler sees copies instead of the caller's memory and never touches
// the caller directly. Sys is the call's row of the kernel's system-call
// table (cages.Syscall looks it up); it says which arguments are memory
// and of what kind.
type Encasement struct {
	// Sys describes the call.
	Sys Syscall
	// Want is what to do with each argument, by position.
	Want [MaxArgs]Want
	// Handler serves the encased call; it forwards with e.Forward or
	// answers itself.
	Handler func(e *Encased) (int64, posix.Errno)
}

// Encased is a call as an encasement handler sees it: the caller's scalar
// values, copies of the memory it asked for, and the call it forwards. It
// is valid only until the handler returns.
type Encased struct {
	// G is the grate.
	G *Grate
	// Sys describes the call.
	Sys *Syscall
	// Orig is the call as the caller made it.
	Orig *Call
	// Call is what Forward passes on: the caller's arguments, with the
	// grate's copies and replacements in place of the caller's memory.
	Call Call

	mem  [MaxArgs][]byte
	pool [MaxArgs][]byte
}

var encasedPool = sync.Pool{New: func() any { return new(Encased) }}

// kind returns argument i's kind, or 0 for an argument the row does not
// describe.
func (s *Syscall) kind(i int) Kind {
	if i < len(s.Args) {
		return s.Args[i].Kind
	}
	return 0
}

// Caller returns the cage that made the call.
func (e *Encased) Caller() Caller { return e.Orig.Caller }

// Val returns argument i's value (a memory argument's length).
func (e *Encased) Val(i int) uint64 { return e.Call.Args[i].Val }

// Int returns argument i as a C int.
func (e *Encased) Int(i int) int { return e.Call.Args[i].Int32() }

// Len returns the length of the caller's memory at argument i.
func (e *Encased) Len(i int) int { return len(e.Orig.Args[i].Buf) }

// Bytes returns the grate's copy of argument i (In, InOut), the buffer
// the next layer filled (Out, after Forward), or the replacement; nil for
// an argument passed through.
func (e *Encased) Bytes(i int) []byte { return e.mem[i] }

// Str returns the grate's copy of a string or path argument, up to its
// NUL.
func (e *Encased) Str(i int) string {
	b := e.mem[i]
	for j, c := range b {
		if c == 0 {
			return string(b[:j])
		}
	}
	return string(b)
}

// Value returns argument i's Go-typed value (see Grate.Value).
func (e *Encased) Value(i int) any { return e.Call.Args[i].Ptr }

// SetVal replaces scalar argument i.
func (e *Encased) SetVal(i int, v uint64) {
	e.Call.Args[i].Val = v
}

// SetBytes replaces memory argument i with b, memory of the grate's; for
// a buffer whose length travels in the next argument, that length too.
func (e *Encased) SetBytes(i int, b []byte) {
	e.Call.Args[i] = Arg{Val: uint64(len(b)), Buf: b, Owner: e.G.id}
	e.mem[i] = b
	if k := e.Sys.kind(i); (k == KindInBuf || k == KindOutBuf) && e.Sys.kind(i+1) == KindSize {
		e.Call.Args[i+1].Val = uint64(len(b))
	}
}

// SetString replaces string or path argument i with s.
func (e *Encased) SetString(i int, s string) { e.SetBytes(i, []byte(s)) }

// Forward passes the encased call to the grate's next layer.
func (e *Encased) Forward() (int64, posix.Errno) { return e.G.Forward(&e.Call) }

// grow returns the reusable buffer i, of length n.
func (e *Encased) grow(i, n int) []byte {
	if cap(e.pool[i]) < n {
		e.pool[i] = make([]byte, n)
	}
	return e.pool[i][:n]
}

// Handle returns the GrateHandler that encases calls as enc declares and
// hands them to enc.Handler.
func (enc *Encasement) Handle() GrateHandler {
	sys := enc.Sys
	want := enc.Want
	h := enc.Handler
	return func(g *Grate, c *Call) (int64, posix.Errno) {
		e := encasedPool.Get().(*Encased)
		defer func() {
			e.Orig, e.G = nil, nil
			e.Call = Call{}
			e.mem = [MaxArgs][]byte{}
			encasedPool.Put(e)
		}()
		e.G, e.Sys, e.Orig, e.Call = g, &sys, c, *c
		for i, w := range want {
			a := &c.Args[i]
			if !sys.kind(i).Memory() || a.Buf == nil {
				if w == Replace && sys.kind(i).Memory() {
					e.Call.Args[i] = Arg{}
				}
				continue
			}
			switch w {
			case In, InOut:
				b := e.grow(i, len(a.Buf))
				if _, err := g.CopyIn(c, i, 0, b); err != 0 {
					return -1, err
				}
				e.mem[i] = b
				e.Call.Args[i].Buf, e.Call.Args[i].Owner = b, g.id
			case Out:
				if _, err := g.mem(c, i); err != 0 {
					return -1, err
				}
				b := e.grow(i, len(a.Buf))
				clear(b)
				e.mem[i] = b
				e.Call.Args[i].Buf, e.Call.Args[i].Owner = b, g.id
			case Replace:
				e.Call.Args[i] = Arg{}
			}
		}
		r, err := h(e)
		if err != 0 {
			return r, err
		}
		for i, w := range want {
			if (w != Out && w != InOut) || c.Args[i].Buf == nil || !sys.kind(i).Memory() {
				continue
			}
			b := e.mem[i]
			if sys.kind(i) == KindOutBuf && r >= 0 && int64(len(b)) > r {
				b = b[:r]
			}
			if len(b) > len(c.Args[i].Buf) {
				b = b[:len(c.Args[i].Buf)]
			}
			if _, err := g.CopyOut(c, i, 0, b); err != 0 {
				return -1, err
			}
		}
		return r, err
	}
}
