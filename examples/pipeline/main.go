// Command pipeline runs `seq 1 100 | grep 7 | wc -l` inside a gocage
// kernel: three Go cage programs installed in /bin, connected by a driver
// cage that does what a shell does — pipe, fork, dup2, execve, waitpid —
// all through gocage's system calls. It prints what the pipeline prints and
// exits with the last stage's status.
//
// Until `gocage run` lands (with its shell), this is the project's main job
// in one command: go run ./examples/pipeline
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/gocage/gocage/cages"
)

func main() {
	k := cages.New(cages.Config{})
	k.Install("/bin/seq", seq)
	k.Install("/bin/grep", grep)
	k.Install("/bin/wc", wc)

	stages := [][]string{{"seq", "1", "100"}, {"grep", "7"}, {"wc", "-l"}}
	st, err := k.Run(context.Background(), cages.Spec{
		Path:    "/bin/pipeline",
		Program: func(p *cages.Proc) int { return runPipeline(p, stages) },
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(2)
	}
	if st.Signaled() {
		os.Exit(128 + st.Signal())
	}
	os.Exit(st.ExitStatus())
}

// runPipeline forks one cage per stage, each with its stdin and stdout
// moved onto the pipes between stages, and waits for all of them.
func runPipeline(p *cages.Proc, stages [][]string) int {
	in := -1
	var pids []int
	for i, argv := range stages {
		r, w := -1, -1
		if i < len(stages)-1 {
			var err error
			if r, w, err = p.Pipe(); err != nil {
				return 1
			}
		}
		stdin, stdout := in, w
		pid, err := p.Fork(func(c *cages.Proc) int {
			if stdin >= 0 {
				c.Dup2(stdin, 0)
				c.Close(stdin)
			}
			if stdout >= 0 {
				c.Dup2(stdout, 1)
				c.Close(stdout)
				c.Close(r)
			}
			err := c.Execve("/bin/"+argv[0], argv, c.Environ())
			c.Write(2, []byte(argv[0]+": "+err.Error()+"\n"))
			return 127
		})
		if err != nil {
			return 1
		}
		pids = append(pids, pid)
		if in >= 0 {
			p.Close(in)
		}
		if w >= 0 {
			p.Close(w)
		}
		in = r
	}
	status := 0
	for _, pid := range pids {
		_, st, _ := p.Wait4(pid, 0)
		status = st.ExitStatus()
	}
	return status
}

// write writes all of b to fd.
func write(p *cages.Proc, fd int, b []byte) error {
	for len(b) > 0 {
		n, err := p.Write(fd, b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// lines calls fn for each line read from fd 0.
func lines(p *cages.Proc, fn func(line []byte)) {
	var pending []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := p.Read(0, buf)
		if n <= 0 || err != nil {
			break
		}
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.IndexByte(pending, '\n')
			if i < 0 {
				break
			}
			fn(pending[:i+1])
			pending = pending[i+1:]
		}
	}
	if len(pending) > 0 {
		fn(pending)
	}
}

// seq prints the numbers from argv[1] to argv[2].
func seq(p *cages.Proc) int {
	args := p.Args()
	if len(args) != 3 {
		write(p, 2, []byte("usage: seq FIRST LAST\n"))
		return 1
	}
	first, _ := strconv.Atoi(args[1])
	last, _ := strconv.Atoi(args[2])
	var out []byte
	for i := first; i <= last; i++ {
		out = strconv.AppendInt(out, int64(i), 10)
		out = append(out, '\n')
	}
	if write(p, 1, out) != nil {
		return 1
	}
	return 0
}

// grep prints the lines of stdin that contain argv[1]; status 1 if none.
func grep(p *cages.Proc) int {
	pat := []byte(p.Args()[1])
	found := false
	lines(p, func(line []byte) {
		if bytes.Contains(line, pat) {
			found = true
			write(p, 1, line)
		}
	})
	if !found {
		return 1
	}
	return 0
}

// wc counts the lines of stdin (as wc -l).
func wc(p *cages.Proc) int {
	n := 0
	lines(p, func([]byte) { n++ })
	write(p, 1, []byte(strconv.Itoa(n)+"\n"))
	return 0
}
