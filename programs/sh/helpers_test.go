package sh

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/programs"
)

// testChmod is a minimal chmod for the scenarios, while the coreutils
// have none: chmod (+x | OCTAL) FILE...
func testChmod(p *cages.Proc) int {
	args := p.Args()
	if len(args) < 3 {
		return 1
	}
	status := 0
	for _, f := range args[2:] {
		st, err := p.Stat(f)
		if err != nil {
			status = 1
			continue
		}
		mode := st.Mode & 0o7777
		if args[1] == "+x" {
			mode |= 0o111
		} else if n, err := strconv.ParseUint(args[1], 8, 32); err == nil {
			mode = uint32(n)
		}
		if p.Chmod(f, mode) != nil {
			status = 1
		}
	}
	return status
}

// cageWorkDir is the working directory scenarios run in, inside the cage.
const cageWorkDir = "/tmp/work"

// newKernel returns a kernel with the coreutils in /bin, the shell at
// /bin/sh and an empty working directory.
func newKernel(t testing.TB) *cages.Kernel {
	t.Helper()
	k := cages.New(cages.Config{})
	if err := programs.Install(k); err != nil {
		t.Fatalf("programs.Install: %v", err)
	}
	if _, ok := programs.All()["chmod"]; !ok {
		if err := k.Install("/bin/chmod", testChmod); err != nil {
			t.Fatalf("Install(/bin/chmod): %v", err)
		}
	}
	if err := k.Install("/bin/sh", Main); err != nil {
		t.Fatalf("Install(/bin/sh): %v", err)
	}
	if err := k.FS().MkdirAll(cageWorkDir, 0o777); err != nil {
		t.Fatalf("MkdirAll(%s): %v", cageWorkDir, err)
	}
	if err := k.FS().MkdirAll("/home/user", 0o777); err != nil {
		t.Fatalf("MkdirAll(/home/user): %v", err)
	}
	return k
}

// outcome is what a shell run produced.
type outcome struct {
	stdout, stderr string
	status         int
}

// runCage runs sh -c script in a new kernel with stdin.
func runCage(t testing.TB, script, stdin string) outcome {
	t.Helper()
	k := newKernel(t)
	return runIn(t, k, []string{"sh", "-c", script}, stdin)
}

// runIn runs argv (argv[0] found in /bin) in k.
func runIn(t testing.TB, k *cages.Kernel, argv []string, stdin string) outcome {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	spec := cages.Spec{Path: "/bin/" + argv[0], Args: argv, Dir: cageWorkDir,
		Env: []string{"PATH=/bin", "HOME=/home/user"}, Stdout: &out, Stderr: &errb}
	if stdin != "" {
		spec.Stdin = strings.NewReader(stdin)
	}
	st, err := k.Run(ctx, spec)
	if err != nil {
		t.Fatalf("Run(%q) = %v, %v; stdout %q stderr %q", argv, st, err, out.String(), errb.String())
	}
	code := st.ExitStatus()
	if st.Signaled() {
		code = 128 + st.Signal()
	}
	return outcome{out.String(), errb.String(), code}
}
