package posix

import (
	"errors"
	"io/fs"
	"strconv"
)

// Errno is a Linux error number, as returned (negated) by Linux system calls
// and stored in errno by the C library. Zero means success. Errno implements
// error; converting one to an error does not allocate for values below 256,
// which covers every Linux errno.
type Errno uintptr

// Linux errno values (asm-generic/errno-base.h and asm-generic/errno.h).
// The trailing comment of each is its glibc strerror text.
const (
	EPERM           Errno = 1   // Operation not permitted
	ENOENT          Errno = 2   // No such file or directory
	ESRCH           Errno = 3   // No such process
	EINTR           Errno = 4   // Interrupted system call
	EIO             Errno = 5   // Input/output error
	ENXIO           Errno = 6   // No such device or address
	E2BIG           Errno = 7   // Argument list too long
	ENOEXEC         Errno = 8   // Exec format error
	EBADF           Errno = 9   // Bad file descriptor
	ECHILD          Errno = 10  // No child processes
	EAGAIN          Errno = 11  // Resource temporarily unavailable
	ENOMEM          Errno = 12  // Cannot allocate memory
	EACCES          Errno = 13  // Permission denied
	EFAULT          Errno = 14  // Bad address
	ENOTBLK         Errno = 15  // Block device required
	EBUSY           Errno = 16  // Device or resource busy
	EEXIST          Errno = 17  // File exists
	EXDEV           Errno = 18  // Invalid cross-device link
	ENODEV          Errno = 19  // No such device
	ENOTDIR         Errno = 20  // Not a directory
	EISDIR          Errno = 21  // Is a directory
	EINVAL          Errno = 22  // Invalid argument
	ENFILE          Errno = 23  // Too many open files in system
	EMFILE          Errno = 24  // Too many open files
	ENOTTY          Errno = 25  // Inappropriate ioctl for device
	ETXTBSY         Errno = 26  // Text file busy
	EFBIG           Errno = 27  // File too large
	ENOSPC          Errno = 28  // No space left on device
	ESPIPE          Errno = 29  // Illegal seek
	EROFS           Errno = 30  // Read-only file system
	EMLINK          Errno = 31  // Too many links
	EPIPE           Errno = 32  // Broken pipe
	EDOM            Errno = 33  // Numerical argument out of domain
	ERANGE          Errno = 34  // Numerical result out of range
	EDEADLK         Errno = 35  // Resource deadlock avoided
	ENAMETOOLONG    Errno = 36  // File name too long
	ENOLCK          Errno = 37  // No locks available
	ENOSYS          Errno = 38  // Function not implemented
	ENOTEMPTY       Errno = 39  // Directory not empty
	ELOOP           Errno = 40  // Too many levels of symbolic links
	ENOMSG          Errno = 42  // No message of desired type
	EIDRM           Errno = 43  // Identifier removed
	ECHRNG          Errno = 44  // Channel number out of range
	EL2NSYNC        Errno = 45  // Level 2 not synchronized
	EL3HLT          Errno = 46  // Level 3 halted
	EL3RST          Errno = 47  // Level 3 reset
	ELNRNG          Errno = 48  // Link number out of range
	EUNATCH         Errno = 49  // Protocol driver not attached
	ENOCSI          Errno = 50  // No CSI structure available
	EL2HLT          Errno = 51  // Level 2 halted
	EBADE           Errno = 52  // Invalid exchange
	EBADR           Errno = 53  // Invalid request descriptor
	EXFULL          Errno = 54  // Exchange full
	ENOANO          Errno = 55  // No anode
	EBADRQC         Errno = 56  // Invalid request code
	EBADSLT         Errno = 57  // Invalid slot
	EBFONT          Errno = 59  // Bad font file format
	ENOSTR          Errno = 60  // Device not a stream
	ENODATA         Errno = 61  // No data available
	ETIME           Errno = 62  // Timer expired
	ENOSR           Errno = 63  // Out of streams resources
	ENONET          Errno = 64  // Machine is not on the network
	ENOPKG          Errno = 65  // Package not installed
	EREMOTE         Errno = 66  // Object is remote
	ENOLINK         Errno = 67  // Link has been severed
	EADV            Errno = 68  // Advertise error
	ESRMNT          Errno = 69  // Srmount error
	ECOMM           Errno = 70  // Communication error on send
	EPROTO          Errno = 71  // Protocol error
	EMULTIHOP       Errno = 72  // Multihop attempted
	EDOTDOT         Errno = 73  // RFS specific error
	EBADMSG         Errno = 74  // Bad message
	EOVERFLOW       Errno = 75  // Value too large for defined data type
	ENOTUNIQ        Errno = 76  // Name not unique on network
	EBADFD          Errno = 77  // File descriptor in bad state
	EREMCHG         Errno = 78  // Remote address changed
	ELIBACC         Errno = 79  // Can not access a needed shared library
	ELIBBAD         Errno = 80  // Accessing a corrupted shared library
	ELIBSCN         Errno = 81  // .lib section in a.out corrupted
	ELIBMAX         Errno = 82  // Attempting to link in too many shared libraries
	ELIBEXEC        Errno = 83  // Cannot exec a shared library directly
	EILSEQ          Errno = 84  // Invalid or incomplete multibyte or wide character
	ERESTART        Errno = 85  // Interrupted system call should be restarted
	ESTRPIPE        Errno = 86  // Streams pipe error
	EUSERS          Errno = 87  // Too many users
	ENOTSOCK        Errno = 88  // Socket operation on non-socket
	EDESTADDRREQ    Errno = 89  // Destination address required
	EMSGSIZE        Errno = 90  // Message too long
	EPROTOTYPE      Errno = 91  // Protocol wrong type for socket
	ENOPROTOOPT     Errno = 92  // Protocol not available
	EPROTONOSUPPORT Errno = 93  // Protocol not supported
	ESOCKTNOSUPPORT Errno = 94  // Socket type not supported
	EOPNOTSUPP      Errno = 95  // Operation not supported
	EPFNOSUPPORT    Errno = 96  // Protocol family not supported
	EAFNOSUPPORT    Errno = 97  // Address family not supported by protocol
	EADDRINUSE      Errno = 98  // Address already in use
	EADDRNOTAVAIL   Errno = 99  // Cannot assign requested address
	ENETDOWN        Errno = 100 // Network is down
	ENETUNREACH     Errno = 101 // Network is unreachable
	ENETRESET       Errno = 102 // Network dropped connection on reset
	ECONNABORTED    Errno = 103 // Software caused connection abort
	ECONNRESET      Errno = 104 // Connection reset by peer
	ENOBUFS         Errno = 105 // No buffer space available
	EISCONN         Errno = 106 // Transport endpoint is already connected
	ENOTCONN        Errno = 107 // Transport endpoint is not connected
	ESHUTDOWN       Errno = 108 // Cannot send after transport endpoint shutdown
	ETOOMANYREFS    Errno = 109 // Too many references: cannot splice
	ETIMEDOUT       Errno = 110 // Connection timed out
	ECONNREFUSED    Errno = 111 // Connection refused
	EHOSTDOWN       Errno = 112 // Host is down
	EHOSTUNREACH    Errno = 113 // No route to host
	EALREADY        Errno = 114 // Operation already in progress
	EINPROGRESS     Errno = 115 // Operation now in progress
	ESTALE          Errno = 116 // Stale file handle
	EUCLEAN         Errno = 117 // Structure needs cleaning
	ENOTNAM         Errno = 118 // Not a XENIX named type file
	ENAVAIL         Errno = 119 // No XENIX semaphores available
	EISNAM          Errno = 120 // Is a named type file
	EREMOTEIO       Errno = 121 // Remote I/O error
	EDQUOT          Errno = 122 // Disk quota exceeded
	ENOMEDIUM       Errno = 123 // No medium found
	EMEDIUMTYPE     Errno = 124 // Wrong medium type
	ECANCELED       Errno = 125 // Operation canceled
	ENOKEY          Errno = 126 // Required key not available
	EKEYEXPIRED     Errno = 127 // Key has expired
	EKEYREVOKED     Errno = 128 // Key has been revoked
	EKEYREJECTED    Errno = 129 // Key was rejected by service
	EOWNERDEAD      Errno = 130 // Owner died
	ENOTRECOVERABLE Errno = 131 // State not recoverable
	ERFKILL         Errno = 132 // Operation not possible due to RF-kill
	EHWPOISON       Errno = 133 // Memory page has hardware error
)

// errnoText holds the glibc strerror text of each errno, indexed by number.
// Numbers with no Linux errno (41, 58) are left empty.
var errnoText = [...]string{
	0:   "Success",
	1:   "Operation not permitted",
	2:   "No such file or directory",
	3:   "No such process",
	4:   "Interrupted system call",
	5:   "Input/output error",
	6:   "No such device or address",
	7:   "Argument list too long",
	8:   "Exec format error",
	9:   "Bad file descriptor",
	10:  "No child processes",
	11:  "Resource temporarily unavailable",
	12:  "Cannot allocate memory",
	13:  "Permission denied",
	14:  "Bad address",
	15:  "Block device required",
	16:  "Device or resource busy",
	17:  "File exists",
	18:  "Invalid cross-device link",
	19:  "No such device",
	20:  "Not a directory",
	21:  "Is a directory",
	22:  "Invalid argument",
	23:  "Too many open files in system",
	24:  "Too many open files",
	25:  "Inappropriate ioctl for device",
	26:  "Text file busy",
	27:  "File too large",
	28:  "No space left on device",
	29:  "Illegal seek",
	30:  "Read-only file system",
	31:  "Too many links",
	32:  "Broken pipe",
	33:  "Numerical argument out of domain",
	34:  "Numerical result out of range",
	35:  "Resource deadlock avoided",
	36:  "File name too long",
	37:  "No locks available",
	38:  "Function not implemented",
	39:  "Directory not empty",
	40:  "Too many levels of symbolic links",
	42:  "No message of desired type",
	43:  "Identifier removed",
	44:  "Channel number out of range",
	45:  "Level 2 not synchronized",
	46:  "Level 3 halted",
	47:  "Level 3 reset",
	48:  "Link number out of range",
	49:  "Protocol driver not attached",
	50:  "No CSI structure available",
	51:  "Level 2 halted",
	52:  "Invalid exchange",
	53:  "Invalid request descriptor",
	54:  "Exchange full",
	55:  "No anode",
	56:  "Invalid request code",
	57:  "Invalid slot",
	59:  "Bad font file format",
	60:  "Device not a stream",
	61:  "No data available",
	62:  "Timer expired",
	63:  "Out of streams resources",
	64:  "Machine is not on the network",
	65:  "Package not installed",
	66:  "Object is remote",
	67:  "Link has been severed",
	68:  "Advertise error",
	69:  "Srmount error",
	70:  "Communication error on send",
	71:  "Protocol error",
	72:  "Multihop attempted",
	73:  "RFS specific error",
	74:  "Bad message",
	75:  "Value too large for defined data type",
	76:  "Name not unique on network",
	77:  "File descriptor in bad state",
	78:  "Remote address changed",
	79:  "Can not access a needed shared library",
	80:  "Accessing a corrupted shared library",
	81:  ".lib section in a.out corrupted",
	82:  "Attempting to link in too many shared libraries",
	83:  "Cannot exec a shared library directly",
	84:  "Invalid or incomplete multibyte or wide character",
	85:  "Interrupted system call should be restarted",
	86:  "Streams pipe error",
	87:  "Too many users",
	88:  "Socket operation on non-socket",
	89:  "Destination address required",
	90:  "Message too long",
	91:  "Protocol wrong type for socket",
	92:  "Protocol not available",
	93:  "Protocol not supported",
	94:  "Socket type not supported",
	95:  "Operation not supported",
	96:  "Protocol family not supported",
	97:  "Address family not supported by protocol",
	98:  "Address already in use",
	99:  "Cannot assign requested address",
	100: "Network is down",
	101: "Network is unreachable",
	102: "Network dropped connection on reset",
	103: "Software caused connection abort",
	104: "Connection reset by peer",
	105: "No buffer space available",
	106: "Transport endpoint is already connected",
	107: "Transport endpoint is not connected",
	108: "Cannot send after transport endpoint shutdown",
	109: "Too many references: cannot splice",
	110: "Connection timed out",
	111: "Connection refused",
	112: "Host is down",
	113: "No route to host",
	114: "Operation already in progress",
	115: "Operation now in progress",
	116: "Stale file handle",
	117: "Structure needs cleaning",
	118: "Not a XENIX named type file",
	119: "No XENIX semaphores available",
	120: "Is a named type file",
	121: "Remote I/O error",
	122: "Disk quota exceeded",
	123: "No medium found",
	124: "Wrong medium type",
	125: "Operation canceled",
	126: "Required key not available",
	127: "Key has expired",
	128: "Key has been revoked",
	129: "Key was rejected by service",
	130: "Owner died",
	131: "State not recoverable",
	132: "Operation not possible due to RF-kill",
	133: "Memory page has hardware error",
}

// errnoName holds the canonical symbolic name of each errno, indexed by number.
var errnoName = [...]string{
	EPERM:           "EPERM",
	ENOENT:          "ENOENT",
	ESRCH:           "ESRCH",
	EINTR:           "EINTR",
	EIO:             "EIO",
	ENXIO:           "ENXIO",
	E2BIG:           "E2BIG",
	ENOEXEC:         "ENOEXEC",
	EBADF:           "EBADF",
	ECHILD:          "ECHILD",
	EAGAIN:          "EAGAIN",
	ENOMEM:          "ENOMEM",
	EACCES:          "EACCES",
	EFAULT:          "EFAULT",
	ENOTBLK:         "ENOTBLK",
	EBUSY:           "EBUSY",
	EEXIST:          "EEXIST",
	EXDEV:           "EXDEV",
	ENODEV:          "ENODEV",
	ENOTDIR:         "ENOTDIR",
	EISDIR:          "EISDIR",
	EINVAL:          "EINVAL",
	ENFILE:          "ENFILE",
	EMFILE:          "EMFILE",
	ENOTTY:          "ENOTTY",
	ETXTBSY:         "ETXTBSY",
	EFBIG:           "EFBIG",
	ENOSPC:          "ENOSPC",
	ESPIPE:          "ESPIPE",
	EROFS:           "EROFS",
	EMLINK:          "EMLINK",
	EPIPE:           "EPIPE",
	EDOM:            "EDOM",
	ERANGE:          "ERANGE",
	EDEADLK:         "EDEADLK",
	ENAMETOOLONG:    "ENAMETOOLONG",
	ENOLCK:          "ENOLCK",
	ENOSYS:          "ENOSYS",
	ENOTEMPTY:       "ENOTEMPTY",
	ELOOP:           "ELOOP",
	ENOMSG:          "ENOMSG",
	EIDRM:           "EIDRM",
	ECHRNG:          "ECHRNG",
	EL2NSYNC:        "EL2NSYNC",
	EL3HLT:          "EL3HLT",
	EL3RST:          "EL3RST",
	ELNRNG:          "ELNRNG",
	EUNATCH:         "EUNATCH",
	ENOCSI:          "ENOCSI",
	EL2HLT:          "EL2HLT",
	EBADE:           "EBADE",
	EBADR:           "EBADR",
	EXFULL:          "EXFULL",
	ENOANO:          "ENOANO",
	EBADRQC:         "EBADRQC",
	EBADSLT:         "EBADSLT",
	EBFONT:          "EBFONT",
	ENOSTR:          "ENOSTR",
	ENODATA:         "ENODATA",
	ETIME:           "ETIME",
	ENOSR:           "ENOSR",
	ENONET:          "ENONET",
	ENOPKG:          "ENOPKG",
	EREMOTE:         "EREMOTE",
	ENOLINK:         "ENOLINK",
	EADV:            "EADV",
	ESRMNT:          "ESRMNT",
	ECOMM:           "ECOMM",
	EPROTO:          "EPROTO",
	EMULTIHOP:       "EMULTIHOP",
	EDOTDOT:         "EDOTDOT",
	EBADMSG:         "EBADMSG",
	EOVERFLOW:       "EOVERFLOW",
	ENOTUNIQ:        "ENOTUNIQ",
	EBADFD:          "EBADFD",
	EREMCHG:         "EREMCHG",
	ELIBACC:         "ELIBACC",
	ELIBBAD:         "ELIBBAD",
	ELIBSCN:         "ELIBSCN",
	ELIBMAX:         "ELIBMAX",
	ELIBEXEC:        "ELIBEXEC",
	EILSEQ:          "EILSEQ",
	ERESTART:        "ERESTART",
	ESTRPIPE:        "ESTRPIPE",
	EUSERS:          "EUSERS",
	ENOTSOCK:        "ENOTSOCK",
	EDESTADDRREQ:    "EDESTADDRREQ",
	EMSGSIZE:        "EMSGSIZE",
	EPROTOTYPE:      "EPROTOTYPE",
	ENOPROTOOPT:     "ENOPROTOOPT",
	EPROTONOSUPPORT: "EPROTONOSUPPORT",
	ESOCKTNOSUPPORT: "ESOCKTNOSUPPORT",
	EOPNOTSUPP:      "EOPNOTSUPP",
	EPFNOSUPPORT:    "EPFNOSUPPORT",
	EAFNOSUPPORT:    "EAFNOSUPPORT",
	EADDRINUSE:      "EADDRINUSE",
	EADDRNOTAVAIL:   "EADDRNOTAVAIL",
	ENETDOWN:        "ENETDOWN",
	ENETUNREACH:     "ENETUNREACH",
	ENETRESET:       "ENETRESET",
	ECONNABORTED:    "ECONNABORTED",
	ECONNRESET:      "ECONNRESET",
	ENOBUFS:         "ENOBUFS",
	EISCONN:         "EISCONN",
	ENOTCONN:        "ENOTCONN",
	ESHUTDOWN:       "ESHUTDOWN",
	ETOOMANYREFS:    "ETOOMANYREFS",
	ETIMEDOUT:       "ETIMEDOUT",
	ECONNREFUSED:    "ECONNREFUSED",
	EHOSTDOWN:       "EHOSTDOWN",
	EHOSTUNREACH:    "EHOSTUNREACH",
	EALREADY:        "EALREADY",
	EINPROGRESS:     "EINPROGRESS",
	ESTALE:          "ESTALE",
	EUCLEAN:         "EUCLEAN",
	ENOTNAM:         "ENOTNAM",
	ENAVAIL:         "ENAVAIL",
	EISNAM:          "EISNAM",
	EREMOTEIO:       "EREMOTEIO",
	EDQUOT:          "EDQUOT",
	ENOMEDIUM:       "ENOMEDIUM",
	EMEDIUMTYPE:     "EMEDIUMTYPE",
	ECANCELED:       "ECANCELED",
	ENOKEY:          "ENOKEY",
	EKEYEXPIRED:     "EKEYEXPIRED",
	EKEYREVOKED:     "EKEYREVOKED",
	EKEYREJECTED:    "EKEYREJECTED",
	EOWNERDEAD:      "EOWNERDEAD",
	ENOTRECOVERABLE: "ENOTRECOVERABLE",
	ERFKILL:         "ERFKILL",
	EHWPOISON:       "EHWPOISON",
}

// Aliases: other Linux names for the errnos above.
const (
	EWOULDBLOCK = EAGAIN     // Operation would block; same as EAGAIN on Linux
	EDEADLOCK   = EDEADLK    // Same as EDEADLK on Linux
	ENOTSUP     = EOPNOTSUPP // Same as EOPNOTSUPP on Linux
)

// Error returns the glibc strerror text of e, such as "Operation not
// permitted" for EPERM, "Success" for zero and "Unknown error N" for numbers
// that are not Linux errnos. Only the last case allocates.
func (e Errno) Error() string {
	if e < Errno(len(errnoText)) {
		if s := errnoText[e]; s != "" {
			return s
		}
	}
	return "Unknown error " + strconv.FormatUint(uint64(e), 10)
}

// Name returns the canonical symbolic name of e, such as "EPERM", "EAGAIN"
// (not "EWOULDBLOCK"), "EDEADLK" or "EOPNOTSUPP", or "" if e is zero or not a
// Linux errno.
func (e Errno) Name() string {
	if e < Errno(len(errnoName)) {
		return errnoName[e]
	}
	return ""
}

// Is reports whether e matches target for errors.Is: EACCES and EPERM match
// fs.ErrPermission, EEXIST and ENOTEMPTY match fs.ErrExist, ENOENT matches
// fs.ErrNotExist, and ENOSYS and EOPNOTSUPP match errors.ErrUnsupported.
// Errnos compare equal to themselves without help from Is.
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrPermission:
		return e == EACCES || e == EPERM
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	case fs.ErrNotExist:
		return e == ENOENT
	case errors.ErrUnsupported:
		return e == ENOSYS || e == EOPNOTSUPP
	}
	return false
}

// Timeout reports whether e is a timeout: EAGAIN (EWOULDBLOCK) or ETIMEDOUT.
func (e Errno) Timeout() bool {
	return e == EAGAIN || e == ETIMEDOUT
}

// Temporary reports whether e is a temporary condition that may go away on
// retry: EINTR, EMFILE, ENFILE, ECONNRESET, ECONNABORTED, EAGAIN or ETIMEDOUT.
func (e Errno) Temporary() bool {
	switch e {
	case EINTR, EMFILE, ENFILE, ECONNRESET, ECONNABORTED:
		return true
	}
	return e.Timeout()
}

// ErrnoByName returns the errno with the given symbolic name, such as
// "ENOENT", and whether the name is known. The aliases EWOULDBLOCK, EDEADLOCK
// and ENOTSUP are accepted too.
func ErrnoByName(name string) (Errno, bool) {
	switch name {
	case "":
		return 0, false
	case "EWOULDBLOCK":
		return EWOULDBLOCK, true
	case "EDEADLOCK":
		return EDEADLOCK, true
	case "ENOTSUP":
		return ENOTSUP, true
	}
	for i, n := range errnoName {
		if n == name {
			return Errno(i), true
		}
	}
	return 0, false
}
