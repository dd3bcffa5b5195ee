package vfs

import (
	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// AT_NO_AUTOMOUNT and AT_STATX_SYNC_TYPE are accepted (and ignored) by
// fstatat(2).
const (
	atNoAutomount   = 0x800
	atStatxSyncType = 0x6000
)

// special reports whether name is not a normal last component: the root
// (""), "." or "..".
func special(name string) bool { return name == "" || name == "." || name == ".." }

// dirStat stats a directory for a create or remove check.
func dirStat(dir Loc) (posix.Stat, posix.Errno) { return dir.n.stat() }

// mayCreate checks that c may create in or remove from dir, as
// fs/namei.c:may_create (write and search permission).
func mayCreate(dir Loc, c Cred) posix.Errno {
	st, err := dirStat(dir)
	if err != 0 {
		return err
	}
	if !permitted(st, c, mayWrite|mayExec) {
		return posix.EACCES
	}
	return 0
}

// mayDelete checks that c may remove victim from dir: write and search
// permission on dir, and the sticky bit's rule, as fs/namei.c:may_delete.
func mayDelete(dir Loc, victim posix.Stat, c Cred) posix.Errno {
	st, err := dirStat(dir)
	if err != 0 {
		return err
	}
	if !permitted(st, c, mayWrite|mayExec) {
		return posix.EACCES
	}
	if st.Mode&posix.S_ISVTX != 0 && c.UID != 0 && uint32(c.UID) != st.Uid && uint32(c.UID) != victim.Uid {
		return posix.EPERM
	}
	return 0
}

// Open opens path, as openat(2) (flags O_*, mode for O_CREAT), and returns
// a description holding one reference.
//
// # Errors
//
//   - ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EACCES: resolution failed.
//   - EINVAL: O_CREAT with O_DIRECTORY.
//   - EEXIST: O_CREAT|O_EXCL and the path exists.
//   - EISDIR: a directory opened for writing, with O_CREAT or O_TRUNC.
//   - ELOOP: O_NOFOLLOW and the last component is a symlink.
//   - EROFS: writing to a read-only mount.
//   - ENXIO: a FIFO opened O_WRONLY|O_NONBLOCK with no reader.
//   - EINTR: a blocking FIFO open was interrupted.
func (fs *FS) Open(ctx *Ctx, at Loc, path string, flags int, mode uint32) (*fdtable.Description, posix.Errno) {
	w := fs.walker(ctx)
	// Linux 6.4+ (build_open_flags) refuses O_CREAT|O_DIRECTORY, O_PATH
	// and O_TMPFILE included, before resolving anything.
	if flags&(posix.O_CREAT|posix.O_DIRECTORY) == posix.O_CREAT|posix.O_DIRECTORY {
		return nil, posix.EINVAL
	}
	if flags&posix.O_TMPFILE == posix.O_TMPFILE {
		return nil, posix.EOPNOTSUPP
	}
	if flags&posix.O_PATH != 0 {
		loc, err := w.resolve(at, path, flags&posix.O_NOFOLLOW == 0)
		if err != 0 {
			return nil, err
		}
		if flags&posix.O_DIRECTORY != 0 {
			st, err := loc.n.stat()
			if err != 0 {
				return nil, err
			}
			if !isDir(st.Mode) {
				return nil, posix.ENOTDIR
			}
		}
		return fdtable.NewDescription(&pathFile{loc: loc}, flags&(posix.O_PATH|posix.O_DIRECTORY|posix.O_NOFOLLOW)), 0
	}
	var loc Loc
	var err posix.Errno
	created := false
	if flags&posix.O_CREAT != 0 {
		loc, created, err = fs.openCreate(w, at, path, flags, mode)
	} else {
		loc, err = w.resolve(at, path, flags&posix.O_NOFOLLOW == 0)
	}
	if err != 0 {
		return nil, err
	}
	st, err := loc.n.stat()
	if err != 0 {
		return nil, err
	}
	if isLink(st.Mode) {
		return nil, posix.ELOOP
	}
	if flags&posix.O_DIRECTORY != 0 && !isDir(st.Mode) {
		return nil, posix.ENOTDIR
	}
	acc := flags & posix.O_ACCMODE
	// O_TRUNC asks for write access (build_open_flags), so a directory
	// refuses it too, as do_open.
	if isDir(st.Mode) && (acc != posix.O_RDONLY || flags&(posix.O_CREAT|posix.O_TRUNC) != 0) {
		return nil, posix.EISDIR
	}
	trunc := flags&posix.O_TRUNC != 0 && isReg(st.Mode)
	if !created {
		var want uint32
		if acc != posix.O_WRONLY {
			want |= mayRead
		}
		if acc != posix.O_RDONLY || flags&posix.O_TRUNC != 0 {
			want |= mayWrite
		}
		if want&mayWrite != 0 && loc.m.readOnly && (isReg(st.Mode) || isDir(st.Mode)) {
			return nil, posix.EROFS
		}
		if !permitted(st, ctx.Cred, want) {
			return nil, posix.EACCES
		}
		if trunc {
			if err := loc.n.setattr(&attrs{setSize: true}); err != 0 {
				return nil, err
			}
		}
	}
	return loc.n.open(ctx, loc, flags|posix.O_LARGEFILE)
}

// openCreate resolves path for open(O_CREAT), creating a regular file if
// it does not exist (following a dangling symlink to create its target, as
// Linux does), and reports whether it created one.
func (fs *FS) openCreate(w *walker, at Loc, path string, flags int, mode uint32) (Loc, bool, posix.Errno) {
	for {
		dir, name, slash, err := w.walkParent(at, path)
		if err != 0 {
			return Loc{}, false, err
		}
		if special(name) || slash {
			return Loc{}, false, posix.EISDIR
		}
		c, err := w.child(dir, name)
		if err == posix.ENOENT {
			if dir.m.readOnly {
				return Loc{}, false, posix.EROFS
			}
			if err := mayCreate(dir, w.ctx.Cred); err != 0 {
				return Loc{}, false, err
			}
			perm := mode &^ uint32(w.ctx.Umask) & 0o7777
			n, err := dir.n.create(w.ctx.Cred, name, posix.S_IFREG|perm, "")
			if err == posix.EEXIST {
				continue // raced with another creator: open theirs
			}
			if err != 0 {
				return Loc{}, false, err
			}
			return Loc{dir.m, n}, true, 0
		}
		if err != 0 {
			return Loc{}, false, err
		}
		if flags&posix.O_EXCL != 0 {
			return Loc{}, false, posix.EEXIST
		}
		st, err := c.n.stat()
		if err != 0 {
			return Loc{}, false, err
		}
		if !isLink(st.Mode) {
			return c, false, 0
		}
		if flags&posix.O_NOFOLLOW != 0 {
			return Loc{}, false, posix.ELOOP
		}
		w.links++
		if w.links > maxLinks {
			return Loc{}, false, posix.ELOOP
		}
		if ml, ok := c.n.(magicLink); ok {
			loc, err := ml.follow(w.ctx)
			return loc, false, err
		}
		target, err := c.n.readlink(w.ctx)
		if err != 0 {
			return Loc{}, false, err
		}
		if err := checkPath(target); err != 0 {
			return Loc{}, false, err
		}
		at, path = dir, target
	}
}

// Stat describes path, as fstatat(2) (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH).
func (fs *FS) Stat(ctx *Ctx, at Loc, path string, flags int) (posix.Stat, posix.Errno) {
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH|atNoAutomount|atStatxSyncType) != 0 {
		return posix.Stat{}, posix.EINVAL
	}
	loc, err := fs.locAt(ctx, at, path, flags, flags&posix.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return posix.Stat{}, err
	}
	return loc.n.stat()
}

// locAt resolves path, or with AT_EMPTY_PATH and an empty path returns at.
func (fs *FS) locAt(ctx *Ctx, at Loc, path string, flags int, follow bool) (Loc, posix.Errno) {
	w := fs.walker(ctx)
	if path == "" && flags&posix.AT_EMPTY_PATH != 0 {
		return w.start(at), 0
	}
	return w.resolve(at, path, follow)
}

// Mkdir creates a directory, as mkdirat(2).
//
// # Errors
//
//   - EEXIST: the path exists (even as a dangling symlink).
//   - EROFS: a read-only mount.
//   - EACCES: no write or search permission on the parent.
func (fs *FS) Mkdir(ctx *Ctx, at Loc, path string, mode uint32) posix.Errno {
	w := fs.walker(ctx)
	dir, name, _, err := w.walkParent(at, path)
	if err != 0 {
		return err
	}
	if special(name) {
		return posix.EEXIST
	}
	if _, err := w.child(dir, name); err != posix.ENOENT {
		if err == 0 {
			return posix.EEXIST
		}
		return err
	}
	if dir.m.readOnly {
		return posix.EROFS
	}
	if err := mayCreate(dir, ctx.Cred); err != 0 {
		return err
	}
	perm := mode & (0o777 | posix.S_ISVTX) &^ uint32(ctx.Umask)
	_, err = dir.n.create(ctx.Cred, name, posix.S_IFDIR|perm, "")
	return err
}

// Mknod creates a FIFO or a regular file, as mknodat(2); other types EPERM.
func (fs *FS) Mknod(ctx *Ctx, at Loc, path string, mode uint32, dev uint64) posix.Errno {
	typ := mode & posix.S_IFMT
	switch typ {
	case 0:
		typ = posix.S_IFREG
	case posix.S_IFREG, posix.S_IFIFO, posix.S_IFCHR, posix.S_IFBLK, posix.S_IFSOCK:
	case posix.S_IFDIR:
		return posix.EPERM
	default:
		return posix.EINVAL
	}
	w := fs.walker(ctx)
	dir, name, slash, err := w.walkParent(at, path)
	if err != 0 {
		return err
	}
	if special(name) {
		return posix.EEXIST
	}
	if _, err := w.child(dir, name); err != posix.ENOENT {
		if err == 0 {
			return posix.EEXIST
		}
		return err
	}
	if slash {
		return posix.ENOENT
	}
	if dir.m.readOnly {
		return posix.EROFS
	}
	if err := mayCreate(dir, ctx.Cred); err != 0 {
		return err
	}
	if typ != posix.S_IFREG && typ != posix.S_IFIFO {
		return posix.EPERM // no CAP_MKNOD; sockets are not modelled
	}
	perm := mode & 0o7777 &^ uint32(ctx.Umask)
	_, err = dir.n.create(ctx.Cred, name, typ|perm, "")
	return err
}

// Unlink removes a file, or with AT_REMOVEDIR a directory, as unlinkat(2).
//
// # Errors
//
//   - EISDIR: unlink of a directory. ENOTDIR: rmdir of a non-directory, or
//     a trailing slash on a non-directory.
//   - ENOTEMPTY: the directory has entries (or the path ends in "..").
//   - EINVAL: rmdir of ".". EBUSY: a mountpoint or the root.
//   - EACCES: no write or search permission on the parent; EPERM: the
//     sticky bit forbids it.
func (fs *FS) Unlink(ctx *Ctx, at Loc, path string, flags int) posix.Errno {
	if flags&^posix.AT_REMOVEDIR != 0 {
		return posix.EINVAL
	}
	rmdir := flags&posix.AT_REMOVEDIR != 0
	w := fs.walker(ctx)
	dir, name, slash, err := w.walkParent(at, path)
	if err != 0 {
		return err
	}
	if rmdir {
		switch name {
		case "":
			return posix.EBUSY
		case ".":
			return posix.EINVAL
		case "..":
			return posix.ENOTEMPTY
		}
	} else if special(name) {
		return posix.EISDIR
	}
	if dir.m.readOnly {
		return posix.EROFS
	}
	c, err := w.child(dir, name)
	if err != 0 {
		return err
	}
	st, err := c.n.stat()
	if err != 0 {
		return err
	}
	// As do_unlinkat and vfs_unlink/vfs_rmdir: an unlink with a trailing
	// slash fails by the file's type alone; otherwise permission
	// (may_delete) is checked before the type.
	if !rmdir && slash {
		if isDir(st.Mode) {
			return posix.EISDIR
		}
		return posix.ENOTDIR
	}
	if err := mayDelete(dir, st, ctx.Cred); err != 0 {
		return err
	}
	if rmdir && !isDir(st.Mode) {
		return posix.ENOTDIR
	}
	if !rmdir && isDir(st.Mode) {
		return posix.EISDIR
	}
	if c.m != dir.m {
		return posix.EBUSY
	}
	return dir.n.remove(name, rmdir)
}

// Rename renames, as renameat2(2) (flags RENAME_NOREPLACE,
// RENAME_EXCHANGE).
//
// # Errors
//
//   - EXDEV: the two paths are on different mounts.
//   - EINVAL: a directory moved into its own subtree; unknown flags.
//   - ENOTEMPTY: the target is a non-empty directory.
//   - ENOTDIR: a directory onto a non-directory; EISDIR the reverse.
//   - EBUSY: "." or ".." as either last component, or a mountpoint.
//   - EEXIST: RENAME_NOREPLACE and the target exists.
func (fs *FS) Rename(ctx *Ctx, oldAt Loc, oldPath string, newAt Loc, newPath string, flags int) posix.Errno {
	if flags&^(RENAME_NOREPLACE|RENAME_EXCHANGE) != 0 ||
		flags&RENAME_NOREPLACE != 0 && flags&RENAME_EXCHANGE != 0 {
		return posix.EINVAL
	}
	w := fs.walker(ctx)
	od, on, oslash, err := w.walkParent(oldAt, oldPath)
	if err != 0 {
		return err
	}
	nd, nn, nslash, err := w.walkParent(newAt, newPath)
	if err != 0 {
		return err
	}
	if special(on) || special(nn) {
		return posix.EBUSY
	}
	if od.m != nd.m {
		return posix.EXDEV
	}
	if od.m.readOnly {
		return posix.EROFS
	}
	oc, err := w.child(od, on)
	if err != 0 {
		return err
	}
	ost, err := oc.n.stat()
	if err != 0 {
		return err
	}
	nc, nerr := w.child(nd, nn)
	if nerr != 0 && nerr != posix.ENOENT {
		return nerr
	}
	// do_renameat2's checks, in its order, all before permission: the
	// target's existence for RENAME_NOREPLACE and RENAME_EXCHANGE,
	// trailing slashes on non-directories, the ancestor traps of
	// lock_rename, then (vfs_rename) the same file on both sides.
	var nst posix.Stat
	if nerr == 0 {
		if nst, err = nc.n.stat(); err != 0 {
			return err
		}
	}
	if flags&RENAME_NOREPLACE != 0 && nerr == 0 {
		return posix.EEXIST
	}
	if flags&RENAME_EXCHANGE != 0 {
		if nerr != 0 {
			return posix.ENOENT
		}
		if nslash && !isDir(nst.Mode) {
			return posix.ENOTDIR
		}
	}
	if !isDir(ost.Mode) && (oslash || nslash && flags&RENAME_EXCHANGE == 0) {
		return posix.ENOTDIR
	}
	if oc.m != od.m || nerr == 0 && nc.m != nd.m {
		return posix.EBUSY
	}
	if isDir(ost.Mode) && w.isAncestor(oc, nd) {
		return posix.EINVAL
	}
	if nerr == 0 && isDir(nst.Mode) && w.isAncestor(nc, od) {
		if flags&RENAME_EXCHANGE != 0 {
			return posix.EINVAL
		}
		return posix.ENOTEMPTY
	}
	if nerr == 0 && nc.n.key() == oc.n.key() {
		return 0
	}
	if err := mayDelete(od, ost, ctx.Cred); err != 0 {
		return err
	}
	if nerr == 0 {
		nst, err := nc.n.stat()
		if err != 0 {
			return err
		}
		if err := mayDelete(nd, nst, ctx.Cred); err != 0 {
			return err
		}
	} else if err := mayCreate(nd, ctx.Cred); err != 0 {
		return err
	}
	return od.n.rename(ctx.Cred, on, nd.n, nn, flags)
}

// Link makes a hard link, as linkat(2) (AT_SYMLINK_FOLLOW, AT_EMPTY_PATH).
//
// # Errors
//
//   - EEXIST: the new path exists. EXDEV: different mounts.
//   - EPERM: the old path is a directory, or (protected_hardlinks) a file
//     the caller neither owns nor may read and write.
func (fs *FS) Link(ctx *Ctx, oldAt Loc, oldPath string, newAt Loc, newPath string, flags int) posix.Errno {
	if flags&^(posix.AT_SYMLINK_FOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return posix.EINVAL
	}
	if oldPath == "" && flags&posix.AT_EMPTY_PATH != 0 && ctx.Cred.UID != 0 {
		return posix.ENOENT // needs CAP_DAC_READ_SEARCH
	}
	w := fs.walker(ctx)
	old, err := fs.locAt(ctx, oldAt, oldPath, flags, flags&posix.AT_SYMLINK_FOLLOW != 0)
	if err != 0 {
		return err
	}
	nd, nn, nslash, err := w.walkParent(newAt, newPath)
	if err != 0 {
		return err
	}
	if special(nn) {
		return posix.EEXIST
	}
	if _, err := w.child(nd, nn); err != posix.ENOENT {
		if err == 0 {
			return posix.EEXIST
		}
		return err
	}
	if nslash {
		return posix.ENOENT
	}
	if old.m != nd.m {
		return posix.EXDEV
	}
	if nd.m.readOnly {
		return posix.EROFS
	}
	if err := mayCreate(nd, ctx.Cred); err != 0 {
		return err
	}
	st, err := old.n.stat()
	if err != 0 {
		return err
	}
	if isDir(st.Mode) {
		return posix.EPERM
	}
	if ctx.Cred.UID != 0 && uint32(ctx.Cred.UID) != st.Uid &&
		!(isReg(st.Mode) && permitted(st, ctx.Cred, mayRead|mayWrite)) {
		return posix.EPERM
	}
	return nd.n.link(nn, old.n)
}

// Symlink creates a symbolic link at path holding target, as symlinkat(2).
func (fs *FS) Symlink(ctx *Ctx, target string, at Loc, path string) posix.Errno {
	if target == "" {
		return posix.ENOENT
	}
	if len(target) >= pathMax {
		return posix.ENAMETOOLONG
	}
	w := fs.walker(ctx)
	dir, name, slash, err := w.walkParent(at, path)
	if err != 0 {
		return err
	}
	if special(name) {
		return posix.EEXIST
	}
	if _, err := w.child(dir, name); err != posix.ENOENT {
		if err == 0 {
			return posix.EEXIST
		}
		return err
	}
	if slash {
		return posix.ENOENT
	}
	if dir.m.readOnly {
		return posix.EROFS
	}
	if err := mayCreate(dir, ctx.Cred); err != 0 {
		return err
	}
	_, err = dir.n.create(ctx.Cred, name, posix.S_IFLNK|0o777, target)
	return err
}

// Readlink returns a symbolic link's target, as readlinkat(2); an empty
// path reads the link at itself refers to (an O_PATH|O_NOFOLLOW fd).
func (fs *FS) Readlink(ctx *Ctx, at Loc, path string) (string, posix.Errno) {
	loc, err := fs.locAt(ctx, at, path, posix.AT_EMPTY_PATH, false)
	if err != 0 {
		return "", err
	}
	if path == "" && at.IsZero() {
		return "", posix.ENOENT
	}
	st, err := loc.n.stat()
	if err != 0 {
		return "", err
	}
	if !isLink(st.Mode) {
		if path == "" {
			return "", posix.ENOENT
		}
		return "", posix.EINVAL
	}
	return loc.n.readlink(ctx)
}

// Chmod changes permission bits, as fchmodat(2) (AT_SYMLINK_NOFOLLOW:
// EOPNOTSUPP on a symlink, as fchmodat2).
func (fs *FS) Chmod(ctx *Ctx, at Loc, path string, mode uint32, flags int) posix.Errno {
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return posix.EINVAL
	}
	loc, err := fs.locAt(ctx, at, path, flags, flags&posix.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	return chmodLoc(ctx, loc, mode)
}

// chmodLoc implements chmod(2) on a resolved file.
func chmodLoc(ctx *Ctx, loc Loc, mode uint32) posix.Errno {
	st, err := loc.n.stat()
	if err != 0 {
		return err
	}
	if isLink(st.Mode) {
		return posix.EOPNOTSUPP
	}
	if loc.m.readOnly {
		return posix.EROFS
	}
	c := ctx.Cred
	if c.UID != 0 && uint32(c.UID) != st.Uid {
		return posix.EPERM
	}
	mode &= 0o7777
	if c.UID != 0 && uint32(c.GID) != st.Gid {
		mode &^= posix.S_ISGID
	}
	return loc.n.setattr(&attrs{setMode: true, mode: mode})
}

// Chown changes owner and group (-1 keeps one), as fchownat(2). An
// unprivileged owner may only set the group to its own.
func (fs *FS) Chown(ctx *Ctx, at Loc, path string, uid, gid int, flags int) posix.Errno {
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return posix.EINVAL
	}
	loc, err := fs.locAt(ctx, at, path, flags, flags&posix.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	return chownLoc(ctx, loc, uid, gid)
}

// chownLoc implements chown(2) on a resolved file, as fs/attr.c:chown_ok
// and chgrp_ok.
func chownLoc(ctx *Ctx, loc Loc, uid, gid int) posix.Errno {
	if loc.m.readOnly {
		return posix.EROFS
	}
	st, err := loc.n.stat()
	if err != 0 {
		return err
	}
	c := ctx.Cred
	a := attrs{}
	if uid != -1 {
		if c.UID != 0 && (uint32(c.UID) != st.Uid || uint32(uid) != st.Uid) {
			return posix.EPERM
		}
		a.setUID, a.uid = true, uid
	}
	if gid != -1 {
		if c.UID != 0 && (uint32(c.UID) != st.Uid || gid != c.GID && uint32(gid) != st.Gid) {
			return posix.EPERM
		}
		a.setGID, a.gid = true, gid
	}
	a.clearSetID = (a.setUID || a.setGID) && !isDir(st.Mode)
	return loc.n.setattr(&a)
}

// Utimens sets access and modification times (nil: now), as utimensat(2).
func (fs *FS) Utimens(ctx *Ctx, at Loc, path string, times *[2]posix.Timespec, flags int) posix.Errno {
	if flags&^(posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return posix.EINVAL
	}
	if err := checkTimes(times); err != 0 {
		return err
	}
	loc, err := fs.locAt(ctx, at, path, flags, flags&posix.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	return fs.utimesLoc(ctx, loc, times)
}

// checkTimes rejects a timespec that is neither valid nor special.
func checkTimes(times *[2]posix.Timespec) posix.Errno {
	if times == nil {
		return 0
	}
	for _, t := range times {
		if t.Nsec != UTIME_NOW && t.Nsec != UTIME_OMIT && !t.Valid() {
			return posix.EINVAL
		}
	}
	return 0
}

// utimesLoc implements utimensat(2) on a resolved file, as
// fs/utimes.c:vfs_utimes.
func (fs *FS) utimesLoc(ctx *Ctx, loc Loc, times *[2]posix.Timespec) posix.Errno {
	now := timespec(fs.opts.Clock())
	a := attrs{}
	explicit := false
	if times == nil {
		a.setAtime, a.atime, a.setMtime, a.mtime = true, now, true, now
	} else {
		for i, t := range times {
			v := t
			switch t.Nsec {
			case UTIME_OMIT:
				continue
			case UTIME_NOW:
				v = now
			default:
				explicit = true
			}
			if i == 0 {
				a.setAtime, a.atime = true, v
			} else {
				a.setMtime, a.mtime = true, v
			}
		}
		if !a.setAtime && !a.setMtime {
			return 0
		}
	}
	if loc.m.readOnly {
		return posix.EROFS
	}
	st, err := loc.n.stat()
	if err != 0 {
		return err
	}
	c := ctx.Cred
	if c.UID != 0 && uint32(c.UID) != st.Uid {
		if explicit {
			return posix.EPERM
		}
		if !permitted(st, c, mayWrite) {
			return posix.EACCES
		}
	}
	return loc.n.setattr(&a)
}

// Truncate sets a file's size, as truncate(2).
//
// # Errors
//
//   - EINVAL: a negative size, or not a regular file (a FIFO, a device).
//   - EISDIR: a directory. EROFS: a read-only mount. EACCES: no write
//     permission.
func (fs *FS) Truncate(ctx *Ctx, at Loc, path string, size int64) posix.Errno {
	if size < 0 {
		return posix.EINVAL
	}
	loc, err := fs.walker(ctx).resolve(at, path, true)
	if err != 0 {
		return err
	}
	st, err := loc.n.stat()
	if err != 0 {
		return err
	}
	switch {
	case isDir(st.Mode):
		return posix.EISDIR
	case !isReg(st.Mode):
		return posix.EINVAL
	case loc.m.readOnly:
		return posix.EROFS
	case !permitted(st, ctx.Cred, mayWrite):
		return posix.EACCES
	}
	return loc.n.setattr(&attrs{setSize: true, size: size})
}

// Access checks permission, as faccessat2(2) (mode F_OK or R_OK|W_OK|X_OK).
func (fs *FS) Access(ctx *Ctx, at Loc, path string, mode int, flags int) posix.Errno {
	if mode&^7 != 0 || flags&^(posix.AT_EACCESS|posix.AT_SYMLINK_NOFOLLOW|posix.AT_EMPTY_PATH) != 0 {
		return posix.EINVAL
	}
	loc, err := fs.locAt(ctx, at, path, flags, flags&posix.AT_SYMLINK_NOFOLLOW == 0)
	if err != 0 {
		return err
	}
	if mode == posix.F_OK {
		return 0
	}
	st, err := loc.n.stat()
	if err != 0 {
		return err
	}
	if mode&posix.W_OK != 0 && loc.m.readOnly && (isReg(st.Mode) || isDir(st.Mode) || isLink(st.Mode)) {
		return posix.EROFS
	}
	if !permitted(st, ctx.Cred, uint32(mode)) {
		return posix.EACCES
	}
	return 0
}

// Statfs describes the filesystem holding path, as statfs(2).
func (fs *FS) Statfs(ctx *Ctx, at Loc, path string) (Statfs, posix.Errno) {
	loc, err := fs.walker(ctx).resolve(at, path, true)
	if err != 0 {
		return Statfs{}, err
	}
	return statfsOf(loc.m), 0
}

// statfsOf describes mount m.
func statfsOf(m *mount) Statfs {
	s := Statfs{Type: m.magic, Bsize: 4096, Frsize: 4096, Namelen: nameMax,
		Fsid: [2]int32{int32(m.dev), 0}}
	if m.mem != nil {
		s.Blocks = uint64(m.mem.limit / 4096)
		free := uint64(max(0, m.mem.limit-m.mem.used.Load()) / 4096)
		s.Bfree, s.Bavail = free, free
		s.Files = uint64(m.mem.limit / 1024)
		s.Ffree = s.Files - min(s.Files, m.mem.nextIno.Load())
	}
	const stRdonly, stNosuid, stNodev = 1, 2, 4
	s.Flags = stNosuid | stNodev
	if m.readOnly {
		s.Flags |= stRdonly
	}
	return s
}

// Chdir resolves path to a directory the caller may search, as chdir(2).
func (fs *FS) Chdir(ctx *Ctx, at Loc, path string) (Loc, posix.Errno) {
	loc, err := fs.walker(ctx).resolve(at, path, true)
	if err != 0 {
		return Loc{}, err
	}
	st, err := loc.n.stat()
	if err != 0 {
		return Loc{}, err
	}
	if !isDir(st.Mode) {
		return Loc{}, posix.ENOTDIR
	}
	if !permitted(st, ctx.Cred, mayExec) {
		return Loc{}, posix.EACCES
	}
	return loc, 0
}

// Realpath returns the absolute path that path names, relative to at,
// with every symlink resolved as the caller's resolution would (a final
// symlink only if follow), "." and ".." gone: the name under which a
// grate checks what a call touches. The final component need not exist
// (so the target of a creating call has a name); every directory before
// it must.
func (fs *FS) Realpath(ctx *Ctx, at Loc, p string, follow bool) (string, posix.Errno) {
	w := fs.walker(ctx)
	for hops := 0; ; hops++ {
		dir, name, _, err := w.walkParent(at, p)
		if err != 0 {
			return "", err
		}
		switch name {
		case "", ".":
			return fs.Getcwd(dir)
		case "..":
			return fs.Getcwd(w.parent(dir))
		}
		base, err := fs.Getcwd(dir)
		if err != 0 {
			return "", err
		}
		full := base + "/" + name
		if base == "/" {
			full = "/" + name
		}
		if !follow {
			return full, 0
		}
		loc, err := w.child(dir, name)
		if err != 0 {
			return full, 0 // not there (yet): its name is its path
		}
		st, err := loc.n.stat()
		if err != 0 || !isLink(st.Mode) {
			return full, 0
		}
		if hops >= maxLinks {
			return "", posix.ELOOP
		}
		target, err := loc.n.readlink(ctx)
		if err != 0 {
			return "", err
		}
		if target == "" {
			return "", posix.ENOENT
		}
		at, p = dir, target
	}
}
