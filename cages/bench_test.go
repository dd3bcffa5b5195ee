package cages_test

// Performance benchmarks of the whole path: a Go cage program making its
// calls through Proc, the cage's 3i table, the kernel and the pipe. Each
// benchmark runs its gocage variant (…/gocage) beside the same operation on
// the host kernel (…/host, in bench_host_linux_test.go; skipped elsewhere)
// or beside an in-process reference (BenchmarkChannelRoundTrip/go,
// BenchmarkMemcpy), so one run gives both figures and their ratio.
// `make bench` runs them all and prints the ratios against the targets;
// BENCHMARKS.md holds the last results.
//
// The cage variants call b.Loop from one cage's goroutine only (the cage
// program that k.Run starts, or a cage it forks); the benchmark goroutine
// waits in k.Run meanwhile. Setup (the kernel, pipes, forks) happens before
// the first b.Loop and is not timed. Where work is still in flight when
// b.Loop ends (bytes left in a pipe), the timer is restarted until it is
// done, so the figure covers every byte.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// benchWriteSizes are the write sizes of BenchmarkPipeThroughput.
var benchWriteSizes = []int{64, 64 << 10}

// benchReadSize is the reader's buffer in the throughput benchmarks.
const benchReadSize = 64 << 10

// benchRun runs prog as the only cage of a new kernel (with cfg) and fails
// b unless it exits with status 0. A cage program reports a failure by
// storing it in *failure (when failure is not nil) and returning non-zero;
// b.Fatal must not be called from a cage's goroutine.
func benchRun(b *testing.B, cfg cages.Config, failure *error, prog cages.Program) {
	b.Helper()
	k := cages.New(cfg)
	st, err := k.Run(context.Background(), cages.Spec{Path: "/bench", Program: prog})
	if err != nil {
		b.Fatal(err)
	}
	if failure != nil && *failure != nil {
		b.Fatal(*failure)
	}
	if st != posix.Exited(0) {
		b.Fatalf("bench cage: %v", st)
	}
}

// benchWait waits for child pid and checks that it exited with status 0.
func benchWait(p *cages.Proc, pid int) error {
	got, st, err := p.Wait4(pid, 0)
	if err != nil {
		return fmt.Errorf("wait4(%d): %w", pid, err)
	}
	if got != pid || st != posix.Exited(0) {
		return fmt.Errorf("wait4(%d) = %d, %v", pid, got, st)
	}
	return nil
}

// benchWriteAll writes all of buf to fd.
func benchWriteAll(p *cages.Proc, fd int, buf []byte) error {
	for len(buf) > 0 {
		n, err := p.Write(fd, buf)
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		buf = buf[n:]
	}
	return nil
}

// BenchmarkGetpid measures the cheapest call through the whole path: the
// Proc method, the 3i table, the kernel's getpid, and the signal check on
// the way back. Target: ≤ 30 ns and 0 allocations.
func BenchmarkGetpid(b *testing.B) {
	b.Run("gocage", cageGetpid)
	b.Run("host", hostGetpid)
}

func cageGetpid(b *testing.B) {
	b.ReportAllocs()
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		want := p.Cage().Pid()
		bad := 0
		for b.Loop() {
			if p.Getpid() != want {
				bad++
			}
		}
		if bad != 0 {
			failure = fmt.Errorf("getpid wrong %d times", bad)
			return 1
		}
		return 0
	})
}

// BenchmarkPipeThroughput measures bytes moved from a writer cage to a
// reader cage (reading with a 64 KiB buffer) through one pipe, with writes
// of each size. Targets: 64 KiB writes ≥ 5× the host pipe and ≥ 50 % of
// BenchmarkMemcpy/size=65536; 64-byte writes ≥ 15× the host pipe.
func BenchmarkPipeThroughput(b *testing.B) {
	impls := []struct {
		name string
		fn   func(*testing.B, int)
	}{
		{"gocage", cagePipeThroughput},
		{"host", hostPipeThroughput},
	}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			for _, size := range benchWriteSizes {
				b.Run(fmt.Sprintf("write=%d", size), func(b *testing.B) { impl.fn(b, size) })
			}
		})
	}
}

// cagePipeThroughput: the main cage forks the reader, then writes in the
// b.Loop; the time runs until the reader has read the last byte.
func cagePipeThroughput(b *testing.B, size int) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	var failure, readFailure error
	var got int64
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		r, w, err := p.Pipe()
		if err != nil {
			failure = err
			return 1
		}
		pid, err := p.Fork(func(c *cages.Proc) int {
			c.Close(w)
			buf := make([]byte, benchReadSize)
			var n int64
			for {
				m, err := c.Read(r, buf)
				if err != nil {
					readFailure = fmt.Errorf("read: %w", err)
					return 1
				}
				if m == 0 {
					break
				}
				n += int64(m)
			}
			got = n
			return 0
		})
		if err != nil {
			failure = err
			return 1
		}
		p.Close(r)
		src := make([]byte, size)
		for b.Loop() {
			if err := benchWriteAll(p, w, src); err != nil {
				failure = err
				return 1
			}
		}
		// The bytes still in the pipe are part of the work.
		b.StartTimer()
		p.Close(w)
		err = benchWait(p, pid)
		b.StopTimer()
		if err != nil {
			failure = errors.Join(err, readFailure)
			return 1
		}
		if want := int64(b.N) * int64(size); got != want {
			failure = fmt.Errorf("reader got %d bytes, want %d", got, want)
			return 1
		}
		return 0
	})
}

// BenchmarkPingPong measures a round trip of one byte between two cages
// over two pipes. Target: no slower than BenchmarkChannelRoundTrip/go.
func BenchmarkPingPong(b *testing.B) {
	b.Run("gocage", cagePingPong)
	b.Run("host", hostPingPong)
}

func cagePingPong(b *testing.B) {
	b.ReportAllocs()
	var failure, echoFailure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		pingR, pingW, err1 := p.Pipe()
		pongR, pongW, err2 := p.Pipe()
		if err := errors.Join(err1, err2); err != nil {
			failure = err
			return 1
		}
		pid, err := p.Fork(func(c *cages.Proc) int {
			c.Close(pingW)
			c.Close(pongR)
			buf := make([]byte, 1)
			for {
				n, err := c.Read(pingR, buf)
				if err != nil {
					echoFailure = fmt.Errorf("echo read: %w", err)
					return 1
				}
				if n == 0 {
					return 0
				}
				if _, err := c.Write(pongW, buf); err != nil {
					echoFailure = fmt.Errorf("echo write: %w", err)
					return 1
				}
			}
		})
		if err != nil {
			failure = err
			return 1
		}
		p.Close(pingR)
		p.Close(pongW)
		buf := []byte{'x'}
		for b.Loop() {
			if _, err := p.Write(pingW, buf); err != nil {
				failure = fmt.Errorf("ping: %w", err)
				return 1
			}
			if n, err := p.Read(pongR, buf); n != 1 || err != nil {
				failure = fmt.Errorf("pong: %d, %v", n, err)
				return 1
			}
		}
		p.Close(pingW)
		if err := benchWait(p, pid); err != nil {
			failure = errors.Join(err, echoFailure)
			return 1
		}
		return 0
	})
}

// BenchmarkChannelRoundTrip is the reference for BenchmarkPingPong: one
// value sent and one received back over unbuffered channels between two
// goroutines.
func BenchmarkChannelRoundTrip(b *testing.B) {
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		ping, pong := make(chan byte), make(chan byte)
		go func() {
			for v := range ping {
				pong <- v
			}
			close(pong)
		}()
		for b.Loop() {
			ping <- 'x'
			<-pong
		}
		close(ping)
		<-pong
	})
}

// BenchmarkWrite64 measures a 64-byte write to a pipe through the whole
// path. The pipe is non-blocking; when it is full (every 1024 writes) the
// writer drains it with 64 KiB reads, which is part of the measured cost,
// as in the host twin. Target: 0 allocations.
func BenchmarkWrite64(b *testing.B) {
	b.Run("gocage", cageWrite64)
	b.Run("host", hostWrite64)
}

func cageWrite64(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(64)
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		r, w, err := p.Pipe2(posix.O_NONBLOCK)
		if err != nil {
			failure = err
			return 1
		}
		msg := make([]byte, 64)
		drain := make([]byte, benchReadSize)
		for b.Loop() {
			if _, err := p.Write(w, msg); err != nil {
				if err != posix.EAGAIN {
					failure = fmt.Errorf("write: %w", err)
					return 1
				}
				for {
					if _, err := p.Read(r, drain); err != nil {
						break
					}
				}
				if _, err := p.Write(w, msg); err != nil {
					failure = fmt.Errorf("write after drain: %w", err)
					return 1
				}
			}
		}
		return 0
	})
}

// BenchmarkForkExitWait measures fork of a Go cage holding three fds
// besides its stdio, the child's exit, and the parent's waitpid. The host
// twin is fork+exec+wait of /bin/true. Target: ≥ 100× the host.
func BenchmarkForkExitWait(b *testing.B) {
	b.Run("gocage", cageForkExitWait)
	b.Run("host", hostForkExitWait)
}

func cageForkExitWait(b *testing.B) {
	b.ReportAllocs()
	var failure error
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int {
		_, w, err := p.Pipe() // fds 3 and 4
		if err != nil {
			failure = err
			return 1
		}
		if _, err := p.Dup(w); err != nil { // fd 5
			failure = err
			return 1
		}
		exit0 := func(*cages.Proc) int { return 0 }
		for b.Loop() {
			pid, err := p.Fork(exit0)
			if err != nil {
				failure = fmt.Errorf("fork: %w", err)
				return 1
			}
			if err := benchWait(p, pid); err != nil {
				failure = err
				return 1
			}
		}
		return 0
	})
}

// BenchmarkMemcpy is the reference for BenchmarkPipeThroughput: the two
// copies a pipe makes (writer's buffer to the pipe, pipe to the reader's
// buffer) as two plain copies of the same size.
func BenchmarkMemcpy(b *testing.B) {
	for _, size := range []int{64 << 10} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			src, mid, dst := make([]byte, size), make([]byte, size), make([]byte, size)
			for i := range src {
				src[i] = byte(i)
			}
			for b.Loop() {
				copy(mid, src)
				copy(dst, mid)
			}
		})
	}
}

// Sizes of BenchmarkCageChain.
const (
	chainCages = 10000   // cages alive at once
	chainBytes = 1 << 20 // pushed end to end
	chainBuf   = 4096    // each cage's copy buffer
	// hostChainProcs is the length of the host twin's chain: host
	// processes are too heavy for 10,000 on a small machine.
	hostChainProcs = 100
)

// BenchmarkCageChain starts 10,000 cages, each copying its stdin to its
// stdout (with a 4 KiB buffer), connected by pipes into one chain, and
// pushes 1 MiB through it end to end; one op is the whole life of the
// chain (forks, the megabyte, the exits and waits). While every cage is
// alive and blocked in read, it measures the memory each costs
// (HeapInuse+StackInuse after a GC, less the same before the chain, per
// cage) and reports it as B/cage. Target: completes; ≤ 32 KiB per cage.
// The host twin is a chain of 100 cat processes; it reports each idle
// process's proportional set size (PSS) as B/proc.
func BenchmarkCageChain(b *testing.B) {
	b.Run(fmt.Sprintf("gocage/cages=%d", chainCages), func(b *testing.B) { cageChain(b, chainCages) })
	b.Run(fmt.Sprintf("host/procs=%d", hostChainProcs), func(b *testing.B) { hostChain(b, hostChainProcs) })
}

func cageChain(b *testing.B, n int) {
	b.ReportAllocs()
	b.SetBytes(chainBytes)
	var failure error
	var perCage float64
	cfg := cages.Config{MaxCages: n + 100}
	benchRun(b, cfg, &failure, func(p *cages.Proc) int {
		first := true
		for b.Loop() {
			var before runtime.MemStats
			if first {
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
			}
			var ready atomic.Int64
			r0, w0, err := p.Pipe()
			if err != nil {
				failure = err
				return 1
			}
			prev := r0
			for range n {
				r, w, err := p.Pipe()
				if err != nil {
					failure = fmt.Errorf("pipe: %w", err)
					return 1
				}
				in, out := prev, w
				_, err = p.Fork(func(c *cages.Proc) int {
					c.Dup2(in, 0)
					c.Dup2(out, 1)
					c.CloseRange(3, ^uint(0), 0)
					buf := make([]byte, chainBuf)
					ready.Add(1)
					for {
						m, err := c.Read(0, buf)
						if err != nil {
							return 1
						}
						if m == 0 {
							return 0
						}
						if err := benchWriteAll(c, 1, buf[:m]); err != nil {
							return 1
						}
					}
				})
				if err != nil {
					failure = fmt.Errorf("fork: %w", err)
					return 1
				}
				p.Close(prev)
				p.Close(w)
				prev = r
			}
			if first {
				b.StopTimer()
				// Let every cage reach its read and block there.
				for ready.Load() < int64(n) {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(50 * time.Millisecond)
				runtime.GC()
				var during runtime.MemStats
				runtime.ReadMemStats(&during)
				used := int64(during.HeapInuse+during.StackInuse) - int64(before.HeapInuse+before.StackInuse)
				perCage = float64(used) / float64(n)
				b.StartTimer()
				first = false
			}
			src, err := p.Fork(func(c *cages.Proc) int {
				c.Close(prev)
				chunk := make([]byte, 64<<10)
				for sent := 0; sent < chainBytes; sent += len(chunk) {
					if err := benchWriteAll(c, w0, chunk); err != nil {
						return 1
					}
				}
				return 0
			})
			if err != nil {
				failure = fmt.Errorf("fork source: %w", err)
				return 1
			}
			p.Close(w0)
			buf := make([]byte, benchReadSize)
			got := 0
			for {
				m, err := p.Read(prev, buf)
				if err != nil {
					failure = fmt.Errorf("read chain end: %w", err)
					return 1
				}
				if m == 0 {
					break
				}
				got += m
			}
			p.Close(prev)
			if got != chainBytes {
				failure = fmt.Errorf("chain delivered %d bytes, want %d", got, chainBytes)
				return 1
			}
			if err := benchWait(p, src); err != nil {
				failure = fmt.Errorf("source: %w", err)
				return 1
			}
			for range n {
				if _, st, err := p.Wait4(-1, 0); err != nil || st != posix.Exited(0) {
					failure = fmt.Errorf("chain cage: %v, %v", st, err)
					return 1
				}
			}
		}
		return 0
	})
	b.ReportMetric(perCage, "B/cage")
}

// BenchmarkGetpidInterposed measures getpid through pass-through grates:
// one grate serving the cage, and four stacked (each grate started by the
// one below it, each forwarding every call). Compare with
// BenchmarkGetpid/gocage of the same run. Targets: one grate ≤ 60 ns
// extra with 0 allocations, four ≤ 250 ns extra.
func BenchmarkGetpidInterposed(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("grates=%d", n), func(b *testing.B) { cageGetpidUnder(b, n) })
	}
}

// passThrough forwards every call.
func passThrough(g *threei.Grate, c *threei.Call) (int64, posix.Errno) { return g.Forward(c) }

func cageGetpidUnder(b *testing.B, grates int) {
	b.ReportAllocs()
	var failure error
	var stack func(p *cages.Proc, left int) int
	stack = func(p *cages.Proc, left int) int {
		g := p.Grate()
		pid, err := p.Fork(func(c *cages.Proc) int {
			if err := g.Register(c.Getpid(), threei.AllCalls, passThrough); err != nil {
				failure = err
				return 1
			}
			if left > 1 {
				return stack(c, left-1)
			}
			want := c.Cage().Pid()
			bad := 0
			for b.Loop() {
				if c.Getpid() != want {
					bad++
				}
			}
			if bad != 0 {
				failure = fmt.Errorf("getpid wrong %d times", bad)
				return 1
			}
			return 0
		})
		if err != nil {
			failure = err
			return 1
		}
		if err := benchWait(p, pid); err != nil {
			if failure == nil {
				failure = err
			}
			return 1
		}
		return 0
	}
	benchRun(b, cages.Config{}, &failure, func(p *cages.Proc) int { return stack(p, grates) })
}
