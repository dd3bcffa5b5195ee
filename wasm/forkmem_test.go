package wasm

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestForkMemory_RecycledBytesNeverShow: a child's memory made from a
// buffer another cage used shows none of its bytes: what the fork does
// not overwrite with the parent's memory is zero, and so is every byte
// memory.grow adds later, within the buffer or beyond it.
func TestForkMemory_RecycledBytesNeverShow(t *testing.T) {
	const page = 65536
	var pool memPool
	old := bytes.Repeat([]byte{0xAA}, 8*page)
	pool.put(old)

	alloc, made := pool.forkAllocator(4 * page) // the parent has 4 pages
	lm := alloc.Allocate(2*page, 16*page)
	m := *made
	require.Same(t, m, lm.(*forkMemory))
	require.Equal(t, 8*page, cap(m.buf), "the kept buffer is reused")

	buf := lm.Reallocate(2 * page) // instantiation: the initial pages
	require.Len(t, buf, 2*page)
	buf = lm.Reallocate(4 * page) // the fork grows it to the parent's size
	copy(buf, bytes.Repeat([]byte{0x11}, 4*page))
	m.copied()

	buf = lm.Reallocate(6 * page) // the child grows, within the buffer
	require.Len(t, buf, 6*page)
	require.Equal(t, make([]byte, 2*page), buf[4*page:], "grown memory is zero")
	require.Equal(t, bytes.Repeat([]byte{0x11}, 4*page), buf[:4*page], "the parent's bytes stay")

	buf = lm.Reallocate(10 * page) // and beyond it
	require.Len(t, buf, 10*page)
	require.Equal(t, make([]byte, 4*page), buf[6*page:])
	require.Equal(t, bytes.Repeat([]byte{0x11}, 4*page), buf[:4*page])

	lm.Free()
	require.Len(t, pool.free, 1, "the child's memory is kept for the next fork")
	lm.Free() // twice is harmless
	require.Len(t, pool.free, 1)
}

// TestMemPool_Bounded: the pool keeps at most memPoolCount buffers and
// memPoolBytes bytes, and gives a buffer only to a fork it fits well.
func TestMemPool_Bounded(t *testing.T) {
	var pool memPool
	for range memPoolCount + 4 {
		pool.put(make([]byte, 1<<20))
	}
	require.Len(t, pool.free, memPoolCount)
	pool.put(make([]byte, memPoolBytes))
	require.Len(t, pool.free, memPoolCount)
	require.LessOrEqual(t, pool.bytes, memPoolBytes)

	b, dirty := pool.get(4 << 20) // too big for the 1 MiB buffers
	require.Zero(t, dirty)
	require.Equal(t, 4<<20, cap(b))
	b, dirty = pool.get(300 << 10) // 1 MiB is more than twice 300 KiB
	require.Zero(t, dirty)
	require.Equal(t, 300<<10, cap(b))
	b, dirty = pool.get(600 << 10)
	require.Equal(t, uint64(1<<20), dirty)
	require.Equal(t, 1<<20, cap(b))
	require.Len(t, pool.free, memPoolCount-1)
}
