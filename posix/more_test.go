package posix_test

import (
	"testing"

	"github.com/gocage/gocage/posix"
)

func TestFdSet(t *testing.T) {
	var s posix.FdSet
	for _, fd := range []int{0, 63, 64, 1023} {
		s.Set(fd)
		if !s.IsSet(fd) {
			t.Errorf("IsSet(%d) after Set = false", fd)
		}
	}
	s.Set(-1)
	s.Set(posix.FD_SETSIZE)
	if s.IsSet(-1) || s.IsSet(posix.FD_SETSIZE) || s.IsSet(1) {
		t.Errorf("out-of-range or unset descriptors read as set")
	}
	if s.Bits[0] != 1|1<<63 || s.Bits[1] != 1 || s.Bits[15] != 1<<63 {
		t.Errorf("bits = %#x: want fd%%64 of word fd/64", s.Bits)
	}
	s.Clear(63)
	if s.IsSet(63) || !s.IsSet(0) {
		t.Errorf("Clear(63) changed the wrong bits: %#x", s.Bits[0])
	}
	s.Zero()
	if s != (posix.FdSet{}) {
		t.Errorf("Zero left %#x", s.Bits)
	}
}

func TestTimeval(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want posix.Timeval
	}{{0, posix.Timeval{}}, {1999, posix.Timeval{Usec: 1}}, {1_500_000_000, posix.Timeval{Sec: 1, Usec: 500000}}, {-1000, posix.Timeval{Sec: -1, Usec: 999999}}} {
		if got := posix.NsecToTimeval(c.ns); got != c.want {
			t.Errorf("NsecToTimeval(%d) = %+v; want %+v", c.ns, got, c.want)
		}
	}
	if (posix.Timeval{Sec: 1, Usec: 5}).Nano() != 1_000_005_000 {
		t.Errorf("Nano")
	}
	for _, c := range []struct {
		tv   posix.Timeval
		want bool
	}{{posix.Timeval{}, true}, {posix.Timeval{Usec: 999999}, true}, {posix.Timeval{Usec: 1e6}, false}, {posix.Timeval{Usec: -1}, false}, {posix.Timeval{Sec: -1}, false}} {
		if got := c.tv.Valid(); got != c.want {
			t.Errorf("%+v.Valid() = %v", c.tv, got)
		}
	}
}
