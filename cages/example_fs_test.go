package cages_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// The host grants a directory of its own to the cage tree, read-only, and
// seeds and collects files in the in-memory tree through the kernel's
// filesystem. Reading the grant works; writing into it fails with EROFS;
// ".." out of it lands in the cage's own tree, never the host's.
func Example_hostDirectoryReadOnly() {
	host, _ := os.MkdirTemp("", "gocage-example")
	defer os.RemoveAll(host)
	os.WriteFile(filepath.Join(host, "notes.txt"), []byte("granted, read-only\n"), 0o644)

	k := cages.New(cages.Config{})
	if err := k.FS().Mount("/data", host, true); err != nil {
		fmt.Println(err)
		return
	}
	k.FS().WriteFile("/tmp/in.txt", []byte("seeded by the host\n"), 0o644)

	var out bytes.Buffer
	st, err := k.Run(context.Background(), cages.Spec{Path: "/bin/demo", Stdout: &out, Program: func(p *cages.Proc) int {
		for _, name := range []string{"/data/notes.txt", "/tmp/in.txt"} {
			fd, err := p.Open(name, posix.O_RDONLY, 0)
			if err != nil {
				return 1
			}
			buf := make([]byte, 100)
			n, _ := p.Read(fd, buf)
			p.Write(1, buf[:n])
			p.Close(fd)
		}
		_, err := p.Open("/data/new.txt", posix.O_CREAT|posix.O_WRONLY, 0o644)
		fmt.Fprintf(&out, "create in /data: %v\n", err)
		_, err = p.Stat("/data/../" + filepath.Base(host))
		fmt.Fprintf(&out, "stat out of /data: %v\n", err)
		fd, _ := p.Open("/tmp/result.txt", posix.O_CREAT|posix.O_WRONLY, 0o644)
		p.Write(fd, []byte("written in the cage\n"))
		return 0
	}})
	fmt.Print(out.String())
	fmt.Println(st, err)
	result, _ := k.FS().ReadFile("/tmp/result.txt")
	fmt.Print(string(result))
	// Output:
	// granted, read-only
	// seeded by the host
	// create in /data: Read-only file system
	// stat out of /data: No such file or directory
	// exit status 0 <nil>
	// written in the cage
}
