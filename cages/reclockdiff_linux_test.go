//go:build linux

package cages_test

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Differential cases of fcntl's record locks (see TestXDiff): errnos of
// bad requests, and F_GETLK / F_OFD_GETLK answers about OFD locks held
// through another description of the file (one process can conflict with
// itself only through OFD locks).

// reclockReq is one lock request of a differential case.
type reclockReq struct {
	cmd              int
	typ, whence      int16
	start, len       int64
	pid              int32
	fdFlags          int // the access mode of the fd the request uses
	held             bool
	heldTyp          int16
	heldStart, heldN int64
}

func (r reclockReq) host(h hostEnv) string {
	other := h.file("rl", "0123456789", unix.O_RDWR)
	defer unix.Close(other)
	if r.held {
		hl := unix.Flock_t{Type: r.heldTyp, Whence: 0, Start: r.heldStart, Len: r.heldN}
		if err := unix.FcntlFlock(uintptr(other), unix.F_OFD_SETLK, &hl); err != nil {
			return "setup " + xres(nil, err)
		}
	}
	fd, err := unix.Open(h.dir+"/rl", r.fdFlags, 0)
	if err != nil {
		return "open " + xres(nil, err)
	}
	defer unix.Close(fd)
	unix.Seek(fd, 4, 0)
	l := unix.Flock_t{Type: r.typ, Whence: r.whence, Start: r.start, Len: r.len, Pid: r.pid}
	err = unix.FcntlFlock(uintptr(fd), r.cmd, &l)
	return xres(fmt.Sprint(l.Type, l.Whence, l.Start, l.Len, l.Pid), err)
}

func (r reclockReq) cage(p *cages.Proc) string {
	other := cageFile(p, "rl", "0123456789", posix.O_RDWR)
	defer p.Close(other)
	if r.held {
		hl := posix.Flock{Type: r.heldTyp, Start: r.heldStart, Len: r.heldN}
		if err := p.FcntlLock(other, posix.F_OFD_SETLK, &hl); err != nil {
			return "setup " + xres(nil, err)
		}
	}
	fd, err := p.Open("/tmp/rl", r.fdFlags, 0)
	if err != nil {
		return "open " + xres(nil, err)
	}
	defer p.Close(fd)
	p.Lseek(fd, 4, 0)
	l := posix.Flock{Type: r.typ, Whence: r.whence, Start: r.start, Len: r.len, Pid: r.pid}
	err = p.FcntlLock(fd, r.cmd, &l)
	return xres(fmt.Sprint(l.Type, l.Whence, l.Start, l.Len, l.Pid), err)
}

func init() {
	rw, ro, wo := unix.O_RDWR, unix.O_RDONLY, unix.O_WRONLY
	cmds := []int{unix.F_GETLK, unix.F_SETLK, unix.F_SETLKW, unix.F_OFD_GETLK, unix.F_OFD_SETLK, unix.F_OFD_SETLKW}
	reqs := []reclockReq{
		{typ: unix.F_WRLCK, fdFlags: rw},
		{typ: unix.F_RDLCK, fdFlags: wo},
		{typ: unix.F_WRLCK, fdFlags: ro},
		{typ: unix.F_UNLCK, fdFlags: ro},
		{typ: 3, fdFlags: rw},
		{typ: -1, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 3, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: -1, fdFlags: rw},
		{typ: unix.F_WRLCK, start: -1, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 1, start: -4, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 1, start: -5, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 2, start: -10, len: 3, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 2, start: -11, fdFlags: rw},
		{typ: unix.F_WRLCK, start: 3, len: -3, fdFlags: rw},
		{typ: unix.F_WRLCK, start: 3, len: -4, fdFlags: rw},
		{typ: unix.F_WRLCK, start: 1 << 62, len: 1<<62 + 1, fdFlags: rw},
		{typ: unix.F_WRLCK, whence: 1, start: 1<<63 - 1, fdFlags: rw},
		{typ: unix.F_WRLCK, pid: 7, fdFlags: rw},
		{typ: 7, pid: 7, fdFlags: wo},
		{typ: unix.F_RDLCK, pid: 7, fdFlags: wo},
		// Against an OFD write lock on [2,5) of another description.
		{typ: unix.F_RDLCK, start: 0, len: 2, fdFlags: rw, held: true, heldTyp: unix.F_WRLCK, heldStart: 2, heldN: 3},
		{typ: unix.F_RDLCK, start: 4, len: 1, fdFlags: rw, held: true, heldTyp: unix.F_WRLCK, heldStart: 2, heldN: 3},
		{typ: unix.F_RDLCK, start: 5, fdFlags: rw, held: true, heldTyp: unix.F_WRLCK, heldStart: 2, heldN: 3},
		{typ: unix.F_WRLCK, whence: 1, start: 1, len: -2, fdFlags: rw, held: true, heldTyp: unix.F_WRLCK, heldStart: 2, heldN: 3},
		{typ: unix.F_UNLCK, start: 0, fdFlags: rw, held: true, heldTyp: unix.F_WRLCK, heldStart: 2, heldN: 3},
		// Against an OFD read lock to the end.
		{typ: unix.F_RDLCK, start: 9, len: 1, fdFlags: rw, held: true, heldTyp: unix.F_RDLCK, heldStart: 6},
		{typ: unix.F_WRLCK, start: 9, len: 1, fdFlags: rw, held: true, heldTyp: unix.F_RDLCK, heldStart: 6},
		{typ: unix.F_WRLCK, start: 100, fdFlags: rw, held: true, heldTyp: unix.F_RDLCK, heldStart: 6},
	}
	for _, cmd := range cmds {
		for i, r := range reqs {
			if r.held && (cmd == unix.F_SETLKW || cmd == unix.F_OFD_SETLKW) && r.typ != unix.F_UNLCK {
				continue // would wait forever where it conflicts
			}
			r.cmd = cmd
			xcases = append(xcases, xcase{fmt.Sprintf("fcntl lock cmd %d req %d %+v", cmd, i, r), r.host, r.cage})
		}
	}
}
