//go:build linux

package sh

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// hostBenchDir writes the input files in a temporary directory for the
// host's shell.
func hostBenchDir(b *testing.B, files map[string][]byte) string {
	dir := b.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// hostScript runs script with the host's /bin/sh (dash) and GNU coreutils
// once per op: fork, exec and kernel pipes, the cost gocage avoids.
func hostScript(dir, script string) func(b *testing.B) {
	return func(b *testing.B) {
		if _, err := os.Stat("/bin/sh"); err != nil {
			b.Fatalf("host /bin/sh: %v", err)
		}
		b.ReportAllocs()
		for b.Loop() {
			cmd := exec.Command("/bin/sh", "-c", script)
			cmd.Dir = dir
			if err := cmd.Run(); err != nil {
				b.Fatalf("/bin/sh -c %q: %v", script, err)
			}
		}
	}
}
