package vfs_test

import (
	"sync"
	"testing"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
	"github.com/stretchr/testify/require"
)

// fakeProc is a cage as /proc/self sees it, with its own fd table.
type fakeProc struct {
	mu  sync.Mutex
	fds map[int]*fdtable.Description
}

func (p *fakeProc) Pid() int       { return 42 }
func (p *fakeProc) Ppid() int      { return 1 }
func (p *fakeProc) Name() string   { return "sh" }
func (p *fakeProc) Args() []string { return []string{"sh", "-c", "x"} }
func (p *fakeProc) Fds() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for i := 0; i < 64; i++ {
		if p.fds[i] != nil {
			out = append(out, i)
		}
	}
	return out
}
func (p *fakeProc) Umask() int { return 0o022 }

// Lookup finds the fake cage itself and pid 1, an init without fds.
func (p *fakeProc) Lookup(pid int) (vfs.ProcView, bool) {
	switch pid {
	case 42:
		return p, true
	case 1:
		return &fakeInit{}, true
	}
	return nil, false
}
func (p *fakeProc) Pids() []int { return []int{1, 42} }

// fakeInit is pid 1 as /proc/1 shows it to a fakeProc.
type fakeInit struct{ fakeProc }

func (*fakeInit) Pid() int       { return 1 }
func (*fakeInit) Ppid() int      { return 0 }
func (*fakeInit) Name() string   { return "init" }
func (*fakeInit) Args() []string { return []string{"init"} }

func (p *fakeProc) Fd(fd int) (*fdtable.Description, posix.Errno) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.fds[fd]
	if d == nil {
		return nil, posix.EBADF
	}
	d.IncRef()
	return d, 0
}

// install puts d at the lowest free fd.
func (p *fakeProc) install(d *fdtable.Description) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fds == nil {
		p.fds = map[int]*fdtable.Description{}
	}
	for i := 0; ; i++ {
		if p.fds[i] == nil {
			p.fds[i] = d
			return i
		}
	}
}

// user returns the context of an unprivileged cage user 1000 in /.
func user(fs *vfs.FS) *vfs.Ctx {
	return &vfs.Ctx{Cred: vfs.Cred{UID: 1000, GID: 1000}, Umask: 0o022, Cwd: fs.Root(), Task: fdtable.HostTask{}, Proc: &fakeProc{}}
}

// open opens path or fails the test.
func open(t *testing.T, fs *vfs.FS, ctx *vfs.Ctx, path string, flags int, mode uint32) *fdtable.Description {
	t.Helper()
	d, err := fs.Open(ctx, vfs.Loc{}, path, flags, mode)
	require.Equal(t, posix.Errno(0), err, "Open(%q, %#o) = %v", path, flags, err)
	return d
}

func write(t *testing.T, d *fdtable.Description, s string) {
	t.Helper()
	n, err := d.File().Write(fdtable.HostTask{}, d, []byte(s))
	require.Equal(t, posix.Errno(0), err)
	require.Equal(t, len(s), n)
}

func readAll(t *testing.T, d *fdtable.Description) string {
	t.Helper()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := d.File().Read(fdtable.HostTask{}, d, buf)
		require.Equal(t, posix.Errno(0), err)
		if n == 0 {
			return string(out)
		}
		out = append(out, buf[:n]...)
	}
}

// errno wants err to be want.
func errno(t *testing.T, want, got posix.Errno, msg string, args ...any) {
	t.Helper()
	require.Equal(t, want.Name(), got.Name(), append([]any{msg}, args...)...)
}
