package wasm

import (
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// Linear memories for forked children.
//
// A forked child's memory is its parent's, copied whole at the fork.
// Made the ordinary way, the child's instance would first get a zeroed
// memory of the module's initial size, then grow it (a second
// allocation, zeroed, and a copy) to the parent's size, and only then
// receive the parent's bytes: three passes over megabytes, and garbage
// for the collector at every fork. A forkMemory is allocated at the
// parent's size from the start, and the memories of exited children are
// kept (a few, bounded in bytes) for the next fork: the copy of the
// parent's memory is then the only pass over it.
//
// A recycled buffer holds a previous cage's bytes. None of them may show
// through: the fork overwrites [0, the parent's size) before the child
// runs a single instruction, and memory the child grows beyond what was
// copied is cleared before wazero hands it over (WebAssembly promises
// zeroed pages to memory.grow).

// memPoolBytes bounds the bytes of the kept memories; memPoolCount
// their number.
const (
	memPoolBytes = 64 << 20
	memPoolCount = 8
)

// memPool keeps the buffers of freed forkMemories.
type memPool struct {
	mu    sync.Mutex
	free  [][]byte
	bytes int
}

// get returns a kept buffer whose capacity is at least size and at most
// twice size (the best fit), and the length of its prefix that may hold
// old bytes; or a new zeroed buffer and 0.
func (p *memPool) get(size uint64) (buf []byte, dirty uint64) {
	p.mu.Lock()
	best := -1
	for i, b := range p.free {
		c := uint64(cap(b))
		if c >= size && c <= 2*size && (best < 0 || c < uint64(cap(p.free[best]))) {
			best = i
		}
	}
	if best >= 0 {
		buf = p.free[best]
		p.free[best] = p.free[len(p.free)-1]
		p.free[len(p.free)-1] = nil
		p.free = p.free[:len(p.free)-1]
		p.bytes -= cap(buf)
	}
	p.mu.Unlock()
	if buf != nil {
		return buf[:0], uint64(cap(buf))
	}
	return make([]byte, 0, size), 0
}

// put keeps buf for a later fork, if the pool has room.
func (p *memPool) put(buf []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) >= memPoolCount || p.bytes+cap(buf) > memPoolBytes {
		return
	}
	p.free = append(p.free, buf[:0])
	p.bytes += cap(buf)
}

// forkMemory is the experimental.LinearMemory of a forked child's
// instance.
type forkMemory struct {
	pool *memPool
	buf  []byte
	// dirty is how much of buf, from its start, may hold bytes of a
	// previous cage: memory handed out beyond overwritten and below
	// dirty is cleared first.
	dirty uint64
	// overwritten is how much of the memory the fork will overwrite
	// with the parent's before the child runs (0 once it has).
	overwritten uint64
}

// forkAllocator returns the allocator of a forked child's instance,
// whose parent's memory is size bytes, and the memory it will make (set
// when wazero calls it).
func (pool *memPool) forkAllocator(size uint64) (experimental.MemoryAllocator, **forkMemory) {
	var made *forkMemory
	return experimental.MemoryAllocatorFunc(func(_, _ uint64) experimental.LinearMemory {
		buf, dirty := pool.get(size)
		made = &forkMemory{pool: pool, buf: buf, dirty: dirty, overwritten: size}
		return made
	}), &made
}

// Reallocate implements experimental.LinearMemory: the memory grown to
// size bytes, the new bytes zero.
func (m *forkMemory) Reallocate(size uint64) []byte {
	old := uint64(len(m.buf))
	if size <= old {
		return m.buf
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		if lo, hi := max(old, m.overwritten), min(size, m.dirty); lo < hi {
			clear(m.buf[lo:hi])
		}
		return m.buf
	}
	// Beyond the buffer: a new one, zeroed by Go, with room to grow as
	// append would leave.
	nb := make([]byte, size, size+size/4)
	copy(nb, m.buf)
	if m.overwritten > old {
		m.overwritten = old // the copy carries what was written
	}
	m.buf, m.dirty = nb, 0
	return m.buf
}

// copied records that the fork has written the parent's memory.
func (m *forkMemory) copied() {
	m.overwritten = 0
	m.dirty = max(m.dirty, uint64(len(m.buf)))
}

// Free implements experimental.LinearMemory: the buffer goes back to
// the pool. Everything up to its capacity counts as dirty there.
func (m *forkMemory) Free() {
	if m.buf != nil {
		m.pool.put(m.buf)
		m.buf = nil
	}
}
