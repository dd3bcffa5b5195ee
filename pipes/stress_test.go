package pipes_test

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// record returns writer w's record number seq: PIPE_BUF bytes starting with
// w and seq, then a pattern that depends on both.
func record(buf []byte, w, seq int) {
	buf[0] = byte(w)
	binary.LittleEndian.PutUint32(buf[1:5], uint32(seq))
	for i := 5; i < len(buf); i++ {
		buf[i] = byte(w*31 + seq*7 + i)
	}
}

// checkRecord reports the writer and sequence number of rec, or ok false
// if rec is not a whole record.
func checkRecord(rec []byte) (w, seq int, ok bool) {
	w = int(rec[0])
	seq = int(binary.LittleEndian.Uint32(rec[1:5]))
	for i := 5; i < len(rec); i++ {
		if rec[i] != byte(w*31+seq*7+i) {
			return w, seq, false
		}
	}
	return w, seq, true
}

// Writes of exactly PIPE_BUF bytes from many writers never interleave: each
// record arrives whole, exactly once, and in order per writer, whatever the
// reader's read sizes.
func TestPipe_Stress_PipeBufRecordsNeverInterleave(t *testing.T) {
	checkGoroutines(t)
	const (
		writers = 8
		records = 2000
	)
	_, r, w := newPipe(t, 0)

	var wg sync.WaitGroup
	errs := make(chan string, writers)
	for id := range writers {
		w.IncRef()
		wg.Go(func() {
			defer w.DecRef()
			rec := make([]byte, posix.PIPE_BUF)
			for seq := range records {
				record(rec, id, seq)
				var n int
				var err posix.Errno
				if id%2 == 0 {
					n, err = w.File().Write(host, w, rec)
				} else {
					// Writev: atomicity applies to the total.
					cut := 1 + (seq*97)%(len(rec)-1)
					n, err = w.File().Writev(host, w, [][]byte{rec[:cut], rec[cut:]})
				}
				if n != len(rec) || err != 0 {
					errs <- "writer short write"
					return
				}
			}
		})
	}
	w.DecRef() // the writers hold the only references now

	rng := rand.New(rand.NewPCG(1, 2))
	next := make([]int, writers)
	pending := make([]byte, 0, 2*posix.PIPE_BUF)
	buf := make([]byte, 3*posix.PIPE_BUF)
	total := 0
	for {
		size := 1 + rng.IntN(len(buf))
		n, err := r.File().Read(host, r, buf[:size])
		require.Zero(t, err, "Read(%d bytes) = %d, %s; want n, nil", size, n, errName(err))
		if n == 0 {
			break
		}
		require.LessOrEqual(t, n, size)
		pending = append(pending, buf[:n]...)
		for len(pending) >= posix.PIPE_BUF {
			id, seq, ok := checkRecord(pending[:posix.PIPE_BUF])
			require.True(t, ok, "record %d (writer %d, seq %d) is not whole: interleaved", total, id, seq)
			require.Less(t, id, writers, "record %d names writer %d", total, id)
			require.Equal(t, next[id], seq, "writer %d: got record %d; want %d", id, seq, next[id])
			next[id]++
			total++
			pending = append(pending[:0], pending[posix.PIPE_BUF:]...)
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	require.Empty(t, pending, "trailing bytes at EOF")
	require.Equal(t, writers*records, total, "records received")
}

// Readers and writers blocked on a pipe while its ends are closed, data
// flows and calls are interrupted all finish: no deadlock, no lost
// wake-up, and what was read is what was written, in order.
func TestPipe_Stress_CloseWhileBlocked(t *testing.T) {
	checkGoroutines(t)
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	for round := range rounds {
		rng := rand.New(rand.NewPCG(uint64(round), 7))
		p := pipes.New()
		r, w := p.Ends(0)
		earlyStop := round%2 == 1 // readers give up: writers must see EPIPE

		var written, read atomic.Int64
		var wg sync.WaitGroup
		var tasks []*fakeTask
		for i := range 3 {
			k := &fakeTask{}
			tasks = append(tasks, k)
			w.IncRef()
			size := 1 + rng.IntN(20000)
			wg.Go(func() {
				defer w.DecRef()
				b := make([]byte, size)
				for range 20 {
					n, err := w.File().Write(k, w, b)
					written.Add(int64(n))
					if err == posix.EPIPE || err == posix.EINTR {
						return
					}
					if err != 0 || n == 0 {
						t.Errorf("round %d writer %d: Write(%d bytes) = %d, %s", round, i, size, n, errName(err))
						return
					}
					if n < size {
						// Interrupted after partial progress.
						return
					}
				}
			})
		}
		for range 3 {
			r.IncRef()
			limit := int64(rng.IntN(200000))
			wg.Go(func() {
				defer r.DecRef()
				b := make([]byte, 1+rand.IntN(9000))
				var mine int64
				for !earlyStop || mine < limit {
					n, err := r.File().Read(host, r, b)
					if err != 0 {
						t.Errorf("round %d: Read = %d, %s", round, n, errName(err))
						return
					}
					if n == 0 {
						return
					}
					mine += int64(n)
					read.Add(int64(n))
				}
			})
		}
		// Close both ends of the caller's while the others run, then
		// interrupt a writer at random.
		time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
		if rng.IntN(2) == 0 {
			r.DecRef()
			w.DecRef()
		} else {
			w.DecRef()
			r.DecRef()
		}
		if rng.IntN(4) == 0 {
			tasks[rng.IntN(len(tasks))].Interrupt()
		}

		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: calls still blocked after every end was closed", round)
		}
		if !earlyStop {
			require.Equal(t, written.Load(), read.Load(), "round %d: bytes read != bytes written", round)
		}
		require.Zero(t, p.Len(), "round %d: bytes left after the last close", round)
	}
}

// Many blocked readers and writers interrupted at random return EINTR or
// their partial count, and never swallow a wake-up meant for another.
func TestPipe_Stress_InterruptsDoNotLoseWakeups(t *testing.T) {
	checkGoroutines(t)
	_, r, w := newPipe(t, 0)
	const readers = 6
	var wg sync.WaitGroup
	var got atomic.Int64
	tasks := make([]*fakeTask, readers)
	for i := range readers {
		tasks[i] = &fakeTask{}
		wg.Go(func() {
			b := make([]byte, 100)
			for {
				n, err := r.File().Read(tasks[i], r, b)
				if err == posix.EINTR || n == 0 {
					return
				}
				got.Add(int64(n))
			}
		})
	}
	for _, k := range tasks {
		waitSleeping(t, k)
	}
	// Interrupt half the readers while data arrives; the others must still
	// get every byte.
	const total = 100 * 1000
	for i := range 1000 {
		if i%100 == 0 && i/100 < readers && (i/100)%2 == 0 {
			go tasks[i/100].Interrupt()
		}
		mustWrite(t, w, make([]byte, 100))
	}
	require.Eventually(t, func() bool { return got.Load() == total }, 10*time.Second, time.Millisecond,
		"readers got %d bytes; want %d", got.Load(), total)
	w.DecRef()
	wg.Wait()
}

var _ fdtable.Task = (*fakeTask)(nil)
