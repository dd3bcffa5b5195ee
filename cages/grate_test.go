package cages_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// answer is a grate handler that answers every call with v.
func answer(v int64) threei.GrateHandler {
	return func(*threei.Grate, *threei.Call) (int64, posix.Errno) { return v, 0 }
}

// underGrate forks a child of grate cage p that first puts itself under
// p's handler h for call num, then runs fn.
func underGrate(t *testing.T, p *cages.Proc, num int, h threei.GrateHandler, fn func(c *cages.Proc) int) int {
	t.Helper()
	g := p.Grate()
	return mustFork(t, p, func(c *cages.Proc) int {
		if err := g.Register(c.Getpid(), num, h); err != nil {
			return fail(t, "Register(%d, %d) = %s; want nil", c.Getpid(), num, en(err))
		}
		return fn(c)
	})
}

func TestGrate_Register_AnswersChildCalls_NotItsOwn(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		me := p.Getpid()
		pid := underGrate(t, p, posix.SYS_GETPID, answer(4242), func(c *cages.Proc) int {
			if got := c.Getpid(); got != 4242 {
				return fail(t, "child Getpid() = %d; want the grate's 4242", got)
			}
			if got := c.Getppid(); got != me {
				return fail(t, "child Getppid() = %d; want %d (not interposed)", got, me)
			}
			return 0
		})
		mustWait(t, p, pid, exited0)
		check(t, p, p.Getpid() == me, "the grate's own Getpid() changed")
		return 0
	})
	requireStatus(t, exited0, st)
}

func TestGrate_Forward_ChangedArguments_ReachKernel(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		upper := func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
			buf := make([]byte, g.Len(c, 1))
			if _, err := g.CopyIn(c, 1, 0, buf); err != 0 {
				return -1, err
			}
			fwd := *c
			fwd.Args[1] = threei.Arg{Val: uint64(len(buf)), Buf: bytes.ToUpper(buf), Owner: g.ID()}
			return g.Forward(&fwd)
		}
		pid := underGrate(t, p, posix.SYS_WRITE, upper, func(c *cages.Proc) int {
			mustWrite(t, c, w, "hello")
			return 0
		})
		mustWait(t, p, pid, exited0)
		mustRead(t, p, r, "HELLO")
		return 0
	})
	requireStatus(t, exited0, st)
}

// TestGrate_Stacking_ThreeGrates: a counter grate starts a confiner grate,
// which starts a tracer grate, which starts the program. The program's
// calls pass tracer, then confiner, then counter, then the kernel; a call
// the confiner refuses never reaches the counter.
func TestGrate_Stacking_ThreeGrates(t *testing.T) {
	var mu sync.Mutex
	var log []string
	note := func(s string) {
		mu.Lock()
		log = append(log, s)
		mu.Unlock()
	}
	layer := func(name string, deny string) threei.GrateHandler {
		return func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
			path, _, err := g.String(c, 1, 4096)
			if err != 0 {
				return -1, err
			}
			note(name + " " + path)
			if deny != "" && strings.HasPrefix(path, deny) {
				return -1, posix.EACCES
			}
			return g.Forward(c)
		}
	}
	st := runCage(t, func(p *cages.Proc) int {
		for _, d := range []string{"/tmp/etc", "/tmp/etc/x"} {
			if err := p.Mkdir(d, 0o755); err != nil {
				return fail(t, "Mkdir(%s): %s", d, en(err))
			}
		}
		pid := underGrate(t, p, posix.SYS_OPENAT, layer("counter", ""), func(confiner *cages.Proc) int {
			pid := underGrate(t, confiner, posix.SYS_OPENAT, layer("confiner", "/tmp/etc/"), func(tracer *cages.Proc) int {
				pid := underGrate(t, tracer, posix.SYS_OPENAT, layer("tracer", ""), func(prog *cages.Proc) int {
					fd, err := prog.Open("/tmp", posix.O_RDONLY, 0)
					check(t, prog, err == nil && fd >= 0, "Open(/tmp) = %d, %s", fd, en(err))
					_, err = prog.Open("/tmp/etc/x", posix.O_RDONLY, 0)
					check(t, prog, err == posix.EACCES, "Open(/tmp/etc/x) = %s; want EACCES", en(err))
					return 0
				})
				mustWait(t, tracer, pid, exited0)
				return 0
			})
			mustWait(t, confiner, pid, exited0)
			return 0
		})
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
	require.Equal(t, []string{
		"tracer /tmp", "confiner /tmp", "counter /tmp",
		"tracer /tmp/etc/x", "confiner /tmp/etc/x",
	}, log)
}

func TestGrate_Copies_BoundsAndForeignCages(t *testing.T) {
	k := newKernel(cages.Config{})
	other, err := k.Start(cages.Spec{Path: "/other", Program: func(p *cages.Proc) int {
		p.Pause()
		return 0
	}})
	require.NoError(t, err)
	defer other.Kill()
	type result struct {
		in, out, neg, str, foreign, foreignOut, foreignVal, own posix.Errno
		n                                                       int
	}
	var res result
	h := func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
		var buf [8]byte
		res.n, _ = g.CopyIn(c, 1, 0, buf[:5])
		_, res.in = g.CopyIn(c, 1, 3, buf[:5]) // 3+5 > 5
		_, res.out = g.CopyOut(c, 1, 5, []byte("x"))
		_, res.neg = g.CopyIn(c, 1, -1, buf[:1])
		_, _, res.str = g.String(c, 7, 10) // no such argument
		foreign := *c
		foreign.Args[1].Owner = other.Pid()
		_, res.foreign = g.CopyIn(&foreign, 1, 0, buf[:1])
		_, res.foreignOut = g.CopyOut(&foreign, 1, 0, buf[:1])
		_, res.foreignVal = g.Value(&foreign, 1)
		own := *c
		own.Args[1] = threei.Arg{Buf: []byte("mine"), Owner: g.ID()}
		_, res.own = g.CopyIn(&own, 1, 0, buf[:4])
		return g.Forward(c)
	}
	st := runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		pid := underGrate(t, p, posix.SYS_WRITE, h, func(c *cages.Proc) int {
			mustWrite(t, c, w, "bytes")
			return 0
		})
		mustWait(t, p, pid, exited0)
		mustRead(t, p, r, "bytes")
		other.Kill()
		return 0
	})
	other.Kill()
	requireStatus(t, exited0, st)
	require.Equal(t, 5, res.n)
	require.Equal(t, posix.EFAULT, res.in, "CopyIn past the end")
	require.Equal(t, posix.EFAULT, res.out, "CopyOut past the end")
	require.Equal(t, posix.EFAULT, res.neg, "CopyIn at a negative offset")
	require.Equal(t, posix.EINVAL, res.str, "String of argument 7")
	require.Equal(t, posix.EPERM, res.foreign, "CopyIn from a cage the grate does not serve")
	require.Equal(t, posix.EPERM, res.foreignOut, "CopyOut to a cage the grate does not serve")
	require.Equal(t, posix.EPERM, res.foreignVal, "Value of a cage the grate does not serve")
	require.Equal(t, posix.Errno(0), res.own, "CopyIn from the grate's own memory")
}

func TestGrate_Inheritance_ForkAndExec_WithWatcher(t *testing.T) {
	k := newKernel(cages.Config{})
	require.NoError(t, k.Install("/bin/pid", func(p *cages.Proc) int { return p.Getpid() % 256 }))
	var mu sync.Mutex
	var events []string
	var grandchild int
	st := runIn(t, k, func(p *cages.Proc) int {
		g := p.Grate()
		var child int
		g.Watch(&cages.Watcher{
			Fork: func(parent, ch int) {
				mu.Lock()
				grandchild = ch
				events = append(events, "fork")
				mu.Unlock()
			},
			Exec: func(pid int, path string, argv []string) {
				mu.Lock()
				events = append(events, "exec "+path+" "+strings.Join(argv, ","))
				mu.Unlock()
			},
			Exit: func(pid int, st posix.WaitStatus) {
				mu.Lock()
				events = append(events, "exit "+st.String())
				mu.Unlock()
			},
		})
		child = underGrate(t, p, posix.SYS_GETPID, answer(7), func(c *cages.Proc) int {
			gc := mustFork(t, c, func(gc *cages.Proc) int {
				if got := gc.Getpid(); got != 7 {
					return fail(t, "grandchild Getpid() = %d; want the grate's 7", got)
				}
				return 0
			})
			mustWait(t, c, gc, exited0)
			err := c.Execve("/bin/pid", []string{"pid", "x"}, nil)
			return fail(t, "Execve = %s", en(err))
		})
		mustWait(t, p, child, posix.Exited(7))
		return 0
	})
	requireStatus(t, exited0, st)
	require.NotZero(t, grandchild)
	require.Equal(t, []string{"fork", "exit exit status 0", "exec /bin/pid pid,x", "exit exit status 7"}, events)
}

func TestGrate_Register_Rights(t *testing.T) {
	k := newKernel(cages.Config{})
	stranger, err := k.Start(cages.Spec{Path: "/s", Program: func(p *cages.Proc) int {
		p.Pause()
		return 0
	}})
	require.NoError(t, err)
	defer stranger.Kill()
	var allowed *cages.Cage
	st := runIn(t, k, func(p *cages.Proc) int {
		g := p.Grate()
		err := g.Register(stranger.Pid(), posix.SYS_GETPID, answer(1))
		check(t, p, err == posix.EPERM, "Register(stranger) = %s; want EPERM", en(err))
		err = g.Register(p.Getpid(), posix.SYS_GETPID, answer(1))
		check(t, p, err == posix.EPERM, "Register(itself) = %s; want EPERM", en(err))
		err = g.Register(p.Getppid(), posix.SYS_GETPID, answer(1))
		check(t, p, err == posix.EPERM, "Register(init) = %s; want EPERM", en(err))
		err = g.Register(99999, posix.SYS_GETPID, answer(1))
		check(t, p, err == posix.ESRCH, "Register(99999) = %s; want ESRCH", en(err))
		for _, num := range []int{-2, posix.SyscallMax} {
			err = g.Register(p.Getpid(), num, answer(1))
			check(t, p, err == posix.EINVAL, "Register(num %d) = %s; want EINVAL", num, en(err))
		}
		allowed = stranger.Cage()
		stranger.Cage().AllowGrate(p.Cage())
		err = g.Register(stranger.Pid(), posix.SYS_GETPID, answer(1))
		check(t, p, err == nil, "Register(stranger) after AllowGrate = %s; want nil", en(err))
		err = g.Deregister(stranger.Pid(), posix.SYS_GETPID)
		check(t, p, err == nil, "Deregister(stranger) = %s; want nil", en(err))
		check(t, p, allowed.Table().Owner(posix.SYS_GETPID) == nil, "deregistered entry is not the kernel's again")
		stranger.Kill()
		return 0
	})
	requireStatus(t, exited0, st)
	require.NotNil(t, allowed)
}

func TestGrate_Deregister_RestoresKernel(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		g := p.Grate()
		r, w := mustPipe(t, p)
		r2, w2 := mustPipe(t, p)
		pid := underGrate(t, p, threei.AllCalls, func(g *threei.Grate, c *threei.Call) (int64, posix.Errno) {
			if c.Num == posix.SYS_GETPID {
				return 1, 0
			}
			return g.Forward(c)
		}, func(c *cages.Proc) int {
			check(t, c, c.Getpid() == 1, "interposed Getpid() = %d; want 1", c.Getpid())
			mustWrite(t, c, w, "x")
			mustRead(t, c, r2, "y")
			check(t, c, c.Getpid() > 1, "Getpid() after Deregister = %d; want the real pid", c.Getpid())
			return 0
		})
		mustRead(t, p, r, "x")
		err := g.Deregister(pid, threei.AllCalls)
		check(t, p, err == nil, "Deregister = %s", en(err))
		mustWrite(t, p, w2, "y")
		mustWait(t, p, pid, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}

// TestGrate_Exit_KillsServedCages: a grate that exits while a cage it
// serves still runs leaves no cage bypassing it: the cage is killed.
func TestGrate_Exit_KillsServedCages(t *testing.T) {
	k := newKernel(cages.Config{})
	var served int
	st := runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		grate := mustFork(t, p, func(g *cages.Proc) int {
			served = underGrate(t, g, posix.SYS_GETPID, answer(5), func(c *cages.Proc) int {
				// Loop on interposed calls until killed; then the write end
				// closes and the test's reader sees end of file.
				for i := 0; ; i++ {
					if c.Getpid() != 5 {
						c.Write(w, []byte("bypassed"))
						return 1
					}
					if i == 0 {
						c.Write(w, []byte("r"))
					}
					time.Sleep(time.Millisecond)
				}
			})
			mustRead(t, g, r, "r") // the served cage runs
			return 3               // the grate exits
		})
		mustClose(t, p, w)
		mustWait(t, p, grate, posix.Exited(3))
		mustEOF(t, p, r)
		return 0
	})
	requireStatus(t, exited0, st)
	require.NotZero(t, served)
}

func TestGrate_HandlerPanic_KillsGrateAndCaller(t *testing.T) {
	var stderr syncBuffer
	k := newKernel(cages.Config{})
	proc, err := k.Start(cages.Spec{Path: "/t", Stderr: &stderr, Program: func(p *cages.Proc) int {
		grate := mustFork(t, p, func(g *cages.Proc) int {
			pid := underGrate(t, g, posix.SYS_GETPID, func(*threei.Grate, *threei.Call) (int64, posix.Errno) {
				panic("boom")
			}, func(c *cages.Proc) int {
				c.Getpid()
				return fail(t, "the caller survived the panic")
			})
			_, st, _ := g.Wait4(pid, 0)
			return st.ExitStatus() + 1 // not reached: the grate is killed
		})
		mustWait(t, p, grate, posix.Signaled(posix.SIGKILL, false))
		return 0
	}})
	require.NoError(t, err)
	requireStatus(t, exited0, waitProcess(t, k, proc))
	require.Contains(t, stderr.String(), "panic in the handler of getpid: boom")
}

// TestGrate_BlockedHandler_CallerStaysKillable: a handler that never
// returns holds only its caller, and SIGKILL still ends that cage.
func TestGrate_BlockedHandler_CallerStaysKillable(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	st := runCage(t, func(p *cages.Proc) int {
		pid := underGrate(t, p, posix.SYS_GETPID, func(*threei.Grate, *threei.Call) (int64, posix.Errno) {
			close(entered)
			<-release
			return 0, 0
		}, func(c *cages.Proc) int {
			c.Getpid()
			return fail(t, "returned from the blocked handler")
		})
		<-entered
		// The grate itself is free to make calls.
		check(t, p, p.Getppid() > 0, "grate blocked")
		err := p.Kill(pid, posix.SIGKILL)
		check(t, p, err == nil, "Kill = %s", en(err))
		mustWait(t, p, pid, posix.Signaled(posix.SIGKILL, false))
		return 0
	})
	requireStatus(t, exited0, st)
	once.Do(func() { close(release) })
}

// TestGrate_Register_RefusesBypass: a grate the host allowed over a cage
// that another grate serves cannot replace that grate's entries when its
// own calls do not pass through it.
func TestGrate_Register_RefusesBypass(t *testing.T) {
	k := newKernel(cages.Config{})
	outsiderReady := make(chan *cages.Grate, 1)
	done := make(chan struct{})
	outsider, err := k.Start(cages.Spec{Path: "/o", Program: func(p *cages.Proc) int {
		outsiderReady <- p.Grate()
		<-done
		return 0
	}})
	require.NoError(t, err)
	og := <-outsiderReady
	st := runIn(t, k, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		rr, rw := mustPipe(t, p)
		pid := underGrate(t, p, posix.SYS_GETPID, answer(9), func(c *cages.Proc) int {
			mustWrite(t, c, rw, "registered")
			mustRead(t, c, r, "x")
			check(t, c, c.Getpid() == 9, "Getpid() = %d; want 9", c.Getpid())
			return 0
		})
		mustRead(t, p, rr, "registered")
		p.Cage().Kernel().Cage(pid).AllowGrate(og.Cage())
		err := og.Register(pid, posix.SYS_GETPID, answer(1))
		check(t, p, err == posix.EBUSY, "outsider Register over the grate = %s; want EBUSY", en(err))
		err = og.Register(pid, posix.SYS_GETPPID, answer(1))
		check(t, p, err == nil, "outsider Register on a free entry = %s; want nil", en(err))
		mustWrite(t, p, w, "x")
		mustWait(t, p, pid, exited0)
		close(done)
		return 0
	})
	waitProcessOnly(t, outsider)
	requireStatus(t, exited0, st)
}

func TestGrate_RegisterTree_CoversLivingDescendants(t *testing.T) {
	st := runCage(t, func(p *cages.Proc) int {
		r, w := mustPipe(t, p)
		r2, w2 := mustPipe(t, p)
		child := mustFork(t, p, func(c *cages.Proc) int {
			gc := mustFork(t, c, func(gc *cages.Proc) int {
				mustWrite(t, gc, w, "g")
				mustRead(t, gc, r2, "go")
				check(t, gc, gc.Getpid() == 77, "grandchild Getpid() = %d; want 77", gc.Getpid())
				return 0
			})
			mustWait(t, c, gc, exited0)
			check(t, c, c.Getpid() == 77, "child Getpid() = %d; want 77", c.Getpid())
			return 0
		})
		mustRead(t, p, r, "g")
		err := p.Grate().RegisterTree(child, posix.SYS_GETPID, answer(77))
		check(t, p, err == nil, "RegisterTree = %s", en(err))
		mustWrite(t, p, w2, "go")
		mustWait(t, p, child, exited0)
		return 0
	})
	requireStatus(t, exited0, st)
}
