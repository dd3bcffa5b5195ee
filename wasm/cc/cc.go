// Package cc drives the C toolchain that builds programs for cages:
// Debian's clang-19 for wasm32-wasi with wasi-libc, as `gocage cc` runs
// it. It holds no compiler, only the knowledge of which one to run and
// with which flags.
//
// It may import nothing of gocage's.
package cc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

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

// Args returns clang's command line for the user's arguments: the
// wasm32-wasi target and sysroot, then args as given (-O2 -o prog.wasm
// prog.c ...).
func (t *Toolchain) Args(args []string) []string {
	out := []string{"--target=wasm32-wasi", "--sysroot=" + t.Sysroot}
	return append(out, args...)
}

// Run compiles as clang would with args, its output going to stdout and
// stderr.
func (t *Toolchain) Run(args []string, stdout, stderr io.Writer) error {
	cmd := exec.Command(t.Clang, t.Args(args)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}
