package programs_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
)

func TestAll_HasEveryUtilityOfIssue4(t *testing.T) {
	all := programs.All()
	for _, name := range strings.Fields("cat echo printf true false yes seq head tail wc grep sort uniq tr cut tee sleep ls mkdir rm cp mv touch ln pwd env kill basename dirname xargs test [ mkfifo sed od xxd") {
		if all[name] == nil {
			t.Errorf("All()[%q] = nil", name)
		}
	}
	if len(cases) < 120 {
		t.Errorf("differential table has %d cases; want at least 120", len(cases))
	}
}

// TestYesHead_SIGPIPE builds `yes | head -n 1` by hand: yes must die of
// SIGPIPE at once, silently.
func TestYesHead_SIGPIPE(t *testing.T) {
	k := newKernel(t, nil)
	var yesStatus, headStatus posix.WaitStatus
	driver := func(p *cages.Proc) int {
		r, w, err := p.Pipe()
		if err != nil {
			return 1
		}
		yes, _ := p.Fork(func(c *cages.Proc) int {
			c.Dup2(w, 1)
			c.Close(w)
			c.Close(r)
			c.Execve("/bin/yes", []string{"yes"}, c.Environ())
			return 127
		})
		head, _ := p.Fork(func(c *cages.Proc) int {
			c.Dup2(r, 0)
			c.Close(r)
			c.Close(w)
			c.Execve("/bin/head", []string{"head", "-n", "1"}, c.Environ())
			return 127
		})
		p.Close(r)
		p.Close(w)
		_, headStatus, _ = p.Wait4(head, 0)
		_, yesStatus, _ = p.Wait4(yes, 0)
		return 0
	}
	var out, errb strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	st, err := k.Run(ctx, cages.Spec{Path: "/bin/driver", Program: driver, Stdout: &out, Stderr: &errb})
	if err != nil || st.ExitStatus() != 0 {
		t.Fatalf("driver: %v, %v", st, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("yes | head -n 1 took %v", d)
	}
	if out.String() != "y\n" || errb.String() != "" {
		t.Errorf("yes | head -n 1: stdout %q stderr %q; want \"y\\n\" and nothing", out.String(), errb.String())
	}
	if !yesStatus.Signaled() || yesStatus.Signal() != posix.SIGPIPE {
		t.Errorf("yes: %v; want killed by SIGPIPE", yesStatus)
	}
	if headStatus.ExitStatus() != 0 {
		t.Errorf("head: %v; want exit status 0", headStatus)
	}
}

// direct cases: gocage's output asserted as is (no host twin, or output
// that legitimately differs from the host's).
func TestPrograms_Direct(t *testing.T) {
	files := map[string]string{"a": "hello\n", "d/": "", "d/f": "x", "l": "->a"}
	for _, c := range []struct {
		argv   []string
		stdin  string
		stdout string // a regexp when it starts with "^"
		stderr string
		status int
	}{
		{argv: []string{"ls", "-l"}, stdout: `^total \d+\n-rw-r--r-- 1 user user +6 \w{3} [ \d]\d \d\d:\d\d a\ndrwxr-xr-x \d+ user user +\d+ .* d\nlrwxrwxrwx 1 user user +1 .* l -> a\n$`},
		{argv: []string{"ls", "-ln", "a"}, stdout: `^-rw-r--r-- 1 1000 1000 6 \w{3} [ \d]\d \d\d:\d\d a\n$`},
		{argv: []string{"pwd"}, stdout: "/home/user/w\n"},
		{argv: []string{"kill", "-l", "9"}, stdout: "KILL\n"},
		{argv: []string{"kill", "-l", "TERM"}, stdout: "15\n"},
		{argv: []string{"kill", "-l"}, stdout: `^HUP\nINT\nQUIT\n(?s:.*)\nRTMAX\n$`},
		{argv: []string{"kill", "-s", "FOO", "1"}, stderr: "kill: ‘FOO’: invalid signal\n", status: 1},
		{argv: []string{"kill", "99999"}, stderr: "kill: 99999: No such process\n", status: 1},
		{argv: []string{"kill", "x"}, stderr: "kill: ‘x’: invalid process id\n", status: 1},
		{argv: []string{"kill"}, stderr: "kill: no process ID specified\nTry 'kill --help' for more information.\n", status: 1},
		{argv: []string{"kill", "-9", "-99999"}, stderr: "kill: -99999: No such process\n", status: 1},
		{argv: []string{"sleep", "0.01"}},
		{argv: []string{"sleep", "0.001s", ".001m"}},
		{argv: []string{"sleep", "x"}, stderr: "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n", status: 1},
		{argv: []string{"sleep"}, stderr: "sleep: missing operand\nTry 'sleep --help' for more information.\n", status: 1},
		{argv: []string{"env", "-u", "HOME", "A=1"}, stdout: "PATH=/bin\nLC_ALL=C.UTF-8\nA=1\n"},
		{argv: []string{"env", "-i", "seq", "2"}, stdout: "1\n2\n"},
		{argv: []string{"env", "-i", "nosuch"}, stderr: "env: ‘nosuch’: No such file or directory\n", status: 127},
		{argv: []string{"env", "-u"}, stderr: "env: option requires an argument -- 'u'\nTry 'env --help' for more information.\n", status: 125},
		{argv: []string{"xargs", "-n", "1"}, stdin: "a b", stdout: "a\nb\n"},
		{argv: []string{"xargs", "sh"}, stdin: "a", stderr: "xargs: sh: No such file or directory\n", status: 127},
		{argv: []string{"xargs", "-n", "1", "test", "b", "="}, stdin: "a b", status: 123},
		{argv: []string{"touch", "a"}},
		{argv: []string{"mkfifo", "p"}},
		{argv: []string{"test", "-p", "d"}, status: 1},
		{argv: []string{"test", "-w", "a"}},
		{argv: []string{"test", "-x", "d"}},
		{argv: []string{"test", "-h", "l"}},
		{argv: []string{"[", "-f", "a", "]"}},
		{argv: []string{"cat", "/etc/hostname"}, stdout: "gocage\n"},
		{argv: []string{"head", "-c", "3", "/dev/zero"}, stdout: "\x00\x00\x00"},
	} {
		t.Run(strings.Join(c.argv, " "), func(t *testing.T) {
			k := newKernel(t, files)
			got := runCage(t, k, c.argv, c.stdin)
			okOut := got.stdout == c.stdout
			if strings.HasPrefix(c.stdout, "^") {
				okOut = regexp.MustCompile(c.stdout).MatchString(got.stdout)
			}
			if !okOut || got.stderr != c.stderr || got.status != c.status {
				t.Errorf("%q = status %d, stdout %q, stderr %q; want %d, %q, %q",
					c.argv, got.status, got.stdout, got.stderr, c.status, c.stdout, c.stderr)
			}
		})
	}
}

// TestSleep_KilledBySignal: a signal's default action ends sleep.
func TestSleep_KilledBySignal(t *testing.T) {
	k := newKernel(t, nil)
	proc, err := k.Start(cages.Spec{Path: "/bin/sleep", Args: []string{"sleep", "60"}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	proc.Signal(posix.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := proc.Wait(ctx)
	if err != nil || !st.Signaled() || st.Signal() != posix.SIGTERM {
		t.Errorf("sleep 60 after SIGTERM: %v, %v; want killed by SIGTERM", st, err)
	}
}

// TestCat_LongLinesAndBigInput pushes a 1 MiB line through line tools.
func TestCat_LongLinesAndBigInput(t *testing.T) {
	k := newKernel(t, nil)
	long := strings.Repeat("x", 1<<20)
	for _, argv := range [][]string{{"cat", "-n"}, {"head", "-n", "1"}, {"tail", "-n", "1"}, {"sort"}, {"grep", "x"}, {"sed", "s/^/y/"}} {
		got := runCage(t, k, argv, long)
		if len(got.stdout) < 1<<20 || got.status != 0 {
			t.Errorf("%q on a 1 MiB line: status %d, %d bytes out", argv, got.status, len(got.stdout))
		}
	}
}
