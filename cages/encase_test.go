package cages_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// encase builds the grate handler of an encasement of call num.
func encase(t *testing.T, num int, want [threei.MaxArgs]threei.Want, h func(e *threei.Encased) (int64, posix.Errno)) threei.GrateHandler {
	t.Helper()
	sys, ok := cages.Syscall(num)
	require.True(t, ok, "no row for call %d", num)
	enc := threei.Encasement{Sys: sys, Want: want, Handler: h}
	return enc.Handle()
}

func TestEncase_InReplaceOut(t *testing.T) {
	// write: the buffer is copied in and replaced by an upper-case copy.
	upper := encase(t, posix.SYS_WRITE, [6]threei.Want{threei.Pass, threei.Replace}, func(e *threei.Encased) (int64, posix.Errno) {
		orig := make([]byte, e.Len(1))
		if _, err := e.G.CopyIn(e.Orig, 1, 0, orig); err != 0 {
			return -1, err
		}
		e.SetBytes(1, bytes.ToUpper(orig))
		return e.Forward()
	})
	// openat: the path is copied in; /secret is redirected to /tmp/decoy.
	redirect := encase(t, posix.SYS_OPENAT, [6]threei.Want{threei.Pass, threei.In}, func(e *threei.Encased) (int64, posix.Errno) {
		if e.Str(1) == "/secret" {
			e.SetString(1, "/tmp/decoy")
		}
		return e.Forward()
	})
	// read: the next layer fills the grate's buffer; digits are censored
	// before the copy out.
	censor := encase(t, posix.SYS_READ, [6]threei.Want{threei.Pass, threei.Out}, func(e *threei.Encased) (int64, posix.Errno) {
		n, err := e.Forward()
		if err != 0 {
			return n, err
		}
		b := e.Bytes(1)[:n]
		for i, c := range b {
			if c >= '0' && c <= '9' {
				b[i] = '#'
			}
		}
		return n, 0
	})
	st := runCage(t, func(p *cages.Proc) int {
		fd, err := p.Open("/tmp/decoy", posix.O_CREAT|posix.O_WRONLY, 0o644)
		check(t, p, err == nil, "create decoy: %s", en(err))
		mustWrite(t, p, fd, "decoy 123")
		mustClose(t, p, fd)
		r, w := mustPipe(t, p)
		g := p.Grate()
		pid := mustFork(t, p, func(c *cages.Proc) int {
			me := c.Getpid()
			for num, h := range map[int]threei.GrateHandler{posix.SYS_WRITE: upper, posix.SYS_OPENAT: redirect, posix.SYS_READ: censor} {
				if err := g.Register(me, num, h); err != nil {
					return fail(t, "Register: %s", en(err))
				}
			}
			mustWrite(t, c, w, "shout")
			fd, err := c.Open("/secret", posix.O_RDONLY, 0)
			check(t, c, err == nil, "Open(/secret) = %s; want the decoy", en(err))
			buf := make([]byte, 64)
			n, err := c.Read(fd, buf)
			check(t, c, err == nil && string(buf[:n]) == "decoy ###", "Read = %q, %s; want censored decoy", buf[:n], en(err))
			// The caller's buffer beyond what was read is untouched.
			buf[20] = 'z'
			n, err = c.Read(fd, buf)
			check(t, c, err == nil && n == 0 && buf[20] == 'z', "Read at EOF = %d, %s, buf[20]=%q", n, en(err), buf[20])
			return 0
		})
		mustWait(t, p, pid, exited0)
		mustRead(t, p, r, "SHOUT")
		return 0
	})
	requireStatus(t, exited0, st)
}

// TestEncase_SignatureMatchesKernelDecoding checks the system-call table's
// argument kinds against how calls really travel: every memory argument
// the row names as a buffer, string or path carries bytes (a buffer's
// length in the size argument after it), every structure a Go value or
// nothing, and no scalar carries memory; an encased path is the path the
// kernel resolves. Each of the calls below must have been seen.
func TestEncase_SignatureMatchesKernelDecoding(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var problems []string
	checker := func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
		sys, ok := cages.Syscall(c.Num)
		mu.Lock()
		if !ok {
			problems = append(problems, fmt.Sprintf("call %d has no row", c.Num))
		} else {
			seen[sys.Name] = true
			for i := 0; i < threei.MaxArgs; i++ {
				a := c.Args[i]
				if i >= len(sys.Args) {
					if a.Buf != nil || a.Ptr != nil {
						problems = append(problems, fmt.Sprintf("%s: argument %d beyond the row carries memory", sys.Name, i))
					}
					continue
				}
				spec := sys.Args[i]
				switch spec.Kind {
				case threei.KindInBuf, threei.KindOutBuf:
					if a.Ptr != nil {
						problems = append(problems, fmt.Sprintf("%s: %s (%s) is a Go value", sys.Name, spec.Name, spec.Kind))
					}
					if i+1 >= len(sys.Args) || sys.Args[i+1].Kind != threei.KindSize {
						problems = append(problems, fmt.Sprintf("%s: %s has no size argument after it", sys.Name, spec.Name))
					} else if c.Args[i+1].Val != uint64(len(a.Buf)) {
						problems = append(problems, fmt.Sprintf("%s: size %d, buffer %d", sys.Name, c.Args[i+1].Val, len(a.Buf)))
					}
				case threei.KindPath, threei.KindString:
					if a.Ptr != nil || a.Buf == nil {
						problems = append(problems, fmt.Sprintf("%s: %s (%s) does not carry bytes", sys.Name, spec.Name, spec.Kind))
					}
				case threei.KindStructIn, threei.KindStructOut, threei.KindStructInOut, threei.KindFunc:
					if a.Buf != nil {
						problems = append(problems, fmt.Sprintf("%s: %s (%s) carries bytes", sys.Name, spec.Name, spec.Kind))
					}
				default:
					if a.Buf != nil || a.Ptr != nil {
						problems = append(problems, fmt.Sprintf("%s: scalar %s (%s) carries memory", sys.Name, spec.Name, spec.Kind))
					}
				}
			}
		}
		mu.Unlock()
		return g.Forward(c)
	}
	// Paths seen by an encasement of every path argument, by call name.
	var paths []string
	pathEnc := func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
		sys, _ := cages.Syscall(c.Num)
		var want [threei.MaxArgs]threei.Want
		for i, a := range sys.Args {
			if a.Kind == threei.KindPath {
				want[i] = threei.In
			}
		}
		enc := threei.Encasement{Sys: sys, Want: want, Handler: func(e *threei.Encased) (int64, posix.Errno) {
			for i, a := range sys.Args {
				if a.Kind == threei.KindPath {
					mu.Lock()
					paths = append(paths, sys.Name+" "+e.Str(i))
					mu.Unlock()
				}
			}
			return e.Forward()
		}}
		return enc.Handle()(g, c)
	}
	k := newKernel(cages.Config{})
	require.NoError(t, k.Install("/bin/true", func(*cages.Proc) int { return 0 }))
	st := runIn(t, k, func(p *cages.Proc) int {
		g := p.Grate()
		pid := mustFork(t, p, func(c *cages.Proc) int {
			if err := g.Register(c.Getpid(), threei.AllCalls, checker); err != nil {
				return fail(t, "Register: %s", en(err))
			}
			exercise(c)
			return 0
		})
		_, st, err := p.Wait4(pid, 0)
		check(t, p, err == nil && st.Exited(), "Wait4 = %v, %s", st, en(err))
		pid = mustFork(t, p, func(c *cages.Proc) int {
			if err := g.Register(c.Getpid(), threei.AllCalls, pathEnc); err != nil {
				return fail(t, "Register: %s", en(err))
			}
			exercise(c)
			return 0
		})
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
	require.Empty(t, problems)
	var missing []string
	for _, name := range strings.Fields(exercised) {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "calls not seen by the checker")
	for _, want := range []string{"openat /tmp/f", "newfstatat /tmp/f", "renameat2 /tmp/f", "renameat2 /tmp/g", "symlinkat /tmp/g", "symlinkat /tmp/l", "readlinkat /tmp/l", "execve /bin/true"} {
		require.Contains(t, paths, want)
	}
}

// exercised lists the calls exercise makes.
const exercised = `getpid getppid getpgid getpgrp setpgid getsid pipe2 read write readv
writev close close_range dup dup2 dup3 fcntl ioctl poll fork wait4 kill rt_sigaction
rt_sigprocmask rt_sigpending alarm nanosleep clock_gettime getuid geteuid getgid getegid
uname umask getrlimit setrlimit openat lseek pread64 pwrite64 ftruncate truncate fstat
newfstatat mkdirat unlinkat renameat2 linkat symlinkat readlinkat getdents64 chdir fchdir
getcwd fchmodat fchmod fchownat fchown faccessat2 utimensat mknodat statfs fstatfs fsync
fdatasync execve`

// exercise makes (at least) the calls in exercised.
func exercise(c *cages.Proc) {
	c.Getpid()
	c.Getppid()
	c.Getpgid(0)
	c.Getpgrp()
	c.Setpgid(0, 0)
	c.Getsid(0)
	r, w, _ := c.Pipe2(0)
	c.Write(w, []byte("abc"))
	c.Read(r, make([]byte, 1))
	c.Writev(w, [][]byte{[]byte("d")})
	c.Readv(r, [][]byte{make([]byte, 1)})
	var n int32
	c.Ioctl(r, posix.FIONREAD, &n)
	c.Poll([]posix.PollFd{{Fd: int32(r), Events: posix.POLLIN}}, 0)
	d, _ := c.Dup(r)
	c.Dup2(r, 20)
	c.Dup3(r, 21, posix.O_CLOEXEC)
	c.Fcntl(d, posix.F_GETFD, 0)
	c.Close(d)
	c.CloseRange(20, 21, 0)
	pid, _ := c.Fork(func(*cages.Proc) int { return 0 })
	c.Wait4(pid, 0)
	c.Kill(c.Getpid(), 0)
	c.Ignore(posix.SIGUSR1)
	c.Sigprocmask(posix.SIG_BLOCK, nil)
	c.Sigpending()
	c.Alarm(0)
	c.Nanosleep(posix.Timespec{}, nil)
	c.ClockGettime(posix.CLOCK_MONOTONIC)
	c.Getuid()
	c.Geteuid()
	c.Getgid()
	c.Getegid()
	c.Uname()
	c.Umask(0o22)
	rl, _ := c.Getrlimit(posix.RLIMIT_NOFILE)
	c.Setrlimit(posix.RLIMIT_NOFILE, rl)
	fd, _ := c.Open("/tmp/f", posix.O_CREAT|posix.O_RDWR, 0o644)
	c.Lseek(fd, 0, 0)
	c.Pwrite(fd, []byte("x"), 0)
	c.Pread(fd, make([]byte, 1), 0)
	c.Ftruncate(fd, 1)
	c.Truncate("/tmp/f", 2)
	c.Fstat(fd)
	c.Stat("/tmp/f")
	c.Fchmod(fd, 0o600)
	c.Chmod("/tmp/f", 0o644)
	c.Fchown(fd, c.Getuid(), c.Getgid())
	c.Chown("/tmp/f", c.Getuid(), c.Getgid())
	c.Access("/tmp/f", 0)
	c.Utimensat(posix.AT_FDCWD, "/tmp/f", nil, 0)
	c.Fsync(fd)
	c.Fdatasync(fd)
	c.Fstatfs(fd)
	c.Statfs("/tmp")
	c.Rename("/tmp/f", "/tmp/g")
	c.Link("/tmp/g", "/tmp/h")
	c.Symlink("/tmp/g", "/tmp/l")
	c.Readlink("/tmp/l")
	c.Mkdir("/tmp/d", 0o755)
	c.Mkfifo("/tmp/d/p", 0o644)
	dfd, _ := c.Open("/tmp/d", posix.O_RDONLY|posix.O_DIRECTORY, 0)
	c.Getdents64(dfd, make([]byte, 512))
	c.Chdir("/tmp")
	c.Fchdir(dfd)
	c.Getcwd()
	c.Unlink("/tmp/d/p")
	c.Rmdir("/tmp/d")
	for _, f := range []string{"/tmp/g", "/tmp/h", "/tmp/l"} {
		c.Unlink(f)
	}
	c.Execve("/bin/true", []string{"true"}, nil)
}
