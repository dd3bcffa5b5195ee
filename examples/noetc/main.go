// Command noetc is a grate in a few lines, written with 3i's encasement:
// every open of a file under /etc fails with EACCES, however the path is
// spelled (relative, through symlinks), while everything else works.
//
//	go run ./examples/noetc
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/threei"
)

// noEtc is the grate: openat's path (argument 1) is copied in before the
// handler runs; the other arguments pass through untouched.
var noEtc = threei.Encasement{
	Sys:  mustSyscall(posix.SYS_OPENAT),
	Want: [threei.MaxArgs]threei.Want{1: threei.In},
	Handler: func(e *threei.Encased) (int64, posix.Errno) {
		path, err := e.Caller().(*cages.Cage).Realpath(e.Int(0), e.Str(1), true)
		if err == 0 && (path == "/etc" || strings.HasPrefix(path, "/etc/")) {
			return -1, posix.EACCES
		}
		return e.Forward()
	},
}

// layer serves openat with noEtc and forwards every other call.
type layer struct{ openat threei.GrateHandler }

func (l layer) Handle(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
	if c.Num == posix.SYS_OPENAT {
		return l.openat(g, c)
	}
	return g.Forward(c)
}

func mustSyscall(num int) threei.Syscall {
	s, ok := cages.Syscall(num)
	if !ok {
		panic("no such call")
	}
	return s
}

func main() {
	k := cages.New(cages.Config{})
	programs.Install(k)
	k.Install("/bin/sh", sh.Main)
	script := "cat /etc/hostname; cd /etc && cat ./passwd; ln -s /etc /tmp/e; cat /tmp/e/group; echo fine > /tmp/f; cat /tmp/f"
	st, err := k.Run(context.Background(), cages.Spec{
		Path:    "/grate",
		Program: grates.Program([]grates.Layer{layer{noEtc.Handle()}}, "/bin/sh", []string{"sh", "-c", script}, nil),
		Stdout:  os.Stdout,
		Stderr:  os.Stdout,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "noetc:", err)
		os.Exit(1)
	}
	fmt.Println("exit:", st)
}
