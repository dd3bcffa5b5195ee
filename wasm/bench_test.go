package wasm_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/wasm"
	"github.com/gocage/gocage/wasm/cc"
)

// benchBuilds caches the benchmark programs, by name and flags.
var benchBuilds sync.Map

// buildBench compiles testdata/name.c with gocage cc and extra flags, or
// natively with the host's cc when native is set.
func buildBench(b *testing.B, name string, native bool, flags ...string) string {
	b.Helper()
	key := fmt.Sprint(name, native, flags)
	if v, ok := benchBuilds.Load(key); ok {
		return v.(string)
	}
	src := filepath.Join("testdata", name+".c")
	var out string
	var stderr bytes.Buffer
	if native {
		ccPath, err := exec.LookPath("cc")
		if err != nil {
			b.Skip("no native C compiler (cc) for the host twin")
		}
		out = filepath.Join(buildDir, name+".native")
		cmd := exec.Command(ccPath, append(append([]string{"-O2", "-o", out}, flags...), src)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("cc %s: %v\n%s", name, err, stderr.String())
		}
	} else {
		tc, err := cc.Find()
		if err != nil {
			b.Skip(err)
		}
		out = filepath.Join(buildDir, name+".wasm")
		if err := tc.Run(append(append([]string{"-O2", "-o", out}, flags...), src), &stderr, &stderr); err != nil {
			b.Fatalf("gocage cc %s: %v\n%s", name, err, stderr.String())
		}
	}
	benchBuilds.Store(key, out)
	return out
}

// benchKernel returns a kernel with sh, the coreutils and the given
// host files installed in /bin under their base names.
func benchKernel(b *testing.B, files ...string) *cages.Kernel {
	b.Helper()
	k := cages.New(cages.Config{Wasm: rt.Program})
	if err := programs.Install(k); err != nil {
		b.Fatal(err)
	}
	k.Install("/bin/sh", sh.Main)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := k.FS().WriteFile("/bin/"+filepath.Base(f), data, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	return k
}

// runCage runs argv in k and requires exit status 0.
func runCage(b *testing.B, k *cages.Kernel, argv ...string) {
	b.Helper()
	var stderr bytes.Buffer
	st, err := k.Run(context.Background(), cages.Spec{Path: argv[0], Args: argv, Env: []string{"PATH=/bin"}, Stdout: io.Discard, Stderr: &stderr})
	if err != nil || st != posix.Exited(0) {
		b.Fatalf("%v: %v %v\n%s", argv, st, err, stderr.String())
	}
}

// BenchmarkWasmForkExitWait: fork + _exit + waitpid of a C program with
// a 1 MiB heap in use, built by gocage cc, beside the same C program
// compiled natively. Target: ≤ 0.3 ms per fork, and faster than the
// host's (lind-wasm: about 9.4 ms).
func BenchmarkWasmForkExitWait(b *testing.B) {
	b.Run("gocage", func(b *testing.B) {
		bin := buildBench(b, "bench_fork", false)
		k := benchKernel(b, bin)
		runCage(b, k, "/bin/bench_fork.wasm", "1") // compiled and cached
		b.ResetTimer()
		runCage(b, k, "/bin/bench_fork.wasm", strconv.Itoa(b.N))
	})
	b.Run("native", func(b *testing.B) {
		bin := buildBench(b, "bench_fork", true)
		b.ResetTimer()
		if out, err := exec.Command(bin, strconv.Itoa(b.N)).CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	})
}

// BenchmarkWasmStart: exec of a cached 100 KiB module that exits at once,
// from a Go cage (fork, execve, the module's start, exit, wait); beside a
// Go cage forking a Go program, and the host starting a native program.
// Target: ≤ 1 ms from exec to the first instruction.
func BenchmarkWasmStart(b *testing.B) {
	b.Run("gocage", func(b *testing.B) {
		bin := buildBench(b, "bench_start", false, "-Wl,--strip-all")
		if st, err := os.Stat(bin); err == nil {
			b.ReportMetric(float64(st.Size())/1024, "KiB")
		}
		k := benchKernel(b, bin)
		runCage(b, k, "/bin/bench_start.wasm")
		b.ResetTimer()
		spawnLoop(b, k, "/bin/bench_start.wasm")
	})
	b.Run("gocage-go-program", func(b *testing.B) {
		k := benchKernel(b)
		b.ResetTimer()
		spawnLoop(b, k, "/bin/true")
	})
	b.Run("native", func(b *testing.B) {
		bin := buildBench(b, "bench_start", true)
		b.ResetTimer()
		for range b.N {
			if err := exec.Command(bin).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// spawnLoop runs prog b.N times from one Go cage: fork, execve, wait.
func spawnLoop(b *testing.B, k *cages.Kernel, prog string) {
	var failure error
	st, err := k.Run(context.Background(), cages.Spec{Path: "/spawner", Program: func(p *cages.Proc) int {
		for range b.N {
			pid, err := p.Fork(func(c *cages.Proc) int {
				c.Execve(prog, []string{prog}, nil)
				return 127
			})
			if err != nil {
				failure = err
				return 1
			}
			if _, st, err := p.Wait4(pid, 0); err != nil || st != posix.Exited(0) {
				failure = fmt.Errorf("%s: %v %v", prog, st, err)
				return 1
			}
		}
		return 0
	}})
	if err != nil || failure != nil || st != posix.Exited(0) {
		b.Fatalf("%v %v %v", st, err, failure)
	}
}

// BenchmarkWasmPread1: a 1-byte pread by a WASM program, through the
// whole path (the wasi import, the bridge, 3i, the kernel, the file),
// beside a 1-byte pread on the host (a tmpfs file when /dev/shm exists).
// Target: ≤ 1.5× the host's time (lind-wasm: 1.9×).
func BenchmarkWasmPread1(b *testing.B) {
	b.Run("gocage", func(b *testing.B) {
		bin := buildBench(b, "bench_pread", false)
		k := benchKernel(b, bin)
		if err := k.FS().WriteFile("/tmp/f", []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
		runCage(b, k, "/bin/bench_pread.wasm", "/tmp/f", "1")
		b.ResetTimer()
		runCage(b, k, "/bin/bench_pread.wasm", "/tmp/f", strconv.Itoa(b.N))
	})
	b.Run("host", func(b *testing.B) {
		dir := "/dev/shm"
		if _, err := os.Stat(dir); err != nil {
			dir = b.TempDir()
		}
		f, err := os.CreateTemp(dir, "pread")
		if err != nil {
			b.Fatal(err)
		}
		defer os.Remove(f.Name())
		defer f.Close()
		f.Write([]byte("x"))
		fd := int(f.Fd())
		var c [1]byte
		b.ResetTimer()
		for range b.N {
			if n, err := syscall.Pread(fd, c[:], 0); n != 1 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
}

// minigzipBuilt builds zlib's minigzip with scripts/zlib.sh (fetching
// zlib's Debian source), once; it returns the build directory.
var minigzipBuilt = sync.OnceValues(func() (string, error) {
	dir, err := filepath.Abs(filepath.Join("..", "build", "zlib"))
	if err != nil {
		return "", err
	}
	out, err := exec.Command("bash", filepath.Join("..", "scripts", "zlib.sh"), dir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("scripts/zlib.sh: %v\n%s", err, out)
	}
	return dir, nil
})

// gzipInput is 10 MB of compressible text, the same every run.
func gzipInput() []byte {
	r := rand.New(rand.NewSource(1))
	words := []string{"gocage ", "cage ", "kernel ", "pipe ", "fork ", "exec ", "wasm ", "zlib ", "\n"}
	var buf bytes.Buffer
	for buf.Len() < 10<<20 {
		buf.WriteString(words[r.Intn(len(words))])
	}
	return buf.Bytes()[:10<<20]
}

// BenchmarkMinigzip: `minigzip | minigzip -d` over 10 MB, zlib's minigzip
// from Debian's source, beside the same work by the same C code under
// wazero alone and natively, in one run:
//
//   - gocage: built by gocage cc, run in gocage's shell;
//   - gocage-plain: built for plain WASI (wasi-libc), run in gocage's
//     shell: the module the wazero runs run;
//   - gocage-asyncify: the gocage build linked with a function that may
//     fork, so Asyncified as every program that forks or calls setjmp
//     is: what Asyncify costs a program that computes;
//   - wazero: that module, run as `wazero run` runs it (wazero's
//     default runtime and its WASI, no gocage), two instances joined by
//     an io.Pipe, compiled before the timer;
//   - wazero-cli: the `wazero run` command itself, when it is on PATH,
//     through the host's sh and pipes, with a warm compilation cache;
//   - native: built by the host's cc, through the host's sh and pipes.
//
// Targets: gocage ≤ 1.2× wazero on the same module and ≤ 2.2× native.
func BenchmarkMinigzip(b *testing.B) {
	dir, err := minigzipBuilt()
	if err != nil {
		b.Skip(err)
	}
	in := gzipInput()
	f := filepath.Join(b.TempDir(), "in")
	if err := os.WriteFile(f, in, 0o644); err != nil {
		b.Fatal(err)
	}
	plain := filepath.Join(dir, "minigzip.plain.wasm")
	for _, v := range []struct{ name, bin string }{{"gocage", "minigzip.wasm"}, {"gocage-plain", "minigzip.plain.wasm"},
		{"gocage-asyncify", "minigzip.asyncify.wasm"}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			k := benchKernel(b, filepath.Join(dir, v.bin))
			if err := k.FS().WriteFile("/tmp/in", in, 0o644); err != nil {
				b.Fatal(err)
			}
			runCage(b, k, "/bin/sh", "-c", v.bin+" < /bin/sh > /dev/null") // compiled and cached
			b.ResetTimer()
			for range b.N {
				runCage(b, k, "/bin/sh", "-c", v.bin+" < /tmp/in | "+v.bin+" -d > /dev/null")
			}
		})
	}
	b.Run("wazero", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		bin, err := os.ReadFile(plain)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		r := wazero.NewRuntime(ctx)
		defer r.Close(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, r)
		cm, err := r.CompileModule(ctx, bin)
		if err != nil {
			b.Fatal(err)
		}
		run := func(stdin io.Reader, stdout io.Writer, args ...string) error {
			cfg := wazero.NewModuleConfig().WithName("").WithArgs(args...).WithStdin(stdin).WithStdout(stdout).WithStderr(os.Stderr)
			mod, err := r.InstantiateModule(ctx, cm, cfg)
			if mod != nil {
				mod.Close(ctx)
			}
			if ee, ok := err.(*sys.ExitError); ok && ee.ExitCode() == 0 {
				err = nil
			}
			return err
		}
		b.ResetTimer()
		for range b.N {
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				err := run(bytes.NewReader(in), pw, "minigzip")
				pw.CloseWithError(err)
				done <- err
			}()
			if err := run(pr, io.Discard, "minigzip", "-d"); err != nil {
				b.Fatal(err)
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wazero-cli", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		cli, err := exec.LookPath("wazero")
		if err != nil {
			b.Skip("no wazero command on PATH (go install github.com/tetratelabs/wazero/cmd/wazero)")
		}
		cache := b.TempDir()
		cmd := cli + " run -cachedir " + cache + " " + plain
		if out, err := exec.Command("/bin/sh", "-c", cmd+" < "+f+" > /dev/null").CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		b.ResetTimer()
		for range b.N {
			if out, err := exec.Command("/bin/sh", "-c", cmd+" < "+f+" | "+cmd+" -d > /dev/null").CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
	b.Run("native", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		mg := filepath.Join(dir, "minigzip.native")
		if _, err := os.Stat(mg); err != nil {
			b.Skip("no native build (scripts/zlib.sh needs a host cc for it)")
		}
		b.ResetTimer()
		for range b.N {
			if out, err := exec.Command("/bin/sh", "-c", mg+" < "+f+" | "+mg+" -d > /dev/null").CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
}

// BenchmarkMinigzipStartup: what a new gocage process pays to run
// minigzip on an empty input: a fresh runtime, the module loaded,
// instrumented and compiled ("first", an empty compilation cache) or
// found in the on-disk cache that gocage keeps by default ("cached");
// beside the same for the plain module under wazero alone (its runtime,
// its WASI, its file cache), and the native program's exec.
func BenchmarkMinigzipStartup(b *testing.B) {
	dir, err := minigzipBuilt()
	if err != nil {
		b.Skip(err)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "minigzip.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := os.ReadFile(filepath.Join(dir, "minigzip.plain.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	gocageOnce := func(b *testing.B, cache string) {
		r, err := wasm.New(ctx, wasm.Options{CacheDir: cache})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close(ctx)
		k := cages.New(cages.Config{Wasm: r.Program})
		if err := k.FS().WriteFile("/bin/minigzip", bin, 0o755); err != nil {
			b.Fatal(err)
		}
		st, err := k.Run(ctx, cages.Spec{Path: "/bin/minigzip", Stdin: bytes.NewReader(nil), Stdout: io.Discard})
		if err != nil || st != posix.Exited(0) {
			b.Fatal(st, err)
		}
	}
	wazeroOnce := func(b *testing.B, cache string) {
		cfg := wazero.NewRuntimeConfig()
		if cache != "" {
			c, err := wazero.NewCompilationCacheWithDir(cache)
			if err != nil {
				b.Fatal(err)
			}
			cfg = cfg.WithCompilationCache(c)
		}
		r := wazero.NewRuntimeWithConfig(ctx, cfg)
		defer r.Close(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, r)
		_, err := r.InstantiateWithConfig(ctx, plain, wazero.NewModuleConfig().WithArgs("minigzip").WithStdin(bytes.NewReader(nil)).WithStdout(io.Discard))
		if ee, ok := err.(*sys.ExitError); err != nil && (!ok || ee.ExitCode() != 0) {
			b.Fatal(err)
		}
	}
	b.Run("gocage-first", func(b *testing.B) {
		for range b.N {
			gocageOnce(b, "-")
		}
	})
	b.Run("gocage-cached", func(b *testing.B) {
		cache := b.TempDir()
		gocageOnce(b, cache)
		b.ResetTimer()
		for range b.N {
			gocageOnce(b, cache)
		}
	})
	b.Run("wazero-first", func(b *testing.B) {
		for range b.N {
			wazeroOnce(b, "")
		}
	})
	b.Run("wazero-cached", func(b *testing.B) {
		cache := b.TempDir()
		wazeroOnce(b, cache)
		b.ResetTimer()
		for range b.N {
			wazeroOnce(b, cache)
		}
	})
	b.Run("native", func(b *testing.B) {
		mg := filepath.Join(dir, "minigzip.native")
		for range b.N {
			cmd := exec.Command(mg)
			cmd.Stdin = bytes.NewReader(nil)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
