// Command benchreport is what `make bench` runs: it runs gocage's
// benchmarks, each beside its host-kernel twin or in-process reference in
// the same `go test` run, saves the raw output, and prints the medians, the
// ratios and whether each performance target of the project is met.
//
// It runs
//
//	go test -run '^$' -bench . -benchmem -count N ./cages ./pipes ./programs/sh ./grates ./wasm
//
// from the module root, writes the output to bench.txt there (or -out),
// and then prints, for every target row (BenchmarkGetpid/gocage against
// BenchmarkGetpid/host, BenchmarkPingPong/gocage against
// BenchmarkChannelRoundTrip/go, ...), the gocage median, the reference
// median, their ratio, the target and whether it is met; then the median of
// every benchmark; then the machine; then benchstat's summary of the same
// file, if benchstat can be run. The tables are Markdown, ready for
// BENCHMARKS.md.
//
// Ratios are of medians (the machines are noisy; -count 6 at least), and
// are always written as "how many times better gocage is": reference time
// over gocage time, or gocage throughput over reference throughput.
//
// Usage:
//
//	go run ./internal/benchreport [-count 6] [-bench regexp] [-benchtime d]
//	    [-out bench.txt] [-pkgs "./cages ./pipes ./programs/sh ./grates ./wasm"] [-benchstat=true]
//	    [-strict] [-in file]
//
// With -in it does not run anything: it reports on a file a previous run
// saved. With -strict it exits with status 1 when a target is missed.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// cagesPkg is the import path of the package whose benchmarks the target
// rows name.
const cagesPkg = "github.com/gocage/gocage/cages"

// gratesPkg is the grates' package, home of the tracing benchmarks.
const gratesPkg = "github.com/gocage/gocage/grates"

// wasmPkg is the WASM bridge's package.
const wasmPkg = "github.com/gocage/gocage/wasm"

// shPkg is the shell's package, home of the pipeline benchmarks.
const shPkg = "github.com/gocage/gocage/programs/sh"

// benchstatCmd is the benchstat the report runs (as the Makefile's BENCHSTAT).
const benchstatCmd = "golang.org/x/perf/cmd/benchstat@latest"

func main() {
	count := flag.Int("count", 6, "run each benchmark `n` times (go test -count)")
	bench := flag.String("bench", ".", "run the benchmarks matching `regexp` (go test -bench)")
	benchtime := flag.String("benchtime", "", "go test -benchtime `d` (default: go test's)")
	out := flag.String("out", "", "save the raw output to `file` (default: bench.txt in the module root)")
	pkgs := flag.String("pkgs", "./cages ./pipes ./programs/sh ./grates ./wasm", "the `packages` to benchmark")
	timeout := flag.String("timeout", "60m", "go test -timeout `d`")
	doBenchstat := flag.Bool("benchstat", true, "also print benchstat's summary ("+benchstatCmd+")")
	strict := flag.Bool("strict", false, "exit with status 1 if a target is missed")
	in := flag.String("in", "", "report on this saved `file` instead of running the benchmarks")
	flag.Parse()

	root, err := moduleRoot()
	if err != nil {
		fatalf("benchreport: %v", err)
	}
	path := *in
	command := ""
	var runErr error
	if path == "" {
		path = *out
		if path == "" {
			path = filepath.Join(root, "bench.txt")
		}
		args := []string{"test", "-run", "^$", "-bench", *bench, "-benchmem",
			"-count", strconv.Itoa(*count), "-timeout", *timeout}
		if *benchtime != "" {
			args = append(args, "-benchtime", *benchtime)
		}
		args = append(args, strings.Fields(*pkgs)...)
		command = "go " + shellJoin(args)
		runErr = runBenchmarks(root, path, args)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		fatalf("benchreport: %v", err)
	}
	res := parse(data)
	if len(res.order) == 0 {
		fatalf("benchreport: no benchmark results in %s", path)
	}

	fmt.Println()
	fmt.Printf("## Targets (medians of %s)\n\n", runsLabel(res))
	missed := printTargets(os.Stdout, res)
	fmt.Println()
	fmt.Printf("## Every benchmark (medians)\n\n")
	printAll(os.Stdout, res)
	fmt.Println()
	fmt.Printf("## Machine\n\n")
	printMachine(os.Stdout, res, command, path)
	if *doBenchstat {
		fmt.Println()
		fmt.Printf("## benchstat\n\n")
		if err := runBenchstat(root, path); err != nil {
			fmt.Printf("benchstat could not be run (%v); the tables above do not need it.\n", err)
		}
	}
	fmt.Println()
	fmt.Printf("raw output: %s\n", path)
	if runErr != nil {
		fatalf("benchreport: go test failed: %v", runErr)
	}
	if missed > 0 {
		fmt.Printf("%d target(s) missed: see BENCHMARKS.md for the reasons.\n", missed)
		if *strict {
			os.Exit(1)
		}
	}
}

// fatalf prints a message to stderr and exits with status 1.
func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(mod), nil
}

// shellJoin quotes args for display as a shell command line.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$^*?[]|&;<>()\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// runBenchmarks runs go with args in dir, copying its output to the
// terminal and to the file at path.
func runBenchmarks(dir, path string, args []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Printf("$ go %s\n", shellJoin(args))
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stdout = io.MultiWriter(os.Stdout, f)
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	if err := f.Close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// runBenchstat prints benchstat's summary of the file at path.
func runBenchstat(dir, path string) error {
	cmd := exec.Command("go", "run", benchstatCmd, path)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stdout = os.Stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%w: %s", err, firstLine(msg))
		}
		return err
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// results holds every measurement of a run.
type results struct {
	// order lists the benchmark keys (package + " " + name) in the order
	// they first appear.
	order []string
	// values maps key, then unit ("ns/op", "MB/s", "B/op", "allocs/op",
	// custom units) to the value of each run.
	values map[string]map[string][]float64
	// units lists each key's units in the order they appear.
	units map[string][]string
	// config holds the header lines (goos, goarch, cpu...), last seen.
	config map[string]string
}

// procsSuffix is the -GOMAXPROCS suffix go test appends to names.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse reads go test's benchmark output.
func parse(data []byte) *results {
	res := &results{
		values: map[string]map[string][]float64{},
		units:  map[string][]string{},
		config: map[string]string{},
	}
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		// The filesystem benchmarks' host twins log where they run.
		if _, v, ok := strings.Cut(line, ": hostfs: "); ok && strings.HasPrefix(line, " ") {
			res.config["hostfs"] = strings.TrimSpace(v)
			continue
		}
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.Contains(k, " ") && !strings.HasPrefix(k, "Benchmark") {
			res.config[k] = strings.TrimSpace(v)
			if k == "pkg" {
				pkg = strings.TrimSpace(v)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		key := pkg + " " + procsSuffix.ReplaceAllString(f[0], "")
		m := res.values[key]
		if m == nil {
			m = map[string][]float64{}
			res.values[key] = m
			res.order = append(res.order, key)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			unit := f[i+1]
			if _, seen := m[unit]; !seen {
				res.units[key] = append(res.units[key], unit)
			}
			m[unit] = append(m[unit], v)
		}
	}
	return res
}

// median returns the median of the runs of name's unit in package pkg.
//
// A name that holds a space is a whole key, "package Benchmark...", for a
// target in another package than pkg.
func (r *results) median(pkg, name, unit string) (float64, bool) {
	key := pkg + " " + name
	if strings.Contains(name, " ") {
		key = name
	}
	vs := r.values[key][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// runsLabel describes how many runs each median is of.
func runsLabel(r *results) string {
	lo, hi := 0, 0
	for _, key := range r.order {
		n := len(r.values[key]["ns/op"])
		if lo == 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	if lo == hi {
		return fmt.Sprintf("%d runs", lo)
	}
	return fmt.Sprintf("%d to %d runs", lo, hi)
}

// A measure names one figure: a benchmark of the cages package and a unit.
type measure struct {
	name, unit string
}

// A goal is the kind of a target.
type goal int

const (
	// inform rows have no target; they show a figure beside its twin.
	inform goal = iota
	// minRatio is met when the ratio is at least bound.
	minRatio
	// maxValue is met when the gocage figure is at most bound.
	maxValue
	// completes is met when the benchmark ran to the end.
	completes
	// maxGrowth is met when the gocage figure at the largest size is at
	// most bound times the figure at the smallest (see target.sizes).
	maxGrowth
	// maxExtra is met when the gocage figure exceeds the reference by at
	// most bound (an overhead in the reference's unit).
	maxExtra
	// maxSlowdown is met when the gocage figure is at most bound times
	// the reference (a cost relative to gocage without the feature).
	maxSlowdown
)

// A target is one row of the targets table.
type target struct {
	// label says what is measured, as the project's target table does.
	label string
	// gocage is the figure the target is about.
	gocage measure
	// ref is the host twin or the in-process reference; zero for none.
	ref measure
	// refLabel names the reference in the table.
	refLabel string
	// ratio computes "how many times better gocage is" from the gocage
	// and reference figures; nil for none.
	ratio func(g, r float64) float64
	// kind and bound are the goal; text is it as the table writes it.
	kind  goal
	bound float64
	text  string
	// sizes, for a maxGrowth row, are substituted for the %d in the
	// gocage and ref names, smallest first; the row shows the figure at
	// each size.
	sizes []int
}

// faster is the ratio of figures where lower is better (time, memory).
func faster(g, r float64) float64 { return r / g }

// higher is the ratio of figures where higher is better (throughput).
func higher(g, r float64) float64 { return g / r }

// targets are the project's performance targets (issues 2, 3 and 4), one row
// each, plus rows that only inform.
var targets = []target{
	{
		label:  "pipe throughput cage→cage, 64 KiB writes",
		gocage: measure{"BenchmarkPipeThroughput/gocage/write=65536", "MB/s"},
		ref:    measure{"BenchmarkPipeThroughput/host/write=65536", "MB/s"}, refLabel: "host pipe, 2 threads",
		ratio: higher, kind: minRatio, bound: 5, text: "≥ 5× host pipe",
	},
	{
		label:  "pipe throughput cage→cage, 64 KiB writes",
		gocage: measure{"BenchmarkPipeThroughput/gocage/write=65536", "MB/s"},
		ref:    measure{"BenchmarkMemcpy/size=65536", "MB/s"}, refLabel: "two-copy memcpy",
		ratio: higher, kind: minRatio, bound: 0.5, text: "≥ 50 % of memcpy",
	},
	{
		label:  "pipe throughput cage→cage, 64-byte writes",
		gocage: measure{"BenchmarkPipeThroughput/gocage/write=64", "MB/s"},
		ref:    measure{"BenchmarkPipeThroughput/host/write=64", "MB/s"}, refLabel: "host pipe, 2 threads",
		ratio: higher, kind: minRatio, bound: 15, text: "≥ 15× host pipe",
	},
	{
		label:  "1-byte ping-pong, two cages, two pipes",
		gocage: measure{"BenchmarkPingPong/gocage", "ns/op"},
		ref:    measure{"BenchmarkChannelRoundTrip/go", "ns/op"}, refLabel: "Go unbuffered channel round trip",
		ratio: faster, kind: minRatio, bound: 1, text: "no slower (≥ 1×)",
	},
	{
		label:  "1-byte ping-pong, two cages, two pipes",
		gocage: measure{"BenchmarkPingPong/gocage", "ns/op"},
		ref:    measure{"BenchmarkPingPong/host", "ns/op"}, refLabel: "host pipes, 2 threads",
		ratio: faster,
	},
	{
		label:  "getpid, whole path (3i + kernel)",
		gocage: measure{"BenchmarkGetpid/gocage", "ns/op"},
		ref:    measure{"BenchmarkGetpid/host", "ns/op"}, refLabel: "host getpid",
		ratio: faster, kind: maxValue, bound: 30, text: "≤ 30 ns",
	},
	{
		label:  "getpid, whole path: allocations",
		gocage: measure{"BenchmarkGetpid/gocage", "allocs/op"},
		ref:    measure{"BenchmarkGetpid/host", "allocs/op"}, refLabel: "host getpid",
		kind: maxValue, bound: 0, text: "0",
	},
	{
		label:  "write 64 B to a pipe, whole path: allocations",
		gocage: measure{"BenchmarkWrite64/gocage", "allocs/op"},
		ref:    measure{"BenchmarkWrite64/host", "allocs/op"}, refLabel: "host write",
		kind: maxValue, bound: 0, text: "0",
	},
	{
		label:  "write 64 B to a pipe, whole path: time",
		gocage: measure{"BenchmarkWrite64/gocage", "ns/op"},
		ref:    measure{"BenchmarkWrite64/host", "ns/op"}, refLabel: "host write",
		ratio: faster,
	},

	// WASM programs (issues 6 and 12), each beside the same C code built
	// natively, and beside wazero running the same code alone.
	{
		label:  "minigzip | minigzip -d, 10 MB",
		gocage: measure{wasmPkg + " BenchmarkMinigzip/gocage", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkMinigzip/native", "ns/op"}, refLabel: "native, host pipes",
		kind: maxSlowdown, bound: 2.2, text: "≤ 2.2× native",
	},
	{
		label:  "minigzip | minigzip -d, 10 MB",
		gocage: measure{wasmPkg + " BenchmarkMinigzip/gocage", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkMinigzip/wazero", "ns/op"}, refLabel: "wazero alone (as `wazero run`), plain WASI build",
		kind: maxSlowdown, bound: 1.2, text: "≤ 1.2× wazero",
	},
	{
		label:  "minigzip | minigzip -d, 10 MB, the plain WASI module",
		gocage: measure{wasmPkg + " BenchmarkMinigzip/gocage-plain", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkMinigzip/wazero", "ns/op"}, refLabel: "wazero alone, the same module",
		kind: maxSlowdown, bound: 1.2, text: "≤ 1.2× wazero",
	},
	{
		label:  "fork + exit + waitpid, C program with a 1 MiB heap",
		gocage: measure{wasmPkg + " BenchmarkWasmForkExitWait/gocage", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkWasmForkExitWait/native", "ns/op"}, refLabel: "native fork",
		ratio: faster, kind: maxValue, bound: 3e5, text: "≤ 0.3 ms",
	},
	{
		label:  "start of a cached 100 KiB module (fork, exec, exit, wait)",
		gocage: measure{wasmPkg + " BenchmarkWasmStart/gocage", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkWasmStart/native", "ns/op"}, refLabel: "host fork+exec of the native build",
		ratio: faster, kind: maxValue, bound: 1e6, text: "≤ 1 ms",
	},
	{
		label:  "1-byte pread from a WASM cage, whole path",
		gocage: measure{wasmPkg + " BenchmarkWasmPread1/gocage", "ns/op"},
		ref:    measure{wasmPkg + " BenchmarkWasmPread1/host", "ns/op"}, refLabel: "host pread, tmpfs",
		kind: maxSlowdown, bound: 1.5, text: "≤ 1.5× host",
	},

	// 3i interposition (issue 5): overheads against gocage without grates,
	// and the host's strace on the same writes.
	{
		label:  "getpid through one pass-through grate",
		gocage: measure{"BenchmarkGetpidInterposed/grates=1", "ns/op"},
		ref:    measure{"BenchmarkGetpid/gocage", "ns/op"}, refLabel: "getpid, no grate",
		kind: maxExtra, bound: 60, text: "≤ 60 ns extra",
	},
	{
		label:  "getpid through one pass-through grate: allocations",
		gocage: measure{"BenchmarkGetpidInterposed/grates=1", "allocs/op"},
		kind:   maxValue, bound: 0, text: "0",
	},
	{
		label:  "getpid through four stacked pass-through grates",
		gocage: measure{"BenchmarkGetpidInterposed/grates=4", "ns/op"},
		ref:    measure{"BenchmarkGetpid/gocage", "ns/op"}, refLabel: "getpid, no grate",
		kind: maxExtra, bound: 250, text: "≤ 250 ns extra",
	},
	{
		label:  "1-byte pipe writes, traced to a discarding sink",
		gocage: measure{gratesPkg + " BenchmarkTracedWrite/traced", "ns/op"},
		ref:    measure{gratesPkg + " BenchmarkTracedWrite/untraced", "ns/op"}, refLabel: "untraced",
		kind: maxSlowdown, bound: 5, text: "≤ 5× untraced",
	},
	{
		label:  "1-byte pipe writes, host process under strace -f",
		gocage: measure{gratesPkg + " BenchmarkTracedWrite/host-strace", "ns/op"},
		ref:    measure{gratesPkg + " BenchmarkTracedWrite/host", "ns/op"}, refLabel: "host, not traced",
		kind: inform, ratio: func(g, r float64) float64 { return g / r },
	},
	{
		label:  "1-byte pipe writes traced: gocage's tracer against strace",
		gocage: measure{gratesPkg + " BenchmarkTracedWrite/traced", "ns/op"},
		ref:    measure{gratesPkg + " BenchmarkTracedWrite/host-strace", "ns/op"}, refLabel: "host under strace -f",
		ratio: faster,
	},
	{
		label:  "fork + exit + waitpid, Go cage holding 3 fds",
		gocage: measure{"BenchmarkForkExitWait/gocage", "ns/op"},
		ref:    measure{"BenchmarkForkExitWait/host", "ns/op"}, refLabel: "host fork+exec+wait /bin/true",
		ratio: faster, kind: minRatio, bound: 100, text: "≥ 100× host",
	},
	{
		label:  "10,000 cages alive, 1 MiB end to end",
		gocage: measure{"BenchmarkCageChain/gocage/cages=10000", "ns/op"},
		ref:    measure{"BenchmarkCageChain/host/procs=100", "ns/op"}, refLabel: "100 host cat processes",
		kind: completes, text: "completes",
	},
	{
		label:  "memory per idle cage (of 10,000)",
		gocage: measure{"BenchmarkCageChain/gocage/cages=10000", "B/cage"},
		ref:    measure{"BenchmarkCageChain/host/procs=100", "B/proc"}, refLabel: "idle host cat (PSS only)",
		ratio: faster, kind: maxValue, bound: 32 << 10, text: "≤ 32 KiB",
	},

	// Filesystem (issue 3): the host twins run on a tmpfs (see the
	// "hostfs" line of the machine section).
	{
		label:  "open + close of an existing file",
		gocage: measure{"BenchmarkOpenClose/gocage", "ns/op"},
		ref:    measure{"BenchmarkOpenClose/host", "ns/op"}, refLabel: "host open + close",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "stat of an existing file",
		gocage: measure{"BenchmarkStat/gocage", "ns/op"},
		ref:    measure{"BenchmarkStat/host", "ns/op"}, refLabel: "host stat",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "4 KiB pread of a file",
		gocage: measure{"BenchmarkFileRead4K/gocage", "ns/op"},
		ref:    measure{"BenchmarkFileRead4K/host", "ns/op"}, refLabel: "host pread",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "4 KiB pwrite to a file",
		gocage: measure{"BenchmarkFileWrite4K/gocage", "ns/op"},
		ref:    measure{"BenchmarkFileWrite4K/host", "ns/op"}, refLabel: "host pwrite",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "create + close + unlink, 10,000 files in one dir (per file)",
		gocage: measure{"BenchmarkCreateDelete/gocage/files=10000", "ns/file"},
		ref:    measure{"BenchmarkCreateDelete/host/files=10000", "ns/file"}, refLabel: "host openat + close + unlinkat",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "list a directory of 10,000 entries (per entry)",
		gocage: measure{"BenchmarkListDir/gocage/entries=10000", "ns/entry"},
		ref:    measure{"BenchmarkListDir/host/entries=10000", "ns/entry"}, refLabel: "host getdents64, 32 KiB",
		ratio: faster, kind: minRatio, bound: 3, text: "≥ 3× host",
	},
	{
		label:  "create + delete per file at 1,000 / 10,000 / 100,000 files",
		gocage: measure{"BenchmarkCreateDelete/gocage/files=%d", "ns/file"},
		ref:    measure{"BenchmarkCreateDelete/host/files=%d", "ns/file"}, refLabel: "host",
		kind: maxGrowth, bound: 3, text: "≤ 3× growth, 1,000 → 100,000",
		sizes: []int{1000, 10000, 100000},
	},
	{
		label:  "list per entry at 1,000 / 10,000 / 100,000 entries",
		gocage: measure{"BenchmarkListDir/gocage/entries=%d", "ns/entry"},
		ref:    measure{"BenchmarkListDir/host/entries=%d", "ns/entry"}, refLabel: "host",
		kind: maxGrowth, bound: 3, text: "≤ 3× growth, 1,000 → 100,000",
		sizes: []int{1000, 10000, 100000},
	},

	// Pipelines (issue 4): the same command line run by gocage's sh and by
	// the host's /bin/sh with GNU coreutils; one op is the whole run.
	{
		label:  "sh: seq 1 1000000 \\| grep 7 \\| wc -l",
		gocage: measure{shPkg + " BenchmarkPipeline/gocage/seq-grep-wc", "ns/op"},
		ref:    measure{shPkg + " BenchmarkPipeline/host/seq-grep-wc", "ns/op"}, refLabel: "host /bin/sh + GNU coreutils",
		ratio: faster, kind: minRatio, bound: 1, text: "≤ 1.0× host time",
	},
	{
		label:  "sh: cat 100MB \\| tr a-z A-Z \\| wc -c",
		gocage: measure{shPkg + " BenchmarkPipeline/gocage/cat-tr-wc", "ns/op"},
		ref:    measure{shPkg + " BenchmarkPipeline/host/cat-tr-wc", "ns/op"}, refLabel: "host /bin/sh + GNU coreutils",
		ratio: faster, kind: minRatio, bound: 1, text: "≤ 1.0× host time",
	},
	{
		label:  "sh: 100-stage cat pipeline over 10 MB",
		gocage: measure{shPkg + " BenchmarkPipeline/gocage/cat100", "ns/op"},
		ref:    measure{shPkg + " BenchmarkPipeline/host/cat100", "ns/op"}, refLabel: "host /bin/sh + GNU coreutils",
		ratio: faster, kind: minRatio, bound: 1, text: "≤ 1.0× host time",
	},
	{
		label:  "sh -c true (one of 1,000 sequential runs)",
		gocage: measure{shPkg + " BenchmarkPipeline/gocage/sh-c-true", "ns/op"},
		ref:    measure{shPkg + " BenchmarkPipeline/host/sh-c-true", "ns/op"}, refLabel: "host /bin/sh -c true",
		ratio: faster, kind: minRatio, bound: 1, text: "≤ 1.0× host time",
	},
}

// series returns the medians of m at each size (substituted for the %d in
// its name), formatted and joined with " / ", and the first and last
// figures; ok is false if any is missing.
func series(r *results, m measure, sizes []int) (text string, first, last float64, ok bool) {
	vals := make([]float64, len(sizes))
	found := make([]bool, len(sizes))
	ok = len(sizes) > 0
	for i, n := range sizes {
		vals[i], found[i] = r.median(cagesPkg, fmt.Sprintf(m.name, n), m.unit)
		ok = ok && found[i]
	}
	if !ok {
		return "missing", 0, 0, false
	}
	// One scale for the whole series: that of its smallest figure.
	scale, unit, prec := 1.0, m.unit, 1
	if per, isTime := strings.CutPrefix(m.unit, "ns/"); isTime && slices.Min(vals) >= 1e3 {
		scale, unit, prec = 1e3, "µs/"+per, 2
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = strconv.FormatFloat(v/scale, 'f', prec, 64)
	}
	return strings.Join(parts, " / ") + " " + unit, vals[0], vals[len(vals)-1], true
}

// growthRow fills the cells of a maxGrowth row: both series, and in the
// ratio column the growth from the smallest size to the largest, gocage's
// then the reference's.
func growthRow(r *results, t target, row []string) {
	g, g0, g1, gok := series(r, t.gocage, t.sizes)
	row[1] = g
	row[2] = t.refLabel
	ref, r0, r1, rok := series(r, t.ref, t.sizes)
	row[3] = ref
	growth := "—"
	if gok && g0 > 0 {
		growth = fmt.Sprintf("%.2f×", g1/g0)
		if rok && r0 > 0 {
			growth += fmt.Sprintf(" (host %.2f×)", r1/r0)
		}
	}
	row[4] = growth
	switch {
	case !gok || g0 <= 0:
		row[6] = "**no** (not measured)"
	case g1/g0 <= t.bound:
		row[6] = "yes"
	default:
		row[6] = fmt.Sprintf("**no** (%.2f× growth)", g1/g0)
	}
}

// printTargets prints the targets table and returns the number of targets
// missed (a target whose figures are missing counts as missed).
func printTargets(w io.Writer, r *results) int {
	rows := [][]string{{"benchmark", "gocage", "reference", "reference figure", "ratio", "target", "met?"}}
	missed := 0
	for _, t := range targets {
		if t.kind == maxGrowth {
			row := []string{t.label, "", "", "", "", t.text, ""}
			growthRow(r, t, row)
			if strings.HasPrefix(row[6], "**no**") {
				missed++
			}
			rows = append(rows, row)
			continue
		}
		g, gok := r.median(cagesPkg, t.gocage.name, t.gocage.unit)
		row := []string{t.label, "missing", "—", "—", "—", t.text, ""}
		if gok {
			row[1] = format(g, t.gocage.unit)
		}
		ref, refOK := 0.0, false
		if t.ref.name != "" {
			row[2] = t.refLabel
			ref, refOK = r.median(cagesPkg, t.ref.name, t.ref.unit)
			row[3] = "missing"
			if refOK {
				row[3] = format(ref, t.ref.unit)
			}
		}
		ratio, ratioOK := 0.0, false
		if t.ratio != nil && gok && refOK && ref != 0 && g != 0 {
			ratio, ratioOK = t.ratio(g, ref), true
			row[4] = formatRatio(ratio)
		}
		switch t.kind {
		case inform:
			row[5], row[6] = "(information)", "—"
		case completes:
			row[6] = "yes"
			if !gok {
				row[6] = "**no** (did not complete)"
			}
		case minRatio:
			switch {
			case !ratioOK:
				row[6] = "**no** (not measured)"
			case ratio >= t.bound:
				row[6] = "yes"
			default:
				row[6] = fmt.Sprintf("**no** (%.0f %% of the target)", 100*ratio/t.bound)
			}
		case maxExtra:
			switch {
			case !gok || !refOK:
				row[6] = "**no** (not measured)"
			case g-ref <= t.bound:
				row[6] = fmt.Sprintf("yes (+%s)", format(g-ref, t.gocage.unit))
			default:
				row[6] = fmt.Sprintf("**no** (+%s)", format(g-ref, t.gocage.unit))
			}
		case maxSlowdown:
			switch {
			case !gok || !refOK || ref == 0:
				row[6] = "**no** (not measured)"
			case g/ref <= t.bound:
				row[6] = fmt.Sprintf("yes (%.2f×)", g/ref)
			default:
				row[6] = fmt.Sprintf("**no** (%.2f×)", g/ref)
			}
		case maxValue:
			switch {
			case !gok:
				row[6] = "**no** (not measured)"
			case g <= t.bound:
				row[6] = "yes"
			case t.bound == 0:
				row[6] = "**no**"
			default:
				row[6] = fmt.Sprintf("**no** (%.2f× the limit)", g/t.bound)
			}
		}
		if strings.HasPrefix(row[6], "**no**") {
			missed++
		}
		rows = append(rows, row)
	}
	printTable(w, rows)
	return missed
}

// printAll prints the median of every figure of every benchmark.
func printAll(w io.Writer, r *results) {
	rows := [][]string{{"benchmark", "runs", "time/op", "throughput", "B/op", "allocs/op", "other"}}
	for _, key := range r.order {
		pkg, name, _ := strings.Cut(key, " ")
		short := name
		if pkg != cagesPkg {
			short = lastElem(pkg) + "." + name
		}
		row := []string{short, strconv.Itoa(len(r.values[key]["ns/op"])), "", "", "", "", ""}
		var other []string
		for _, unit := range r.units[key] {
			v, _ := r.median(pkg, name, unit)
			switch unit {
			case "ns/op":
				row[2] = format(v, unit)
			case "MB/s":
				row[3] = format(v, unit)
			case "B/op":
				row[4] = strconv.FormatFloat(v, 'f', -1, 64)
			case "allocs/op":
				row[5] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				other = append(other, format(v, unit))
			}
		}
		row[6] = strings.Join(other, ", ")
		rows = append(rows, row)
	}
	printTable(w, rows)
}

// lastElem returns the last element of an import path.
func lastElem(pkg string) string { return pkg[strings.LastIndex(pkg, "/")+1:] }

// printMachine describes the machine, the toolchain and the command.
func printMachine(w io.Writer, r *results, command, out string) {
	cpu := cpuModel()
	if cpu == "" {
		cpu = r.config["cpu"]
	}
	if cpu == "" {
		cpu = "unknown"
	}
	fmt.Fprintf(w, "- CPU: %s, %d logical cores (GOMAXPROCS %d)\n", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if mem := memTotal(); mem != "" {
		fmt.Fprintf(w, "- memory: %s\n", mem)
	}
	osName := runtime.GOOS + "/" + runtime.GOARCH
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		osName += ", kernel " + strings.TrimSpace(string(rel))
	}
	fmt.Fprintf(w, "- OS: %s\n", osName)
	fmt.Fprintf(w, "- Go: %s\n", runtime.Version())
	if fs := r.config["hostfs"]; fs != "" {
		fmt.Fprintf(w, "- host filesystem of the filesystem benchmarks: %s\n", fs)
	}
	fmt.Fprintf(w, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	if command != "" {
		fmt.Fprintf(w, "- command: `%s` (from the module root; `make bench`)\n", command)
	}
	fmt.Fprintf(w, "- raw output: %s\n", out)
}

// cpuModel returns the CPU model from /proc/cpuinfo, or "".
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// memTotal returns the machine's memory from /proc/meminfo, or "".
func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return ""
			}
			if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
				return fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	return ""
}

// format writes a figure with its unit in a readable scale.
func format(v float64, unit string) string {
	switch unit {
	case "ns/op":
		switch {
		case v < 1e3:
			return fmt.Sprintf("%.1f ns", v)
		case v < 1e6:
			return fmt.Sprintf("%.2f µs", v/1e3)
		case v < 1e9:
			return fmt.Sprintf("%.2f ms", v/1e6)
		}
		return fmt.Sprintf("%.2f s", v/1e9)
	case "MB/s":
		if v >= 1000 {
			return fmt.Sprintf("%.2f GB/s", v/1000)
		}
		return fmt.Sprintf("%.1f MB/s", v)
	case "allocs/op":
		return strconv.FormatFloat(v, 'f', -1, 64) + " allocs/op"
	case "B/op":
		return strconv.FormatFloat(v, 'f', -1, 64) + " B/op"
	}
	if per, ok := strings.CutPrefix(unit, "ns/"); ok {
		return strings.TrimSuffix(format(v, "ns/op"), " ") + "/" + per
	}
	if strings.HasPrefix(unit, "B/") {
		return fmt.Sprintf("%.1f KiB/%s", v/1024, strings.TrimPrefix(unit, "B/"))
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

// formatRatio writes a ratio as "12.3×".
func formatRatio(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f×", x)
	case x >= 10:
		return fmt.Sprintf("%.1f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

// printTable prints rows as a Markdown table, columns padded to line up.
func printTable(w io.Writer, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	line := func(row []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, cell := range row {
			b.WriteString(" ")
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell)))
			b.WriteString(" |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(rows[0])
	sep := make([]string, len(width))
	for i, n := range width {
		sep[i] = strings.Repeat("-", n)
	}
	line(sep)
	for _, row := range rows[1:] {
		line(row)
	}
}
