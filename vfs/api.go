// Package vfs is gocage's filesystem: an in-memory tree (the default root of
// every kernel), FIFOs, character devices, /proc/self and /dev/fd, host
// directories mounted through os.Root, path resolution with Linux's rules,
// and the open file descriptions of files, directories and devices.
//
// It knows nothing of cages: the kernel passes a Ctx with the caller's
// credentials, working directory and a ProcView for /proc/self and /dev/fd.
// It may import posix, fdtable and pipes only.
//
// Paths are resolved component by component by the package itself (40
// symlinks at most, "." and "..", mount crossings, trailing slashes), so a
// symlink inside a host directory is followed in the cage's namespace; each
// host operation is then handed to os.Root with a relative path, so nothing
// outside a granted directory is reachable even if the host tree changes
// between a check and a use.
//
// It does not model sockets, block devices, file locks, extended
// attributes, O_TMPFILE (EOPNOTSUPP), RENAME_EXCHANGE on host directories
// (EINVAL), or supplementary groups. A FIFO made in a host directory is a
// real FIFO on the host; cages that open it meet in the kernel's pipe.
//
// Lock order: FS.mu (the mount table) is never held while taking another
// lock. Within an in-memory filesystem: fdtable.Description's offset lock,
// then memFS.mu (the whole tree: directory entries, link counts, parent
// pointers; held for writing by every namespace change, which makes renames
// atomic and removes any order between directories), then inode.mu (one
// file's data and attributes), then a pipe's lock (inside pipes). hostFile.mu
// only orders appends to one host file.
package vfs

import (
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// Cred is who makes a call, for permission checks.
type Cred struct {
	UID, GID int
}

// ProcView is the calling cage as /proc/self and /dev/fd/N see it.
type ProcView interface {
	// Pid and Ppid are the cage's and its parent's pids.
	Pid() int
	Ppid() int
	// Name is the program's name (the last element of argv[0]).
	Name() string
	// Args is argv, for /proc/self/cmdline.
	Args() []string
	// Fd returns the description at fd with a reference the caller must
	// DecRef, or EBADF.
	Fd(fd int) (*fdtable.Description, posix.Errno)
	// Fds lists the open descriptors in increasing order.
	Fds() []int
	// Umask is the cage's file-mode creation mask.
	Umask() int
	// Lookup returns the cage with pid (zombies included) as /proc/<pid>
	// shows it, or false if there is none.
	Lookup(pid int) (ProcView, bool)
	// Pids lists the pids of every cage, in increasing order.
	Pids() []int
}

// Ctx is the context of one call: who calls, from where.
type Ctx struct {
	Cred  Cred
	Umask int
	// Cwd is the caller's working directory; relative paths start there
	// (or at the dirfd's directory, passed as the at argument).
	Cwd Loc
	// Task is the caller, for blocking opens (FIFOs) that a signal must be
	// able to interrupt.
	Task fdtable.Task
	// Proc is the calling cage for /proc/self and /dev/fd; nil outside a
	// cage (the host API), where those paths are ENOENT.
	Proc ProcView
}

// Loc is a resolved place in the tree: a file of some mounted filesystem.
// The zero Loc means "unset" (an at argument of the zero Loc means Ctx.Cwd).
type Loc struct {
	m *mount
	n node
}

// IsZero reports whether l is unset.
func (l Loc) IsZero() bool { return l.n == nil }

// Options configure a filesystem.
type Options struct {
	// SizeLimit is the most bytes of file data the in-memory filesystem
	// holds; a write beyond it fails with ENOSPC. Default 1 GiB.
	SizeLimit int64
	// Clock gives the time for atime, mtime and ctime. Default time.Now.
	Clock func() time.Time
	// Hostname is the content of /etc/hostname. Default "gocage".
	Hostname string
	// UID and GID own the files the default tree gives users (/tmp is 1777
	// and root's); they name the user in /etc/passwd. Default 1000.
	UID, GID int
}

// ExecKind says what an executable file is.
type ExecKind int

// The kinds of executable files.
const (
	ExecProgram ExecKind = iota + 1 // an installed Go program (Executable.Program)
	ExecScript                      // a "#!interpreter [arg]" script
	ExecWasm                        // a WebAssembly module ("\0asm"): Executable.Data
)

// Executable is what exec found at a path.
type Executable struct {
	Kind ExecKind
	// Path is the resolved path (for /proc/self/exe).
	Path string
	// Program is the installed program (ExecProgram), as given to Install.
	Program any
	// Interp and InterpArg are the script's "#!" line (ExecScript).
	Interp, InterpArg string
	// Data is the file's content (ExecWasm).
	Data []byte
}

// DirEntry is one entry of a directory listing from the host API.
type DirEntry struct {
	Name string
	Mode uint32 // type and permission bits, as st_mode
	Ino  uint64
}

// Statfs is struct statfs (x86-64).
type Statfs struct {
	Type    int64
	Bsize   int64
	Blocks  uint64
	Bfree   uint64
	Bavail  uint64
	Files   uint64
	Ffree   uint64
	Fsid    [2]int32
	Namelen int64
	Frsize  int64
	Flags   int64
}

// Timestamp values for Utimens, as utimensat(2)'s UTIME_NOW and UTIME_OMIT
// in tv_nsec.
const (
	UTIME_NOW  = (1 << 30) - 1
	UTIME_OMIT = (1 << 30) - 2
)
