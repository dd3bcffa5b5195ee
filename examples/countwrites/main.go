// Command countwrites is a grate in a few lines: it counts the bytes that
// every cage under it writes to each file, while a shell pipeline runs.
//
//	go run ./examples/countwrites
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/threei"
)

// byteCounter is the grate: it forwards every call, and adds what each
// successful write wrote to the count of the file written to.
type byteCounter struct {
	mu    sync.Mutex
	bytes map[string]int64
}

func (b *byteCounter) Handle(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	n, err := g.Forward(c)
	if c.Num == posix.SYS_WRITE && err == 0 {
		file, _ := c.Caller.(*cages.Cage).FdPath(c.Args[0].Int32())
		b.mu.Lock()
		b.bytes[file] += n
		b.mu.Unlock()
	}
	return n, err
}

func main() {
	k := cages.New(cages.Config{})
	programs.Install(k)
	k.Install("/bin/sh", sh.Main)
	counter := &byteCounter{bytes: map[string]int64{}}
	script := "seq 1 1000 | grep 7 > /tmp/sevens; wc -l /tmp/sevens"
	st, err := k.Run(context.Background(), cages.Spec{
		Path:    "/grate",
		Program: grates.Program([]grates.Layer{counter}, "/bin/sh", []string{"sh", "-c", script}, nil),
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
	})
	if err != nil || st != posix.Exited(0) {
		fmt.Fprintln(os.Stderr, "countwrites:", st, err)
		os.Exit(1)
	}
	files := make([]string, 0, len(counter.bytes))
	for file := range counter.bytes {
		files = append(files, file)
	}
	sort.Strings(files)
	for _, file := range files {
		fmt.Printf("%8d bytes written to %s\n", counter.bytes[file], file)
	}
}
