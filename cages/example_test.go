package cages_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gocage/gocage/cages"
)

// A host program creates a kernel, installs Go programs at paths, starts a
// cage with its own reader and writers as fds 0-2, and waits for it. The
// cage program builds a two-stage pipeline with pipe, fork, dup2 and execve.
func Example() {
	k := cages.New(cages.Config{})

	// /bin/upper copies stdin to stdout in upper case.
	k.Install("/bin/upper", func(p *cages.Proc) int {
		buf := make([]byte, 4096)
		for {
			n, err := p.Read(0, buf)
			if n == 0 || err != nil {
				return 0
			}
			p.Write(1, bytes.ToUpper(buf[:n]))
		}
	})

	// The main program: stdin | upper, waited for.
	main := func(p *cages.Proc) int {
		r, w, _ := p.Pipe()
		pid, _ := p.Fork(func(child *cages.Proc) int {
			child.Dup2(r, 0)
			child.Close(r)
			child.Close(w)
			child.Execve("/bin/upper", []string{"upper"}, child.Environ())
			return 127 // only if execve failed
		})
		p.Close(r)
		buf := make([]byte, 4096)
		for {
			n, _ := p.Read(0, buf)
			if n == 0 {
				break
			}
			p.Write(w, buf[:n])
		}
		p.Close(w)
		_, status, _ := p.Wait4(pid, 0)
		return status.ExitStatus()
	}

	var out bytes.Buffer
	proc, err := k.Start(cages.Spec{
		Path:    "/bin/main",
		Program: main,
		Stdin:   strings.NewReader("hello from a cage\n"),
		Stdout:  &out,
		Stderr:  os.Stderr,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	status, err := proc.Wait(context.Background())
	fmt.Print(out.String())
	fmt.Println(status, err)
	// Output:
	// HELLO FROM A CAGE
	// exit status 0 <nil>
}
