//go:build linux

package programs_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runHost runs argv with the host's GNU tool in a new directory holding
// files, as newKernel seeds them, and returns the result and a reader of
// the directory's files afterwards.
func runHost(t *testing.T, c tcase) (result, func(string) string) {
	t.Helper()
	dir := t.TempDir()
	for n, content := range c.files {
		path := filepath.Join(dir, n)
		var err error
		switch {
		case strings.HasSuffix(n, "/"):
			err = os.MkdirAll(path, 0o755)
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(content[2:], path)
		default:
			os.MkdirAll(filepath.Dir(path), 0o755)
			err = os.WriteFile(path, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C.UTF-8", "TZ=UTC", "HOME=" + dir}
	if c.stdin != "" {
		cmd.Stdin = strings.NewReader(c.stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	status := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running host %q: %v", c.argv, err)
	}
	stderr := strings.ReplaceAll(errb.String(), dir, workDir)
	read := func(name string) string {
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return "<dir>"
			}
			return "<missing>"
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "<missing>"
		}
		return string(b)
	}
	return result{out.String(), stderr, status}, read
}

// needHost finds tool on the host: missing, it skips the case, or fails
// it when CI is set.
func needHost(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("host tool %q missing: %v", tool, err)
		}
		t.Skipf("host tool %q missing", tool)
	}
}

// TestPrograms_MatchGNU runs each case of the table in gocage and with
// the host's GNU tool and requires the same stdout, stderr and status.
func TestPrograms_MatchGNU(t *testing.T) {
	for _, c := range cases {
		name := strings.Join(c.argv, " ")
		if c.stdin != "" {
			name += " <" + firstLine(c.stdin)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			needHost(t, c.argv[0])
			want, hostFile := runHost(t, c)
			k := newKernel(t, c.files)
			got := runCage(t, k, c.argv, c.stdin)
			if got != want {
				t.Errorf("%q:\n gocage: status %d\nstdout %q\nstderr %q\n    GNU: status %d\nstdout %q\nstderr %q",
					c.argv, got.status, got.stdout, got.stderr, want.status, want.stdout, want.stderr)
			}
			for _, f := range c.after {
				g := cageFile(k, f)
				if strings.HasSuffix(f, "/") {
					g = "<missing>"
					if names, err := k.FS().ReadDir(workDir + "/" + strings.TrimSuffix(f, "/")); err == nil {
						_ = names
						g = "<dir>"
					}
				}
				if w := hostFile(f); g != w {
					t.Errorf("%q: file %s = %q; GNU: %q", c.argv, f, g, w)
				}
			}
		})
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}
