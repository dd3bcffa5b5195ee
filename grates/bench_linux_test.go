package grates_test

import (
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
)

// writerEnv, set to a count, turns the test binary into the host twin of
// BenchmarkTracedWrite: it makes that many 1-byte writes to its stdout.
const writerEnv = "GOCAGE_BENCH_WRITES"

// TestMain runs the host writer when asked, else the tests.
func TestMain(m *testing.M) {
	if v := os.Getenv(writerEnv); v != "" {
		n, _ := strconv.Atoi(v)
		one := []byte{'x'}
		for i := 0; i < n; i++ {
			if _, err := syscall.Write(1, one); err != nil {
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// hostWrites times b.N 1-byte writes by a host process into a pipe the
// benchmark drains, bare or under strace -f (output discarded); the
// process start is amortized over b.N.
func hostWrites(b *testing.B, strace bool) {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var cmd *exec.Cmd
	if strace {
		path, err := exec.LookPath("strace")
		if err != nil {
			b.Skip("strace is not installed (apt-get install strace)")
		}
		cmd = exec.Command(path, "-f", "-qq", "-o", "/dev/null", self)
	} else {
		cmd = exec.Command(self)
	}
	cmd.Env = append(os.Environ(), writerEnv+"="+strconv.Itoa(b.N))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		b.Fatal(err)
	}
	if n != int64(b.N) {
		b.Fatalf("read %d bytes, want %d", n, b.N)
	}
}
