package wasm

import (
	"bytes"
	"errors"
	"fmt"
)

// Loop instrumentation: how the kernel reaches a module that computes
// without system calls.
//
// Go cannot preempt compiled WebAssembly: a loop that never calls the
// host never reaches a point where its goroutine can be stopped — for a
// signal, a kill, or the garbage collector's stop-the-world, which then
// stalls the whole host process (and, once a stop-the-world has begun,
// no other goroutine runs to help). wazero's answer
// (WithCloseOnContextDone) calls into Go at every loop back-edge, which
// costs a C program up to five times its speed. gocage's answer is a
// countdown: at load time, every loop header of a module gets
//
//	global.get $gocage_flag  i32.const 1  i32.sub  global.set $gocage_flag
//	global.get $gocage_flag  i32.eqz
//	if
//	  i32.const checkEvery  global.set $gocage_flag
//	  call gocage.syscall(checkpoint)
//	end
//
// — a few instructions and a branch per iteration, and a call into Go
// every checkEvery iterations, which gives Go's scheduler and garbage
// collector their safe point without the help of any goroutine. The
// kernel sets the countdown (the exported global gocage_flag) to 1 when
// the cage has a signal to take, so the module calls in at its next loop
// header and takes it (a handler runs, a kill ends it). A write of the
// host's that races with the module's own decrement is lost at worst,
// delaying the signal by checkEvery iterations.

// checkEvery is how many loop iterations a module runs between two
// calls into the host.
const checkEvery = 1 << 14

// checkpointCall is the gocage.syscall number of the instrumented
// check: not a Linux system call.
const checkpointCall = -1

// flagExport is the export name of the flag global.
const flagExport = "gocage_flag"

// errNotInstrumentable is instrument's answer for a module it cannot
// rewrite: it does not import gocage.syscall, or uses instructions the
// decoder does not know.
var errNotInstrumentable = errors.New("module not instrumentable")

// instrument returns bin with a flag check at every loop header, or
// errNotInstrumentable; added reports that it imported gocage.syscall
// for the check (bin did not import it).
func instrument(bin []byte) (out []byte, added bool, err error) {
	if len(bin) < 8 || !bytes.Equal(bin[:8], []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, false, errNotInstrumentable
	}
	var secs []section
	r := wreader{b: bin[8:]}
	for len(r.b) > 0 {
		id := r.byte()
		n := r.u32()
		if r.err != nil || uint64(len(r.b)) < uint64(n) {
			return nil, false, errNotInstrumentable
		}
		secs = append(secs, section{id, r.b[:n]})
		r.b = r.b[n:]
	}
	// The imports: the index of gocage.syscall among the functions, and
	// the number of imported globals (the new global's index follows
	// every global).
	syscallIdx, nfuncImports, nglobals := -1, 0, 0
	for _, s := range secs {
		switch s.id {
		case 2:
			sr := wreader{b: s.body}
			n := sr.u32()
			for i := uint32(0); i < n && sr.err == nil; i++ {
				mod, name := sr.name(), sr.name()
				switch sr.byte() {
				case 0:
					sr.u32()
					if mod == "gocage" && name == "syscall" {
						syscallIdx = nfuncImports
					}
					nfuncImports++
				case 1:
					sr.byte()
					sr.limits()
				case 2:
					sr.limits()
				case 3:
					sr.byte()
					sr.byte()
					nglobals++
				default:
					return nil, false, errNotInstrumentable
				}
			}
			if sr.err != nil {
				return nil, false, errNotInstrumentable
			}
		case 6:
			sr := wreader{b: s.body}
			nglobals += int(sr.u32())
		case 7:
			sr := wreader{b: s.body}
			n := sr.u32()
			for i := uint32(0); i < n && sr.err == nil; i++ {
				if sr.name() == flagExport {
					return nil, false, errNotInstrumentable // already instrumented
				}
				sr.byte()
				sr.u32()
			}
		}
	}
	// A module without gocage.syscall (one built for plain WASI) gets
	// it as a new import after its other imported functions: every
	// function it defines moves up one index, and each reference to one
	// is renumbered (remap).
	var remap func(uint32) uint32
	added = syscallIdx < 0
	if added {
		syscallIdx = nfuncImports
		first := uint32(nfuncImports)
		remap = func(i uint32) uint32 {
			if i >= first {
				return i + 1
			}
			return i
		}
		if secs, err = addSyscallImport(secs, remap); err != nil {
			return nil, false, err
		}
	}
	flag := uint32(nglobals)
	check := checkCode(flag, uint32(syscallIdx))

	var buf bytes.Buffer
	buf.Write(bin[:8])
	wroteGlobal, wroteExport := false, false
	writeSec := func(id byte, body []byte) {
		buf.WriteByte(id)
		buf.Write(uleb(uint64(len(body))))
		buf.Write(body)
	}
	newGlobal := append(append([]byte{0x7f, 0x01, 0x41}, sleb(checkEvery)...), 0x0b) // i32, mutable, i32.const checkEvery
	newExport := append(append(uleb(uint64(len(flagExport))), flagExport...), append([]byte{0x03}, uleb(uint64(flag))...)...)
	for _, s := range secs {
		// The global section (6) comes before exports (7) and code (10);
		// custom sections (0) may sit anywhere.
		if s.id != 0 && s.id > 6 && !wroteGlobal {
			writeSec(6, append([]byte{0x01}, newGlobal...))
			wroteGlobal = true
		}
		if s.id != 0 && s.id > 7 && !wroteExport {
			writeSec(7, append([]byte{0x01}, newExport...))
			wroteExport = true
		}
		switch s.id {
		case 6:
			sr := wreader{b: s.body}
			n := sr.u32()
			writeSec(6, append(append(uleb(uint64(n+1)), sr.b...), newGlobal...))
			wroteGlobal = true
		case 7:
			sr := wreader{b: s.body}
			n := sr.u32()
			writeSec(7, append(append(uleb(uint64(n+1)), sr.b...), newExport...))
			wroteExport = true
		case 10:
			body, err := instrumentCode(s.body, check, remap)
			if err != nil {
				return nil, false, err
			}
			writeSec(10, body)
		default:
			writeSec(s.id, s.body)
		}
	}
	if !wroteGlobal || !wroteExport {
		return nil, false, errNotInstrumentable // a module without code
	}
	return buf.Bytes(), added, nil
}

// section is one section of a module: its id and its contents.
type section struct {
	id   byte
	body []byte
}

// syscallType is gocage.syscall's function type: (i32, i64 × 6) → i64.
var syscallType = []byte{0x60, 7, 0x7f, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 1, 0x7e}

// addSyscallImport returns secs with gocage.syscall imported after the
// other imports, and every reference to a function outside the code
// section (exports, the start function, element segments, constant
// expressions, function names) renumbered by remap.
func addSyscallImport(secs []section, remap func(uint32) uint32) ([]section, error) {
	var out []section
	typeIdx, haveImports := uint32(0), false
	for _, s := range secs {
		if s.id == 1 {
			r := wreader{b: s.body}
			typeIdx = r.u32()
			if r.err != nil {
				return nil, errNotInstrumentable
			}
		}
		if s.id == 2 {
			haveImports = true
		}
	}
	imp := append(append(append(uleb(6), "gocage"...), uleb(7)...), "syscall"...)
	imp = append(append(imp, 0x00), uleb(uint64(typeIdx))...)
	haveTypes := false
	for _, s := range secs {
		if s.id != 0 && s.id > 2 && !haveImports {
			if !haveTypes {
				out = append(out, section{1, append([]byte{1}, syscallType...)})
				haveTypes = true
			}
			out = append(out, section{2, append([]byte{1}, imp...)})
			haveImports = true
		}
		r := wreader{b: s.body}
		var body []byte
		switch s.id {
		case 1:
			n := r.u32()
			body = append(append(uleb(uint64(n+1)), r.b...), syscallType...)
			haveTypes = true
		case 2:
			n := r.u32()
			body = append(append(uleb(uint64(n+1)), r.b...), imp...)
		case 6: // globals: a type, mutability, a constant expression
			n := r.u32()
			body = uleb(uint64(n))
			for i := uint32(0); i < n && r.err == nil; i++ {
				body = append(body, r.byte(), r.byte())
				body = append(body, r.constExpr(remap)...)
			}
		case 7: // exports: name, kind, index
			n := r.u32()
			body = uleb(uint64(n))
			for i := uint32(0); i < n && r.err == nil; i++ {
				name := r.name()
				kind, idx := r.byte(), r.u32()
				if kind == 0 {
					idx = remap(idx)
				}
				body = append(append(append(body, uleb(uint64(len(name)))...), name...), kind)
				body = append(body, uleb(uint64(idx))...)
			}
		case 8:
			body = uleb(uint64(remap(r.u32())))
		case 9:
			body = r.elements(remap)
		case 0:
			body = s.body
			if r.name() == "name" {
				body = r.names(remap)
			}
		default:
			body = s.body
		}
		if r.err != nil {
			return nil, errNotInstrumentable
		}
		out = append(out, section{s.id, body})
	}
	if !haveImports {
		return nil, errNotInstrumentable // nothing after the types: no code
	}
	return out, nil
}

// constExpr reads a constant expression through its end and returns it
// with each ref.func renumbered.
func (r *wreader) constExpr(remap func(uint32) uint32) []byte {
	var out []byte
	for r.err == nil {
		start := r.b
		op := r.byte()
		if op == 0xd2 {
			out = append(append(out, op), uleb(uint64(remap(r.u32())))...)
			continue
		}
		if err := r.skipImmediates(op); err != nil {
			r.fail()
			break
		}
		out = append(out, start[:len(start)-len(r.b)]...)
		if op == 0x0b {
			break
		}
	}
	return out
}

// elements reads the element section and returns it with its function
// indices renumbered.
func (r *wreader) elements(remap func(uint32) uint32) []byte {
	n := r.u32()
	out := uleb(uint64(n))
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		out = append(out, uleb(uint64(flags))...)
		if flags > 7 {
			r.fail()
			break
		}
		if flags&2 != 0 && flags&1 == 0 { // an explicit table
			out = append(out, uleb(uint64(r.u32()))...)
		}
		if flags&1 == 0 { // active: an offset
			out = append(out, r.constExpr(remap)...)
		}
		if flags&3 != 0 { // an element kind or reference type
			out = append(out, r.byte())
		}
		m := r.u32()
		out = append(out, uleb(uint64(m))...)
		for j := uint32(0); j < m && r.err == nil; j++ {
			if flags&4 != 0 {
				out = append(out, r.constExpr(remap)...)
			} else {
				out = append(out, uleb(uint64(remap(r.u32())))...)
			}
		}
	}
	return out
}

// names reads the rest of the "name" custom section and returns the
// section with the module's name kept, the function names renumbered,
// and the other subsections (locals, labels, ... by function) dropped.
func (r *wreader) names(remap func(uint32) uint32) []byte {
	out := append(uleb(4), "name"...)
	for len(r.b) > 0 && r.err == nil {
		id := r.byte()
		size := r.u32()
		if uint64(len(r.b)) < uint64(size) {
			r.fail()
			break
		}
		sub := wreader{b: r.b[:size]}
		r.b = r.b[size:]
		switch id {
		case 0:
			out = append(append(append(out, 0), uleb(uint64(size))...), sub.b...)
		case 1:
			n := sub.u32()
			body := uleb(uint64(n))
			for i := uint32(0); i < n && sub.err == nil; i++ {
				idx := remap(sub.u32())
				name := sub.name()
				body = append(append(append(body, uleb(uint64(idx))...), uleb(uint64(len(name)))...), name...)
			}
			if sub.err != nil {
				r.fail()
				break
			}
			out = append(append(append(out, 1), uleb(uint64(len(body)))...), body...)
		}
	}
	return out
}

// checkCode is the instructions inserted at a loop header.
func checkCode(flag, syscallIdx uint32) []byte {
	g := uleb(uint64(flag))
	var b []byte
	b = append(append(b, 0x23), g...) // global.get
	b = append(b, 0x41, 0x01, 0x6b)   // i32.const 1, i32.sub
	b = append(append(b, 0x24), g...) // global.set
	b = append(append(b, 0x23), g...) // global.get
	b = append(b, 0x45, 0x04, 0x40)   // i32.eqz, if
	b = append(append(b, 0x41), sleb(checkEvery)...)
	b = append(append(b, 0x24), g...) // global.set
	b = append(append(b, 0x41), sleb(checkpointCall)...)
	for range 6 {
		b = append(b, 0x42, 0x00) // i64.const 0
	}
	b = append(append(b, 0x10), uleb(uint64(syscallIdx))...)
	return append(b, 0x1a, 0x0b) // drop, end
}

// instrumentCode rewrites the code section's function bodies; remap, if
// not nil, renumbers the functions they reference.
func instrumentCode(sec []byte, check []byte, remap func(uint32) uint32) ([]byte, error) {
	r := wreader{b: sec}
	n := r.u32()
	out := uleb(uint64(n))
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		if r.err != nil || uint64(len(r.b)) < uint64(size) {
			return nil, errNotInstrumentable
		}
		body := r.b[:size]
		r.b = r.b[size:]
		nb, err := instrumentBody(body, check, remap)
		if err != nil {
			return nil, err
		}
		out = append(out, uleb(uint64(len(nb)))...)
		out = append(out, nb...)
	}
	return out, nil
}

// instrumentBody rewrites one function body: its locals are kept, check
// follows each loop instruction, and remap (if not nil) renumbers the
// function of each call, return_call and ref.func.
func instrumentBody(body []byte, check []byte, remap func(uint32) uint32) ([]byte, error) {
	r := wreader{b: body}
	nlocals := r.u32()
	for i := uint32(0); i < nlocals; i++ {
		r.u32()
		r.byte()
	}
	if r.err != nil {
		return nil, errNotInstrumentable
	}
	out := make([]byte, 0, len(body)+len(body)/8)
	out = append(out, body[:len(body)-len(r.b)]...)
	for len(r.b) > 0 {
		start := r.b
		op := r.byte()
		isLoop := op == 0x03
		if err := r.skipImmediates(op); err != nil {
			return nil, err
		}
		if r.err != nil {
			return nil, errNotInstrumentable
		}
		if remap != nil && (op == 0x10 || op == 0x12 || op == 0xd2) {
			ir := wreader{b: start[1:]}
			out = append(append(out, op), uleb(uint64(remap(ir.u32())))...)
		} else {
			out = append(out, start[:len(start)-len(r.b)]...)
		}
		if isLoop {
			out = append(out, check...)
		}
	}
	return out, nil
}

// skipImmediates consumes the immediates of the instruction op.
func (r *wreader) skipImmediates(op byte) error {
	switch {
	case op == 0x00, op == 0x01, op == 0x05, op == 0x0b, op == 0x0f, op == 0x1a, op == 0x1b,
		op >= 0x45 && op <= 0xc4, op == 0xd1:
		// no immediates: unreachable, nop, else, end, return, drop,
		// select, the numeric instructions, ref.is_null
	case op == 0x02, op == 0x03, op == 0x04: // block, loop, if: a block type
		r.blockType()
	case op == 0x0c, op == 0x0d, op == 0x10, op == 0x12, op == 0x20, op == 0x21, op == 0x22,
		op == 0x23, op == 0x24, op == 0x25, op == 0x26, op == 0xd2:
		r.u32() // br, br_if, call, return_call, local.*, global.*, table.get/set, ref.func
	case op == 0x0e: // br_table
		n := r.u32()
		for i := uint32(0); i <= n && r.err == nil; i++ {
			r.u32()
		}
	case op == 0x11, op == 0x13: // call_indirect, return_call_indirect
		r.u32()
		r.u32()
	case op == 0x1c: // select with types
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.byte()
		}
	case op >= 0x28 && op <= 0x3e: // loads and stores: a memarg
		r.u32()
		r.u32()
	case op == 0x3f, op == 0x40: // memory.size, memory.grow
		r.byte()
	case op == 0x41:
		r.sleb()
	case op == 0x42:
		r.sleb()
	case op == 0x43:
		r.skip(4)
	case op == 0x44:
		r.skip(8)
	case op == 0xd0: // ref.null
		r.byte()
	case op == 0xfc:
		return r.skipFC()
	case op == 0xfd:
		return r.skipSIMD()
	default:
		return fmt.Errorf("%w: opcode %#x", errNotInstrumentable, op)
	}
	return nil
}

// skipFC consumes a 0xFC-prefixed instruction's sub-opcode and immediates.
func (r *wreader) skipFC() error {
	sub := r.u32()
	switch {
	case sub <= 7: // saturating truncations
	case sub == 8: // memory.init
		r.u32()
		r.byte()
	case sub == 9: // data.drop
		r.u32()
	case sub == 10: // memory.copy
		r.byte()
		r.byte()
	case sub == 11: // memory.fill
		r.byte()
	case sub == 12: // table.init
		r.u32()
		r.u32()
	case sub == 13: // elem.drop
		r.u32()
	case sub == 14: // table.copy
		r.u32()
		r.u32()
	case sub >= 15 && sub <= 17: // table.grow, size, fill
		r.u32()
	default:
		return fmt.Errorf("%w: 0xfc %d", errNotInstrumentable, sub)
	}
	return nil
}

// skipSIMD consumes a 0xFD-prefixed instruction's sub-opcode and
// immediates.
func (r *wreader) skipSIMD() error {
	sub := r.u32()
	switch {
	case sub <= 11 || sub == 92 || sub == 93: // loads and stores
		r.u32()
		r.u32()
	case sub == 12 || sub == 13: // v128.const, i8x16.shuffle
		r.skip(16)
	case sub >= 21 && sub <= 34: // extract and replace lane
		r.byte()
	case sub >= 84 && sub <= 91: // load and store lane
		r.u32()
		r.u32()
		r.byte()
	case sub <= 0x113:
		// the rest have no immediates
	default:
		return fmt.Errorf("%w: 0xfd %d", errNotInstrumentable, sub)
	}
	return nil
}

// wreader decodes a module's bytes; the first error sticks.
type wreader struct {
	b   []byte
	err error
}

func (r *wreader) fail() {
	if r.err == nil {
		r.err = errNotInstrumentable
	}
	r.b = nil
}

func (r *wreader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *wreader) skip(n int) {
	if len(r.b) < n {
		r.fail()
		return
	}
	r.b = r.b[n:]
}

func (r *wreader) u32() uint32 {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return uint32(v)
		}
	}
	r.fail()
	return 0
}

func (r *wreader) sleb() {
	for i := 0; i < 10; i++ {
		if r.byte()&0x80 == 0 {
			return
		}
	}
	r.fail()
}

// blockType consumes a block type: 0x40, a value type, or a type index
// (a positive s33).
func (r *wreader) blockType() {
	if len(r.b) == 0 {
		r.fail()
		return
	}
	switch c := r.b[0]; {
	case c == 0x40, c >= 0x6f && c <= 0x7f:
		r.b = r.b[1:]
	default:
		r.sleb()
	}
}

func (r *wreader) name() string {
	n := r.u32()
	if uint64(len(r.b)) < uint64(n) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *wreader) limits() {
	if r.byte()&1 != 0 {
		r.u32()
	}
	r.u32()
}

// uleb encodes v as an unsigned LEB128.
func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// sleb encodes v as a signed LEB128.
func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
