package vfs

import (
	"bytes"

	"github.com/gocage/gocage/fdtable"
	"github.com/gocage/gocage/posix"
)

// binprmBufSize is how much of a file Linux reads to find its format
// (BINPRM_BUF_SIZE).
const binprmBufSize = 256

// Exec finds what execve(2) of path runs: EACCES unless a regular file with
// execute permission; ENOEXEC for an unknown format.
//
// # Errors
//
//   - ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG: resolution failed.
//   - EACCES: not a regular file (a directory, a FIFO), or no execute
//     permission.
//   - ENOEXEC: neither an installed program, a WebAssembly module nor a
//     valid "#!" script.
func (fs *FS) Exec(ctx *Ctx, at Loc, path string) (Executable, posix.Errno) {
	loc, err := fs.walker(ctx).resolve(at, path, true)
	if err != 0 {
		return Executable{}, err
	}
	st, err := loc.n.stat()
	if err != 0 {
		return Executable{}, err
	}
	if !isReg(st.Mode) || !permitted(st, ctx.Cred, mayExec) {
		return Executable{}, posix.EACCES
	}
	p, _ := fs.pathOf(loc)
	if n, ok := loc.n.(*inode); ok {
		n.mu.RLock()
		prog := n.prog
		n.mu.RUnlock()
		if prog != nil {
			return Executable{Kind: ExecProgram, Path: p, Program: prog}, 0
		}
	}
	data, err := readAll(ctx, loc)
	if err != 0 {
		return Executable{}, err
	}
	if bytes.HasPrefix(data, []byte("\x00asm")) {
		return Executable{Kind: ExecWasm, Path: p, Data: data}, 0
	}
	interp, arg, err := parseShebang(data)
	if err != 0 {
		return Executable{}, err
	}
	return Executable{Kind: ExecScript, Path: p, Interp: interp, InterpArg: arg}, 0
}

// readAll reads the whole file at loc, whatever its permissions (the
// kernel reads what it executes).
func readAll(ctx *Ctx, loc Loc) ([]byte, posix.Errno) {
	d, err := loc.n.open(ctx, loc, posix.O_RDONLY)
	if err != 0 {
		return nil, err
	}
	defer d.DecRef()
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := d.File().Read(fdtable.HostTask{}, d, buf)
		out = append(out, buf[:n]...)
		if err != 0 || n == 0 {
			return out, err
		}
	}
}

// spacetab reports whether c is a space or a tab.
func spacetab(c byte) bool { return c == ' ' || c == '\t' }

// parseShebang parses a "#!interpreter [arg]" line as Linux 6.x's
// fs/binfmt_script.c:load_script: within the first 256 bytes, the
// interpreter runs to the first space, tab or NUL, and the rest of the
// line, trimmed, is one optional argument. A line that does not end
// within 256 bytes is accepted only if the interpreter's name ends there.
func parseShebang(data []byte) (string, string, posix.Errno) {
	if len(data) < 2 || data[0] != '#' || data[1] != '!' {
		return "", "", posix.ENOEXEC
	}
	var buf [binprmBufSize]byte
	copy(buf[:], data)
	bufEnd := binprmBufSize - 1
	// nextNonSpacetab returns the first index in [i, end) not a space or
	// tab, or -1.
	nextNonSpacetab := func(i, end int) int {
		for ; i < end; i++ {
			if !spacetab(buf[i]) {
				return i
			}
		}
		return -1
	}
	// nextTerminator returns the first index in [i, end) that is a
	// space, tab or NUL, or -1.
	nextTerminator := func(i, end int) int {
		for ; i < end; i++ {
			if spacetab(buf[i]) || buf[i] == 0 {
				return i
			}
		}
		return -1
	}
	iEnd := bytes.IndexByte(buf[:], '\n')
	if iEnd < 0 {
		iEnd = nextNonSpacetab(2, bufEnd)
		if iEnd < 0 {
			return "", "", posix.ENOEXEC // all spaces and tabs
		}
		if nextTerminator(iEnd, bufEnd) < 0 {
			return "", "", posix.ENOEXEC // the interpreter's name is cut
		}
		iEnd = bufEnd
	}
	for iEnd > 2 && spacetab(buf[iEnd-1]) {
		iEnd--
	}
	buf[iEnd] = 0
	iName := nextNonSpacetab(2, iEnd)
	if iName < 0 || iName == iEnd {
		return "", "", posix.ENOEXEC
	}
	cstr := func(i int) string {
		j := bytes.IndexByte(buf[i:], 0)
		return string(buf[i : i+j])
	}
	arg := ""
	iSep := nextTerminator(iName, iEnd)
	if iSep >= 0 && buf[iSep] != 0 {
		if iArg := nextNonSpacetab(iSep, iEnd); iArg >= 0 {
			arg = cstr(iArg)
		}
		buf[iSep] = 0
	}
	interp := cstr(iName)
	if interp == "" {
		return "", "", posix.ENOEXEC
	}
	return interp, arg, 0
}
