//go:build !linux

package vfs

import (
	"errors"
	"os"
	"syscall"

	"github.com/gocage/gocage/posix"
)

// hostErrnos maps the host's errno values (whose numbers differ from
// Linux's outside Linux) to Linux's.
var hostErrnos = map[syscall.Errno]posix.Errno{
	syscall.ENOENT:       posix.ENOENT,
	syscall.EEXIST:       posix.EEXIST,
	syscall.ENOTDIR:      posix.ENOTDIR,
	syscall.EISDIR:       posix.EISDIR,
	syscall.ENOTEMPTY:    posix.ENOTEMPTY,
	syscall.ELOOP:        posix.ELOOP,
	syscall.ENAMETOOLONG: posix.ENAMETOOLONG,
	syscall.EXDEV:        posix.EXDEV,
	syscall.EINVAL:       posix.EINVAL,
	syscall.EROFS:        posix.EROFS,
	syscall.ENOSPC:       posix.ENOSPC,
	syscall.EBUSY:        posix.EBUSY,
	syscall.EACCES:       posix.EACCES,
	syscall.EPERM:        posix.EPERM,
}

// sysErrno returns the Linux errno of a host errno inside err.
func sysErrno(err error) (posix.Errno, bool) {
	var se syscall.Errno
	if errors.As(err, &se) {
		if e, ok := hostErrnos[se]; ok {
			return e, true
		}
	}
	return 0, false
}

// sysStat leaves the portable answer: a hashed inode number, one link,
// the cage user as owner, the modification time for all three times.
func sysStat(*posix.Stat, os.FileInfo, *hostFS) {}

// mkfifoAt fails: FIFOs in host directories need Linux's mknodat.
func mkfifoAt(*os.File, string, uint32) error { return syscall.EPERM }

// fileID is a host file's identity: its path in the directory.
func fileID(rel string, _ os.FileInfo) any { return rel }
