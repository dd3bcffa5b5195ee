// Package threei is gocage's system-call router ("3i", after lind-wasm's
// inter-cage interposition interface): every system call from every cage is
// a Call that the dispatcher routes through the calling cage's Table to a
// Handler. The kernel installs itself as the default handler for every call
// it implements; a grate — a cage that serves the calls of others — takes
// over entries of the tables of the cages it started, and forwards what it
// does not answer to its own table, so grates stack.
//
// This package holds the mechanism: tables and dispatch, the Grate handle
// with its forwarding and its bounded copies of the caller's memory, the
// encasement layer that copies arguments as a grate declares, and the
// vocabulary that describes a call (Syscall, ArgSpec, Kind, Support). It
// does not hold the kernel's handlers, and it knows nothing about cages
// beyond the Caller and Host interfaces. It may import posix only.
package threei

import (
	"slices"

	"github.com/gocage/gocage/posix"
)

// Caller is the calling cage as the router sees it.
type Caller interface {
	// CageID returns the cage's id (its pid).
	CageID() int
}

// Arg is one argument of a system call. A scalar travels in Val. A buffer
// travels in Buf, with Val holding its length, and Owner naming the cage
// whose memory it is (the caller's, unless a grate substituted its own).
// Go-typed arguments that have no byte form (a Go signal handler, a fork
// continuation, an iovec of slices) travel in Ptr.
type Arg struct {
	// Val is the integer value, or a buffer's length.
	Val uint64
	// Buf is a buffer argument, or nil.
	Buf []byte
	// Ptr is a Go-typed argument, or nil.
	Ptr any
	// Owner is the id of the cage that owns Buf; 0 means the caller.
	Owner int
}

// Int returns the argument as a signed int (the C int or long it was).
func (a *Arg) Int() int { return int(int64(a.Val)) }

// Int32 returns the argument as a C int: the low 32 bits, sign-extended,
// as the Linux kernel reads an int parameter.
func (a *Arg) Int32() int { return int(int32(uint32(a.Val))) }

// MaxArgs is the number of arguments a system call can have (as on Linux).
const MaxArgs = 6

// Call is one system call on its way to a handler.
type Call struct {
	// Num is the system-call number (Linux x86-64 numbering).
	Num int
	// Caller is the cage that made the call.
	Caller Caller
	// Args are the arguments; those the call does not take are zero.
	Args [MaxArgs]Arg
}

// Handler serves a call: it returns the call's result, or an errno. A
// handler may forward the call, changed or not, to another handler.
type Handler func(c *Call) (int64, posix.Errno)

// Table is a cage's call table: one handler per system-call number, each
// either the kernel's or a grate's. A Table is immutable once published;
// changing an entry makes a copy (With, Interposed, Restored), so a cage's
// table is read without locks and a child's copy at fork is a pointer
// copy. A missing entry answers ENOSYS.
type Table struct {
	h [posix.SyscallMax]Handler
	// g names the grate that registered each entry; nil for the kernel's.
	g [posix.SyscallMax]*Grate
	// grates are the distinct grates of g, in registration order.
	grates []*Grate
}

// NewTable returns a table with the given handlers, indexed by number.
func NewTable(handlers map[int]Handler) *Table {
	t := &Table{}
	for num, h := range handlers {
		if num >= 0 && num < len(t.h) {
			t.h[num] = h
		}
	}
	return t
}

// Handler returns the handler for num, or nil.
func (t *Table) Handler(num int) Handler {
	if uint(num) >= uint(len(t.h)) {
		return nil
	}
	return t.h[num]
}

// With returns a copy of t in which num is served by h (nil removes the
// entry) and belongs to no grate. t itself is unchanged.
func (t *Table) With(num int, h Handler) *Table {
	c := *t
	if uint(num) < uint(len(c.h)) {
		c.h[num], c.g[num] = h, nil
	}
	c.regrates()
	return &c
}

// Owner returns the grate whose handler serves num, or nil when the entry
// is not a grate's (the kernel's, or none).
func (t *Table) Owner(num int) *Grate {
	if uint(num) >= uint(len(t.g)) {
		return nil
	}
	return t.g[num]
}

// Grates returns the distinct grates that serve entries of t. The caller
// must not modify the slice.
func (t *Table) Grates() []*Grate { return t.grates }

// Interposed returns a copy of t in which num (or every number, for
// AllCalls) is served by h on behalf of grate g.
func (t *Table) Interposed(num int, h Handler, g *Grate) *Table {
	c := *t
	if num == AllCalls {
		for i := range c.h {
			c.h[i], c.g[i] = h, g
		}
	} else if uint(num) < uint(len(c.h)) {
		c.h[num], c.g[num] = h, g
	}
	c.regrates()
	return &c
}

// Restored returns a copy of t in which the entries that grate g serves
// (num's, or all of them for AllCalls) are replaced by below's entries
// for the same numbers.
func (t *Table) Restored(num int, g *Grate, below *Table) *Table {
	c := *t
	for i := range c.h {
		if (num == AllCalls || num == i) && c.g[i] == g {
			c.h[i], c.g[i] = below.h[i], below.g[i]
		}
	}
	c.regrates()
	return &c
}

// regrates recomputes the list of distinct grates.
func (t *Table) regrates() {
	var out []*Grate
	for _, g := range t.g {
		if g != nil && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	t.grates = out
}

// Dispatch routes c through t: the handler registered for c.Num answers it;
// an unknown or unserved number fails with ENOSYS.
func (t *Table) Dispatch(c *Call) (int64, posix.Errno) {
	if uint(c.Num) >= uint(len(t.h)) {
		return -1, posix.ENOSYS
	}
	h := t.h[c.Num]
	if h == nil {
		return -1, posix.ENOSYS
	}
	return h(c)
}
