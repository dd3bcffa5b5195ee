package fdtable

import (
	"sync"
	"sync/atomic"
)

// Queue is the list of pollers waiting for a file's readiness to change.
// A file calls Notify whenever its readiness may have changed; when nobody
// polls, Notify costs one atomic load.
//
// The zero Queue is empty and ready to use. A Queue is safe for concurrent
// use.
type Queue struct {
	// n counts the waiters, so Notify can skip the lock.
	n atomic.Int32

	mu sync.Mutex
	// waiters is the set of registered waiters. Protected by mu.
	waiters []*Waiter
}

// Register adds w; it will be woken by every Notify until Unregister.
func (q *Queue) Register(w *Waiter) {
	q.mu.Lock()
	q.waiters = append(q.waiters, w)
	q.n.Store(int32(len(q.waiters)))
	q.mu.Unlock()
}

// Unregister removes w.
func (q *Queue) Unregister(w *Waiter) {
	q.mu.Lock()
	for i, x := range q.waiters {
		if x == w {
			last := len(q.waiters) - 1
			q.waiters[i] = q.waiters[last]
			q.waiters[last] = nil
			q.waiters = q.waiters[:last]
			break
		}
	}
	q.n.Store(int32(len(q.waiters)))
	q.mu.Unlock()
}

// Notify wakes every registered waiter.
func (q *Queue) Notify() {
	if q.n.Load() == 0 {
		return
	}
	q.mu.Lock()
	for _, w := range q.waiters {
		w.Wake()
	}
	q.mu.Unlock()
}

// Waiter is one poll(2) call waiting on several queues. Its Cond is what
// the poller sleeps on (through Task.Block); Wake marks it ready.
type Waiter struct {
	// Mu guards Ready; Cond's lock is &Mu.
	Mu sync.Mutex
	// Cond is signalled by Wake.
	Cond sync.Cond
	// Ready is set by Wake and cleared by the poller. Protected by Mu.
	Ready bool
}

// NewWaiter returns a Waiter whose Cond is bound to its Mu.
func NewWaiter() *Waiter {
	w := &Waiter{}
	w.Cond.L = &w.Mu
	return w
}

// Wake marks the waiter ready and wakes it.
func (w *Waiter) Wake() {
	w.Mu.Lock()
	w.Ready = true
	w.Cond.Broadcast()
	w.Mu.Unlock()
}
