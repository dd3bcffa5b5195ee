// Package cc drives the C toolchain that builds programs for cages:
// Debian's clang-19 for wasm32 with gocage's C library — musl, built for
// a wasm32 architecture whose system calls are gocage's (libc/, built on
// first use into the user's cache directory) — as `gocage cc` runs it.
// It holds no compiler, only the knowledge of which one to run and with
// which flags, and the port of musl to gocage.
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

// port holds gocage's port of musl: the wasm32 architecture, the files
// that replace musl's for it, and the script that builds the library.
//
//go:embed all:libc
var port embed.FS

// Packages are the Debian packages the toolchain needs, as `make
// wasm-toolchain` installs them: the compiler, linker and archiver, the
// compiler's runtime, wasm-opt for Asyncify, and wasi-libc (for plain
// WASI builds, which the benchmarks compare with).
const Packages = "clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 wasi-libc binaryen"

// Musl is the musl release gocage's C library is built from: Debian's
// source package of it.
const Musl = "musl_1.2.3.orig.tar.gz"

// ErrMissing is wrapped by Find's error when the toolchain is missing.
var ErrMissing = errors.New("the C toolchain for cages is not installed")

// Toolchain is a located toolchain.
type Toolchain struct {
	// Clang is the clang binary.
	Clang string
	// Ar is the archiver that builds the C library.
	Ar string
	// Builtins is compiler-rt's library for wasm32.
	Builtins string
}

// Find locates the toolchain: clang-19 (or $GOCAGE_CLANG), wasm-ld,
// llvm-ar-19 and compiler-rt for wasm32. Its error names the Debian
// packages to install.
func Find() (*Toolchain, error) {
	missing := func(what string) error {
		return fmt.Errorf("%w: %s not found; install the Debian packages %s (make wasm-toolchain)", ErrMissing, what, Packages)
	}
	clang := os.Getenv("GOCAGE_CLANG")
	if clang == "" {
		clang = "clang-19"
	}
	path, err := exec.LookPath(clang)
	if err != nil {
		return nil, missing(clang)
	}
	if _, err := exec.LookPath("wasm-ld-19"); err != nil {
		if _, err := exec.LookPath("wasm-ld"); err != nil {
			return nil, missing("wasm-ld")
		}
	}
	ar, err := exec.LookPath("llvm-ar-19")
	if err != nil {
		return nil, missing("llvm-ar-19")
	}
	out, err := exec.Command(path, "--target=wasm32-unknown-unknown", "-print-resource-dir").Output()
	if err != nil {
		return nil, missing("clang's resource directory")
	}
	builtins := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasi", "libclang_rt.builtins-wasm32.a")
	if _, err := os.Stat(builtins); err != nil {
		return nil, missing(builtins)
	}
	return &Toolchain{Clang: path, Ar: ar, Builtins: builtins}, nil
}

// compileOnly are the flags after which clang does not link.
var compileOnly = map[string]bool{"-c": true, "-S": true, "-E": true, "-M": true, "-MM": true, "-fsyntax-only": true}

// Defines are the macros gocage cc predefines besides clang's for wasm32:
// the C library is Linux's ABI (musl, Linux's numbers and structures), so
// programs take their Linux paths.
var Defines = []string{"-D__linux__", "-D__linux", "-D__unix__", "-D__unix", "-D__gocage__"}

// StackSize is the C stack of a program, in bytes.
const StackSize = 1 << 20

// Args returns clang's command line for the user's arguments, with the C
// library installed in dir: the wasm32 target, the library's headers
// and nothing of the host's, then args as given (-O2 -o prog.wasm
// prog.c ...), and, when linking, the library's start file before and
// the library and compiler-rt after, the export that fork and setjmp
// need, and --stack-first: the C stack below the data, so that
// overflowing it traps (SIGSEGV) rather than silently overwriting the
// program's static data.
func (t *Toolchain) Args(dir string, args []string) []string {
	out := []string{"--target=wasm32-unknown-unknown", "-nostdlibinc", "-isystem", filepath.Join(dir, "include")}
	out = append(out, Defines...)
	if !linking(args) {
		return append(out, args...)
	}
	out = append(out, "-nostdlib", "-nostartfiles", filepath.Join(dir, "lib", "crt1.o"), "-L"+filepath.Join(dir, "lib"))
	out = append(out, args...)
	return append(out, "-lc", t.Builtins, "-Wl,--export=__stack_pointer", "-Wl,--stack-first",
		fmt.Sprintf("-Wl,-z,stack-size=%d", StackSize))
}

// infoOnly are the flags after which clang prints something and neither
// compiles nor links.
var infoOnly = map[string]bool{"--version": true, "-dumpversion": true, "-dumpmachine": true,
	"--help": true, "-help": true, "-###": true, "-print-search-dirs": true, "-print-targets": true}

// separate are the options whose value is the next argument, which is
// therefore not an input file.
var separate = map[string]bool{"-o": true, "-I": true, "-L": true, "-D": true, "-U": true,
	"-include": true, "-imacros": true, "-isystem": true, "-idirafter": true, "-iquote": true,
	"-iprefix": true, "-x": true, "-MF": true, "-MT": true, "-MQ": true, "-Xlinker": true,
	"-Xclang": true, "-Xpreprocessor": true, "-Xassembler": true, "-mllvm": true, "-target": true,
	"-u": true, "-z": true, "-T": true, "-e": true, "-l": true, "--sysroot": true, "-isysroot": true}

// linking reports whether clang links a program with args: no flag that
// stops before linking or only prints, and at least one input.
func linking(args []string) bool {
	inputs := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case compileOnly[a], infoOnly[a], strings.HasPrefix(a, "-print-"):
			return false
		case separate[a]:
			i++
		case a == "-" || !strings.HasPrefix(a, "-"):
			inputs = true
		}
	}
	return inputs
}

// asyncifyImports are the imports that unwind and rewind the stack.
var asyncifyImports = []string{"gocage.fork", "gocage.setjmp"}

// Run compiles as clang would with args, its output going to stdout and
// stderr; when it linked a program that forks or calls setjmp, it runs
// wasm-opt's Asyncify pass on it, which both need. The first run builds
// the C library (see Prepare).
func (t *Toolchain) Run(args []string, stdout, stderr io.Writer) error {
	dir, err := t.Prepare(stderr)
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
	if !unwinds(bin) {
		return nil
	}
	opt, err := exec.LookPath("wasm-opt")
	if err != nil {
		return fmt.Errorf("%w: wasm-opt not found (it prepares programs that fork); install the Debian packages %s (make wasm-toolchain)", ErrMissing, Packages)
	}
	cmd = exec.Command(opt, optLevel(args), "--asyncify", "--pass-arg=asyncify-imports@"+strings.Join(asyncifyImports, ","), out, "-o", out)
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

// unwinds reports whether the module bin imports fork or setjmp.
func unwinds(bin []byte) bool {
	imports, err := Imports(bin)
	if err != nil {
		return false
	}
	for _, im := range imports {
		for _, a := range asyncifyImports {
			if im == a {
				return true
			}
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

// Prepare returns the directory of the C library (include/, lib/),
// building it the first time: in the user's cache directory, under a
// name that hashes the port and the compiler, from musl's source as
// Debian ships it ($GOCAGE_MUSL names the tarball; otherwise it is
// fetched with apt-get source, once, into the cache). Concurrent gocage
// cc runs build it once. Progress goes to stderr.
func (t *Toolchain) Prepare(stderr io.Writer) (string, error) {
	h := sha256.New()
	h.Write([]byte(t.Clang + "\x00" + Musl + "\x00"))
	fs.WalkDir(port, "libc", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := port.ReadFile(p)
			h.Write([]byte(p + "\x00"))
			h.Write(b)
		}
		return nil
	})
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	base = filepath.Join(base, "gocage")
	dir := filepath.Join(base, "libc-"+hex.EncodeToString(h.Sum(nil))[:16])
	ready := func() bool {
		_, err := os.Stat(filepath.Join(dir, "lib", "libc.a"))
		return err == nil
	}
	if ready() {
		return dir, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(base, "libc.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if ready() { // built while this one waited
		return dir, nil
	}
	tarball, err := muslSource(base, stderr)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, ".libc-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	err = fs.WalkDir(port, "libc", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, "port", strings.TrimPrefix(p, "libc"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := port.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o755)
	})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stderr, "gocage cc: building the C library (musl for wasm32), once, into %s\n", dir)
	out := filepath.Join(tmp, "out")
	cmd := exec.Command("bash", filepath.Join(tmp, "port", "build.sh"), tarball, out)
	cmd.Env = append(os.Environ(), "CLANG="+t.Clang, "AR="+t.Ar)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		stderr.Write(log.Bytes())
		return "", fmt.Errorf("building the C library: %w", err)
	}
	if err := os.Rename(out, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// muslSource returns the path of musl's source tarball: $GOCAGE_MUSL, or
// the copy in the cache directory base, fetched there with apt-get
// source (from a private source list: the system's apt configuration is
// not touched) when it is missing.
func muslSource(base string, stderr io.Writer) (string, error) {
	if p := os.Getenv("GOCAGE_MUSL"); p != "" {
		return p, nil
	}
	src := filepath.Join(base, "src")
	tarball := filepath.Join(src, Musl)
	if _, err := os.Stat(tarball); err == nil {
		return tarball, nil
	}
	fmt.Fprintf(stderr, "gocage cc: fetching musl's source (Debian's package) into %s\n", src)
	for _, d := range []string{"lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(src, d), 0o755); err != nil {
			return "", err
		}
	}
	list := filepath.Join(src, "src.list")
	if err := os.WriteFile(list, []byte("deb-src http://deb.debian.org/debian bookworm main\n"), 0o644); err != nil {
		return "", err
	}
	opts := []string{"-o", "Dir::Etc::SourceList=" + list, "-o", "Dir::Etc::SourceParts=/dev/null",
		"-o", "Dir::State::Lists=" + filepath.Join(src, "lists"), "-o", "Dir::Cache=" + filepath.Join(src, "cache"),
		"-o", "Debug::NoLocking=1", "-q"}
	for _, step := range [][]string{{"update"}, {"source", "--download-only", "musl=1.2.3-1"}} {
		cmd := exec.Command("apt-get", append(append([]string(nil), opts...), step...)...)
		cmd.Dir = src
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Run(); err != nil {
			stderr.Write(log.Bytes())
			return "", fmt.Errorf("fetching musl's source with apt-get (or set GOCAGE_MUSL to %s): %w", Musl, err)
		}
	}
	if _, err := os.Stat(tarball); err != nil {
		return "", fmt.Errorf("apt-get source musl did not bring %s", Musl)
	}
	return tarball, nil
}
