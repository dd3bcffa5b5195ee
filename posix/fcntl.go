package posix

// Flags of open(2) and openat(2), and the file-status flags of fcntl(2)
// F_GETFL/F_SETFL, as Linux x86-64 octal values.
const (
	O_RDONLY    = 0          // Open for reading only
	O_WRONLY    = 0o1        // Open for writing only
	O_RDWR      = 0o2        // Open for reading and writing
	O_ACCMODE   = 0o3        // Mask of the access mode (O_RDONLY, O_WRONLY, O_RDWR)
	O_CREAT     = 0o100      // Create the file if it does not exist
	O_EXCL      = 0o200      // With O_CREAT, fail with EEXIST if the file exists
	O_NOCTTY    = 0o400      // Do not make a terminal the controlling terminal
	O_TRUNC     = 0o1000     // Truncate a regular file to length zero
	O_APPEND    = 0o2000     // Every write appends to the end of the file
	O_NONBLOCK  = 0o4000     // Non-blocking I/O
	O_DSYNC     = 0o10000    // Synchronized data-integrity writes
	O_ASYNC     = 0o20000    // Signal-driven I/O (SIGIO)
	O_DIRECT    = 0o40000    // Bypass the page cache
	O_LARGEFILE = 0o100000   // Allow files whose size needs 64 bits
	O_DIRECTORY = 0o200000   // Fail with ENOTDIR unless the path is a directory
	O_NOFOLLOW  = 0o400000   // Fail with ELOOP if the last component is a symlink
	O_NOATIME   = 0o1000000  // Do not update the access time
	O_CLOEXEC   = 0o2000000  // Set FD_CLOEXEC on the new descriptor
	O_SYNC      = 0o4010000  // Synchronized file-integrity writes (includes O_DSYNC)
	O_PATH      = 0o10000000 // Descriptor for path operations only
	O_TMPFILE   = 0o20200000 // Create an unnamed temporary file (includes O_DIRECTORY)
	O_NDELAY    = O_NONBLOCK // Old name of O_NONBLOCK
)

// Commands of fcntl(2).
const (
	F_DUPFD         = 0    // Duplicate to the lowest free descriptor >= arg
	F_GETFD         = 1    // Get the descriptor flags (FD_CLOEXEC)
	F_SETFD         = 2    // Set the descriptor flags
	F_GETFL         = 3    // Get the file-status flags and access mode
	F_SETFL         = 4    // Set the file-status flags
	F_GETLK         = 5    // Test for a POSIX record lock
	F_SETLK         = 6    // Acquire or release a POSIX record lock, non-blocking
	F_SETLKW        = 7    // Acquire or release a POSIX record lock, blocking
	F_SETOWN        = 8    // Set the process (group) receiving SIGIO/SIGURG
	F_GETOWN        = 9    // Get the process (group) receiving SIGIO/SIGURG
	F_SETSIG        = 10   // Set the signal sent instead of SIGIO
	F_GETSIG        = 11   // Get the signal sent instead of SIGIO
	F_SETLEASE      = 1024 // Set a file lease
	F_GETLEASE      = 1025 // Get the file lease
	F_NOTIFY        = 1026 // Request directory change notifications
	F_DUPFD_CLOEXEC = 1030 // Like F_DUPFD, setting FD_CLOEXEC on the copy
	F_SETPIPE_SZ    = 1031 // Set the capacity of a pipe
	F_GETPIPE_SZ    = 1032 // Get the capacity of a pipe
	F_ADD_SEALS     = 1033 // Add memfd seals
	F_GET_SEALS     = 1034 // Get memfd seals
	F_OFD_GETLK     = 36   // Test for an open-file-description record lock
	F_OFD_SETLK     = 37   // Acquire or release an OFD record lock, non-blocking
	F_OFD_SETLKW    = 38   // Acquire or release an OFD record lock, blocking
)

// Lock types of struct flock's l_type (fcntl(2) record locks).
const (
	F_RDLCK = 0 // Shared (read) lock
	F_WRLCK = 1 // Exclusive (write) lock
	F_UNLCK = 2 // Unlock; F_GETLK's answer when nothing conflicts
)

// Flock is struct flock of fcntl(2)'s record-lock commands (F_GETLK,
// F_SETLK, F_SETLKW and their F_OFD_ twins), with Linux x86-64's layout
// (32 bytes: Type at 0, Whence at 2, Start at 8, Len at 16, Pid at 24),
// which is also the wasm32 C library's. Start is relative to Whence
// (SEEK_SET, SEEK_CUR or SEEK_END); Len 0 means to the end of the file
// and beyond, a negative Len the Len bytes before Start. Pid is the
// owner's pid in an F_GETLK answer (-1 for an OFD lock), and must be 0
// in an F_OFD_ request.
type Flock struct {
	Type   int16
	Whence int16
	_      [4]byte
	Start  int64
	Len    int64
	Pid    int32
	_      [4]byte
}

// FD_CLOEXEC is the close-on-exec descriptor flag of F_GETFD and F_SETFD.
const FD_CLOEXEC = 1

// Special descriptor and flags of the *at system calls (openat(2), fstatat(2),
// unlinkat(2), linkat(2), faccessat(2) and others).
const (
	AT_FDCWD            = -100   // Dirfd meaning the current working directory
	AT_SYMLINK_NOFOLLOW = 0x100  // Do not follow a trailing symlink
	AT_REMOVEDIR        = 0x200  // unlinkat: remove a directory, like rmdir
	AT_SYMLINK_FOLLOW   = 0x400  // linkat: follow a trailing symlink
	AT_EACCESS          = 0x200  // faccessat: check with the effective ids
	AT_EMPTY_PATH       = 0x1000 // An empty path means dirfd itself
	AT_NO_AUTOMOUNT     = 0x800  // Do not trigger an automount (accepted and ignored)
)

// Whence values of lseek(2).
const (
	SEEK_SET  = 0 // Offset is absolute
	SEEK_CUR  = 1 // Offset is relative to the current position
	SEEK_END  = 2 // Offset is relative to the end of the file
	SEEK_DATA = 3 // Seek to the next data at or after offset
	SEEK_HOLE = 4 // Seek to the next hole at or after offset
)

// Flags of close_range(2).
const (
	CLOSE_RANGE_UNSHARE = 2 // Unshare the descriptor table first
	CLOSE_RANGE_CLOEXEC = 4 // Set FD_CLOEXEC instead of closing
)

// PIPE_BUF is the largest write to a pipe that Linux guarantees to be atomic.
const PIPE_BUF = 4096

// PageSize is the Linux x86-64 page size in bytes.
const PageSize = 4096

// Modes of access(2) and faccessat(2).
const (
	F_OK = 0 // Test for existence
	X_OK = 1 // Test for execute (search) permission
	W_OK = 2 // Test for write permission
	R_OK = 4 // Test for read permission
)

// File-type and special mode bits of st_mode (inode(7)).
const (
	S_IFMT   = 0o170000 // Mask of the file-type bits
	S_IFSOCK = 0o140000 // Socket
	S_IFLNK  = 0o120000 // Symbolic link
	S_IFREG  = 0o100000 // Regular file
	S_IFBLK  = 0o60000  // Block device
	S_IFDIR  = 0o40000  // Directory
	S_IFCHR  = 0o20000  // Character device
	S_IFIFO  = 0o10000  // FIFO (named or unnamed pipe)
	S_ISUID  = 0o4000   // Set-user-ID bit
	S_ISGID  = 0o2000   // Set-group-ID bit
	S_ISVTX  = 0o1000   // Sticky bit
)

// Event bits of poll(2) (events and revents of PollFd).
const (
	POLLIN     = 0x1    // There is data to read
	POLLPRI    = 0x2    // There is urgent data to read
	POLLOUT    = 0x4    // Writing will not block
	POLLERR    = 0x8    // Error condition (revents only)
	POLLHUP    = 0x10   // Hang up (revents only)
	POLLNVAL   = 0x20   // Invalid descriptor (revents only)
	POLLRDNORM = 0x40   // Normal data may be read
	POLLRDBAND = 0x80   // Priority band data may be read
	POLLWRNORM = 0x100  // Normal data may be written
	POLLWRBAND = 0x200  // Priority band data may be written
	POLLMSG    = 0x400  // Unused on Linux
	POLLRDHUP  = 0x2000 // Stream socket peer closed its writing half
)

// PollFd is the Linux struct pollfd passed to poll(2) and ppoll(2).
type PollFd struct {
	Fd      int32 // File descriptor; negative entries are ignored
	Events  int16 // Requested events (POLL* bits)
	Revents int16 // Returned events (POLL* bits)
}

// Requests of ioctl(2) understood by gocage (Linux x86-64 values).
const (
	TCGETS     = 0x5401 // Get the termios of a terminal
	TCSETS     = 0x5402 // Set the termios of a terminal
	TIOCGPGRP  = 0x540F // Get the foreground process group of a terminal
	TIOCSPGRP  = 0x5410 // Set the foreground process group of a terminal
	TIOCGWINSZ = 0x5413 // Get the window size of a terminal
	FIONREAD   = 0x541B // Get the number of bytes available to read
	FIONBIO    = 0x5421 // Set or clear O_NONBLOCK
	FIONCLEX   = 0x5450 // Clear FD_CLOEXEC
	FIOCLEX    = 0x5451 // Set FD_CLOEXEC
	FIOASYNC   = 0x5452 // Set or clear O_ASYNC
)

// Special tv_nsec values of utimensat(2).
const (
	UTIME_NOW  = 1<<30 - 1 // Set the time to the current time
	UTIME_OMIT = 1<<30 - 2 // Leave the time unchanged
)
