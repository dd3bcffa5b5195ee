//go:build linux

// Cross-checks of the constants and structures added for the C library's
// calls (time, itimers, siginfo, flock, select, terminals) against
// golang.org/x/sys/unix.

package posix_test

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/posix"
)

func TestXSysMoreConstants(t *testing.T) {
	same(t, "ITIMER_REAL", posix.ITIMER_REAL, unix.ITIMER_REAL)
	same(t, "ITIMER_VIRTUAL", posix.ITIMER_VIRTUAL, unix.ITIMER_VIRTUAL)
	same(t, "ITIMER_PROF", posix.ITIMER_PROF, unix.ITIMER_PROF)
	same(t, "TIMER_ABSTIME", posix.TIMER_ABSTIME, unix.TIMER_ABSTIME)
	same(t, "CLOCK_REALTIME_ALARM", posix.CLOCK_REALTIME_ALARM, unix.CLOCK_REALTIME_ALARM)
	same(t, "CLOCK_BOOTTIME_ALARM", posix.CLOCK_BOOTTIME_ALARM, unix.CLOCK_BOOTTIME_ALARM)
	same(t, "CLOCK_TAI", posix.CLOCK_TAI, unix.CLOCK_TAI)
	same(t, "RUSAGE_SELF", posix.RUSAGE_SELF, unix.RUSAGE_SELF)
	same(t, "RUSAGE_CHILDREN", posix.RUSAGE_CHILDREN, unix.RUSAGE_CHILDREN)
	same(t, "RUSAGE_THREAD", posix.RUSAGE_THREAD, unix.RUSAGE_THREAD)
	same(t, "SS_AUTODISARM", posix.SS_AUTODISARM, uint32(1)<<31)
	same(t, "MINSIGSTKSZ", posix.MINSIGSTKSZ, 2048)
	same(t, "SIGSTKSZ", posix.SIGSTKSZ, 8192)
	same(t, "PR_SET_PDEATHSIG", posix.PR_SET_PDEATHSIG, unix.PR_SET_PDEATHSIG)
	same(t, "PR_GET_PDEATHSIG", posix.PR_GET_PDEATHSIG, unix.PR_GET_PDEATHSIG)
	same(t, "PR_SET_NAME", posix.PR_SET_NAME, unix.PR_SET_NAME)
	same(t, "PR_GET_NAME", posix.PR_GET_NAME, unix.PR_GET_NAME)
	same(t, "LOCK_SH", posix.LOCK_SH, unix.LOCK_SH)
	same(t, "LOCK_EX", posix.LOCK_EX, unix.LOCK_EX)
	same(t, "LOCK_NB", posix.LOCK_NB, unix.LOCK_NB)
	same(t, "LOCK_UN", posix.LOCK_UN, unix.LOCK_UN)
	same(t, "GRND_NONBLOCK", posix.GRND_NONBLOCK, unix.GRND_NONBLOCK)
	same(t, "GRND_RANDOM", posix.GRND_RANDOM, unix.GRND_RANDOM)
	same(t, "GRND_INSECURE", posix.GRND_INSECURE, unix.GRND_INSECURE)
	same(t, "PRIO_PROCESS", posix.PRIO_PROCESS, unix.PRIO_PROCESS)
	same(t, "PRIO_PGRP", posix.PRIO_PGRP, unix.PRIO_PGRP)
	same(t, "PRIO_USER", posix.PRIO_USER, unix.PRIO_USER)
	same(t, "FALLOC_FL_KEEP_SIZE", posix.FALLOC_FL_KEEP_SIZE, unix.FALLOC_FL_KEEP_SIZE)
	same(t, "FALLOC_FL_PUNCH_HOLE", posix.FALLOC_FL_PUNCH_HOLE, unix.FALLOC_FL_PUNCH_HOLE)
	same(t, "FALLOC_FL_NO_HIDE_STALE", posix.FALLOC_FL_NO_HIDE_STALE, unix.FALLOC_FL_NO_HIDE_STALE)
	same(t, "FALLOC_FL_COLLAPSE_RANGE", posix.FALLOC_FL_COLLAPSE_RANGE, unix.FALLOC_FL_COLLAPSE_RANGE)
	same(t, "FALLOC_FL_ZERO_RANGE", posix.FALLOC_FL_ZERO_RANGE, unix.FALLOC_FL_ZERO_RANGE)
	same(t, "FALLOC_FL_INSERT_RANGE", posix.FALLOC_FL_INSERT_RANGE, unix.FALLOC_FL_INSERT_RANGE)
	same(t, "FALLOC_FL_UNSHARE_RANGE", posix.FALLOC_FL_UNSHARE_RANGE, unix.FALLOC_FL_UNSHARE_RANGE)
	same(t, "POSIX_FADV_NORMAL", posix.POSIX_FADV_NORMAL, unix.FADV_NORMAL)
	same(t, "POSIX_FADV_RANDOM", posix.POSIX_FADV_RANDOM, unix.FADV_RANDOM)
	same(t, "POSIX_FADV_SEQUENTIAL", posix.POSIX_FADV_SEQUENTIAL, unix.FADV_SEQUENTIAL)
	same(t, "POSIX_FADV_WILLNEED", posix.POSIX_FADV_WILLNEED, unix.FADV_WILLNEED)
	same(t, "POSIX_FADV_DONTNEED", posix.POSIX_FADV_DONTNEED, unix.FADV_DONTNEED)
	same(t, "POSIX_FADV_NOREUSE", posix.POSIX_FADV_NOREUSE, unix.FADV_NOREUSE)
	same(t, "TCSETSW", posix.TCSETSW, unix.TCSETSW)
	same(t, "TCSETSF", posix.TCSETSF, unix.TCSETSF)
	same(t, "TIOCSCTTY", posix.TIOCSCTTY, unix.TIOCSCTTY)
	same(t, "TIOCSWINSZ", posix.TIOCSWINSZ, unix.TIOCSWINSZ)
	same(t, "TIOCNOTTY", posix.TIOCNOTTY, unix.TIOCNOTTY)
	same(t, "NCCS", posix.NCCS, len(unix.Termios{}.Cc))
	for _, c := range []struct {
		name       string
		ours, unix uint64
	}{
		{"IGNBRK", posix.IGNBRK, unix.IGNBRK}, {"BRKINT", posix.BRKINT, unix.BRKINT}, {"IGNPAR", posix.IGNPAR, unix.IGNPAR},
		{"PARMRK", posix.PARMRK, unix.PARMRK}, {"INPCK", posix.INPCK, unix.INPCK}, {"ISTRIP", posix.ISTRIP, unix.ISTRIP},
		{"INLCR", posix.INLCR, unix.INLCR}, {"IGNCR", posix.IGNCR, unix.IGNCR}, {"ICRNL", posix.ICRNL, unix.ICRNL},
		{"IXON", posix.IXON, unix.IXON}, {"IXANY", posix.IXANY, unix.IXANY}, {"IXOFF", posix.IXOFF, unix.IXOFF},
		{"IMAXBEL", posix.IMAXBEL, unix.IMAXBEL}, {"IUTF8", posix.IUTF8, unix.IUTF8},
		{"OPOST", posix.OPOST, unix.OPOST}, {"ONLCR", posix.ONLCR, unix.ONLCR},
		{"CBAUD", posix.CBAUD, unix.CBAUD}, {"B38400", posix.B38400, unix.B38400}, {"CSIZE", posix.CSIZE, unix.CSIZE},
		{"CS8", posix.CS8, unix.CS8}, {"CSTOPB", posix.CSTOPB, unix.CSTOPB}, {"CREAD", posix.CREAD, unix.CREAD},
		{"PARENB", posix.PARENB, unix.PARENB}, {"HUPCL", posix.HUPCL, unix.HUPCL}, {"CLOCAL", posix.CLOCAL, unix.CLOCAL},
		{"ISIG", posix.ISIG, unix.ISIG}, {"ICANON", posix.ICANON, unix.ICANON}, {"ECHO", posix.ECHO, unix.ECHO},
		{"ECHOE", posix.ECHOE, unix.ECHOE}, {"ECHOK", posix.ECHOK, unix.ECHOK}, {"ECHONL", posix.ECHONL, unix.ECHONL},
		{"NOFLSH", posix.NOFLSH, unix.NOFLSH}, {"TOSTOP", posix.TOSTOP, unix.TOSTOP}, {"ECHOCTL", posix.ECHOCTL, unix.ECHOCTL},
		{"ECHOPRT", posix.ECHOPRT, unix.ECHOPRT}, {"ECHOKE", posix.ECHOKE, unix.ECHOKE}, {"IEXTEN", posix.IEXTEN, unix.IEXTEN},
		{"VINTR", posix.VINTR, unix.VINTR}, {"VQUIT", posix.VQUIT, unix.VQUIT}, {"VERASE", posix.VERASE, unix.VERASE},
		{"VKILL", posix.VKILL, unix.VKILL}, {"VEOF", posix.VEOF, unix.VEOF}, {"VTIME", posix.VTIME, unix.VTIME},
		{"VMIN", posix.VMIN, unix.VMIN}, {"VSWTC", posix.VSWTC, unix.VSWTC}, {"VSTART", posix.VSTART, unix.VSTART},
		{"VSTOP", posix.VSTOP, unix.VSTOP}, {"VSUSP", posix.VSUSP, unix.VSUSP}, {"VEOL", posix.VEOL, unix.VEOL},
		{"VREPRINT", posix.VREPRINT, unix.VREPRINT}, {"VDISCARD", posix.VDISCARD, unix.VDISCARD},
		{"VWERASE", posix.VWERASE, unix.VWERASE}, {"VLNEXT", posix.VLNEXT, unix.VLNEXT}, {"VEOL2", posix.VEOL2, unix.VEOL2},
	} {
		same(t, c.name, c.ours, c.unix)
	}
}

// The structures carry the fields of their Linux twins, in the same
// order, with the same sizes (padding aside).
func TestXSysMoreStructs(t *testing.T) {
	same(t, "sizeof(Timeval)", unsafe.Sizeof(posix.Timeval{}), unsafe.Sizeof(unix.Timeval{}))
	same(t, "sizeof(Itimerval)", unsafe.Sizeof(posix.Itimerval{}), unsafe.Sizeof(unix.Itimerval{}))
	same(t, "sizeof(Tms)", unsafe.Sizeof(posix.Tms{}), unsafe.Sizeof(unix.Tms{}))
	same(t, "sizeof(Rusage)", unsafe.Sizeof(posix.Rusage{}), unsafe.Sizeof(unix.Rusage{}))
	same(t, "sizeof(Winsize)", unsafe.Sizeof(posix.Winsize{}), unsafe.Sizeof(unix.Winsize{}))
	// x/sys's Termios is glibc's (with the two speed words); the kernel's
	// struct termios that TCGETS fills is its first 36 bytes.
	same(t, "offsetof(Termios.Cc)", unsafe.Offsetof(posix.Termios{}.Cc), unsafe.Offsetof(unix.Termios{}.Cc))
	same(t, "sizeof(Termios)", unsafe.Sizeof(posix.Termios{}), unsafe.Offsetof(unix.Termios{}.Ispeed))
	same(t, "offsetof(Itimerval.Value)", unsafe.Offsetof(posix.Itimerval{}.Value), unsafe.Offsetof(unix.Itimerval{}.Value))
	same(t, "offsetof(Rusage.Nivcsw)", unsafe.Offsetof(posix.Rusage{}.Nivcsw), unsafe.Offsetof(unix.Rusage{}.Nivcsw))
	var si unix.Sysinfo_t
	var ps posix.Sysinfo
	same(t, "offsetof(Sysinfo.Procs)", unsafe.Offsetof(ps.Procs), unsafe.Offsetof(si.Procs))
	same(t, "offsetof(Sysinfo.Totalhigh)", unsafe.Offsetof(ps.Totalhigh), unsafe.Offsetof(si.Totalhigh))
	same(t, "offsetof(Sysinfo.Unit)", unsafe.Offsetof(ps.Unit), unsafe.Offsetof(si.Unit))
}

// StdTermios is what a fresh pseudo-terminal reports.
func TestXSysStdTermios(t *testing.T) {
	ptm, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	defer unix.Close(ptm)
	if err := unix.IoctlSetPointerInt(ptm, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(ptm, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	pts, err := unix.Open("/dev/pts/"+itoa(n), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	defer unix.Close(pts)
	host, err := unix.IoctlGetTermios(pts, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	want := posix.StdTermios()
	same(t, "Iflag", want.Iflag, host.Iflag)
	same(t, "Oflag", want.Oflag, host.Oflag)
	same(t, "Cflag", want.Cflag, host.Cflag)
	same(t, "Lflag", want.Lflag, host.Lflag)
	for i := range want.Cc {
		if want.Cc[i] != host.Cc[i] {
			t.Errorf("Cc[%d] = %#o, a new pty has %#o", i, want.Cc[i], host.Cc[i])
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Flock has struct flock's layout and the record-lock constants their
// Linux values.
func TestXSysFlock(t *testing.T) {
	same(t, "F_OFD_GETLK", posix.F_OFD_GETLK, unix.F_OFD_GETLK)
	same(t, "F_OFD_SETLK", posix.F_OFD_SETLK, unix.F_OFD_SETLK)
	same(t, "F_OFD_SETLKW", posix.F_OFD_SETLKW, unix.F_OFD_SETLKW)
	same(t, "F_RDLCK", posix.F_RDLCK, unix.F_RDLCK)
	same(t, "F_WRLCK", posix.F_WRLCK, unix.F_WRLCK)
	same(t, "F_UNLCK", posix.F_UNLCK, unix.F_UNLCK)
	var f posix.Flock
	var u unix.Flock_t
	same(t, "sizeof(Flock)", unsafe.Sizeof(f), unsafe.Sizeof(u))
	same(t, "offsetof(Flock.Whence)", unsafe.Offsetof(f.Whence), unsafe.Offsetof(u.Whence))
	same(t, "offsetof(Flock.Start)", unsafe.Offsetof(f.Start), unsafe.Offsetof(u.Start))
	same(t, "offsetof(Flock.Len)", unsafe.Offsetof(f.Len), unsafe.Offsetof(u.Len))
	same(t, "offsetof(Flock.Pid)", unsafe.Offsetof(f.Pid), unsafe.Offsetof(u.Pid))
}
