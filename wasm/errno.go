package wasm

import (
	"errors"
	"strings"

	"github.com/gocage/gocage/posix"
)

// wasiErrnoNames are WASI preview1's errno values, by name without the E.
var wasiErrnoNames = []string{
	"SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
	"BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
	"DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
	"ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
	"MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
	"NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
	"NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
	"OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE",
	"ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
}

// WASI errno values the bridge uses by name.
const (
	wasiSuccess = 0
	wasiEBADF   = 8
	wasiEFAULT  = 21
	wasiEINVAL  = 28
	wasiEIO     = 29
	wasiENOSYS  = 52
	wasiENOTSUP = 58
)

// linuxToWASI maps Linux errno numbers to WASI's.
var linuxToWASI = func() [errnoMax]uint16 {
	var t [errnoMax]uint16
	for e := posix.Errno(1); e < errnoMax; e++ {
		name := strings.TrimPrefix(e.Name(), "E")
		switch name {
		case "OPNOTSUPP":
			name = "NOTSUP"
		case "WOULDBLOCK":
			name = "AGAIN"
		}
		t[e] = wasiEIO
		for i, n := range wasiErrnoNames {
			if n == name {
				t[e] = uint16(i)
			}
		}
	}
	return t
}()

// wasiErrno translates a call's error into WASI's errno: 0 for nil.
func wasiErrno(err error) uint64 {
	if err == nil {
		return wasiSuccess
	}
	var e posix.Errno
	if errors.As(err, &e) && e > 0 && e < errnoMax {
		return uint64(linuxToWASI[e])
	}
	return wasiEIO
}

// errnoMax bounds Linux's errno numbers (EHWPOISON is 133).
const errnoMax = 134
