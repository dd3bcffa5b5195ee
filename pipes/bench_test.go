package pipes_test

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/gocage/gocage/pipes"
)

// benchSizes are the write sizes of the pipe benchmarks.
var benchSizes = []int{64, 4096, 65536}

// BenchmarkPipe measures throughput from a writer goroutine to a reader
// goroutine reading 64 KiB at a time.
func BenchmarkPipe(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("write=%d", size), func(b *testing.B) {
			r, w := pipes.New().Ends(0)
			done := make(chan struct{})
			go func() {
				defer close(done)
				defer r.DecRef()
				buf := make([]byte, 65536)
				for {
					n, err := r.File().Read(host, r, buf)
					if n == 0 || err != 0 {
						return
					}
				}
			}()
			data := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if n, err := w.File().Write(host, w, data); n != size || err != 0 {
					b.Fatalf("Write(%d bytes) = %d, %s", size, n, errName(err))
				}
			}
			w.DecRef()
			<-done
		})
	}
}

// BenchmarkHostPipe is BenchmarkPipe's twin on the host's pipe (os.Pipe).
func BenchmarkHostPipe(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("write=%d", size), func(b *testing.B) {
			r, w, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				defer r.Close()
				buf := make([]byte, 65536)
				for {
					if _, err := r.Read(buf); err == io.EOF {
						return
					} else if err != nil {
						b.Error(err)
						return
					}
				}
			}()
			data := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.Write(data); err != nil {
					b.Fatal(err)
				}
			}
			w.Close()
			<-done
		})
	}
}
