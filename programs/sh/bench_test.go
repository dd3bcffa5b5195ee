package sh

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/gocage/gocage/cages"
)

// The pipeline benchmarks of issue 4: the same shell command lines run by
// gocage's sh in a kernel and by the host's /bin/sh with GNU coreutils
// (bench_host_linux_test.go), in the same go test run. One op is one
// whole command line, start to exit.

// benchScripts are the command lines, by benchmark name. Files they read
// are made by benchFiles.
var benchScripts = map[string]string{
	"seq-grep-wc":  "seq 1 1000000 | grep 7 | wc -l",
	"cat-tr-wc":    "cat big | tr a-z A-Z | wc -c",
	"cat100":       "cat ten " + strings.Repeat("| cat ", 99) + "| wc -c",
	"sh-c-true":    "true",
	"sh-c-true-x1": "sh -c true",
}

// benchFiles are the inputs: big is 100 MB and ten 10 MB of text.
func benchFiles() map[string][]byte {
	line := []byte("the quick brown fox jumps over the lazy dog 0123456789\n")
	fill := func(n int) []byte { return bytes.Repeat(line, n/len(line)+1)[:n] }
	return map[string][]byte{"big": fill(100 << 20), "ten": fill(10 << 20)}
}

// benchKernel returns a kernel with the shell, the coreutils and the input
// files in /tmp/bench.
func benchKernel(b *testing.B, files map[string][]byte) *cages.Kernel {
	b.Helper()
	k := newKernel(b)
	if err := k.FS().MkdirAll("/tmp/bench", 0o755); err != nil {
		b.Fatal(err)
	}
	for name, data := range files {
		if err := k.FS().WriteFile("/tmp/bench/"+name, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return k
}

// cageScript runs script with gocage's sh once per op.
func cageScript(k *cages.Kernel, script string) func(b *testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st, err := k.Run(context.Background(), cages.Spec{
				Path: "/bin/sh", Args: []string{"sh", "-c", script},
				Dir: "/tmp/bench", Stdout: io.Discard, Stderr: io.Discard,
			})
			if err != nil || st.ExitStatus() != 0 {
				b.Fatalf("sh -c %q: %v %v", script, st, err)
			}
		}
	}
}

// BenchmarkPipeline runs each command line in gocage and on the host.
func BenchmarkPipeline(b *testing.B) {
	files := benchFiles()
	k := benchKernel(b, files)
	host := hostBenchDir(b, files)
	for _, name := range []string{"seq-grep-wc", "cat-tr-wc", "cat100", "sh-c-true"} {
		script := benchScripts[name]
		b.Run("gocage/"+name, cageScript(k, script))
		b.Run("host/"+name, hostScript(host, script))
	}
}
