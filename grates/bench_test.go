package grates_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// BenchmarkTracedWrite measures 1-byte writes to a pipe (drained by a
// cage the grate does not serve): untraced, and through the Tracer writing
// strace's lines to a discarding sink; the host twins (bench_linux_test.go)
// are the same writes by a host process, bare and under strace -f.
// Target: traced ≤ 5× untraced.
func BenchmarkTracedWrite(b *testing.B) {
	b.Run("untraced", func(b *testing.B) { cageWrites(b, nil) })
	b.Run("traced", func(b *testing.B) {
		cageWrites(b, grates.NewTracer(grates.TraceOptions{Output: io.Discard}))
	})
	b.Run("host", func(b *testing.B) { hostWrites(b, false) })
	b.Run("host-strace", func(b *testing.B) { hostWrites(b, true) })
}

// cageWrites runs b.N 1-byte writes in a cage under layer (nil: none).
func cageWrites(b *testing.B, layer grates.Layer) {
	b.ReportAllocs()
	var failure error
	k := cages.New(cages.Config{})
	writer := func(r, w int) func(c *cages.Proc) int {
		return func(c *cages.Proc) int {
			c.Close(r)
			one := []byte{'x'}
			for b.Loop() {
				if n, err := c.Write(w, one); n != 1 || err != nil {
					failure = fmt.Errorf("write = %d, %v", n, err)
					return 1
				}
			}
			return 0
		}
	}
	st, err := k.Run(b.Context(), cages.Spec{Path: "/bench", Program: func(p *cages.Proc) int {
		r, w, err := p.Pipe()
		if err != nil {
			failure = err
			return 1
		}
		reader, _ := p.Fork(func(c *cages.Proc) int {
			c.Close(w)
			buf := make([]byte, 65536)
			for {
				n, err := c.Read(r, buf)
				if n == 0 || err != nil {
					return 0
				}
			}
		})
		var pid int
		if layer == nil {
			pid, err = p.Fork(writer(r, w))
		} else {
			g := p.Grate()
			pid, err = p.Fork(func(c *cages.Proc) int {
				if err := g.Register(c.Getpid(), threei.AllCalls, layer.Handle); err != nil {
					failure = err
					return 1
				}
				return writer(r, w)(c)
			})
		}
		if err != nil {
			failure = err
			return 1
		}
		p.Close(r)
		p.Close(w)
		p.Wait4(pid, 0)
		p.Wait4(reader, 0)
		return 0
	}})
	if err != nil || failure != nil || st != posix.Exited(0) {
		b.Fatalf("run: %v, %v, %v", err, failure, st)
	}
}
