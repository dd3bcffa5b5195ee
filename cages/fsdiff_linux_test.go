//go:build linux

package cages_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/vfs"
)

// Differential tests of the filesystem calls: every scenario below is a
// short sequence of steps run twice, once on the host kernel (in a fresh
// directory, as an unprivileged user) and once in a cage (in a fresh
// /tmp/t), and the two runs must agree step by step: success or errno, and
// the value each step returns where it is meaningful (never fd numbers).
//
// The host half runs in a child process (this test binary re-executed to
// run TestFSDiffHostChild), which drops to uid/gid 65534 when the tests run
// as root: root bypasses permission bits, a cage (uid 1000) does not. The
// child chdirs into each scenario's directory, so relative paths mean the
// same on both sides and the test process's cwd is never touched.

// fsStep is one step of a scenario.
type fsStep struct {
	Op     string
	Path   string
	Path2  string
	Flags  int
	Mode   uint32
	Fd     int // fd slot (1..9) the step uses or fills
	Fd2    int // second slot (dup target)
	At     int // dirfd slot of an *at call; 0: AT_FDCWD
	Off    int64
	Whence int
	Data   string
	Times  *[2]posix.Timespec
}

// fsResult is what a step returned: its errno (0 for success) and value.
type fsResult struct {
	Errno int
	Val   string
}

func (r fsResult) String() string {
	if r.Errno != 0 {
		return posix.Errno(r.Errno).Name()
	}
	if r.Val == "" {
		return "ok"
	}
	return "ok " + r.Val
}

// fsScenario is a named sequence of steps.
type fsScenario struct {
	name  string
	steps []fsStep
}

// Step constructors.
func dOpen(slot int, path string, flags int, mode uint32) fsStep {
	return fsStep{Op: "open", Fd: slot, Path: path, Flags: flags, Mode: mode}
}
func dOpenat(slot, at int, path string, flags int) fsStep {
	return fsStep{Op: "openat", Fd: slot, At: at, Path: path, Flags: flags}
}
func dCreat(slot int, path string, mode uint32) fsStep {
	return fsStep{Op: "creat", Fd: slot, Path: path, Mode: mode}
}
func dTouch(path string) fsStep { return fsStep{Op: "touch", Path: path, Mode: 0o644} }
func dFile(path, data string) fsStep {
	return fsStep{Op: "file", Path: path, Data: data, Mode: 0o644}
}
func dMkdir(path string, mode uint32) fsStep { return fsStep{Op: "mkdir", Path: path, Mode: mode} }
func dP(op, path string) fsStep              { return fsStep{Op: op, Path: path} }
func dP2(op, a, b string) fsStep             { return fsStep{Op: op, Path: a, Path2: b} }
func dFd(op string, slot int) fsStep         { return fsStep{Op: op, Fd: slot} }
func dWrite(slot int, data string) fsStep    { return fsStep{Op: "write", Fd: slot, Data: data} }
func dRead(slot int, n int64) fsStep         { return fsStep{Op: "read", Fd: slot, Off: n} }
func dPread(slot int, n, off int64) fsStep {
	return fsStep{Op: "pread", Fd: slot, Off: off, Whence: int(n)}
}
func dPwrite(slot int, data string, off int64) fsStep {
	return fsStep{Op: "pwrite", Fd: slot, Data: data, Off: off}
}
func dLseek(slot int, off int64, whence int) fsStep {
	return fsStep{Op: "lseek", Fd: slot, Off: off, Whence: whence}
}
func dFtrunc(slot int, size int64) fsStep { return fsStep{Op: "ftruncate", Fd: slot, Off: size} }
func dTrunc(path string, size int64) fsStep {
	return fsStep{Op: "truncate", Path: path, Off: size}
}
func dChmod(path string, mode uint32) fsStep { return fsStep{Op: "chmod", Path: path, Mode: mode} }
func dFchmod(slot int, mode uint32) fsStep   { return fsStep{Op: "fchmod", Fd: slot, Mode: mode} }
func dAccess(path string, mode int) fsStep   { return fsStep{Op: "access", Path: path, Flags: mode} }
func dFaccessat(path string, mode, flags int) fsStep {
	return fsStep{Op: "faccessat", Path: path, Flags: mode, Whence: flags}
}
func dMkfifo(path string, mode uint32) fsStep { return fsStep{Op: "mkfifo", Path: path, Mode: mode} }
func dMknod(path string, mode uint32) fsStep {
	return fsStep{Op: "mknod", Path: path, Mode: mode, Off: 0x103} // device 1:3 where it matters
}
func dDup(slot, to int) fsStep { return fsStep{Op: "dup", Fd: slot, Fd2: to} }
func dRename2(a, b string, flags int) fsStep {
	return fsStep{Op: "renameat2", Path: a, Path2: b, Flags: flags}
}
func dLinkat(a, b string, flags int) fsStep {
	return fsStep{Op: "linkat", Path: a, Path2: b, Flags: flags}
}
func dUnlinkat(path string, flags int) fsStep {
	return fsStep{Op: "unlinkat", Path: path, Flags: flags}
}
func dUtimes(path string, atime, mtime int64, flags int) fsStep {
	ts := func(v int64) posix.Timespec {
		switch v {
		case -1:
			return posix.Timespec{Nsec: vfs.UTIME_OMIT}
		case -2:
			return posix.Timespec{Nsec: vfs.UTIME_NOW}
		case -3:
			return posix.Timespec{Sec: 1, Nsec: 1e9}
		}
		return posix.Timespec{Sec: v}
	}
	return fsStep{Op: "utimensat", Path: path, Times: &[2]posix.Timespec{ts(atime), ts(mtime)}, Flags: flags}
}
func dFcntl(slot, cmd, arg int) fsStep {
	return fsStep{Op: "fcntl", Fd: slot, Flags: cmd, Whence: arg}
}
func dUmask(mask int) fsStep { return fsStep{Op: "umask", Flags: mask} }
func dFstatat(at int, path string, flags int) fsStep {
	return fsStep{Op: "fstatat", At: at, Path: path, Flags: flags}
}
func dMkdirat(at int, path string) fsStep {
	return fsStep{Op: "mkdirat", At: at, Path: path, Mode: 0o755}
}
func dFchmodat(path string, mode uint32, flags int) fsStep {
	return fsStep{Op: "fchmodat", Path: path, Mode: mode, Flags: flags}
}
func dChown(path string, uid, gid int, flags int) fsStep {
	return fsStep{Op: "chown", Path: path, Off: int64(uid), Whence: gid, Flags: flags}
}
func dFchown(slot, uid, gid int) fsStep {
	return fsStep{Op: "fchown", Fd: slot, Off: int64(uid), Whence: gid}
}
func dGetdentsN(slot int, size int64) fsStep { return fsStep{Op: "getdentsn", Fd: slot, Off: size} }

var dGetcwd = fsStep{Op: "getcwd"}

// dChain makes a chain of n symlinks name1 -> name2 -> ... -> nameN ->
// target.
func dChain(name string, n int, target string) []fsStep {
	var s []fsStep
	for i := 1; i <= n; i++ {
		next := fmt.Sprintf("%s%d", name, i+1)
		if i == n {
			next = target
		}
		s = append(s, dP2("symlink", next, fmt.Sprintf("%s%d", name, i)))
	}
	return s
}

func join(parts ...[]fsStep) []fsStep {
	var s []fsStep
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

const (
	rdonly = posix.O_RDONLY
	wronly = posix.O_WRONLY
	rdwr   = posix.O_RDWR
	creat  = posix.O_CREAT
	excl   = posix.O_EXCL
	trunc  = posix.O_TRUNC
	appnd  = posix.O_APPEND
	odir   = posix.O_DIRECTORY
	nofol  = posix.O_NOFOLLOW
	opath  = posix.O_PATH
	nonblk = posix.O_NONBLOCK

	renameNoreplace = 1
	renameExchange  = 2
)

// fsScenarios is the table. Steps needing Linux's answer explained carry a
// comment.
var fsScenarios = []fsScenario{
	// open flags
	{"creat_excl", []fsStep{
		dOpen(1, "f", creat|excl|wronly, 0o644), dWrite(1, "abc"), dFd("close", 1),
		dOpen(2, "f", creat|excl|wronly, 0o644), dOpen(2, "f", creat|wronly, 0o600), dP("stat", "f"),
	}},
	{"creat_mode_umask", []fsStep{
		dOpen(1, "a", creat|wronly, 0o777), dOpen(2, "b", creat|wronly, 0), dOpen(3, "c", creat|rdwr, 0o4755),
		dP("stat", "a"), dP("stat", "b"), dP("stat", "c"),
		dUmask(0o077), dOpen(4, "d", creat|wronly, 0o777), dP("stat", "d"), dMkdir("e", 0o777), dP("stat", "e"),
	}},
	{"trunc", []fsStep{
		dFile("f", "hello"), dOpen(1, "f", wronly|trunc, 0), dP("stat", "f"), dWrite(1, "xy"), dP("stat", "f"),
	}},
	{"trunc_rdonly_truncates", []fsStep{
		dFile("f", "hello"), dOpen(1, "f", rdonly|trunc, 0), dP("stat", "f"), dRead(1, 10),
	}},
	{"creat_call", []fsStep{
		dFile("f", "hello"), dCreat(1, "f", 0o600), dP("stat", "f"), dRead(1, 4), dWrite(1, "z"),
		dMkdir("d", 0o755), dCreat(2, "d", 0o644), dCreat(3, "new", 0o600), dP("stat", "new"),
	}},
	{"append", []fsStep{
		dOpen(1, "f", creat|wronly|appnd, 0o644), dWrite(1, "one"), dLseek(1, 0, 0), dWrite(1, "two"),
		dLseek(1, 0, 1), dOpen(2, "f", rdonly, 0), dRead(2, 20), dP("stat", "f"),
	}},
	{"o_directory", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dP2("symlink", "f", "lf"),
		dOpen(1, "f", rdonly|odir, 0), dOpen(1, "d", rdonly|odir, 0), dOpen(2, "ld", rdonly|odir, 0),
		dOpen(3, "lf", rdonly|odir, 0), dOpen(3, "missing", rdonly|odir, 0),
	}},
	// Linux 6.4+: O_CREAT|O_DIRECTORY is EINVAL before anything else.
	{"o_creat_o_directory", []fsStep{
		dOpen(1, "new", creat|odir|rdonly, 0o644), dP("lstat", "new"), dMkdir("d", 0o755),
		dOpen(1, "d", creat|odir|rdonly, 0o644),
	}},
	{"o_nofollow", []fsStep{
		dMkdir("d", 0o755), dTouch("d/f"), dP2("symlink", "d", "ld"), dP2("symlink", "d/f", "lf"),
		dOpen(1, "lf", rdonly|nofol, 0), dOpen(1, "ld", rdonly|nofol, 0),
		// A trailing slash makes the last component followed anyway.
		dOpen(1, "ld/", rdonly|nofol, 0), dOpen(2, "ld/f", rdonly|nofol, 0),
		dOpen(3, "lf", wronly|creat|nofol, 0o644), dOpen(3, "dangle", wronly|creat|nofol, 0o644),
	}},
	{"o_nofollow_creat_dangling", []fsStep{
		dP2("symlink", "target", "dl"), dOpen(1, "dl", wronly|creat|nofol, 0o644), dP("lstat", "target"),
	}},
	{"o_path", []fsStep{
		dFile("f", "hello"), dMkdir("d", 0o755), dTouch("d/g"), dP2("symlink", "f", "lf"),
		dOpen(1, "f", opath, 0), dRead(1, 3), dWrite(1, "x"), dFd("fstat", 1), dPread(1, 1, 0),
		dLseek(1, 0, 0), dFtrunc(1, 0), dFchmod(1, 0o600), dFd("getdents", 1),
		dOpen(2, "d", opath, 0), dOpenat(3, 2, "g", rdonly), dFd("fstat", 3), dFd("getdents", 2),
		dOpen(4, "lf", opath|nofol, 0), dFd("fstat", 4), dOpen(5, "lf", opath, 0), dFd("fstat", 5),
		dOpen(6, "f", opath|odir, 0), dFd("fchdir", 2), dGetcwd,
	}},
	{"eisdir", []fsStep{
		dMkdir("d", 0o755), dOpen(1, "d", wronly, 0), dOpen(1, "d", rdwr, 0), dOpen(1, "d", creat|rdonly, 0o644),
		dOpen(1, "d", rdonly|trunc, 0), dOpen(1, "d", rdonly, 0), dRead(1, 10), dWrite(1, "x"), dPread(1, 4, 0),
		dOpen(2, ".", wronly, 0), dOpen(2, ".", creat|rdwr, 0o644), dOpen(2, "..", rdonly, 0),
		dP2("symlink", "d", "ld"), dOpen(3, "ld", creat|wronly, 0o644),
	}},
	{"enotdir_through_file", []fsStep{
		dTouch("f"), dOpen(1, "f/x", rdonly, 0), dOpen(1, "f/x", creat|wronly, 0o644), dP("stat", "f/x"),
		dP("lstat", "f/x"), dMkdir("f/x", 0o755), dP("unlink", "f/x"), dP("rmdir", "f/x"),
		dP2("rename", "f/x", "y"), dP2("symlink", "t", "f/x"), dP("chdir", "f"), dP("chdir", "f/x"),
		dAccess("f/x", 0), dP("readlink", "f/x"), dTrunc("f/x", 0), dChmod("f/x", 0o644),
	}},
	{"trailing_slash_open_stat", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dP2("symlink", "f", "lf"),
		dOpen(1, "f/", rdonly, 0), dOpen(1, "f/", creat|wronly, 0o644), dOpen(1, "new/", creat|wronly, 0o644),
		dP("lstat", "new"), dP("stat", "f/"), dP("stat", "d/"), dP("lstat", "ld/"), dP("lstat", "ld"),
		dP("lstat", "lf/"), dOpen(1, "d/", rdonly, 0), dOpen(2, "d//", rdonly, 0), dP("stat", "d/."),
		dP("stat", "f/."), dP("stat", "missing/"),
	}},
	{"mkdir_trailing_slash", []fsStep{
		dMkdir("d/", 0o755), dP("stat", "d"), dMkdir("d/", 0o755), dTouch("f"), dMkdir("f/", 0o755),
		dMkdir("e//", 0o700), dP("stat", "e"), dMkdir(".", 0o755), dMkdir("..", 0o755), dMkdir("d/.", 0o755),
		dMkdir("missing/x", 0o755), dMkdir("", 0o755),
	}},
	{"rmdir_dots", []fsStep{
		dMkdir("d", 0o755), dP("rmdir", "d/."), dP("rmdir", "d/.."), dP("rmdir", "."), dP("rmdir", ".."),
		dP("rmdir", "d/./"), dP("rmdir", "d/"), dP("stat", "d"),
	}},
	{"unlink_rmdir_types", []fsStep{
		dMkdir("d", 0o755), dTouch("f"), dP("unlink", "d"), dP("rmdir", "f"), dP("unlink", "f/"),
		dP("unlink", "d/"), dP("unlink", "."), dP("unlink", ".."), dP("unlink", "missing"), dP("rmdir", "missing"),
		dP("unlink", "missing/"), dP("rmdir", "f/"),
	}},
	{"rmdir_nonempty_and_symlinks", []fsStep{
		dMkdir("d", 0o755), dTouch("d/x"), dP("rmdir", "d"), dP2("symlink", "d", "ld"), dP("rmdir", "ld"),
		dP("rmdir", "ld/"), dP("unlink", "ld/"), dP("unlink", "ld"), dP("lstat", "ld"), dP("stat", "d"),
		dP("unlink", "d/x"), dP("rmdir", "d"),
	}},
	{"unlinkat_flags", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dUnlinkat("f", posix.AT_REMOVEDIR), dUnlinkat("d", 0),
		dUnlinkat("f", 0x1), dUnlinkat("d", posix.AT_REMOVEDIR), dUnlinkat("f", 0), dP("stat", "f"),
	}},
	// ELOOP
	{"eloop_loop", []fsStep{
		dP2("symlink", "b", "a"), dP2("symlink", "a", "b"), dP2("symlink", "self", "self"),
		dOpen(1, "a", rdonly, 0), dP("stat", "a"), dP("lstat", "a"), dOpen(1, "self", creat|wronly, 0o644),
		dP("stat", "a/x"), dMkdir("a/x", 0o755), dP("chdir", "self"), dAccess("a", 0), dP("readlink", "a"),
		dP("readlink", "a/"),
	}},
	{"eloop_chain_40", join(dChain("l", 40, "f"), []fsStep{
		dFile("f", "end"), dOpen(1, "l1", rdonly, 0), dRead(1, 10), dP("stat", "l1"),
	})},
	{"eloop_chain_41", join(dChain("l", 41, "f"), []fsStep{
		dFile("f", "end"), dOpen(1, "l1", rdonly, 0), dP("stat", "l1"), dP("stat", "l2"), dP("lstat", "l1"),
		dOpen(1, "l1", creat|wronly, 0o644), dAccess("l1", 0),
	})},
	{"eloop_chain_41_dangling_creat", join(dChain("l", 41, "new"), []fsStep{
		dOpen(1, "l1", creat|wronly, 0o644), dOpen(1, "l2", creat|wronly, 0o644), dP("stat", "new"),
	})},
	{"enametoolong_component", []fsStep{
		dOpen(1, strings.Repeat("a", 256), rdonly, 0), dOpen(1, strings.Repeat("a", 255), rdonly, 0),
		dOpen(1, strings.Repeat("a", 256), creat|wronly, 0o644), dOpen(1, strings.Repeat("a", 255), creat|wronly, 0o644),
		dMkdir(strings.Repeat("b", 256), 0o755), dMkdir(strings.Repeat("b", 255), 0o755),
		dP("stat", strings.Repeat("c", 256)+"/x"), dP2("symlink", "x", strings.Repeat("s", 256)),
		dP2("symlink", strings.Repeat("t", 300), "s"), dP("readlink", "s"),
	}},
	{"enametoolong_path", []fsStep{
		dFile("f", "x"), dOpen(1, strings.Repeat("./", 2047)+"f", rdonly, 0), dRead(1, 1),
		dOpen(2, strings.Repeat("./", 2047)+"ff", rdonly, 0), dOpen(2, strings.Repeat("./", 2047)+"g", rdonly, 0),
		dAccess(strings.Repeat("/", 4095), 0), dAccess(strings.Repeat("/", 4096), 0),
		dMkdir(strings.Repeat("./", 2048)+"d", 0o755),
	}},
	// rename
	{"rename_file_over_file", []fsStep{
		dFile("a", "aaa"), dFile("b", "bb"), dOpen(1, "b", rdonly, 0), dP2("rename", "a", "b"), dP("stat", "a"),
		dP("stat", "b"), dOpen(2, "b", rdonly, 0), dRead(2, 10), dRead(1, 10), dFd("fstat", 1),
	}},
	{"rename_dir_over_empty_dir", []fsStep{
		dMkdir("a", 0o755), dTouch("a/x"), dMkdir("b", 0o700), dP2("rename", "a", "b"), dP("stat", "a"),
		dP("stat", "b"), dP("stat", "b/x"), dP("stat", "."),
	}},
	{"rename_dir_over_nonempty", []fsStep{
		dMkdir("a", 0o755), dMkdir("b", 0o755), dTouch("b/x"), dP2("rename", "a", "b"), dP2("rename", "a/", "b/"),
		dP("stat", "a"),
	}},
	{"rename_dir_file_mismatch", []fsStep{
		dMkdir("d", 0o755), dTouch("f"), dP2("rename", "d", "f"), dP2("rename", "f", "d"), dP2("rename", "f", "g/"),
		dP2("rename", "f/", "g"), dP2("rename", "d", "e/"), dP("stat", "e"), dP2("rename", "e/", "d/"),
		dP2("rename", "f", "d/f/"),
	}},
	{"rename_into_own_subdir", []fsStep{
		dMkdir("d", 0o755), dMkdir("d/s", 0o755), dP2("rename", "d", "d/s/x"), dP2("rename", "d", "d/x"),
		dP2("rename", "d", "d/s"), dP2("rename", "d/s", "d/s/t"), dP2("rename", "d/s", "x"), dP("stat", "x"),
	}},
	{"rename_to_itself", []fsStep{
		dFile("f", "x"), dP2("rename", "f", "f"), dP2("rename", "f", "./f"), dP("stat", "f"),
		dP2("link", "f", "g"), dP2("rename", "f", "g"), dP("stat", "f"), dP("stat", "g"),
		dMkdir("d", 0o755), dP2("rename", "d", "d"), dP2("rename", "d", "d/"),
		dP2("rename", "missing", "missing"),
	}},
	{"rename_dots", []fsStep{
		dMkdir("d", 0o755), dTouch("f"), dP2("rename", ".", "x"), dP2("rename", "d/.", "x"),
		dP2("rename", "f", "."), dP2("rename", "f", "d/.."), dP2("rename", "..", "x"), dP2("rename", "d/..", "x"),
		dP2("rename", "missing", "."),
	}},
	{"rename_missing", []fsStep{
		dTouch("f"), dP2("rename", "missing", "x"), dP2("rename", "f", "nodir/x"), dP2("rename", "", "x"),
		dP2("rename", "f", ""), dP("stat", "f"),
	}},
	{"rename_noreplace_exchange", []fsStep{
		dFile("f", "F"), dMkdir("d", 0o755), dTouch("d/in"), dFile("g", "G"),
		dRename2("f", "g", renameNoreplace), dRename2("f", "h", renameNoreplace), dP("stat", "h"),
		dRename2("h", "d", renameExchange), dP("stat", "h"), dP("stat", "d"), dP("stat", "h/in"),
		dRename2("h", "nothere", renameExchange), dRename2("h", "d", renameExchange|renameNoreplace),
		dRename2("h", "d", 8|16),
	}},
	{"rename_symlink_itself", []fsStep{
		dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dP2("rename", "ld", "ld2"), dP("lstat", "ld2"),
		dP("stat", "d"), dP2("rename", "ld2/", "x"),
	}},
	{"rename_dir_parent_nlink", []fsStep{
		dMkdir("a", 0o755), dMkdir("b", 0o755), dMkdir("a/x", 0o755), dP("stat", "a"), dP("stat", "b"),
		dP2("rename", "a/x", "b/x"), dP("stat", "a"), dP("stat", "b"), dP("stat", "."),
		dMkdir("a/y", 0o755), dP2("rename", "b/x", "a/y"), dP("stat", "a"), dP("stat", "b"),
	}},
	// link
	{"link_directory_eperm", []fsStep{
		dMkdir("d", 0o755), dP2("link", "d", "e"), dP2("link", ".", "e"), dP("stat", "d"),
	}},
	{"link_count", []fsStep{
		dFile("f", "x"), dP("stat", "f"), dP2("link", "f", "g"), dP("stat", "f"), dP2("link", "g", "h"),
		dOpen(1, "h", rdonly, 0), dFd("fstat", 1), dP("unlink", "f"), dFd("fstat", 1), dP("unlink", "g"),
		dP("unlink", "h"), dFd("fstat", 1), dRead(1, 5),
	}},
	{"link_errors", []fsStep{
		dTouch("f"), dTouch("g"), dP2("link", "f", "g"), dP2("link", "missing", "x"), dP2("link", "f", "nodir/x"),
		dP2("link", "f", "x/"), dP2("link", "f/", "x"), dP2("link", "f", ""), dP2("link", "", "x"),
		dMkdir("d", 0o755), dP2("link", "f", "d"),
	}},
	{"link_symlink_follow", []fsStep{
		dFile("f", "abc"), dP2("symlink", "f", "lf"), dP2("link", "lf", "h1"), dP("lstat", "h1"),
		dLinkat("lf", "h2", posix.AT_SYMLINK_FOLLOW), dP("lstat", "h2"), dP("stat", "f"),
		dP2("symlink", "nothere", "dl"), dP2("link", "dl", "h3"), dP("lstat", "h3"),
		dLinkat("dl", "h4", posix.AT_SYMLINK_FOLLOW), dLinkat("f", "h5", 0x1),
	}},
	// symlinks
	{"dangling_symlink_creat", []fsStep{
		dP2("symlink", "target", "dl"), dP("stat", "dl"), dP("lstat", "dl"), dP("readlink", "dl"),
		dOpen(1, "dl", creat|excl|wronly, 0o644), dOpen(1, "dl", rdonly, 0),
		dOpen(1, "dl", creat|wronly, 0o640), dWrite(1, "hi"), dP("stat", "target"), dP("stat", "dl"),
		dP("lstat", "dl"),
	}},
	{"dangling_chain_creat", []fsStep{
		dP2("symlink", "l2", "l1"), dP2("symlink", "sub/new", "l2"), dOpen(1, "l1", creat|wronly, 0o644),
		dMkdir("sub", 0o755), dOpen(1, "l1", creat|wronly, 0o644), dP("stat", "sub/new"),
		dP2("symlink", "dir/", "l3"), dOpen(2, "l3", creat|wronly, 0o644),
	}},
	{"symlink_errors", []fsStep{
		dTouch("f"), dP2("symlink", "x", "f"), dP2("symlink", "", "s"), dP2("symlink", "x", ""),
		dP2("symlink", "x", "nodir/s"), dP2("symlink", "x", "s/"), dP2("symlink", "x", "."),
		dP2("symlink", "x", "dl"), dP2("symlink", "y", "dl"), dMkdir("dl", 0o755), dMkdir("dl/", 0o755),
	}},
	{"readlink_errors", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dP2("symlink", "../f", "d/up"),
		dP("readlink", "f"), dP("readlink", "d"), dP("readlink", "missing"), dP("readlink", "ld"),
		dP("readlink", "ld/"), dP("readlink", "ld/up"), dP("readlink", ""), dOpen(1, "d/up", rdonly, 0),
		dFd("fstat", 1), dP("readlink", "d/up/"),
	}},
	{"symlink_dotdot_physical", []fsStep{
		dMkdir("d", 0o755), dMkdir("d/sub", 0o755), dTouch("d/x"), dP2("symlink", "d/sub", "ls"),
		dP("stat", "ls/../x"), dP("stat", "ls/../../d"), dOpen(1, "ls/../x", rdonly, 0), dP("chdir", "ls"),
		dGetcwd, dP("chdir", ".."), dGetcwd,
	}},
	{"symlink_intermediate_loop", []fsStep{
		dP2("symlink", "b", "a"), dP2("symlink", "a", "b"), dP("stat", "a/x"), dP("lstat", "a/x"),
		dOpen(1, "a/x", creat|wronly, 0o644), dP("unlink", "a/x"),
	}},
	// offsets, lseek, pread/pwrite
	{"lseek", []fsStep{
		dFile("f", "0123456789"), dOpen(1, "f", rdwr, 0), dLseek(1, -2, 2), dRead(1, 5), dLseek(1, 0, 1),
		dLseek(1, -11, 2), dLseek(1, -1, 0), dLseek(1, -20, 1), dLseek(1, 0, 1), dLseek(1, 5, 7),
		dLseek(1, 20, 0), dRead(1, 5), dWrite(1, "X"), dP("stat", "f"), dPread(1, 12, 8),
		dLseek(1, 3, 3), dLseek(1, 3, 4), dLseek(1, 30, 3),
	}},
	{"pwrite_o_append", []fsStep{
		dFile("f", "abc"), dOpen(1, "f", wronly|appnd, 0), dPwrite(1, "XY", 0), dLseek(1, 0, 1),
		dOpen(2, "f", rdonly, 0), dRead(2, 10), dP("stat", "f"), dWrite(1, "Z"), dLseek(1, 0, 1),
	}},
	{"pread_pwrite_errors", []fsStep{
		dFile("f", "abc"), dOpen(1, "f", rdonly, 0), dPread(1, 5, 10), dPread(1, 5, -1), dPwrite(1, "x", 0),
		dOpen(2, "f", wronly, 0), dRead(2, 1), dPread(2, 1, 0), dPwrite(2, "Q", 1), dPwrite(2, "", 100),
		dP("stat", "f"), dPwrite(2, "x", -1), dRead(1, 5), dLseek(1, 0, 1), dPread(1, 5, 0), dLseek(1, 0, 1),
	}},
	{"read_write_closed", []fsStep{
		dFile("f", "abc"), dOpen(1, "f", rdonly, 0), dFd("close", 1), dRead(1, 1), dFd("close", 1),
		dFd("fstat", 1), dLseek(1, 0, 0), dWrite(1, "x"),
	}},
	{"write_hole", []fsStep{
		dOpen(1, "f", creat|rdwr, 0o644), dLseek(1, 5, 0), dWrite(1, "x"), dP("stat", "f"), dPread(1, 10, 0),
	}},
	{"ftruncate", []fsStep{
		dOpen(1, "f", creat|rdwr, 0o644), dWrite(1, "abc"), dFtrunc(1, 8), dP("stat", "f"), dPread(1, 10, 0),
		dFtrunc(1, 1), dRead(1, 5), dPread(1, 5, 0), dFtrunc(1, -1), dLseek(1, 0, 1),
		dOpen(2, "f", rdonly, 0), dFtrunc(2, 0), dMkdir("d", 0o755), dOpen(3, "d", rdonly, 0), dFtrunc(3, 0),
	}},
	{"truncate_path", []fsStep{
		dFile("f", "hello"), dTrunc("f", 2), dP("stat", "f"), dTrunc("f", 7), dP("stat", "f"), dTrunc("f", -1),
		dMkdir("d", 0o755), dTrunc("d", 0), dTrunc("missing", 0), dTrunc("", 0), dP2("symlink", "f", "lf"),
		dTrunc("lf", 0), dP("stat", "f"), dMkfifo("p", 0o644), dTrunc("p", 0),
	}},
	{"truncate_eacces", []fsStep{
		dFile("f", "hello"), dChmod("f", 0o444), dTrunc("f", 0), dOpen(1, "f", wronly, 0),
		dOpen(1, "f", rdonly|trunc, 0), dP("stat", "f"),
	}},
	// getdents
	{"getdents_adds_removes", []fsStep{
		dMkdir("d", 0o755), dP("lsdir", "d"), dTouch("d/a"), dTouch("d/b"), dMkdir("d/c", 0o755),
		dP("lsdir", "d"), dP("unlink", "d/a"), dP2("rename", "d/b", "d/z"), dP2("symlink", "x", "d/s"),
		dMkfifo("d/p", 0o600), dP("lsdir", "d"), dP("rmdir", "d/c"), dP("lsdir", "d"),
	}},
	{"getdents_errors", []fsStep{
		dTouch("f"), dOpen(1, "f", rdonly, 0), dFd("getdents", 1), dP("lsdir", "f"), dP("lsdir", "missing"),
		dMkdir("d", 0o755), dOpen(2, "d", rdonly, 0), dFd("getdents", 2), dFd("getdents", 2),
		dLseek(2, 0, 0), dFd("getdents", 2),
	}},
	{"getdents_removed_dir", []fsStep{
		dMkdir("d", 0o755), dOpen(1, "d", rdonly|odir, 0), dP("rmdir", "d"), dFd("getdents", 1),
		dFd("fstat", 1), dOpenat(2, 1, "x", creat|wronly),
	}},
	// FIFOs and mknod
	{"mkfifo_stat", []fsStep{
		dMkfifo("p", 0o666), dP("stat", "p"), dMkfifo("p", 0o600), dMkfifo("p/", 0o600), dMkfifo("q/", 0o600),
		dOpen(1, "p", rdonly|nonblk, 0), dFd("fstat", 1), dOpen(2, "p", rdwr|trunc, 0), dWrite(2, "hi"),
		dRead(1, 5), dLseek(1, 0, 0), dPread(1, 1, 0), dPwrite(2, "x", 0), dFtrunc(2, 0),
	}},
	{"fifo_nonblock_wronly_enxio", []fsStep{
		dMkfifo("p", 0o644), dOpen(1, "p", wronly|nonblk, 0), dOpen(2, "p", rdonly|nonblk, 0),
		dOpen(3, "p", wronly|nonblk, 0), dWrite(3, "ab"), dRead(2, 5), dFd("close", 3), dRead(2, 5),
	}},
	{"mknod_types", []fsStep{
		dMknod("r", 0o644), dP("stat", "r"), dMknod("r2", posix.S_IFREG|0o600), dP("stat", "r2"),
		dMknod("dd", posix.S_IFDIR|0o755), dMknod("c", posix.S_IFCHR|0o644), dMknod("b", posix.S_IFBLK|0o644),
		dMknod("p", posix.S_IFIFO|0o640), dP("stat", "p"), dMknod("r", 0o644), dMknod("x", 0o170000|0o644),
	}},
	// permissions as an unprivileged owner
	{"access_modes", []fsStep{
		dTouch("f000"), dChmod("f000", 0), dTouch("f644"), dTouch("f755"), dChmod("f755", 0o755),
		dAccess("f000", 0), dAccess("f000", 4), dAccess("f000", 2), dAccess("f000", 1),
		dAccess("f644", 0), dAccess("f644", 4), dAccess("f644", 2), dAccess("f644", 1), dAccess("f644", 6),
		dAccess("f755", 1), dAccess("f755", 7), dAccess("missing", 0), dAccess("f644", 8),
		dAccess("f644/", 0), dMkdir("d", 0o755), dAccess("d", 1), dAccess("d", 7),
	}},
	{"access_dir_search", []fsStep{
		dMkdir("d", 0o755), dTouch("d/f"), dChmod("d", 0o644), dAccess("d/f", 0), dP("stat", "d/f"),
		dAccess("d", 4), dP("lsdir", "d"), dChmod("d", 0o311), dAccess("d/f", 0), dP("lsdir", "d"),
		dTouch("d/g"), dChmod("d", 0), dP("chdir", "d"), dChmod("d", 0o755), dP("lsdir", "d"),
	}},
	{"faccessat_flags", []fsStep{
		dP2("symlink", "nothere", "dl"), dFaccessat("dl", 0, 0), dFaccessat("dl", 0, posix.AT_SYMLINK_NOFOLLOW),
		dTouch("f"), dFaccessat("f", 4, posix.AT_EACCESS), dFaccessat("f", 0, 0x1),
	}},
	{"perm_enforcement", []fsStep{
		dFile("f", "x"), dChmod("f", 0o444), dOpen(1, "f", wronly, 0), dOpen(1, "f", rdwr, 0),
		dOpen(1, "f", rdonly, 0), dChmod("f", 0o200), dOpen(2, "f", rdonly, 0), dOpen(2, "f", wronly, 0),
		dFd("close", 2), dChmod("f", 0), dOpen(2, "f", rdonly, 0), dP("stat", "f"),
		dMkdir("ro", 0o755), dTouch("ro/x"), dChmod("ro", 0o555), dTouch("ro/y"), dP("unlink", "ro/x"),
		dMkdir("ro/z", 0o755), dP2("rename", "ro/x", "x2"), dP2("link", "f", "ro/f"),
		dP2("symlink", "t", "ro/s"), dMkfifo("ro/p", 0o644), dOpen(3, "ro/x", rdwr, 0), dChmod("ro", 0o755),
	}},
	{"chmod_stat", []fsStep{
		dTouch("f"), dChmod("f", 0o600), dP("stat", "f"), dChmod("f", 0o4755), dP("stat", "f"),
		dChmod("f", 0o1777), dP("stat", "f"), dChmod("f", 0o170644), dP("stat", "f"),
		dMkdir("d", 0o755), dChmod("d", 0o1777), dP("stat", "d"), dChmod("missing", 0o644),
		dP2("symlink", "f", "lf"), dChmod("lf", 0o640), dP("stat", "f"), dP("lstat", "lf"),
		dOpen(1, "f", rdonly, 0), dFchmod(1, 0o444), dFd("fstat", 1),
	}},
	{"mkdir_modes", []fsStep{
		dMkdir("a", 0), dP("stat", "a"), dMkdir("b", 0o1777), dP("stat", "b"), dMkdir("c", 0o7777),
		dP("stat", "c"), dMkdir("a/x", 0o755), dChmod("a", 0o700), dMkdir("a/x", 0o755), dP("stat", "a"),
	}},
	// times
	{"utimensat_omit", []fsStep{
		dTouch("f"), dUtimes("f", 1000000000, 1100000000, 0), dP("times", "f"),
		dUtimes("f", -1, 1200000000, 0), dP("times", "f"), dUtimes("f", 1300000000, -1, 0), dP("times", "f"),
		dUtimes("f", -1, -1, 0), dP("times", "f"), dUtimes("f", -3, 0, 0), dUtimes("missing", 1, 1, 0),
		dUtimes("f", 1, 1, 0x1), dP("times", "f"),
	}},
	{"utimensat_symlink_nofollow", []fsStep{
		dTouch("f"), dP2("symlink", "f", "lf"), dUtimes("f", 1000000000, 1000000000, 0),
		dUtimes("lf", 1500000000, 1600000000, posix.AT_SYMLINK_NOFOLLOW), dP("times", "f"), dP("ltimes", "lf"),
		dUtimes("lf", 1700000000, 1800000000, 0), dP("times", "f"), dP("ltimes", "lf"),
	}},
	// unlinked but open
	{"unlinked_open_file", []fsStep{
		dOpen(1, "f", creat|rdwr, 0o644), dWrite(1, "still here"), dP("unlink", "f"), dP("stat", "f"),
		dFd("fstat", 1), dPread(1, 5, 6), dPwrite(1, "S", 0), dLseek(1, 0, 0), dRead(1, 20), dDup(1, 2),
		dFtrunc(2, 3), dFd("fstat", 2), dFd("close", 1), dPread(2, 10, 0),
		dOpen(3, "f", creat|rdwr, 0o644), dFd("fstat", 3),
	}},
	// cwd
	{"fchdir_getcwd", []fsStep{
		dMkdir("d", 0o755), dMkdir("d/e", 0o755), dOpen(1, "d", rdonly|odir, 0), dGetcwd, dFd("fchdir", 1),
		dGetcwd, dP("chdir", "e"), dGetcwd, dP("chdir", ".."), dGetcwd, dP("chdir", "../d/./e/"), dGetcwd,
		dTouch("../../f"), dOpen(2, "../../f", rdonly, 0), dFd("fchdir", 2), dGetcwd, dFd("fchdir", 9),
		dOpen(3, "..", opath, 0), dFd("fchdir", 3), dGetcwd,
	}},
	{"chdir_errors", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dP2("symlink", "f", "lf"),
		dP("chdir", "f"), dP("chdir", "missing"), dP("chdir", ""), dP("chdir", "lf"), dP("chdir", "f/"),
		dP("chdir", "ld"), dGetcwd, dP("chdir", "."), dGetcwd,
	}},
	{"cwd_removed", []fsStep{
		dMkdir("d", 0o755), dP("chdir", "d"), dP("rmdir", "../d"), dGetcwd, dTouch("x"), dMkdir("x", 0o755),
		dOpen(1, ".", rdonly, 0), dFd("fstat", 1), dP("stat", "."), dP("lsdir", "."), dP("chdir", ".."),
		dGetcwd,
	}},
	{"empty_path", []fsStep{
		dTouch("f"), dOpen(1, "", rdonly, 0), dOpen(1, "", creat|wronly, 0o644), dP("stat", ""), dP("lstat", ""),
		dMkdir("", 0o755), dP("unlink", ""), dP("rmdir", ""), dP("readlink", ""), dAccess("", 0),
		dChmod("", 0o644), dMkfifo("", 0o644), dUtimes("", 1, 1, 0),
	}},
	// fds
	{"dup_shares_offset", []fsStep{
		dFile("f", "abcdef"), dOpen(1, "f", rdwr, 0), dDup(1, 2), dLseek(2, 2, 0), dRead(1, 2), dLseek(2, 0, 1),
		dFcntl(1, posix.F_SETFL, appnd), dFcntl(2, posix.F_GETFL, 0), dWrite(2, "Z"), dLseek(1, 0, 1),
		dOpen(3, "f", rdonly, 0), dRead(3, 20), dLseek(3, 0, 1), dLseek(1, 0, 1),
	}},
	{"independent_opens", []fsStep{
		dFile("f", "abcdef"), dOpen(1, "f", rdonly, 0), dOpen(2, "f", rdwr, 0), dRead(1, 3), dRead(2, 1),
		dWrite(2, "XX"), dRead(1, 10), dLseek(1, 0, 0), dRead(1, 10),
	}},
	{"fcntl_getfl", []fsStep{
		dTouch("f"), dOpen(1, "f", wronly|appnd|nonblk, 0), dFcntl(1, posix.F_GETFL, 0),
		dOpen(2, "f", opath, 0), dFcntl(2, posix.F_GETFL, 0), dMkdir("d", 0o755), dOpen(3, "d", rdonly|odir, 0),
		dFcntl(3, posix.F_GETFL, 0),
	}},
	{"openat_dirfd", []fsStep{
		dMkdir("d", 0o755), dTouch("d/f"), dTouch("g"), dOpen(1, "d", rdonly|odir, 0), dOpenat(2, 1, "f", rdonly),
		dOpenat(3, 1, "../g", rdonly), dOpenat(3, 2, "x", rdonly), dOpenat(4, 9, "f", rdonly),
		dOpenat(4, 1, "", rdonly), dOpenat(4, 1, ".", rdonly),
	}},
	// more path shapes
	{"dotdot_paths", []fsStep{
		dMkdir("d", 0o755), dTouch("f"), dP("stat", "d/../f"), dP("stat", "f/../f"), dP("stat", "d/./.././f"),
		dP("stat", "missing/../f"), dOpen(1, "d/../f", rdonly, 0), dP("stat", "./d//"),
	}},
	{"o_excl_existing_kinds", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("symlink", "f", "lf"), dMkfifo("p", 0o644),
		dOpen(1, "lf", creat|excl|wronly, 0o644), dOpen(1, "d", creat|excl|rdonly, 0o644),
		dOpen(1, "p", creat|excl|rdwr, 0o644), dOpen(1, "f", creat|excl|rdonly, 0o644),
		dOpen(1, "lf", excl|rdonly, 0), dFd("close", 1),
	}},
	{"o_creat_existing_keeps_mode", []fsStep{
		dFile("f", "data"), dOpen(1, "f", creat|rdonly, 0o600), dP("stat", "f"), dRead(1, 10),
		dOpen(2, "nodir/f", creat|wronly, 0o644),
	}},
	{"unlink_recreate", []fsStep{
		dFile("f", "old"), dOpen(1, "f", rdonly, 0), dP("unlink", "f"), dFile("f", "newer"), dRead(1, 10),
		dOpen(2, "f", rdonly, 0), dRead(2, 10), dP("stat", "f"),
	}},
	{"dir_nlink", []fsStep{
		dMkdir("d", 0o755), dP("stat", "d"), dMkdir("d/a", 0o755), dMkdir("d/b", 0o755), dTouch("d/f"),
		dP("stat", "d"), dP("rmdir", "d/a"), dP("stat", "d"), dP("stat", "."), dP("rmdir", "d/b"),
		dP("unlink", "d/f"), dOpen(1, "d", rdonly, 0), dP("rmdir", "d"), dFd("fstat", 1), dP("stat", "."),
	}},
	{"symlink_stat_sizes", []fsStep{
		dP2("symlink", "abc", "s3"), dP2("symlink", strings.Repeat("x", 100), "s100"), dP("lstat", "s3"),
		dP("lstat", "s100"), dP("readlink", "s100"),
	}},
	{"stat_through_symlink_dir", []fsStep{
		dMkdir("d", 0o700), dTouch("d/f"), dP2("symlink", "d", "ld"), dP("stat", "ld"), dP("stat", "ld/f"),
		dP("lstat", "ld/f"), dP("stat", "ld/."), dP("lstat", "ld/."), dP("stat", "ld/f/"),
	}},
	{"write_readonly_fd", []fsStep{
		dFile("f", "abc"), dOpen(1, "f", rdonly, 0), dWrite(1, "x"), dOpen(2, "f", wronly, 0), dRead(2, 1),
		dWrite(2, ""), dRead(1, 0),
	}},
	{"rename_over_open_file", []fsStep{
		dFile("a", "AAA"), dFile("b", "BBB"), dOpen(1, "b", rdonly, 0), dP2("rename", "a", "b"),
		dFd("fstat", 1), dRead(1, 5), dOpen(2, "b", rdonly, 0), dRead(2, 5),
	}},
	{"rename_dir_trailing_slash", []fsStep{
		dMkdir("a", 0o755), dMkdir("b", 0o755), dP2("rename", "a/", "b/"), dP("stat", "b"), dP("stat", "a"),
		dP2("rename", "b", "c//"), dP("stat", "c"),
	}},
	{"rename_across_dirs", []fsStep{
		dMkdir("d1", 0o755), dMkdir("d2", 0o755), dFile("d1/f", "x"), dP2("rename", "d1/f", "d2/g"),
		dP("lsdir", "d1"), dP("lsdir", "d2"), dP2("rename", "d2/g", "d3/g"), dP2("rename", "d2", "d1/d2"),
		dP("stat", "d1"), dP("lsdir", "d1/d2"),
	}},
	{"rename_symlink_over_dir", []fsStep{
		dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dMkdir("e", 0o755), dP2("rename", "ld", "e"),
		dP2("rename", "e", "ld"), dP("stat", "ld"), dP("lstat", "ld"), dP("lstat", "e"),
	}},
	{"umask_affects_create", []fsStep{
		dUmask(0), dOpen(1, "a", creat|wronly, 0o777), dP("stat", "a"), dMkfifo("p", 0o666), dP("stat", "p"),
		dUmask(0o027), dMkdir("d", 0o777), dP("stat", "d"), dMknod("r", 0o666), dP("stat", "r"),
	}},
	{"getdents_fd_after_changes", []fsStep{
		dMkdir("d", 0o755), dTouch("d/a"), dOpen(1, "d", rdonly|odir, 0), dFd("getdents", 1), dTouch("d/b"),
		dLseek(1, 0, 0), dFd("getdents", 1), dP("unlink", "d/a"), dLseek(1, 0, 0), dFd("getdents", 1),
	}},
	{"o_path_dirfd_ops", []fsStep{
		dMkdir("d", 0o755), dFile("d/f", "hi"), dOpen(1, "d", opath|odir, 0), dOpenat(2, 1, "f", rdonly),
		dRead(2, 5), dOpenat(3, 1, "..", rdonly|odir), dFd("fstat", 3), dFd("close", 1), dFd("close", 1),
	}},
	{"write_to_dir_fd_and_fstat", []fsStep{
		dMkdir("d", 0o755), dOpen(1, "d", rdonly, 0), dFd("fstat", 1), dWrite(1, "x"), dPwrite(1, "x", 0),
		dFd("fsync", 1), dOpen(2, "f", creat|wronly, 0o644), dFd("fsync", 2),
	}},
	{"hardlink_survives_unlink", []fsStep{
		dFile("f", "data"), dP2("link", "f", "g"), dP("unlink", "f"), dP("stat", "g"), dOpen(1, "g", rdonly, 0),
		dRead(1, 10), dP2("link", "g", "f"), dP("stat", "f"),
	}},
	{"open_dot_variants", []fsStep{
		dOpen(1, ".", rdonly, 0), dFd("fstat", 1), dOpen(2, "./", rdonly|odir, 0), dOpen(3, ".", opath, 0),
		dOpen(4, "./.", rdonly|nofol, 0),
	}},
	{"trailing_slash_dangling", []fsStep{
		dP2("symlink", "nothere", "dl"), dP("stat", "dl/"), dP("lstat", "dl/"), dMkdir("dl/", 0o755),
		dOpen(1, "dl/", creat|wronly, 0o644), dP("lstat", "nothere"),
	}},
	{"linkat_to_trailing_slash_dir", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dP2("link", "f", "d/"), dP2("link", "f", "d/g"), dP("stat", "d/g"),
	}},
	{"rmdir_open_cwd_parent", []fsStep{
		dMkdir("a", 0o755), dMkdir("a/b", 0o755), dP("chdir", "a/b"), dP("rmdir", "../b"), dP("rmdir", ".."),
		dP("chdir", "/proc/nonexistent-gocage"), dGetcwd,
	}},
	{"creat_in_fifo_path", []fsStep{
		dMkfifo("p", 0o644), dOpen(1, "p/x", creat|wronly, 0o644), dP("stat", "p/"), dOpen(1, "p", rdwr|odir, 0),
	}},
	{"fstatat_dirfd", []fsStep{
		dMkdir("d", 0o755), dFile("d/f", "abc"), dOpen(1, "d", rdonly|odir, 0), dOpen(2, "d/f", rdonly, 0),
		dFstatat(1, "f", 0), dFstatat(1, "", 0), dFstatat(1, "", posix.AT_EMPTY_PATH), dFstatat(2, "", posix.AT_EMPTY_PATH),
		dFstatat(2, "x", 0), dFstatat(9, "f", 0), dFstatat(1, "f", 0x4000), dOpen(3, "d/f", opath, 0),
		dFstatat(3, "", posix.AT_EMPTY_PATH), dFstatat(0, "", posix.AT_EMPTY_PATH),
	}},
	{"mkdirat_dirfd", []fsStep{
		dMkdir("d", 0o755), dTouch("f"), dOpen(1, "d", rdonly|odir, 0), dOpen(2, "f", rdonly, 0),
		dMkdirat(1, "sub"), dP("stat", "d/sub"), dMkdirat(2, "sub"), dMkdirat(9, "sub"), dMkdirat(1, "../e"),
		dP("stat", "e"), dOpen(3, "d", opath, 0), dMkdirat(3, "sub2"), dP("lsdir", "d"),
	}},
	{"fchmodat_nofollow", []fsStep{
		dTouch("f"), dP2("symlink", "f", "lf"), dFchmodat("lf", 0o600, posix.AT_SYMLINK_NOFOLLOW),
		dFchmodat("f", 0o600, posix.AT_SYMLINK_NOFOLLOW), dP("stat", "f"), dFchmodat("lf", 0o640, 0),
		dP("stat", "f"), dFchmodat("f", 0o644, 0x1), dP("lstat", "lf"),
	}},
	{"chown_unprivileged", []fsStep{
		dTouch("f"), dChown("f", 0, 0, 0), dChown("f", 1, 1, 0), dChown("f", 2, 0, 0), dChown("f", 0, 2, 0),
		dChown("f", 1, 0, 0), dChmod("f", 0o6755), dChown("f", 0, 1, 0), dP("stat", "f"),
		dP2("symlink", "f", "lf"), dChown("lf", 1, 1, posix.AT_SYMLINK_NOFOLLOW), dChown("missing", 0, 0, 0),
		dOpen(1, "f", rdonly, 0), dFchown(1, 1, 1), dFchown(1, 2, 2), dOpen(2, "f", opath, 0), dFchown(2, 0, 0),
		dChown("f", 0, 0, 0x1),
	}},
	{"getdents_small_buffer", []fsStep{
		dMkdir("d", 0o755), dTouch("d/a"), dOpen(1, "d", rdonly|odir, 0), dGetdentsN(1, 10), dGetdentsN(1, 24),
		dGetdentsN(1, 0), dLseek(1, 0, 0), dGetdentsN(1, 48), dGetdentsN(1, 4096), dGetdentsN(1, 4096),
	}},
	{"rename_ancestor_trap", []fsStep{
		dMkdir("d", 0o755), dTouch("d/f"), dMkdir("d/e", 0o755), dTouch("d/e/g"),
		dP2("rename", "d/f", "d"), dP2("rename", "d/e/g", "d"), dP2("rename", "d/e", "d"),
		dP2("rename", "d", "d/e/../x"), dRename2("d", "d/e", renameExchange), dRename2("d/e", "d", renameExchange),
		dRename2("d/e/g", "d", renameExchange), dP("lsdir", "d"),
	}},
	{"rename_trailing_slash_file", []fsStep{
		dTouch("f"), dTouch("g"), dP2("rename", "f", "f/"), dP2("rename", "f", "g/"), dMkdir("d", 0o755),
		dRename2("f", "d/", renameExchange), dRename2("d/", "f", renameExchange), dRename2("f", "g/", renameExchange),
		dP("lsdir", "."),
	}},
	{"readonly_dir_order", []fsStep{
		dMkdir("ro", 0o755), dTouch("ro/f"), dMkdir("ro/d", 0o755), dChmod("ro", 0o555),
		dMkdir("ro/f", 0o755), dMkdir("ro/new", 0o755), dOpen(1, "ro/f", creat|excl|wronly, 0o644),
		dOpen(1, "ro/f", creat|wronly, 0o644), dP("unlink", "ro/missing"), dP("rmdir", "ro/missing"),
		dP2("rename", "ro/f", "ro/d"), dP2("rename", "ro/d", "ro/f"), dP2("rename", "ro/f", "ro/f"),
		dP2("symlink", "x", "ro/f"), dP2("link", "ro/f", "ro/d"), dP("unlink", "ro/d"), dP("rmdir", "ro/f"),
		dP("unlink", "ro/d/"), dP("unlink", "ro/f/"), dP("rmdir", "ro/d/"), dP("rmdir", "ro/f/"),
		dP2("rename", "ro/d", "ro/d/x"), dP2("rename", "ro/d/", "ro/d/x"), dRename2("ro/f", "ro/d", renameNoreplace),
		dRename2("ro/f", "ro/zz", renameExchange), dRename2("ro/f", "ro/d/", renameExchange), dP2("link", "ro/f", "ro/d/h"),
		dP2("rename", "ro/d/h", "ro/d"), dP2("rename", "ro/d/h", "ro/f"), dP2("rename", "ro/f", "ro/d/h"),
		dChmod("ro", 0o755),
	}},
	{"noexec_dir_order", []fsStep{
		dMkdir("nx", 0o755), dTouch("nx/f"), dChmod("nx", 0o666), dP("stat", "nx/f"), dP("stat", "nx/missing"),
		dP("lstat", "nx"), dP("lsdir", "nx"), dMkdir("nx/d", 0o755), dP("unlink", "nx/f"), dChmod("nx", 0o755),
	}},
	{"symlink_to_file_trailing_slash", []fsStep{
		dTouch("f"), dP2("symlink", "f/", "lf"), dOpen(1, "lf", rdonly, 0), dP("stat", "lf"), dP("lstat", "lf"),
		dOpen(1, "lf", creat|wronly, 0o644), dP2("symlink", "new/", "ln"), dOpen(1, "ln", creat|wronly, 0o644),
	}},
	{"o_path_nofollow_symlink_ops", []fsStep{
		dMkdir("d", 0o755), dP2("symlink", "d", "ld"), dOpen(1, "ld", opath|nofol, 0), dFd("fstat", 1),
		dFd("fchdir", 1), dOpenat(2, 1, "x", rdonly), dFstatat(1, "", posix.AT_EMPTY_PATH),
		dOpen(3, "ld", opath|nofol|odir, 0),
	}},
	{"o_directory_access_modes", []fsStep{
		dTouch("f"), dMkdir("d", 0o755), dOpen(1, "d", wronly|odir, 0), dOpen(1, "d", rdwr|odir, 0),
		dOpen(1, "f", rdwr|odir, 0), dOpen(1, "f", wronly|odir|nofol, 0), dOpen(1, "d", rdonly|odir|nofol, 0),
		dOpen(2, "d", rdonly|odir|excl, 0),
	}},
	{"symlink_relative_moves", []fsStep{
		dMkdir("a", 0o755), dMkdir("b", 0o755), dFile("a/t", "A"), dFile("b/t", "B"), dP2("symlink", "t", "a/l"),
		dOpen(1, "a/l", rdonly, 0), dRead(1, 5), dP2("rename", "a/l", "b/l"), dOpen(2, "b/l", rdonly, 0),
		dRead(2, 5), dP2("rename", "b/t", "b/u"), dOpen(3, "b/l", rdonly, 0), dP("stat", "b/l"),
	}},
	{"append_after_ftruncate", []fsStep{
		dOpen(1, "f", creat|rdwr|appnd, 0o644), dWrite(1, "abcdef"), dFtrunc(1, 2), dLseek(1, 0, 1),
		dWrite(1, "Z"), dLseek(1, 0, 1), dPread(1, 10, 0), dFcntl(1, posix.F_SETFL, 0), dLseek(1, 0, 0),
		dWrite(1, "Q"), dPread(1, 10, 0),
	}},
	{"symlink_to_dot", []fsStep{
		dP2("symlink", ".", "dot"), dP("stat", "dot"), dP("stat", "dot/dot/dot"), dTouch("dot/f"),
		dP("stat", "f"), dP("rmdir", "dot"), dP("unlink", "dot/"), dP("unlink", "dot"),
	}},
}

// fsOps is what a scenario runs against: a cage's Proc, or the host.
type fsOps interface {
	Open(path string, flags int, mode uint32) (int, error)
	Openat(dirfd int, path string, flags int, mode uint32) (int, error)
	Creat(path string, mode uint32) (int, error)
	Close(fd int) error
	Dup(fd int) (int, error)
	Fcntl(fd, cmd, arg int) (int, error)
	Read(fd int, b []byte) (int, error)
	Write(fd int, b []byte) (int, error)
	Pread(fd int, b []byte, off int64) (int, error)
	Pwrite(fd int, b []byte, off int64) (int, error)
	Lseek(fd int, off int64, whence int) (int64, error)
	Ftruncate(fd int, size int64) error
	Truncate(path string, size int64) error
	Fstat(fd int) (posix.Stat, error)
	Stat(path string) (posix.Stat, error)
	Lstat(path string) (posix.Stat, error)
	Mkdir(path string, mode uint32) error
	Rmdir(path string) error
	Unlink(path string) error
	Unlinkat(dirfd int, path string, flags int) error
	Rename(oldpath, newpath string) error
	Renameat2(olddirfd int, oldpath string, newdirfd int, newpath string, flags int) error
	Link(oldpath, newpath string) error
	Linkat(olddirfd int, oldpath string, newdirfd int, newpath string, flags int) error
	Symlink(target, linkpath string) error
	Readlink(path string) (string, error)
	Getdents64(fd int, b []byte) (int, error)
	Chdir(path string) error
	Fchdir(fd int) error
	Getcwd() (string, error)
	Chmod(path string, mode uint32) error
	Fchmod(fd int, mode uint32) error
	Access(path string, mode int) error
	Faccessat(dirfd int, path string, mode, flags int) error
	Utimensat(dirfd int, path string, times *[2]posix.Timespec, flags int) error
	Mknodat(dirfd int, path string, mode uint32, dev uint64) error
	Mkfifo(path string, mode uint32) error
	Fsync(fd int) error
	Umask(mask int) int
	Fstatat(dirfd int, path string, flags int) (posix.Stat, error)
	Mkdirat(dirfd int, path string, mode uint32) error
	Fchmodat(dirfd int, path string, mode uint32, flags int) error
	Fchownat(dirfd int, path string, uid, gid, flags int) error
	Fchown(fd, uid, gid int) error
	Getuid() int
	Getgid() int
}

// errnoOf returns err's errno number (0 for nil, -1 for an error that has
// none).
func errnoOf(err error) int {
	var se syscall.Errno
	var pe posix.Errno
	switch {
	case err == nil:
		return 0
	case errors.As(err, &pe):
		return int(pe)
	case errors.As(err, &se):
		return int(se)
	}
	return -1
}

// statString describes what of a stat both sides must agree on.
func statString(st posix.Stat) string {
	types := map[uint32]string{posix.S_IFREG: "reg", posix.S_IFDIR: "dir", posix.S_IFLNK: "lnk",
		posix.S_IFIFO: "fifo", posix.S_IFCHR: "chr", posix.S_IFBLK: "blk", posix.S_IFSOCK: "sock"}
	typ := types[st.Mode&posix.S_IFMT]
	s := fmt.Sprintf("%s perm=%#o nlink=%d", typ, st.Mode&0o7777, st.Nlink)
	if typ != "dir" {
		s += fmt.Sprintf(" size=%d", st.Size)
	}
	return s
}

// direntNames returns the sorted names of linux_dirent64 records.
func direntNames(b []byte) []string {
	var names []string
	for off := 0; off+19 <= len(b); {
		reclen := int(binary.LittleEndian.Uint16(b[off+16:]))
		if reclen == 0 || off+reclen > len(b) {
			break
		}
		names = append(names, strings.TrimRight(string(b[off+19:off+reclen]), "\x00"))
		off += reclen
	}
	return names
}

// readDir lists fd to its end.
func readDir(o fsOps, fd int) (string, error) {
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := o.Getdents64(fd, buf)
		if err != nil {
			return "", err
		}
		if n == 0 {
			break
		}
		names = append(names, direntNames(buf[:n])...)
	}
	sort.Strings(names)
	return strings.Join(names, ","), nil
}

// runFSSteps runs steps against o from a fresh working directory and
// returns a result per step. Slot 0 is unused; AT_FDCWD is At 0.
func runFSSteps(o fsOps, steps []fsStep) []fsResult {
	var slots [10]int
	for i := range slots {
		slots[i] = 1000 + i // never open: EBADF
	}
	fd := func(slot int) int { return slots[slot] }
	at := func(slot int) int {
		if slot == 0 {
			return posix.AT_FDCWD
		}
		return slots[slot]
	}
	var out []fsResult
	for _, s := range steps {
		var err error
		val := ""
		setFd := func(n int, e error) {
			err = e
			if e == nil {
				slots[s.Fd] = n
			}
		}
		switch s.Op {
		case "open":
			setFd(o.Open(s.Path, s.Flags, s.Mode))
		case "openat":
			n, e := o.Openat(at(s.At), s.Path, s.Flags, 0)
			err = e
			if e == nil {
				slots[s.Fd] = n
			}
		case "creat":
			setFd(o.Creat(s.Path, s.Mode))
		case "touch", "file":
			var n int
			if n, err = o.Open(s.Path, posix.O_CREAT|posix.O_WRONLY|posix.O_TRUNC, s.Mode); err == nil {
				if s.Data != "" {
					_, err = o.Write(n, []byte(s.Data))
				}
				o.Close(n)
			}
		case "close":
			err = o.Close(fd(s.Fd))
		case "dup":
			var n int
			if n, err = o.Dup(fd(s.Fd)); err == nil {
				slots[s.Fd2] = n
			}
		case "fcntl":
			var r int
			r, err = o.Fcntl(fd(s.Fd), s.Flags, s.Whence)
			if err != nil {
				r = 0
			}
			if s.Flags == posix.F_GETFL {
				r &= posix.O_ACCMODE | posix.O_APPEND | posix.O_NONBLOCK | posix.O_PATH | posix.O_DIRECTORY
			}
			val = fmt.Sprintf("%#o", r)
		case "read":
			b := make([]byte, s.Off)
			var n int
			n, err = o.Read(fd(s.Fd), b)
			if err == nil {
				val = fmt.Sprintf("%q", b[:n])
			}
		case "pread":
			b := make([]byte, s.Whence)
			var n int
			n, err = o.Pread(fd(s.Fd), b, s.Off)
			if err == nil {
				val = fmt.Sprintf("%q", b[:n])
			}
		case "write":
			var n int
			if n, err = o.Write(fd(s.Fd), []byte(s.Data)); err == nil {
				val = fmt.Sprint(n)
			}
		case "pwrite":
			var n int
			if n, err = o.Pwrite(fd(s.Fd), []byte(s.Data), s.Off); err == nil {
				val = fmt.Sprint(n)
			}
		case "lseek":
			var n int64
			n, err = o.Lseek(fd(s.Fd), s.Off, s.Whence)
			if err == nil {
				val = fmt.Sprint(n)
			}
		case "ftruncate":
			err = o.Ftruncate(fd(s.Fd), s.Off)
		case "truncate":
			err = o.Truncate(s.Path, s.Off)
		case "fstat", "stat", "lstat", "times", "ltimes":
			var st posix.Stat
			switch s.Op {
			case "fstat":
				st, err = o.Fstat(fd(s.Fd))
			case "stat", "times":
				st, err = o.Stat(s.Path)
			default:
				st, err = o.Lstat(s.Path)
			}
			if err == nil {
				switch s.Op {
				case "times":
					val = fmt.Sprintf("atime=%d mtime=%d", st.Atim.Sec, st.Mtim.Sec)
				case "ltimes":
					// Following a symlink may update its atime (relatime).
					val = fmt.Sprintf("mtime=%d", st.Mtim.Sec)
				default:
					val = statString(st)
				}
			}
		case "mkdir":
			err = o.Mkdir(s.Path, s.Mode)
		case "rmdir":
			err = o.Rmdir(s.Path)
		case "unlink":
			err = o.Unlink(s.Path)
		case "unlinkat":
			err = o.Unlinkat(posix.AT_FDCWD, s.Path, s.Flags)
		case "rename":
			err = o.Rename(s.Path, s.Path2)
		case "renameat2":
			err = o.Renameat2(posix.AT_FDCWD, s.Path, posix.AT_FDCWD, s.Path2, s.Flags)
		case "link":
			err = o.Link(s.Path, s.Path2)
		case "linkat":
			err = o.Linkat(posix.AT_FDCWD, s.Path, posix.AT_FDCWD, s.Path2, s.Flags)
		case "symlink":
			err = o.Symlink(s.Path, s.Path2)
		case "readlink":
			val, err = o.Readlink(s.Path)
		case "getdents":
			val, err = readDir(o, fd(s.Fd))
		case "lsdir":
			var n int
			if n, err = o.Open(s.Path, posix.O_RDONLY|posix.O_DIRECTORY, 0); err == nil {
				val, err = readDir(o, n)
				o.Close(n)
			}
		case "chdir":
			err = o.Chdir(s.Path)
		case "fchdir":
			err = o.Fchdir(fd(s.Fd))
		case "getcwd":
			val, err = o.Getcwd()
		case "chmod":
			err = o.Chmod(s.Path, s.Mode)
		case "fchmod":
			err = o.Fchmod(fd(s.Fd), s.Mode)
		case "access":
			err = o.Access(s.Path, s.Flags)
		case "faccessat":
			err = o.Faccessat(posix.AT_FDCWD, s.Path, s.Flags, s.Whence)
		case "utimensat":
			err = o.Utimensat(posix.AT_FDCWD, s.Path, s.Times, s.Flags)
		case "mkfifo":
			err = o.Mkfifo(s.Path, s.Mode)
		case "mknod":
			err = o.Mknodat(posix.AT_FDCWD, s.Path, s.Mode, uint64(s.Off))
		case "fsync":
			err = o.Fsync(fd(s.Fd))
		case "umask":
			o.Umask(s.Flags)
		case "fstatat":
			var st posix.Stat
			if st, err = o.Fstatat(at(s.At), s.Path, s.Flags); err == nil {
				val = statString(st)
			}
		case "mkdirat":
			err = o.Mkdirat(at(s.At), s.Path, s.Mode)
		case "fchmodat":
			err = o.Fchmodat(at(s.At), s.Path, s.Mode, s.Flags)
		case "chown", "fchown":
			// Off picks the uid and Whence the gid: 0 keep (-1), 1 the
			// caller's own, 2 root's (0).
			id := func(v int, self int) int { return [3]int{-1, self, 0}[v] }
			uid, gid := id(int(s.Off), o.Getuid()), id(s.Whence, o.Getgid())
			if s.Op == "fchown" {
				err = o.Fchown(fd(s.Fd), uid, gid)
			} else {
				err = o.Fchownat(at(s.At), s.Path, uid, gid, s.Flags)
			}
		case "getdentsn":
			// One getdents64 call with an Off-byte buffer: the number of
			// entries it returns.
			var n int
			if n, err = o.Getdents64(fd(s.Fd), make([]byte, s.Off)); err == nil {
				val = fmt.Sprint(n)
			}
		default:
			panic("unknown op " + s.Op)
		}
		out = append(out, fsResult{Errno: errnoOf(err), Val: val})
	}
	for _, n := range slots {
		if n < 1000 {
			o.Close(n)
		}
	}
	return out
}

// cageFS runs steps in a cage, with getcwd relative to /tmp/t.
type cageFS struct{ *cages.Proc }

const cageRoot = "/tmp/t"

func (c cageFS) Getcwd() (string, error) {
	d, err := c.Proc.Getcwd()
	return relCwd(cageRoot, d), err
}

// relCwd makes the working directory d relative to the scenario's root.
func relCwd(root, d string) string {
	switch {
	case d == "":
		return ""
	case d == root:
		return "/"
	case strings.HasPrefix(d, root+"/"):
		return d[len(root):]
	}
	return "outside " + d
}

// hostFS runs steps on the host, in the process's working directory.
type hostFS struct{ root string }

func toStat(s *unix.Stat_t) posix.Stat {
	return posix.Stat{Dev: s.Dev, Ino: s.Ino, Nlink: uint64(s.Nlink), Mode: s.Mode, Uid: s.Uid, Gid: s.Gid,
		Size: s.Size, Atim: posix.Timespec{Sec: s.Atim.Sec, Nsec: s.Atim.Nsec},
		Mtim: posix.Timespec{Sec: s.Mtim.Sec, Nsec: s.Mtim.Nsec}}
}

func (hostFS) Open(path string, flags int, mode uint32) (int, error) {
	return unix.Openat(unix.AT_FDCWD, path, flags|unix.O_CLOEXEC, mode)
}
func (hostFS) Openat(dirfd int, path string, flags int, mode uint32) (int, error) {
	return unix.Openat(dirfd, path, flags|unix.O_CLOEXEC, mode)
}
func (h hostFS) Creat(path string, mode uint32) (int, error) {
	return h.Open(path, unix.O_CREAT|unix.O_WRONLY|unix.O_TRUNC, mode)
}
func (hostFS) Close(fd int) error                  { return unix.Close(fd) }
func (hostFS) Dup(fd int) (int, error)             { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }
func (hostFS) Fcntl(fd, cmd, arg int) (int, error) { return unix.FcntlInt(uintptr(fd), cmd, arg) }
func (hostFS) Read(fd int, b []byte) (int, error)  { return unix.Read(fd, b) }
func (hostFS) Write(fd int, b []byte) (int, error) { return unix.Write(fd, b) }
func (hostFS) Pread(fd int, b []byte, off int64) (int, error) {
	return unix.Pread(fd, b, off)
}
func (hostFS) Pwrite(fd int, b []byte, off int64) (int, error) {
	return unix.Pwrite(fd, b, off)
}
func (hostFS) Lseek(fd int, off int64, whence int) (int64, error) {
	return unix.Seek(fd, off, whence)
}
func (hostFS) Ftruncate(fd int, size int64) error     { return unix.Ftruncate(fd, size) }
func (hostFS) Truncate(path string, size int64) error { return unix.Truncate(path, size) }
func (hostFS) Fstat(fd int) (posix.Stat, error) {
	var st unix.Stat_t
	err := unix.Fstat(fd, &st)
	return toStat(&st), err
}
func (hostFS) Stat(path string) (posix.Stat, error) {
	var st unix.Stat_t
	err := unix.Fstatat(unix.AT_FDCWD, path, &st, 0)
	return toStat(&st), err
}
func (hostFS) Lstat(path string) (posix.Stat, error) {
	var st unix.Stat_t
	err := unix.Fstatat(unix.AT_FDCWD, path, &st, unix.AT_SYMLINK_NOFOLLOW)
	return toStat(&st), err
}
func (hostFS) Mkdir(path string, mode uint32) error { return unix.Mkdirat(unix.AT_FDCWD, path, mode) }
func (hostFS) Rmdir(path string) error              { return unix.Rmdir(path) }
func (hostFS) Unlink(path string) error             { return unix.Unlinkat(unix.AT_FDCWD, path, 0) }
func (hostFS) Unlinkat(dirfd int, path string, flags int) error {
	return unix.Unlinkat(dirfd, path, flags)
}
func (hostFS) Rename(a, b string) error { return unix.Renameat(unix.AT_FDCWD, a, unix.AT_FDCWD, b) }
func (hostFS) Renameat2(od int, a string, nd int, b string, flags int) error {
	return unix.Renameat2(od, a, nd, b, uint(flags))
}
func (hostFS) Link(a, b string) error { return unix.Linkat(unix.AT_FDCWD, a, unix.AT_FDCWD, b, 0) }
func (hostFS) Linkat(od int, a string, nd int, b string, flags int) error {
	return unix.Linkat(od, a, nd, b, flags)
}
func (hostFS) Symlink(target, linkpath string) error {
	return unix.Symlinkat(target, unix.AT_FDCWD, linkpath)
}
func (hostFS) Readlink(path string) (string, error) {
	b := make([]byte, 4096)
	n, err := unix.Readlinkat(unix.AT_FDCWD, path, b)
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}
func (hostFS) Getdents64(fd int, b []byte) (int, error) { return unix.Getdents(fd, b) }
func (hostFS) Chdir(path string) error                  { return unix.Chdir(path) }
func (hostFS) Fchdir(fd int) error                      { return unix.Fchdir(fd) }
func (h hostFS) Getcwd() (string, error) {
	b := make([]byte, 4096)
	n, err := unix.Getcwd(b)
	if err != nil {
		return "", err
	}
	d := string(b[:n])
	d = strings.TrimSuffix(d, "\x00")
	if !strings.HasPrefix(d, "/") {
		return "", unix.ENOENT // "(unreachable)..."
	}
	return relCwd(h.root, d), nil
}
func (hostFS) Chmod(path string, mode uint32) error {
	return unix.Fchmodat(unix.AT_FDCWD, path, mode, 0)
}
func (hostFS) Fchmod(fd int, mode uint32) error { return unix.Fchmod(fd, mode) }
func (hostFS) Access(path string, mode int) error {
	return unix.Faccessat(unix.AT_FDCWD, path, uint32(mode), 0)
}
func (hostFS) Faccessat(dirfd int, path string, mode, flags int) error {
	return unix.Faccessat2(dirfd, path, uint32(mode), flags)
}
func (hostFS) Utimensat(dirfd int, path string, times *[2]posix.Timespec, flags int) error {
	var ts []unix.Timespec
	if times != nil {
		ts = []unix.Timespec{{Sec: times[0].Sec, Nsec: times[0].Nsec}, {Sec: times[1].Sec, Nsec: times[1].Nsec}}
	}
	return unix.UtimesNanoAt(dirfd, path, ts, flags)
}
func (hostFS) Mknodat(dirfd int, path string, mode uint32, dev uint64) error {
	return unix.Mknodat(dirfd, path, mode, int(dev))
}
func (hostFS) Mkfifo(path string, mode uint32) error {
	return unix.Mknodat(unix.AT_FDCWD, path, unix.S_IFIFO|mode&0o7777, 0)
}
func (hostFS) Fsync(fd int) error { return unix.Fsync(fd) }
func (hostFS) Umask(mask int) int { return unix.Umask(mask) }

func (hostFS) Fstatat(dirfd int, path string, flags int) (posix.Stat, error) {
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, path, &st, flags)
	return toStat(&st), err
}
func (hostFS) Mkdirat(dirfd int, path string, mode uint32) error {
	return unix.Mkdirat(dirfd, path, mode)
}
func (hostFS) Fchmodat(dirfd int, path string, mode uint32, flags int) error {
	return unix.Fchmodat(dirfd, path, mode, flags)
}
func (hostFS) Fchownat(dirfd int, path string, uid, gid, flags int) error {
	return unix.Fchownat(dirfd, path, uid, gid, flags)
}
func (hostFS) Fchown(fd, uid, gid int) error { return unix.Fchown(fd, uid, gid) }
func (hostFS) Getuid() int                   { return unix.Getuid() }
func (hostFS) Getgid() int                   { return unix.Getgid() }

// fsdiffEnv names the directory the host child runs the scenarios in.
const fsdiffEnv = "GOCAGE_FSDIFF_DIR"

// TestFSDiffHostChild is the host half, run only in a child process: it
// runs every scenario in its own directory under $GOCAGE_FSDIFF_DIR and
// writes the results there as results.json.
func TestFSDiffHostChild(t *testing.T) {
	base := os.Getenv(fsdiffEnv)
	if base == "" {
		t.Skip("runs only as TestFSDiff's child")
	}
	if os.Geteuid() == 0 {
		require.NoError(t, syscall.Setgroups(nil))
		require.NoError(t, syscall.Setgid(65534))
		require.NoError(t, syscall.Setuid(65534))
	}
	results := map[string][]fsResult{}
	for i, sc := range fsScenarios {
		dir := filepath.Join(base, fmt.Sprintf("s%03d", i))
		require.NoError(t, os.Mkdir(dir, 0o755))
		require.NoError(t, unix.Chdir(dir))
		unix.Umask(0o022)
		results[sc.name] = runFSSteps(hostFS{root: dir}, sc.steps)
		require.NoError(t, unix.Chdir(base))
	}
	b, err := json.Marshal(results)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(base, "results.json"), b, 0o644))
}

// hostFSResults runs the host half in a child process and returns its
// results by scenario name.
func hostFSResults(t *testing.T) map[string][]fsResult {
	t.Helper()
	parent := t.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		parent = "/dev/shm"
	}
	base, err := os.MkdirTemp(parent, "gocage-fsdiff-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	base, err = filepath.EvalSymlinks(base)
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o777))
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^TestFSDiffHostChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fsdiffEnv+"="+base)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "host child:\n%s", out)
	b, err := os.ReadFile(filepath.Join(base, "results.json"))
	require.NoError(t, err, "host child:\n%s", out)
	var res map[string][]fsResult
	require.NoError(t, json.Unmarshal(b, &res))
	// Let the parent remove what the child left unreadable.
	filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	return res
}

// TestFSDiff runs every scenario on the host and in a cage and compares
// them step by step.
func TestFSDiff(t *testing.T) {
	require.GreaterOrEqual(t, len(fsScenarios), 80)
	seen := map[string]bool{}
	for _, sc := range fsScenarios {
		require.False(t, seen[sc.name], "duplicate scenario %s", sc.name)
		seen[sc.name] = true
	}
	host := hostFSResults(t)
	for _, sc := range fsScenarios {
		t.Run(sc.name, func(t *testing.T) {
			want, ok := host[sc.name]
			require.True(t, ok, "no host results")
			var got []fsResult
			st := runCage(t, func(p *cages.Proc) int {
				if err := p.Mkdir(cageRoot, 0o755); err != nil {
					return fail(t, "Mkdir(%s) = %s", cageRoot, en(err))
				}
				if err := p.Chdir(cageRoot); err != nil {
					return fail(t, "Chdir(%s) = %s", cageRoot, en(err))
				}
				got = runFSSteps(cageFS{p}, sc.steps)
				return 0
			})
			requireStatus(t, exited0, st)
			require.Len(t, got, len(want))
			for i, s := range sc.steps {
				if got[i] != want[i] {
					t.Errorf("step %d %s(%.60q, %.60q, flags %#o, mode %#o, slot %d): gocage %v; linux %v",
						i, s.Op, s.Path, s.Path2, s.Flags, s.Mode, s.Fd, got[i], want[i])
				}
			}
		})
	}
}
