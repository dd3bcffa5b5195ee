package wasm_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
)

// Benchmarks of the real programs of cprograms_test.go (Debian's bzip2,
// lua5.4, sqlite3 and dash, unedited, built by scripts/cprograms.sh), each
// beside the same work done in the same run by:
//
//   - gocage: the build by gocage cc (its musl port), run in a cage;
//   - gocage-plain (bzip2, lua): the plain WASI build (wasi-libc), run in
//     a cage: the module the next two run;
//   - wazero (bzip2, lua): that module run by wazero alone, in-process, as
//     `wazero run` runs it: wazero's default runtime (its compiler) and
//     its WASI, the module compiled before the timer;
//   - wazero-cli (bzip2, lua): the `wazero run` command itself with a warm
//     compilation cache, only when a wazero command is on PATH (`go
//     install github.com/tetratelabs/wazero/cmd/wazero`); it is skipped
//     otherwise (CI);
//   - native: the build by the host's cc, started by the host.
//
// The cages are warmed up (the module compiled and cached) before the
// timer. The benchmarks skip when scripts/cprograms.sh cannot build the
// programs (no gocage cc toolchain, no network for apt-get source), and a
// sub-benchmark skips when its build is missing (no wasi-libc, no host cc).

// cprogramsDir returns the directory of scripts/cprograms.sh's builds,
// building them if needed, or skips the benchmark.
func cprogramsDir(b *testing.B) string {
	b.Helper()
	dir, err := cprogramsBuilt()
	if err != nil {
		b.Skip(err)
	}
	return dir
}

// cprogram returns the path of one build (NAME.wasm, NAME.plain.wasm,
// NAME.native) in dir, or skips the benchmark.
func cprogram(b *testing.B, dir, file string) string {
	b.Helper()
	p := filepath.Join(dir, file)
	if _, err := os.Stat(p); err != nil {
		b.Skipf("no %s (scripts/cprograms.sh builds it when wasi-libc and a host cc are installed)", file)
	}
	return p
}

// cageOutput runs argv in k with stdout captured; it requires exit status
// 0 and returns the output.
func cageOutput(b *testing.B, k *cages.Kernel, argv ...string) string {
	b.Helper()
	var stdout, stderr syncBuffer
	st, err := k.Run(context.Background(), cages.Spec{Path: argv[0], Args: argv, Env: []string{"PATH=/bin"}, Stdout: &stdout, Stderr: &stderr})
	if err != nil || st != posix.Exited(0) {
		b.Fatalf("%v: %v %v\n%s", argv, st, err, stderr.String())
	}
	return stdout.String()
}

// checkOutput fails the benchmark when a warm-up run's output is not the
// expected one (want is a prefix of it).
func checkOutput(b *testing.B, got, want string) {
	b.Helper()
	if !strings.HasPrefix(got, want) {
		b.Fatalf("output %.200q, want %q first", got, want)
	}
}

// cprogramWork is one program's work: its arguments (after argv[0]) and
// its stdin, and the start of the expected output.
type cprogramWork struct {
	args  []string
	stdin []byte // nil: none
	want  string
	// prepare, if set, runs before each run (not timed apart): for
	// gocage in the cage's shell, natively and for wazero in Go.
	prepareCage string
	prepareHost func()
}

// benchCage runs w with the module wasmPath in a cage: installed as
// /bin/BASE; with stdin, through gocage's sh redirecting it from a file
// of the cage's file system, and stdout to /dev/null (the args must be
// plain words then).
func benchCage(b *testing.B, wasmPath string, w cprogramWork) {
	b.Helper()
	k := benchKernel(b, wasmPath)
	base := filepath.Base(wasmPath)
	argv := append([]string{"/bin/" + base}, w.args...)
	if w.stdin != nil {
		if err := k.FS().WriteFile("/tmp/in", w.stdin, 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := strings.Join(append([]string{base}, w.args...), " ") + " < /tmp/in"
		if w.prepareCage != "" {
			cmd = w.prepareCage + "; " + cmd
		}
		argv = []string{"/bin/sh", "-c", cmd}
	}
	checkOutput(b, cageOutput(b, k, argv...), w.want) // compiled and cached
	if w.stdin != nil {
		argv[2] += " > /dev/null"
	}
	b.ResetTimer()
	for range b.N {
		runCage(b, k, argv...)
	}
}

// benchNative runs w with the host's build: stdin from a file, stdout a
// pipe to io.Discard (not /dev/null: under `wazero run` wasi-libc takes
// /dev/null, a character device, for a terminal, and bzip2 refuses to
// write to one).
func benchNative(b *testing.B, bin string, w cprogramWork) {
	b.Helper()
	in := ""
	if w.stdin != nil {
		in = filepath.Join(b.TempDir(), "in")
		if err := os.WriteFile(in, w.stdin, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	run := func(stdout io.Writer) {
		if w.prepareHost != nil {
			w.prepareHost()
		}
		cmd := exec.Command(bin, w.args...)
		if in != "" {
			f, err := os.Open(in)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			cmd.Stdin = f
		}
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = stdout, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s: %v\n%s", bin, err, stderr.String())
		}
	}
	var out bytes.Buffer
	run(&out)
	checkOutput(b, out.String(), w.want)
	b.ResetTimer()
	for range b.N {
		run(io.Discard)
	}
}

// benchWazero runs w with the plain WASI module as `wazero run` does,
// in-process: wazero's default runtime, its WASI, the module's stdin,
// stdout and args in its module config; compiled before the timer.
func benchWazero(b *testing.B, plain string, w cprogramWork) {
	b.Helper()
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
	args := append([]string{filepath.Base(plain)}, w.args...)
	run := func(stdout io.Writer) {
		if w.prepareHost != nil {
			w.prepareHost()
		}
		var stderr bytes.Buffer
		cfg := wazero.NewModuleConfig().WithName("").WithArgs(args...).WithStdout(stdout).WithStderr(&stderr)
		if w.stdin != nil {
			cfg = cfg.WithStdin(bytes.NewReader(w.stdin))
		}
		mod, err := r.InstantiateModule(ctx, cm, cfg)
		if mod != nil {
			mod.Close(ctx)
		}
		if ee, ok := err.(*sys.ExitError); ok && ee.ExitCode() == 0 {
			err = nil
		}
		if err != nil {
			b.Fatalf("%s: %v\n%s", plain, err, stderr.String())
		}
	}
	var out bytes.Buffer
	run(&out)
	checkOutput(b, out.String(), w.want)
	b.ResetTimer()
	for range b.N {
		run(io.Discard)
	}
}

// benchWazeroCLI runs w with the plain WASI module through the `wazero
// run` command on PATH (skipped when there is none), with a compilation
// cache warmed before the timer: stdin from a file, stdout to /dev/null.
func benchWazeroCLI(b *testing.B, plain string, w cprogramWork) {
	b.Helper()
	cli, err := exec.LookPath("wazero")
	if err != nil {
		b.Skip("no wazero command on PATH (go install github.com/tetratelabs/wazero/cmd/wazero)")
	}
	w.args = append([]string{"run", "-cachedir", b.TempDir(), plain}, w.args...)
	benchNative(b, cli, w) // the first run fills the cache
}

// benchCPrograms runs w as the sub-benchmarks gocage, gocage-plain,
// wazero, wazero-cli (the last three when withPlain) and native, for
// scripts/cprograms.sh's program name; metric, if set, reports per-run
// metrics from the elapsed time per run.
func benchCPrograms(b *testing.B, name string, withPlain bool, w cprogramWork, metric func(b *testing.B, perRun float64)) {
	dir := cprogramsDir(b)
	report := func(b *testing.B) {
		if metric != nil && b.N > 0 {
			metric(b, float64(b.Elapsed().Nanoseconds())/float64(b.N))
		}
	}
	sub := func(sub string, f func(b *testing.B)) {
		b.Run(sub, func(b *testing.B) {
			if w.stdin != nil {
				b.SetBytes(int64(len(w.stdin)))
			}
			f(b)
			report(b)
		})
	}
	sub("gocage", func(b *testing.B) { benchCage(b, cprogram(b, dir, name+".wasm"), w) })
	if withPlain {
		sub("gocage-plain", func(b *testing.B) { benchCage(b, cprogram(b, dir, name+".plain.wasm"), w) })
		sub("wazero", func(b *testing.B) { benchWazero(b, cprogram(b, dir, name+".plain.wasm"), w) })
		sub("wazero-cli", func(b *testing.B) { benchWazeroCLI(b, cprogram(b, dir, name+".plain.wasm"), w) })
	}
	sub("native", func(b *testing.B) { benchNative(b, cprogram(b, dir, name+".native"), w) })
}

// BenchmarkBzip2: bzip2 -9 compressing the 10 MiB of gzipInput's text
// from stdin to /dev/null (bzip2.c itself, not a driver).
func BenchmarkBzip2(b *testing.B) {
	benchCPrograms(b, "bzip2", true, cprogramWork{args: []string{"-9"}, stdin: gzipInput(), want: "BZh9"}, nil)
}

// luaFib is the Lua benchmark's script: fib(30), 1,664,079 Lua calls,
// raising no error (the plain build cannot catch one).
const luaFib = `local function fib(n) if n<2 then return n end return fib(n-1)+fib(n-2) end print(fib(30))`

// BenchmarkLuaFib: lua -e with luaFib; reports ns per Lua call.
func BenchmarkLuaFib(b *testing.B) {
	benchCPrograms(b, "lua", true, cprogramWork{args: []string{"-e", luaFib}, want: "832040\n"},
		func(b *testing.B, perRun float64) { b.ReportMetric(perRun/1664079, "ns/call") })
}

// sqliteRows is the number of rows BenchmarkSqlite inserts.
const sqliteRows = 100000

// sqliteScript creates a table, inserts sqliteRows rows with one INSERT
// statement each in one transaction, and aggregates them.
func sqliteScript() []byte {
	var s bytes.Buffer
	s.WriteString("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, val REAL);\nBEGIN;\n")
	for i := 1; i <= sqliteRows; i++ {
		fmt.Fprintf(&s, "INSERT INTO t(name, grp, val) VALUES('row%d', %d, %d.%d);\n", i, i%7, i*37%1000, i%10)
	}
	s.WriteString("COMMIT;\n")
	s.WriteString("SELECT count(*), sum(grp), printf('%.2f', avg(val)), max(name) FROM t;\n")
	s.WriteString("SELECT grp, count(*), printf('%.1f', sum(val)) FROM t GROUP BY grp ORDER BY grp;\n")
	return s.Bytes()
}

// BenchmarkSqlite: sqlite3 DB < script, sqliteScript into a new database
// file (the cage's in-memory file system; natively /dev/shm when it
// exists, else the test's temporary directory); reports µs per row.
func BenchmarkSqlite(b *testing.B) {
	dbDir := "/dev/shm"
	if _, err := os.Stat(dbDir); err != nil {
		dbDir = b.TempDir()
	}
	db, err := os.MkdirTemp(dbDir, "gocage-sqlite-bench")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(db)
	hostDB := filepath.Join(db, "t.db")
	w := cprogramWork{stdin: sqliteScript(), want: "100000|300000|"}
	metric := func(b *testing.B, perRun float64) { b.ReportMetric(perRun/sqliteRows/1e3, "µs/row") }
	dir := cprogramsDir(b)
	b.Run("gocage", func(b *testing.B) {
		b.SetBytes(int64(len(w.stdin)))
		w := w
		w.args = []string{"/tmp/t.db"}
		w.prepareCage = "rm -f /tmp/t.db"
		benchCage(b, cprogram(b, dir, "sqlite3.wasm"), w)
		metric(b, float64(b.Elapsed().Nanoseconds())/float64(b.N))
	})
	b.Run("native", func(b *testing.B) {
		b.SetBytes(int64(len(w.stdin)))
		w := w
		w.args = []string{hostDB}
		w.prepareHost = func() { os.Remove(hostDB) }
		benchNative(b, cprogram(b, dir, "sqlite3.native"), w)
		metric(b, float64(b.Elapsed().Nanoseconds())/float64(b.N))
	})
}

// dashLoop is a 10,000-iteration while loop of builtins only: test,
// arithmetic expansion and a case.
const dashLoop = `i=0 n=0
while [ $i -lt 10000 ]; do
	case $((i % 3)) in
	0) n=$((n + i)) ;;
	1) n=$((n - 1)) ;;
	*) : ;;
	esac
	i=$((i + 1))
done
echo $n`

// dashSubst makes 200 command substitutions, each a fork of the shell
// (echo is a builtin: no exec).
const dashSubst = `i=0 s=
while [ $i -lt 200 ]; do s=$(echo x); i=$((i + 1)); done
echo $s $i`

// BenchmarkDash: dash -c with dashLoop (reports µs per iteration) and
// with dashSubst (reports µs per substitution, i.e. per fork and wait).
func BenchmarkDash(b *testing.B) {
	n := 0
	for i := range 10000 {
		switch i % 3 {
		case 0:
			n += i
		case 1:
			n--
		}
	}
	b.Run("loop", func(b *testing.B) {
		benchCPrograms(b, "dash", false, cprogramWork{args: []string{"-c", dashLoop}, want: fmt.Sprintln(n)},
			func(b *testing.B, perRun float64) { b.ReportMetric(perRun/10000/1e3, "µs/iter") })
	})
	b.Run("subst", func(b *testing.B) {
		benchCPrograms(b, "dash", false, cprogramWork{args: []string{"-c", dashSubst}, want: "x 200\n"},
			func(b *testing.B, perRun float64) { b.ReportMetric(perRun/200/1e3, "µs/subst") })
	})
}
