package grates_test

import (
	"bytes"
	"sync"

	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixedPid is a layer that answers getpid with 4242.
type fixedPid struct{}

func (fixedPid) Handle(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	if c.Num == posix.SYS_GETPID {
		return 4242, 0
	}
	return g.Forward(c)
}
