// Package pipes holds gocage's pipe object: the buffer, the reader and writer
// counts and the wait queues behind pipe(2) and FIFOs (fifo(7)), and the
// fdtable.File that each end of a pipe, and each open of a FIFO, presents to
// its open file description. It follows Linux's fs/pipe.c: capacity counted
// in page-sized slots, PIPE_BUF atomicity, EPIPE, the reader and writer
// counters that release blocked FIFO opens, F_SETPIPE_SZ and poll readiness.
//
// It does not know about descriptor tables, signals or the filesystem: the
// kernel raises SIGPIPE when a write returns EPIPE, interrupts blocked calls
// through fdtable.Task, and the vfs keeps one Pipe per FIFO inode and calls
// OpenFIFO for each open. It does not model packet mode (O_DIRECT), splice,
// watch queues, or the per-user pipe-buffer quotas.
//
// It may import posix and fdtable only, plus the standard library.
//
// Lock order: Pipe.mu, then fdtable.Queue.mu (inside Queue.Notify), then
// fdtable.Waiter.Mu. Pipe.mu is the package's only lock; it is never held
// while taking another pipe's. A blocked call sleeps in fdtable.Task.Block
// on a sync.Cond whose lock is Pipe.mu.
package pipes

import (
	"sync"
	"sync/atomic"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

const (
	// pageSize is the size of one slot's page, Linux's PAGE_SIZE.
	pageSize = 4096

	// defaultSlots is the default capacity in slots, PIPE_DEF_BUFFERS.
	defaultSlots = 16

	// DefaultSize is the capacity of a new pipe in bytes: 16 slots of 4096.
	DefaultSize = defaultSlots * pageSize

	// MaxSize is the largest capacity F_SETPIPE_SZ grants an unprivileged
	// caller, Linux's default /proc/sys/fs/pipe-max-size. Cages are always
	// unprivileged (no CAP_SYS_RESOURCE), so growing a pipe above it is
	// EPERM.
	MaxSize = 1 << 20
)

// pagePool holds free 4096-byte pages. A slot takes a page when a write
// opens it and gives it back when a read empties it, so an empty pipe holds
// no page memory.
var pagePool = sync.Pool{New: func() any { return new([pageSize]byte) }}

// lastIno is the last inode number given to a pipe.
var lastIno atomic.Uint64

// slot is one page-sized buffer of the ring, Linux's struct pipe_buffer:
// the queued bytes are page[off : off+len].
type slot struct {
	page *[pageSize]byte
	off  int32
	len  int32
}

// Pipe is a pipe or a FIFO: a queue of bytes counted in page-sized slots,
// with the number of open read and write ends.
//
// Ends and OpenFIFO make open file descriptions referring to it; each
// description counts as a reader, a writer, or both (an O_RDWR FIFO open)
// until it is released. All methods are safe for concurrent use. The zero
// Pipe is not usable: call New.
type Pipe struct {
	// ino is the inode number. Immutable.
	ino uint64

	// queue is notified whenever the readiness of an end may have changed.
	queue fdtable.Queue

	// mu guards the fields below and is the lock of rcond and wcond.
	mu sync.Mutex

	// rcond is where readers wait for data or for the last writer to go,
	// and where blocked FIFO opens wait for a partner (Linux's rd_wait).
	// Its L is &mu.
	rcond sync.Cond
	// wcond is where writers wait for a free slot or for the last reader
	// to go (Linux's wr_wait). Its L is &mu.
	wcond sync.Cond

	// ring holds the slots, indexed by head and tail masked with
	// len(ring)-1; len(ring) == maxSlots, a power of two. It is nil until
	// the first write and after the last end is released. Protected by mu.
	ring []slot
	// head counts the slots ever filled and tail the slots ever emptied;
	// head-tail is the number in use. They wrap naturally. Protected by mu.
	head, tail uint32
	// maxSlots is the capacity in slots (Linux's max_usage). Protected by mu.
	maxSlots uint32
	// n is the number of queued bytes. Protected by mu.
	n int

	// readers and writers count the descriptions open for reading and for
	// writing. Protected by mu.
	readers, writers int
	// rCounter and wCounter count the opens for reading and for writing
	// ever made (Linux's r_counter and w_counter), so a FIFO open waiting
	// for a partner sees one that came and went. Protected by mu.
	rCounter, wCounter uint64

	// rSleepers, wSleepers and openSleepers count the readers, writers and
	// FIFO opens asleep in Block, so that the fast path signals a cond only
	// when someone waits on it. Protected by mu.
	rSleepers, wSleepers, openSleepers int
}

// New returns an empty pipe with the default capacity, DefaultSize (16
// slots of 4096 bytes), and no reader or writer.
func New() *Pipe {
	p := &Pipe{
		ino:      lastIno.Add(1),
		maxSlots: defaultSlots,
		rCounter: 1,
		wCounter: 1,
	}
	p.rcond.L = &p.mu
	p.wcond.L = &p.mu
	return p
}

// Ino returns the pipe's inode number, unique among the pipes of the
// process.
func (p *Pipe) Ino() uint64 { return p.ino }

// Size returns the capacity in bytes, as F_GETPIPE_SZ.
func (p *Pipe) Size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return int(p.maxSlots) * pageSize
}

// Len returns the number of queued bytes, as FIONREAD.
func (p *Pipe) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// roundSize is fs/pipe.c:round_pipe_size: the capacity granted for a
// request of n bytes, or 0 if the request is absurd.
func roundSize(n uint32) uint32 {
	if n > 1<<31 {
		return 0
	}
	if n < pageSize {
		return pageSize
	}
	size := uint32(pageSize)
	for size < n {
		size <<= 1
	}
	return size
}

// SetSize implements F_SETPIPE_SZ, as fs/pipe.c:pipe_set_size: it rounds n
// up to a power of two of at least 4096 bytes, sets the capacity to that
// many bytes, and returns it. As in Linux, n is taken as a C unsigned int:
// only its low 32 bits count.
//
// # Errors
//
//   - EINVAL: n is above 2^31.
//   - EPERM: the new size grows the pipe above MaxSize (cages never have
//     CAP_SYS_RESOURCE).
//   - EBUSY: the new size has fewer slots than are in use now.
func (p *Pipe) SetSize(n int64) (int, posix.Errno) {
	size := roundSize(uint32(n))
	if size == 0 {
		return 0, posix.EINVAL
	}
	slots := size / pageSize
	p.mu.Lock()
	if slots > p.maxSlots && size > MaxSize {
		p.mu.Unlock()
		return 0, posix.EPERM
	}
	used := p.head - p.tail
	if slots < used {
		p.mu.Unlock()
		return 0, posix.EBUSY
	}
	if slots != p.maxSlots {
		p.resizeLocked(slots, used)
	}
	p.mu.Unlock()
	p.queue.Notify()
	return int(size), 0
}

// resizeLocked moves the used slots into a ring of the given size.
//
// Preconditions: p.mu is held; slots is a power of two, at least used.
func (p *Pipe) resizeLocked(slots, used uint32) {
	if used == 0 {
		p.ring = nil
	} else {
		ring := make([]slot, slots)
		mask := uint32(len(p.ring)) - 1
		for i := range used {
			ring[i] = p.ring[(p.tail+i)&mask]
		}
		p.ring = ring
	}
	p.head, p.tail = used, 0
	grew := slots > p.maxSlots
	p.maxSlots = slots
	if grew && p.wSleepers > 0 {
		p.wcond.Broadcast()
	}
}

// fullLocked reports whether every slot is in use (Linux's pipe_full).
//
// Preconditions: p.mu is held.
func (p *Pipe) fullLocked() bool { return p.head-p.tail >= p.maxSlots }

// wakeReaderLocked wakes one sleeping reader, or everyone on rcond when a
// FIFO open sleeps there too (a Signal must not be lost to an open that
// does not care about data).
//
// Preconditions: p.mu is held.
func (p *Pipe) wakeReaderLocked() {
	if p.openSleepers > 0 {
		p.rcond.Broadcast()
	} else if p.rSleepers > 0 {
		p.rcond.Signal()
	}
}

// freeLocked gives every page back and returns the pipe to its initial,
// empty state with the default size, as Linux frees the pipe_inode_info
// when its last file is released (a FIFO opened again starts afresh).
//
// Preconditions: p.mu is held.
func (p *Pipe) freeLocked() {
	if p.ring != nil {
		mask := uint32(len(p.ring)) - 1
		for ; p.tail != p.head; p.tail++ {
			s := &p.ring[p.tail&mask]
			pagePool.Put(s.page)
			*s = slot{}
		}
	}
	p.ring = nil
	p.head, p.tail = 0, 0
	p.n = 0
	p.maxSlots = defaultSlots
}

// source walks the bytes of a write: cur, then each buffer of iov.
type source struct {
	cur []byte
	iov [][]byte
}

// copyTo fills dst from the source as far as it goes and returns the count.
func (s *source) copyTo(dst []byte) int {
	n := 0
	for n < len(dst) {
		if len(s.cur) == 0 {
			if len(s.iov) == 0 {
				break
			}
			s.cur, s.iov = s.iov[0], s.iov[1:]
			continue
		}
		c := copy(dst[n:], s.cur)
		s.cur = s.cur[c:]
		n += c
	}
	return n
}

// sink walks the buffers of a read: cur, then each buffer of iov.
type sink struct {
	cur []byte
	iov [][]byte
}

// copyFrom copies src into the sink as far as it has room and returns the
// count.
func (s *sink) copyFrom(src []byte) int {
	n := 0
	for n < len(src) {
		if len(s.cur) == 0 {
			if len(s.iov) == 0 {
				break
			}
			s.cur, s.iov = s.iov[0], s.iov[1:]
			continue
		}
		c := copy(s.cur, src[n:])
		s.cur = s.cur[c:]
		n += c
	}
	return n
}

// iovLen returns the total length of iov.
func iovLen(iov [][]byte) int {
	n := 0
	for _, b := range iov {
		n += len(b)
	}
	return n
}

// write writes total bytes from src, as fs/pipe.c:pipe_write.
//
// If the pipe is not empty, the first total%4096 bytes are appended to the
// last slot when they fit there whole, after its offset and length; the
// rest goes into new slots of up to 4096 bytes each, a new slot being taken
// only while fewer than maxSlots are in use. So a write of at most PIPE_BUF
// bytes lands in one place, at once: it is atomic.
func (p *Pipe) write(t fdtable.Task, d *fdtable.Description, src *source, total int) (int, posix.Errno) {
	p.mu.Lock()
	if p.readers == 0 {
		p.mu.Unlock()
		return 0, posix.EPIPE
	}
	done := 0
	if chars := total & (pageSize - 1); chars != 0 && p.head != p.tail {
		s := &p.ring[(p.head-1)&(uint32(len(p.ring))-1)]
		if off := int(s.off + s.len); off+chars <= pageSize {
			src.copyTo(s.page[off : off+chars])
			s.len += int32(chars)
			p.n += chars
			done = chars
		}
	}
	var err, intr posix.Errno
	unwoken := done > 0 // data added since readers were last woken
	for done < total {
		if p.readers == 0 {
			err = posix.EPIPE
			break
		}
		if !p.fullLocked() {
			if p.ring == nil {
				p.ring = make([]slot, p.maxSlots)
			}
			page := pagePool.Get().(*[pageSize]byte)
			c := src.copyTo(page[:])
			p.ring[p.head&(uint32(len(p.ring))-1)] = slot{page: page, len: int32(c)}
			p.head++
			p.n += c
			done += c
			unwoken = true
			continue
		}
		if d.Nonblocking() {
			if done == 0 {
				err = posix.EAGAIN
			}
			break
		}
		if intr != 0 {
			if done == 0 {
				err = intr
			}
			break
		}
		if unwoken {
			// Let readers drain what is there before sleeping for room.
			p.wakeReaderLocked()
			p.queue.Notify()
			unwoken = false
		}
		p.wSleepers++
		if e := t.Block(&p.wcond); e != 0 {
			// Linux checks the condition before the signal: go round
			// once more and take any room that appeared.
			intr = e
		}
		p.wSleepers--
	}
	if unwoken {
		p.wakeReaderLocked()
	}
	if p.wSleepers > 0 && !p.fullLocked() {
		// Pass the wake-up on: there is room for the next writer too.
		p.wcond.Signal()
	}
	p.mu.Unlock()
	if unwoken {
		p.queue.Notify()
	}
	return done, err
}

// read reads up to total bytes into dst, as fs/pipe.c:pipe_read: whatever
// is queued, across slots, without waiting to fill dst.
func (p *Pipe) read(t fdtable.Task, d *fdtable.Description, dst *sink, total int) (int, posix.Errno) {
	p.mu.Lock()
	done := 0
	freed := false
	var intr posix.Errno
	for {
		if p.head != p.tail {
			mask := uint32(len(p.ring)) - 1
			for done < total && p.head != p.tail {
				s := &p.ring[p.tail&mask]
				c := dst.copyFrom(s.page[s.off : s.off+s.len])
				s.off += int32(c)
				s.len -= int32(c)
				p.n -= c
				done += c
				if s.len == 0 {
					pagePool.Put(s.page)
					*s = slot{}
					p.tail++
					freed = true
				}
			}
		}
		if done > 0 || p.writers == 0 {
			break
		}
		if d.Nonblocking() {
			p.mu.Unlock()
			return 0, posix.EAGAIN
		}
		if intr != 0 {
			p.mu.Unlock()
			return 0, intr
		}
		p.rSleepers++
		if e := t.Block(&p.rcond); e != 0 {
			// As in write: data that arrived with the signal is read.
			intr = e
		}
		p.rSleepers--
	}
	if freed && p.wSleepers > 0 {
		p.wcond.Signal()
	}
	if p.head != p.tail {
		// Pass the wake-up on: there is data for the next reader too.
		p.wakeReaderLocked()
	}
	p.mu.Unlock()
	if freed {
		p.queue.Notify()
	}
	return done, 0
}
