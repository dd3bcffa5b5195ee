package cages_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

func TestSmokePipeline(t *testing.T) {
	k := cages.New(cages.Config{})
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
	var out bytes.Buffer
	st, err := k.Run(context.Background(), cages.Spec{
		Path: "/main", Stdout: &out,
		Program: func(p *cages.Proc) int {
			r, w, err := p.Pipe()
			if err != nil {
				return 1
			}
			pid, err := p.Fork(func(c *cages.Proc) int {
				c.Dup2(r, 0)
				c.Close(r)
				c.Close(w)
				c.Execve("/bin/upper", []string{"upper"}, nil)
				return 127
			})
			if err != nil {
				return 2
			}
			p.Close(r)
			p.Write(w, []byte("hello, cage\n"))
			p.Close(w)
			_, ws, err := p.Wait4(pid, 0)
			if err != nil || !ws.Exited() {
				return 3
			}
			return 0
		},
	})
	if err != nil || st != posix.Exited(0) {
		t.Fatalf("st %v err %v", st, err)
	}
	if got := out.String(); got != "HELLO, CAGE\n" {
		t.Fatalf("out %q", got)
	}
	_ = strings.ToUpper
	_ = time.Second
}
