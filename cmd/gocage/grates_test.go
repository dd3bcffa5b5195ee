package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun_Trace_ToStderr(t *testing.T) {
	code, out, errs := gocage(t, "", "run", "--trace", "--", "sh", "-c", "cat /etc/hostname; cat /nope")
	require.Equal(t, 1, code)
	require.Equal(t, "gocage\n", out)
	require.Contains(t, errs, "cat: /nope: No such file or directory\n")
	require.Regexp(t, `openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) += 3\n`, errs)
	require.Regexp(t, `read\(3, "gocage\\n", \d+\) += 7\n`, errs)
	require.Regexp(t, `openat\(AT_FDCWD, "/nope", O_RDONLY\) += -1 ENOENT \(No such file or directory\)\n`, errs)
	require.Regexp(t, `(?m)^\+\+\+ exited with 1 \+\+\+$`, errs)
}

func TestRun_Trace_ToFile_WithFilter(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trace.txt")
	code, out, errs := gocage(t, "", "run", "--trace="+file, "--trace-filter", "openat,%process", "--", "sh", "-c", "cat /etc/hostname")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "gocage\n", out)
	require.Empty(t, errs, "the trace went to the file")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	trace := string(data)
	require.Regexp(t, `(?m)^\d+ +execve\("/bin/sh", \["sh", "-c", "cat /etc/hostname"\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$`, trace)
	require.Regexp(t, `(?m)^\d+ +openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) = 3$`, trace)
	require.NotContains(t, trace, "read(")
}

func TestRun_TraceSummary(t *testing.T) {
	code, out, errs := gocage(t, "", "run", "--trace-summary", "--", "sh", "-c", "echo a; echo b; echo c")
	require.Equal(t, 0, code)
	require.Equal(t, "a\nb\nc\n", out)
	require.True(t, strings.HasPrefix(errs, "% time     seconds  usecs/call     calls    errors syscall\n"), errs)
	require.Regexp(t, `(?m)^ +\d+\.\d\d +\d+\.\d{6} +\d+ +3 +write$`, errs)
	require.Regexp(t, `(?m)^100\.00 +\d+\.\d{6} +\d+ +\d+ +(\d+ +)?total$`, errs)
	require.NotContains(t, errs, "write(1")
}

func TestRun_Trace_BadFilter_Exit2(t *testing.T) {
	code, _, errs := gocage(t, "", "run", "--trace-filter", "opne", "--", "true")
	require.Equal(t, 2, code)
	require.Equal(t, "gocage run: --trace-filter: invalid system call 'opne'\n", errs)
}

func TestRun_Grant_OnlyGrantedPathsExist(t *testing.T) {
	code, out, errs := gocage(t, "", "run", "--grant", "/bin:x", "--grant", "/etc/hostname", "--",
		"sh", "-c", "cat /etc/hostname; cat /etc/passwd; echo x > /etc/hostname; ls /")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "gocage\nbin\netc\n", out)
	require.Contains(t, errs, "cat: /etc/passwd: No such file or directory\n")
	require.Contains(t, errs, "/etc/hostname: Permission denied\n")
}

func TestRun_RecordGrants_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	grantsFile := filepath.Join(dir, "grants.txt")
	script := "cat /etc/hostname > /tmp/copy; cat /tmp/copy; wc -c < /etc/group"
	code, out, errs := gocage(t, "", "run", "--record-grants", grantsFile, "--", "sh", "-c", script)
	require.Equal(t, 0, code, errs)
	recorded, err := os.ReadFile(grantsFile)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^r\S* /etc/hostname$`, string(recorded))
	require.Regexp(t, `(?m)^\S*x\S* /bin/cat$`, string(recorded))

	code2, out2, errs2 := gocage(t, "", "run", "--grants", grantsFile, "--", "sh", "-c", script)
	require.Equal(t, code, code2, errs2)
	require.Equal(t, out, out2)
	require.Equal(t, errs, errs2)

	// Without the grant on /etc/hostname, the run fails exactly there.
	cut := regexp.MustCompile(`(?m)^r\S* /etc/hostname\n`).ReplaceAllString(string(recorded), "")
	require.NoError(t, os.WriteFile(grantsFile, []byte(cut), 0o644))
	code3, _, errs3 := gocage(t, "", "run", "--grants", grantsFile, "--", "sh", "-c", script)
	require.Equal(t, 0, code3)
	require.Contains(t, errs3, "cat: /etc/hostname: No such file or directory\n")
}

func TestRun_Grant_BadValue_Exit2(t *testing.T) {
	code, _, errs := gocage(t, "", "run", "--grant", "relative/path", "--", "true")
	require.Equal(t, 2, code)
	require.True(t, strings.HasPrefix(errs, "gocage run: --grant: "), errs)
}
