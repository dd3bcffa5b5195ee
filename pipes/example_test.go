package pipes_test

import (
	"fmt"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/pipes"
	"github.com/gocage/gocage/posix"
)

// A pipe carries bytes from its write end to its read end; reading after
// the last writer is gone gives end of file.
func Example() {
	var task fdtable.HostTask
	r, w := pipes.New().Ends(0)
	defer r.DecRef()

	w.File().Write(task, w, []byte("hello, pipe"))
	w.DecRef()

	buf := make([]byte, 64)
	n, err := r.File().Read(task, r, buf)
	fmt.Printf("%q %v\n", buf[:n], err)
	n, err = r.File().Read(task, r, buf)
	fmt.Println(n, err)
	// Output:
	// "hello, pipe" Success
	// 0 Success
}

// Capacity is counted in 4096-byte slots: 1000-byte writes fill a 65536-byte
// pipe at 64000 bytes.
func ExamplePipe_Size() {
	var task fdtable.HostTask
	p := pipes.New()
	r, w := p.Ends(posix.O_NONBLOCK)
	defer r.DecRef()
	defer w.DecRef()

	chunk := make([]byte, 1000)
	for {
		if _, err := w.File().Write(task, w, chunk); err == posix.EAGAIN {
			break
		}
	}
	fmt.Println(p.Size(), p.Len())
	// Output: 65536 64000
}
