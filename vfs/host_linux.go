//go:build linux

package vfs

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/posix"
)

// sysErrno returns the Linux errno inside a host error: on Linux the
// numbers are the same.
func sysErrno(err error) (posix.Errno, bool) {
	var se syscall.Errno
	if errors.As(err, &se) {
		return posix.Errno(se), true
	}
	return 0, false
}

// sysStat fills the fields only the host's stat knows: inode, links,
// owners (the host process's ids shown as the cage user's), times, blocks.
func sysStat(st *posix.Stat, fi os.FileInfo, h *hostFS) {
	s, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	st.Ino, st.Nlink, st.Rdev = s.Ino, uint64(s.Nlink), s.Rdev
	st.Uid, st.Gid = s.Uid, s.Gid
	if int(s.Uid) == h.hostUID {
		st.Uid = uint32(h.uid)
	}
	if int(s.Gid) == h.hostGID {
		st.Gid = uint32(h.gid)
	}
	st.Blocks = s.Blocks
	st.Atim = posix.Timespec{Sec: s.Atim.Sec, Nsec: s.Atim.Nsec}
	st.Mtim = posix.Timespec{Sec: s.Mtim.Sec, Nsec: s.Mtim.Nsec}
	st.Ctim = posix.Timespec{Sec: s.Ctim.Sec, Nsec: s.Ctim.Nsec}
}

// mkfifoAt makes the FIFO name (one component) in the directory dir.
func mkfifoAt(dir *os.File, name string, perm uint32) error {
	raw, err := dir.SyscallConn()
	if err != nil {
		return err
	}
	var e error
	if cerr := raw.Control(func(fd uintptr) {
		e = unix.Mknodat(int(fd), name, unix.S_IFIFO|perm&0o7777, 0)
	}); cerr != nil {
		return cerr
	}
	if e != nil {
		return &os.PathError{Op: "mkfifo", Path: name, Err: e}
	}
	return nil
}

// fileID is a host file's identity: its device and inode.
func fileID(rel string, fi os.FileInfo) any {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		return [2]uint64{s.Dev, s.Ino}
	}
	return rel
}
