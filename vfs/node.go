package vfs

import (
	"time"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// Linux limits on names and paths (include/uapi/linux/limits.h).
const (
	nameMax  = 255  // NAME_MAX: longest path component
	pathMax  = 4096 // PATH_MAX: a path of this length or more is ENAMETOOLONG
	maxLinks = 40   // MAXSYMLINKS: symlinks followed in one resolution
)

// Flags of renameat2(2).
const (
	RENAME_NOREPLACE = 1 // Fail with EEXIST instead of replacing the target
	RENAME_EXCHANGE  = 2 // Exchange the two files
	RENAME_WHITEOUT  = 4 // Leave a whiteout (overlay filesystems only)
)

// Directory entry types of linux_dirent64.d_type (the file-type bits of
// st_mode shifted right by 12).
const (
	DT_UNKNOWN = 0
	DT_FIFO    = 1
	DT_CHR     = 2
	DT_DIR     = 4
	DT_BLK     = 6
	DT_REG     = 8
	DT_LNK     = 10
	DT_SOCK    = 12
)

// node is one file of a mounted filesystem: an in-memory inode, a host
// file reached through os.Root, or a synthesized /proc file. Methods that
// do not apply to the file's type return Linux's errno for it. Permission
// checks are the caller's (the FS methods), except where noted; the node
// does the operation.
type node interface {
	// key identifies the file within its filesystem; it is comparable and
	// stable for the life of the file (for the mount table).
	key() any
	// stat describes the file without following it (lstat).
	stat() (posix.Stat, posix.Errno)
	// lookup finds name ("..": the parent; never ".") in a directory.
	lookup(ctx *Ctx, name string) (node, posix.Errno)
	// readlink returns a symlink's target (EINVAL for other files).
	readlink(ctx *Ctx) (string, posix.Errno)
	// create makes name in a directory: a file of type mode&S_IFMT
	// (S_IFREG, S_IFDIR, S_IFIFO or S_IFLNK holding target) with the
	// permission bits of mode, owned by c. EEXIST if name exists.
	create(c Cred, name string, mode uint32, target string) (node, posix.Errno)
	// link makes name in a directory refer to the file n.
	link(name string, n node) posix.Errno
	// remove removes name from a directory: a directory only if dir
	// (ENOTDIR otherwise), a non-directory only if !dir (EISDIR).
	remove(name string, dir bool) posix.Errno
	// rename moves name to newName in the directory newDir (of the same
	// filesystem), following rename(2)'s rules for the target.
	rename(c Cred, name string, newDir node, newName string, flags int) posix.Errno
	// setattr changes the attributes a says.
	setattr(a *attrs) posix.Errno
	// open returns a description of the file for loc (whose node it is).
	open(ctx *Ctx, loc Loc, flags int) (*fdtable.Description, posix.Errno)
	// list returns the entries of a directory, "." and ".." first, for
	// getdents on filesystems without stable cookies.
	list(ctx *Ctx) ([]dirent, posix.Errno)
}

// magicLink is a node followed by jumping to a file rather than by
// resolving a path: /proc/self/fd/N.
type magicLink interface {
	follow(ctx *Ctx) (Loc, posix.Errno)
}

// attrs are the changes of one setattr: each field applies if its Set flag
// is true.
type attrs struct {
	setMode        bool
	mode           uint32
	setUID, setGID bool
	uid, gid       int
	setAtime       bool
	atime          posix.Timespec
	setMtime       bool
	mtime          posix.Timespec
	setSize        bool
	size           int64
	clearSetID     bool
}

// dirent is one directory entry.
type dirent struct {
	name string
	ino  uint64
	typ  uint8
}

// timespec converts a time to a Timespec.
func timespec(t time.Time) posix.Timespec { return posix.NsecToTimespec(t.UnixNano()) }

// isDir reports whether mode is a directory's.
func isDir(mode uint32) bool { return mode&posix.S_IFMT == posix.S_IFDIR }

// isLink reports whether mode is a symlink's.
func isLink(mode uint32) bool { return mode&posix.S_IFMT == posix.S_IFLNK }

// isReg reports whether mode is a regular file's.
func isReg(mode uint32) bool { return mode&posix.S_IFMT == posix.S_IFREG }

// Permission bits asked of permitted.
const (
	mayExec  = 1
	mayWrite = 2
	mayRead  = 4
)

// permitted reports whether c may access a file described by st as want
// (a mask of mayRead, mayWrite, mayExec), as fs/namei.c:generic_permission.
// Root passes every check but execute, which needs some x bit on a file
// that is not a directory.
func permitted(st posix.Stat, c Cred, want uint32) bool {
	if c.UID == 0 {
		if want&mayExec != 0 && !isDir(st.Mode) && st.Mode&0o111 == 0 {
			return false
		}
		return true
	}
	var bits uint32
	switch {
	case uint32(c.UID) == st.Uid:
		bits = st.Mode >> 6
	case uint32(c.GID) == st.Gid:
		bits = st.Mode >> 3
	default:
		bits = st.Mode
	}
	return bits&7&want == want
}

// dtype returns the d_type of mode.
func dtype(mode uint32) uint8 { return uint8(mode >> 12 & 15) }
