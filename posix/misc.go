package posix

// Operations of flock(2).
const (
	LOCK_SH   = 1  // Take a shared lock
	LOCK_EX   = 2  // Take an exclusive lock
	LOCK_NB   = 4  // Fail with EWOULDBLOCK rather than wait
	LOCK_UN   = 8  // Release the lock
	LOCK_MAND = 32 // Obsolete mandatory lock: ignored, flock returns 0
)

// Flags of getrandom(2).
const (
	GRND_NONBLOCK = 1 // Fail with EAGAIN rather than wait for entropy
	GRND_RANDOM   = 2 // Draw from the random (not urandom) source
	GRND_INSECURE = 4 // Never wait, even before the pool is ready
)

// Which argument of getpriority(2) and setpriority(2).
const (
	PRIO_PROCESS = 0 // who is a process id (0: the caller)
	PRIO_PGRP    = 1 // who is a process group (0: the caller's)
	PRIO_USER    = 2 // who is a user id (0: the caller's real uid)
)

// Range of nice values.
const (
	MIN_NICE = -20 // Highest priority
	MAX_NICE = 19  // Lowest priority
)

// Modes of fallocate(2).
const (
	FALLOC_FL_KEEP_SIZE      = 0x01 // Do not change the file size
	FALLOC_FL_PUNCH_HOLE     = 0x02 // Deallocate the range
	FALLOC_FL_NO_HIDE_STALE  = 0x04 // Reserved
	FALLOC_FL_COLLAPSE_RANGE = 0x08 // Remove the range, shifting what follows
	FALLOC_FL_ZERO_RANGE     = 0x10 // Zero the range
	FALLOC_FL_INSERT_RANGE   = 0x20 // Insert a hole, shifting what follows
	FALLOC_FL_UNSHARE_RANGE  = 0x40 // Unshare shared blocks
)

// Advice of fadvise64(2) (posix_fadvise(3)).
const (
	POSIX_FADV_NORMAL     = 0 // No advice
	POSIX_FADV_RANDOM     = 1 // Random access expected
	POSIX_FADV_SEQUENTIAL = 2 // Sequential access expected
	POSIX_FADV_WILLNEED   = 3 // The data will be needed soon
	POSIX_FADV_DONTNEED   = 4 // The data will not be needed soon
	POSIX_FADV_NOREUSE    = 5 // The data will be used once
)

// NGROUPS_MAX is the largest number of supplementary groups
// setgroups(2) accepts.
const NGROUPS_MAX = 65536

// FD_SETSIZE is the number of descriptors an FdSet holds.
const FD_SETSIZE = 1024

// FdSet is the fd_set of select(2): a bitmap of FD_SETSIZE descriptors,
// descriptor fd being bit fd%64 of Bits[fd/64]. The zero value is empty.
type FdSet struct {
	Bits [FD_SETSIZE / 64]uint64
}

// Set adds fd to the set; descriptors outside [0, FD_SETSIZE) are ignored.
func (s *FdSet) Set(fd int) {
	if fd >= 0 && fd < FD_SETSIZE {
		s.Bits[fd/64] |= 1 << uint(fd%64)
	}
}

// Clear removes fd from the set.
func (s *FdSet) Clear(fd int) {
	if fd >= 0 && fd < FD_SETSIZE {
		s.Bits[fd/64] &^= 1 << uint(fd%64)
	}
}

// IsSet reports whether fd is in the set.
func (s *FdSet) IsSet(fd int) bool {
	return fd >= 0 && fd < FD_SETSIZE && s.Bits[fd/64]&(1<<uint(fd%64)) != 0
}

// Zero empties the set.
func (s *FdSet) Zero() { s.Bits = [FD_SETSIZE / 64]uint64{} }

// More requests of ioctl(2) on terminals (Linux x86-64 values).
const (
	TCSETSW    = 0x5403 // Drain the output, then set the termios
	TCSETSF    = 0x5404 // Drain the output, discard pending input, then set
	TIOCSCTTY  = 0x540E // Make the terminal the caller's controlling terminal
	TIOCSWINSZ = 0x5414 // Set the window size of a terminal
	TIOCNOTTY  = 0x5422 // Give up the controlling terminal
)

// NCCS is the number of control characters in the kernel's struct termios.
const NCCS = 19

// Termios is the kernel's struct termios (asm-generic/termbits.h), what
// TCGETS fills and TCSETS reads: the input, output, control and local
// mode flags, the line discipline, and the control characters. The line
// speed is in Cflag (CBAUD).
type Termios struct {
	Iflag uint32
	Oflag uint32
	Cflag uint32
	Lflag uint32
	Line  uint8
	Cc    [NCCS]uint8
}

// Winsize is struct winsize of TIOCGWINSZ and TIOCSWINSZ: the terminal's
// size in characters and pixels.
type Winsize struct {
	Row, Col       uint16
	Xpixel, Ypixel uint16
}

// Termios input flags (c_iflag).
const (
	IGNBRK  = 0o1     // Ignore a break condition
	BRKINT  = 0o2     // A break flushes the queues and sends SIGINT
	IGNPAR  = 0o4     // Ignore framing and parity errors
	PARMRK  = 0o10    // Mark parity errors in the input
	INPCK   = 0o20    // Check input parity
	ISTRIP  = 0o40    // Strip the eighth bit
	INLCR   = 0o100   // Translate NL to CR on input
	IGNCR   = 0o200   // Ignore CR on input
	ICRNL   = 0o400   // Translate CR to NL on input
	IXON    = 0o2000  // XON/XOFF flow control on output
	IXANY   = 0o4000  // Any character restarts output
	IXOFF   = 0o10000 // XON/XOFF flow control on input
	IMAXBEL = 0o20000 // Ring the bell when the input queue is full
	IUTF8   = 0o40000 // Input is UTF-8 (for erasing characters)
)

// Termios output flags (c_oflag).
const (
	OPOST = 0o1 // Process output
	ONLCR = 0o4 // Translate NL to CR-NL on output
)

// Termios control flags (c_cflag).
const (
	CBAUD  = 0o10017 // Mask of the line speed
	B38400 = 0o17    // 38400 baud
	CSIZE  = 0o60    // Mask of the character size
	CS8    = 0o60    // Eight-bit characters
	CSTOPB = 0o100   // Two stop bits
	CREAD  = 0o200   // Enable the receiver
	PARENB = 0o400   // Parity generation and checking
	HUPCL  = 0o2000  // Hang up on the last close
	CLOCAL = 0o4000  // Ignore modem control lines
)

// Termios local flags (c_lflag).
const (
	ISIG    = 0o1      // INTR, QUIT and SUSP send signals
	ICANON  = 0o2      // Canonical (line-by-line) input
	ECHO    = 0o10     // Echo input characters
	ECHOE   = 0o20     // ERASE erases the last character
	ECHOK   = 0o40     // KILL erases the line
	ECHONL  = 0o100    // Echo NL even without ECHO
	NOFLSH  = 0o200    // Do not flush the queues on a signal
	TOSTOP  = 0o400    // SIGTTOU for background output
	ECHOCTL = 0o1000   // Echo control characters as ^X
	ECHOPRT = 0o2000   // Print erased characters
	ECHOKE  = 0o4000   // KILL erases each character of the line
	IEXTEN  = 0o100000 // Extended input processing
)

// Indexes of Termios.Cc.
const (
	VINTR    = 0  // Interrupt (SIGINT)
	VQUIT    = 1  // Quit (SIGQUIT)
	VERASE   = 2  // Erase a character
	VKILL    = 3  // Erase the line
	VEOF     = 4  // End of file
	VTIME    = 5  // Non-canonical read timeout, in tenths of a second
	VMIN     = 6  // Non-canonical read minimum
	VSWTC    = 7  // Switch (unused)
	VSTART   = 8  // Restart output (XON)
	VSTOP    = 9  // Stop output (XOFF)
	VSUSP    = 10 // Suspend (SIGTSTP)
	VEOL     = 11 // Additional end of line
	VREPRINT = 12 // Reprint the line
	VDISCARD = 13 // Toggle discarding output
	VWERASE  = 14 // Erase a word
	VLNEXT   = 15 // Take the next character literally
	VEOL2    = 16 // Second additional end of line
)

// StdTermios returns the termios a new Linux pseudo-terminal starts with
// (tty_std_termios with the pty driver's control flags, as
// drivers/tty/pty.c): canonical input with echo and signals, CR-to-NL
// input mapping, NL-to-CRNL output, 38400 baud, 8 bits, and the usual
// control characters (^C, ^\, DEL, ^U, ^D...).
func StdTermios() Termios {
	return Termios{
		Iflag: ICRNL | IXON,
		Oflag: OPOST | ONLCR,
		Cflag: B38400 | CS8 | CREAD,
		Lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		Cc:    [NCCS]uint8{003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
	}
}
