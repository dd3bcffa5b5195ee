package programs_test

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
)

// workDir is where each case runs in the cage: a directory the cage's
// user owns.
const workDir = "/home/user/w"

// result is what a command did.
type result struct {
	stdout, stderr string
	status         int
}

// newKernel returns a kernel with the programs installed and files
// seeded in workDir by a cage (so that the cage's user owns them). A
// files key ending in "/" is a directory; "->" in a value makes a
// symlink ("->target").
func newKernel(t *testing.T, files map[string]string) *cages.Kernel {
	t.Helper()
	k := cages.New(cages.Config{})
	if err := programs.Install(k); err != nil {
		t.Fatalf("Install: %v", err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var failed []string
	seed := func(p *cages.Proc) int {
		if err := p.Mkdir(workDir, 0o755); err != nil {
			failed = append(failed, "mkdir "+workDir+": "+err.Error())
			return 1
		}
		for _, n := range names {
			path := workDir + "/" + n
			content := files[n]
			switch {
			case strings.HasSuffix(n, "/"):
				if err := p.Mkdir(strings.TrimSuffix(path, "/"), 0o755); err != nil {
					failed = append(failed, "mkdir "+path+": "+err.Error())
				}
			case strings.HasPrefix(content, "->"):
				if err := p.Symlink(content[2:], path); err != nil {
					failed = append(failed, "symlink "+path+": "+err.Error())
				}
			default:
				fd, err := p.Open(path, posix.O_WRONLY|posix.O_CREAT|posix.O_TRUNC, 0o644)
				if err != nil {
					failed = append(failed, "open "+path+": "+err.Error())
					continue
				}
				p.Write(fd, []byte(content))
				p.Close(fd)
			}
		}
		return 0
	}
	st, err := k.Run(context.Background(), cages.Spec{Path: "/bin/seed", Program: seed, Dir: "/home/user"})
	if err != nil || st.ExitStatus() != 0 || len(failed) > 0 {
		t.Fatalf("seeding: %v %v %v", st, err, failed)
	}
	return k
}

// runCage runs argv in k with stdin, in workDir.
func runCage(t *testing.T, k *cages.Kernel, argv []string, stdin string) result {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	spec := cages.Spec{Path: "/bin/" + argv[0], Args: argv, Dir: workDir,
		Env: []string{"PATH=/bin", "HOME=/home/user", "LC_ALL=C.UTF-8"}, Stdout: &out, Stderr: &errb}
	if stdin != "" {
		spec.Stdin = strings.NewReader(stdin)
	}
	st, err := k.Run(ctx, spec)
	if err != nil {
		t.Fatalf("Run(%q) = %v, %v", argv, st, err)
	}
	code := st.ExitStatus()
	if st.Signaled() {
		code = 128 + st.Signal()
	}
	return result{out.String(), errb.String(), code}
}

// cageFile reads a file under workDir, or "<missing>".
func cageFile(k *cages.Kernel, name string) string {
	b, err := k.FS().ReadFile(workDir + "/" + name)
	if err != nil {
		return "<missing>"
	}
	return string(b)
}
