//go:build linux

package cages_test

// The host twins of the benchmarks in bench_test.go: the same operation on
// the Linux kernel, in the same run, so that `make bench` can report the
// ratio. Threads that block in the host kernel are locked to OS threads,
// so each twin is two real threads over a real pipe, not two goroutines
// multiplexed by the Go scheduler.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hostGetpid makes a real getpid system call (x/sys/unix traps every time;
// nothing caches the pid).
func hostGetpid(b *testing.B) {
	b.ReportAllocs()
	want := os.Getpid()
	bad := 0
	for b.Loop() {
		if unix.Getpid() != want {
			bad++
		}
	}
	if bad != 0 {
		b.Fatalf("getpid wrong %d times", bad)
	}
}

// hostPipe returns a host pipe, closed when b ends.
func hostPipe(b *testing.B, flags int) (r, w int) {
	b.Helper()
	var fds [2]int
	if err := unix.Pipe2(fds[:], flags|unix.O_CLOEXEC); err != nil {
		b.Fatal(err)
	}
	return fds[0], fds[1]
}

// hostWriteAll writes all of buf to fd, across partial writes and EINTR.
func hostWriteAll(fd int, buf []byte) error {
	for len(buf) > 0 {
		n, err := unix.Write(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// hostRead reads from fd, retrying on EINTR.
func hostRead(fd int, buf []byte) (int, error) {
	for {
		n, err := unix.Read(fd, buf)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// hostPipeThroughput: the benchmark's thread writes, a second thread reads
// with a 64 KiB buffer; the time runs until the last byte is read.
func hostPipeThroughput(b *testing.B, size int) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	r, w := hostPipe(b, 0)
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer unix.Close(r)
		buf := make([]byte, benchReadSize)
		var total int64
		for {
			n, err := hostRead(r, buf)
			if err != nil {
				done <- result{total, err}
				return
			}
			if n == 0 {
				done <- result{total, nil}
				return
			}
			total += int64(n)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	src := make([]byte, size)
	for b.Loop() {
		if err := hostWriteAll(w, src); err != nil {
			unix.Close(w)
			b.Fatal(err)
		}
	}
	b.StartTimer()
	unix.Close(w)
	res := <-done
	b.StopTimer()
	if res.err != nil {
		b.Fatal(res.err)
	}
	if want := int64(b.N) * int64(size); res.n != want {
		b.Fatalf("reader got %d bytes, want %d", res.n, want)
	}
}

// hostPingPong: one byte back and forth between two OS threads over two
// host pipes.
func hostPingPong(b *testing.B) {
	b.ReportAllocs()
	pingR, pingW := hostPipe(b, 0)
	pongR, pongW := hostPipe(b, 0)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer unix.Close(pingR)
		defer unix.Close(pongW)
		buf := make([]byte, 1)
		for {
			n, err := hostRead(pingR, buf)
			if err != nil || n == 0 {
				done <- err
				return
			}
			if err := hostWriteAll(pongW, buf); err != nil {
				done <- err
				return
			}
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	buf := []byte{'x'}
	var failure error
	for b.Loop() {
		if failure != nil {
			continue
		}
		if err := hostWriteAll(pingW, buf); err != nil {
			failure = err
			continue
		}
		if n, err := hostRead(pongR, buf); n != 1 || err != nil {
			failure = fmt.Errorf("pong: %d, %v", n, err)
		}
	}
	unix.Close(pingW)
	err := <-done
	unix.Close(pongR)
	if err := errors.Join(failure, err); err != nil {
		b.Fatal(err)
	}
}

// hostWrite64: a 64-byte write to a non-blocking host pipe, drained with
// 64 KiB reads when it is full.
func hostWrite64(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(64)
	r, w := hostPipe(b, unix.O_NONBLOCK)
	defer unix.Close(r)
	defer unix.Close(w)
	msg := make([]byte, 64)
	drain := make([]byte, benchReadSize)
	var failure error
	for b.Loop() {
		if _, err := unix.Write(w, msg); err != nil {
			if err != unix.EAGAIN {
				failure = err
				continue
			}
			for {
				if _, err := unix.Read(r, drain); err != nil {
					break
				}
			}
			if _, err := unix.Write(w, msg); err != nil {
				failure = err
			}
		}
	}
	if failure != nil {
		b.Fatal(failure)
	}
}

// hostForkExitWait runs /bin/true: fork, exec, exit, wait.
func hostForkExitWait(b *testing.B) {
	b.ReportAllocs()
	if _, err := os.Stat("/bin/true"); err != nil {
		b.Skip("no /bin/true")
	}
	for b.Loop() {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// hostChain starts n cat processes connected by host pipes, pushes 1 MiB
// through them, and waits for them; while all are idle it reports their
// proportional set size per process (from /proc/PID/smaps_rollup; kernel
// memory such as page tables and stacks is not included) as B/proc.
func hostChain(b *testing.B, n int) {
	b.ReportAllocs()
	b.SetBytes(chainBytes)
	cat, err := exec.LookPath("cat")
	if err != nil {
		b.Skip("no cat")
	}
	var perProc float64
	first := true
	for b.Loop() {
		cmds := make([]*exec.Cmd, n)
		source, feed, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		var in io.Reader = source
		for i := range cmds {
			c := exec.Command(cat)
			c.Stdin = in
			if i < n-1 {
				out, err := c.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				in = out
			}
			cmds[i] = c
		}
		last, err := cmds[n-1].StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cmds {
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
		}
		source.Close() // cats[0] has its own copy
		if first {
			b.StopTimer()
			time.Sleep(100 * time.Millisecond) // let every cat block in read
			var total int64
			for _, c := range cmds {
				pss, err := hostPss(c.Process.Pid)
				if err != nil {
					b.Fatal(err)
				}
				total += pss
			}
			perProc = float64(total) / float64(n)
			b.StartTimer()
			first = false
		}
		go func() {
			chunk := make([]byte, 64<<10)
			for sent := 0; sent < chainBytes; sent += len(chunk) {
				if _, err := feed.Write(chunk); err != nil {
					break
				}
			}
			feed.Close()
		}()
		got, err := io.Copy(io.Discard, last)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				b.Fatal(err)
			}
		}
		if got != chainBytes {
			b.Fatalf("chain delivered %d bytes, want %d", got, chainBytes)
		}
	}
	b.ReportMetric(perProc, "B/proc")
}

// hostPss returns process pid's proportional set size in bytes.
func hostPss(pid int) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 2 && string(f[0]) == "Pss:" {
			kb, err := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no Pss in smaps_rollup of %d", pid)
}
