// Package cc drives the C toolchain that builds programs for cages:
// Debian's clang-19 for wasm32-wasi with wasi-libc, as `gocage cc` runs
// it. It holds no compiler, only the knowledge of which one to run and
// with which flags.
//
// It may import nothing of gocage's.
package cc

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// sysroot holds gocage's overlay headers and C runtime.
//
//go:embed sysroot
var sysroot embed.FS

// Packages are the Debian packages the toolchain needs, as `make
// wasm-toolchain` installs them.
const Packages = "clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc binaryen"

// ErrMissing is wrapped by Find's error when the toolchain is missing.
var ErrMissing = errors.New("the C toolchain for cages is not installed")

// Toolchain is a located toolchain.
type Toolchain struct {
	// Clang is the clang binary.
	Clang string
	// Sysroot holds wasi-libc (include/wasm32-wasi, lib/wasm32-wasi).
	Sysroot string
}

// Find locates the toolchain: clang-19 (or $GOCAGE_CLANG) and wasi-libc
// under /usr (or $GOCAGE_WASI_SYSROOT). Its error names the Debian
// packages to install.
func Find() (*Toolchain, error) {
	clang := os.Getenv("GOCAGE_CLANG")
	if clang == "" {
		clang = "clang-19"
	}
	path, err := exec.LookPath(clang)
	if err != nil {
		return nil, fmt.Errorf("%w: %s not found; install the Debian packages %s (make wasm-toolchain)", ErrMissing, clang, Packages)
	}
	sysroot := os.Getenv("GOCAGE_WASI_SYSROOT")
	if sysroot == "" {
		sysroot = "/usr"
	}
	if _, err := os.Stat(filepath.Join(sysroot, "lib", "wasm32-wasi", "libc.a")); err != nil {
		return nil, fmt.Errorf("%w: wasi-libc not found under %s; install the Debian packages %s (make wasm-toolchain)", ErrMissing, sysroot, Packages)
	}
	if _, err := exec.LookPath("wasm-ld-19"); err != nil {
		if _, err := exec.LookPath("wasm-ld"); err != nil {
			return nil, fmt.Errorf("%w: wasm-ld not found; install the Debian packages %s (make wasm-toolchain)", ErrMissing, Packages)
		}
	}
	return &Toolchain{Clang: path, Sysroot: sysroot}, nil
}

// compileOnly are the flags after which clang does not link.
var compileOnly = map[string]bool{"-c": true, "-S": true, "-E": true, "-M": true, "-MM": true, "-fsyntax-only": true}

// Args returns clang's command line for the user's arguments: the
// wasm32-wasi target and sysroot, gocage's headers before wasi-libc's,
// then args as given (-O2 -o prog.wasm prog.c ...), and, when linking,
// gocage's runtime object (before libc, so its pipe, fcntl, poll... are
// the ones linked), the export that fork needs, the wrapper that gives
// open its O_CLOEXEC, and --stack-first: the C stack below the data, so
// that overflowing it traps (SIGSEGV) rather than silently overwriting
// the program's static data, which wasm-ld's default layout puts below
// the stack.
func (t *Toolchain) Args(dir string, args []string) []string {
	out := []string{"--target=wasm32-wasi", "--sysroot=" + t.Sysroot,
		"-isystem", filepath.Join(dir, "include"), "-include", "gocage_prelude.h"}
	out = append(out, args...)
	if !linking(args) {
		return out
	}
	return append(out, filepath.Join(dir, "gocage.o"), "-Wl,--export=__stack_pointer",
		"-Wl,--wrap=__wasilibc_nocwd_openat_nomode", "-Wl,--stack-first")
}

// linking reports whether clang links with args.
func linking(args []string) bool {
	for _, a := range args {
		if compileOnly[a] {
			return false
		}
	}
	return true
}

// Run compiles as clang would with args, its output going to stdout and
// stderr; when it linked a program that forks, it runs wasm-opt's
// Asyncify pass on it, which fork needs.
func (t *Toolchain) Run(args []string, stdout, stderr io.Writer) error {
	dir, err := t.prepare(stderr)
	if err != nil {
		return err
	}
	cmd := exec.Command(t.Clang, t.Args(dir, args)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return err
	}
	if !linking(args) {
		return nil
	}
	out := outputOf(args)
	bin, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if !importsFork(bin) {
		return nil
	}
	opt, err := exec.LookPath("wasm-opt")
	if err != nil {
		return fmt.Errorf("%w: wasm-opt not found (it prepares programs that fork); install the Debian packages %s (make wasm-toolchain)", ErrMissing, Packages)
	}
	cmd = exec.Command(opt, optLevel(args), "--asyncify", "--pass-arg=asyncify-imports@gocage.fork", out, "-o", out)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}

// outputOf returns the file clang writes: -o's argument, or a.out.
func outputOf(args []string) string {
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			return args[i+1]
		}
		if strings.HasPrefix(a, "-o") && len(a) > 2 {
			return a[2:]
		}
	}
	return "a.out"
}

// optLevel returns the user's -O flag for wasm-opt, -O1 if none.
func optLevel(args []string) string {
	level := "-O1"
	for _, a := range args {
		switch a {
		case "-O0", "-O1", "-O2", "-O3", "-O4", "-Os", "-Oz":
			level = a
		case "-O":
			level = "-O1"
		}
	}
	if level == "-O0" {
		level = "-O1" // Asyncify unoptimized is several times larger
	}
	return level
}

// importsFork reports whether the module bin imports gocage's fork.
func importsFork(bin []byte) bool {
	imports, err := Imports(bin)
	if err != nil {
		return false
	}
	for _, im := range imports {
		if im == "gocage.fork" {
			return true
		}
	}
	return false
}

// Imports lists the functions, memories, tables and globals a module
// imports, as "module.name".
func Imports(bin []byte) ([]string, error) {
	if len(bin) < 8 || !bytes.Equal(bin[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly module")
	}
	r := &reader{b: bin[8:]}
	for len(r.b) > 0 {
		id := r.byte()
		size := r.uleb()
		if r.err != nil || uint64(len(r.b)) < size {
			return nil, errors.New("truncated module")
		}
		body := r.b[:size]
		r.b = r.b[size:]
		if id != 2 {
			continue
		}
		sr := &reader{b: body}
		n := sr.uleb()
		var out []string
		for i := uint64(0); i < n && sr.err == nil; i++ {
			mod, name := sr.name(), sr.name()
			switch kind := sr.byte(); kind {
			case 0: // function
				sr.uleb()
			case 1: // table
				sr.byte()
				sr.limits()
			case 2: // memory
				sr.limits()
			case 3: // global
				sr.byte()
				sr.byte()
			default:
				return nil, errors.New("bad import kind")
			}
			out = append(out, mod+"."+name)
		}
		return out, sr.err
	}
	return nil, nil
}

// reader decodes a module's bytes.
type reader struct {
	b   []byte
	err error
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uleb() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("bad LEB128")
	return 0
}

func (r *reader) name() string {
	n := r.uleb()
	if uint64(len(r.b)) < n {
		r.err = io.ErrUnexpectedEOF
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uleb()
	}
	r.uleb()
}

// prepare writes gocage's headers and runtime to a cache directory named
// after their hash and compiles the runtime there, once; it returns the
// directory.
func (t *Toolchain) prepare(stderr io.Writer) (string, error) {
	h := sha256.New()
	h.Write([]byte(t.Clang + "\x00" + t.Sysroot + "\x00"))
	fs.WalkDir(sysroot, "sysroot", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := sysroot.ReadFile(p)
			h.Write([]byte(p + "\x00"))
			h.Write(b)
		}
		return nil
	})
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "gocage", "cc-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "gocage.o")); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".cc-")
	if err != nil {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return "", err
		}
		if tmp, err = os.MkdirTemp(filepath.Dir(dir), ".cc-"); err != nil {
			return "", err
		}
	}
	defer os.RemoveAll(tmp)
	err = fs.WalkDir(sysroot, "sysroot", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, strings.TrimPrefix(p, "sysroot"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := sysroot.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return "", err
	}
	cmd := exec.Command(t.Clang, "--target=wasm32-wasi", "--sysroot="+t.Sysroot, "-O2",
		"-isystem", filepath.Join(tmp, "include"), "-include", "gocage_prelude.h",
		"-c", "-o", filepath.Join(tmp, "gocage.o"), filepath.Join(tmp, "gocage.c"))
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("compiling gocage's C runtime: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "gocage.o")); serr == nil {
			return dir, nil // another gocage cc got there first
		}
		return "", err
	}
	return dir, nil
}
