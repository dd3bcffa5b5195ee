//go:build linux

package cages_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// openPty returns both sides of a new host pseudo-terminal, or skips.
func openPty(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	fd := int(ptm.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		ptm.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		ptm.Close()
		t.Skipf("ptsname: %v", err)
	}
	pts, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		ptm.Close()
		t.Skipf("open pts: %v", err)
	}
	return ptm, pts
}

// When the host's stdio is a terminal, a cage's termios and window-size
// requests reach it: what the cage sets, the host terminal has.
func TestTTY_HostTerminalIsReached(t *testing.T) {
	ptm, pts := openPty(t)
	defer ptm.Close()
	rc, err := pts.SyscallConn()
	require.NoError(t, err)
	hostTermios := func() (tio *unix.Termios, ws *unix.Winsize) {
		rc.Control(func(fd uintptr) {
			tio, _ = unix.IoctlGetTermios(int(fd), unix.TCGETS)
			ws, _ = unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
		})
		return tio, ws
	}
	before, _ := hostTermios()
	require.NotNil(t, before)
	require.NotZero(t, before.Lflag&unix.ECHO, "a new pty echoes")

	k := newKernel(cages.Config{})
	proc, err := k.Start(cages.Spec{Path: "/t", Terminal: true, Stdin: pts, Stdout: pts, Program: func(p *cages.Proc) int {
		var tio posix.Termios
		err := p.IoctlTermios(0, posix.TCGETS, &tio)
		check(t, p, err == nil && tio.Lflag == before.Lflag && tio.Iflag == before.Iflag && tio.Cc == before.Cc,
			"TCGETS = %+v, %s; the host pty has %+v", tio, en(err), before)
		tio.Lflag &^= posix.ECHO | posix.ICANON
		err = p.IoctlTermios(1, posix.TCSETSW, &tio)
		check(t, p, err == nil, "TCSETSW = %s", en(err))
		ws := posix.Winsize{Row: 33, Col: 111}
		err = p.IoctlWinsize(1, posix.TIOCSWINSZ, &ws)
		check(t, p, err == nil, "TIOCSWINSZ = %s", en(err))
		var got posix.Winsize
		err = p.IoctlWinsize(0, posix.TIOCGWINSZ, &got)
		check(t, p, err == nil && got == ws, "TIOCGWINSZ = %+v, %s", got, en(err))
		return 0
	}})
	require.NoError(t, err)
	st := waitProcessOnly(t, proc)
	after, ws := hostTermios()
	pts.Close() // ends the goroutine feeding the cage's stdin
	waitNoCages(t, k)
	requireStatus(t, exited0, st)
	require.NotNil(t, after)
	require.Zero(t, after.Lflag&(unix.ECHO|unix.ICANON), "the host pty still echoes: %#o", after.Lflag)
	require.Equal(t, uint16(33), ws.Row)
	require.Equal(t, uint16(111), ws.Col)
}
