//go:build linux

package sh

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostDash returns the host's dash: /bin/sh if it is dash, else
// /usr/bin/dash. Without it the test is skipped, except in CI (CI=true),
// where a missing host tool is a failure.
func hostDash(t *testing.T) string {
	t.Helper()
	if target, err := filepath.EvalSymlinks("/bin/sh"); err == nil && filepath.Base(target) == "dash" {
		return "/bin/sh"
	}
	if _, err := os.Stat("/usr/bin/dash"); err == nil {
		return "/usr/bin/dash"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("dash not found on the host (/bin/sh is not dash, no /usr/bin/dash)")
	}
	t.Skip("dash not found on the host")
	return ""
}

// runHost runs sh -c script with the host's dash in a new temporary
// directory, with the same environment shape as the cage's.
func runHost(t *testing.T, dash string, sc scenario) outcome {
	t.Helper()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	work := filepath.Join(dir, "work")
	for _, d := range []string{home, work} {
		if err := os.Mkdir(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, dash, "-c", sc.script)
	cmd.Args[0] = "sh"
	cmd.Dir = work
	// /bin first, so that PATH searches find /bin/NAME as in the cage.
	cmd.Env = []string{"PATH=/bin:/usr/bin", "HOME=" + home, "LC_ALL=C"}
	cmd.Stdin = strings.NewReader(sc.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	status := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			status = 128 + int(ws.Signal())
		} else {
			status = ws.ExitStatus()
		}
	default:
		t.Fatalf("running dash: %v", err)
	}
	return outcome{out.String(), errb.String(), status}
}

// TestScenariosHost runs the table against the host's dash, so that every
// expectation is Linux's.
func TestScenariosHost(t *testing.T) {
	dash := hostDash(t)
	for _, tool := range []string{"yes", "head", "sort", "cat", "sed", "ls", "cut", "grep", "wc", "touch", "mkdir", "chmod", "sleep", "basename", "printf"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("host tool %s missing: %v", tool, err)
			}
			t.Skipf("host tool %s missing", tool)
		}
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if sc.hostSkip != "" {
				t.Skip("known difference: " + sc.hostSkip)
			}
			t.Parallel()
			checkOutcome(t, "dash", sc, runHost(t, dash, sc))
		})
	}
}
