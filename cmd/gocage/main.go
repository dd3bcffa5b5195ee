// Command gocage runs programs inside a gocage kernel: a user-space POSIX
// kernel whose processes ("cages") live inside this one host process.
//
//	gocage run [flags] [--] PROGRAM [ARG...]
//	gocage syscalls
//
// Run `gocage --help` or `gocage run --help` for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/grates"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/programs"
	"github.com/gocage/gocage/programs/sh"
	"github.com/gocage/gocage/vfs"
	"github.com/gocage/gocage/wasm"
	"github.com/gocage/gocage/wasm/cc"
	"golang.org/x/term"
)

const usage = `gocage runs programs in cages: emulated processes inside one host process,
with their own file descriptors, pipes, fork, exec, wait and signals, and an
in-memory filesystem.

Usage:
  gocage run [flags] [--] PROGRAM [ARG...]   run PROGRAM in a fresh kernel
  gocage syscalls                            list the system calls gocage serves
  gocage cc [clang flags] -o PROG.wasm FILE.c
                                             compile C for cages (wasm32-wasi)

Examples:
  gocage run -- sh -c 'seq 1 100 | grep 7 | wc -l'
  gocage cc -O2 -o hello.wasm hello.c && gocage run --mount "$PWD:/w" -- sh -c '/w/hello.wasm | wc -c'

Run 'gocage run --help' for the flags of run.
`

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Main runs the gocage command with args (without the program name) and
// returns its exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "run":
		return run(args[1:], stdin, stdout, stderr)
	case "syscalls":
		return listSyscalls(stdout)
	case "cc":
		return compileC(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "gocage: unknown command %q (try 'gocage --help')\n", args[0])
	return 2
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// runConfig is what the flags of run say.
type runConfig struct {
	mounts   multiFlag
	root     string
	env      multiFlag
	clearEnv bool
	cwd      string
	timeout  time.Duration
	maxCages int
	maxFds   int

	trace        traceFlag
	traceFilter  string
	traceSummary bool
	grant        multiFlag
	grantsFile   string
	recordGrants string
}

// traceFlag is --trace (to stderr) or --trace=FILE.
type traceFlag struct {
	on   bool
	file string
}

func (t *traceFlag) String() string {
	if t == nil || !t.on {
		return ""
	}
	return t.file
}

func (t *traceFlag) Set(v string) error {
	t.on = true
	if v != "true" {
		t.file = v
	}
	if v == "false" {
		t.on, t.file = false, ""
	}
	return nil
}

// IsBoolFlag lets --trace stand alone.
func (t *traceFlag) IsBoolFlag() bool { return true }

const runUsage = `Usage: gocage run [flags] [--] PROGRAM [ARG...]

Runs PROGRAM in a fresh kernel whose root is an in-memory filesystem holding
/bin (sh and the coreutils), /dev, /proc, /tmp and /etc. The terminal's
stdin, stdout and stderr are the cage's fds 0, 1 and 2. gocage exits with
the program's status, or 128+N when a signal N killed it. PROGRAM is looked
up on the cage's PATH (/bin:/usr/bin unless --env PATH=... says otherwise).

Ctrl-C sends SIGINT to the program's process group; a second Ctrl-C kills
every cage.

--trace, --grant/--grants and --record-grants put grates (cages that serve
the program's system calls) between the program and the kernel: a tracer
printing strace's format, a namespace in which only granted paths exist
(others are ENOENT, granted ones without the right EACCES), and a recorder
that writes the grants file a run needs. Rights: r read, w write, c create,
x exec; --grant PATH is PATH:ro (r), PATH:rw is rwc, PATH:x is rx.

Flags:
`

const runExamples = `
Examples:
  gocage run -- sh -c 'seq 1 100 | grep 7 | wc -l'
  gocage run --mount "$PWD:/work:ro" --cwd /work -- sh -c 'wc -l *.go'
  gocage run --root ./rootfs -- /bin/sh
  gocage run --clear-env --env GREETING=hi -- sh -c 'echo $GREETING'
  gocage run --timeout 2s -- sh -c 'while :; do :; done'   # exits 124
  gocage run --trace -- sh -c 'cat /etc/hostname'
  gocage run --trace=trace.txt --trace-filter file,process -- sh -c 'ls /tmp'
  gocage run --trace-summary -- sh -c 'seq 1 1000 | wc -l'
  gocage run --grant /bin:x --grant /etc/hostname -- sh -c 'cat /etc/hostname /etc/passwd'
  gocage run --record-grants deps.txt -- sh -c 'cat /etc/hostname'
  gocage run --grants deps.txt -- sh -c 'cat /etc/hostname'
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cfg runConfig
	fs := flag.NewFlagSet("gocage run", flag.ContinueOnError)
	fs.Var(&cfg.mounts, "mount", "mount host directory HOST at GUEST in the cage tree, read-only with :ro\n(repeatable; example: --mount /srv/data:/data:ro)")
	fs.StringVar(&cfg.root, "root", "", "use host directory HOSTDIR as the whole root (example: --root ./rootfs)")
	fs.Var(&cfg.env, "env", "set K=V in the program's environment (repeatable; example: --env LANG=C)")
	fs.BoolVar(&cfg.clearEnv, "clear-env", false, "start from an empty environment instead of the host's")
	fs.StringVar(&cfg.cwd, "cwd", "/", "working directory inside the cage (example: --cwd /tmp)")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "kill every cage after DURATION and exit 124 (example: --timeout 30s)")
	fs.IntVar(&cfg.maxCages, "max-cages", 0, "most cages alive at once; fork beyond it fails with EAGAIN (example: --max-cages 100)")
	fs.IntVar(&cfg.maxFds, "max-fds", 0, "RLIMIT_NOFILE of the first cage (example: --max-fds 64)")
	fs.Var(&cfg.trace, "trace", "print the program's system calls as strace does, to stderr or with\n--trace=FILE to the host file FILE")
	fs.StringVar(&cfg.traceFilter, "trace-filter", "", "trace only these calls and classes (file, process, desc, signal),\nas strace -e trace= (example: --trace-filter openat,read,%process)")
	fs.BoolVar(&cfg.traceSummary, "trace-summary", false, "print strace -c's table of calls, errors and time at the end (alone:\nonly the table)")
	fs.Var(&cfg.grant, "grant", "let the program see only granted paths: PATH (read), PATH:ro, PATH:rw\n(read, write, create) or PATH:x (read, exec); repeatable (example:\n--grant /bin:x --grant /tmp:rw)")
	fs.StringVar(&cfg.grantsFile, "grants", "", "read grants from the host file FILE, one \"RIGHTS PATH\" per line (rights\nfrom rwcx), as --record-grants writes it")
	fs.StringVar(&cfg.recordGrants, "record-grants", "", "record every path the run uses and write to the host file FILE the\ngrants that let the same run pass under --grants")
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, runUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fmt.Fprint(stdout, runExamples)
			return 0
		}
		fmt.Fprintf(stderr, "gocage run: %v (try 'gocage run --help')\n", err)
		return 2
	}
	argv := fs.Args()
	if len(argv) == 0 {
		fmt.Fprintln(stderr, "gocage run: no program given (try 'gocage run --help')")
		return 2
	}
	if cfg.maxCages < 0 || cfg.maxFds < 0 || cfg.timeout < 0 {
		fmt.Fprintln(stderr, "gocage run: --max-cages, --max-fds and --timeout must not be negative")
		return 2
	}

	k, err := newKernel(&cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gocage run: %v\n", err)
		return 2
	}
	env := environment(&cfg)
	prog, err := lookPath(k, argv[0], env)
	if err != nil {
		fmt.Fprintf(stderr, "gocage run: %s: %v\n", argv[0], err)
		return 127
	}
	layers, finish, err := buildLayers(&cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gocage run: %v\n", err)
		return 2
	}
	defer finish()
	spec := cages.Spec{Path: prog, Args: argv}
	if len(layers) > 0 {
		spec = cages.Spec{Path: "/gocage-grate", Args: []string{"gocage-grate"},
			Program: grates.Program(layers, prog, argv, env)}
	}
	proc, err := k.Start(cages.Spec{
		Path:    spec.Path,
		Args:    spec.Args,
		Program: spec.Program,
		Env:     env,
		Dir:     cfg.cwd,
		Stdin:   stdin,
		Stdout:  stdout,
		Stderr:  stderr,
		Limits:  cages.Limits{NoFile: cfg.maxFds},
		// A shell started on a terminal is interactive, as on Linux.
		Terminal: isTerminal(stdin) && isTerminal(stderr),
	})
	if err != nil {
		fmt.Fprintf(stderr, "gocage run: %v\n", err)
		var e posix.Errno
		if errors.As(err, &e) && (e == posix.EACCES || e == posix.ENOEXEC) {
			return 126
		}
		return 127
	}
	return wait(k, proc, cfg.timeout, stderr)
}

// buildLayers returns the grates the flags ask for, lowest first, and a
// function that releases what they hold (the trace file).
func buildLayers(cfg *runConfig, stderr io.Writer) ([]grates.Layer, func(), error) {
	var layers []grates.Layer
	finish := func() {}
	if len(cfg.grant) > 0 || cfg.grantsFile != "" {
		var gs []grates.Grant
		for _, v := range cfg.grant {
			g, err := grates.ParseGrant(v)
			if err != nil {
				return nil, finish, fmt.Errorf("--grant: %v", err)
			}
			gs = append(gs, g)
		}
		if cfg.grantsFile != "" {
			f, err := os.Open(cfg.grantsFile)
			if err != nil {
				return nil, finish, fmt.Errorf("--grants: %v", err)
			}
			more, err := grates.ParseGrants(f)
			f.Close()
			if err != nil {
				return nil, finish, fmt.Errorf("--grants %s: %v", cfg.grantsFile, err)
			}
			gs = append(gs, more...)
		}
		layers = append(layers, grates.NewGrants(gs))
	}
	if cfg.recordGrants != "" {
		layers = append(layers, &recordFile{Recorder: grates.NewRecorder(), path: cfg.recordGrants})
	}
	if cfg.trace.on || cfg.traceSummary || cfg.traceFilter != "" {
		opt := grates.TraceOptions{Output: stderr, Calls: cfg.trace.on || !cfg.traceSummary, Summary: cfg.traceSummary}
		if cfg.traceFilter != "" {
			f, err := grates.ParseFilter(cfg.traceFilter)
			if err != nil {
				return nil, finish, fmt.Errorf("--trace-filter: %v", err)
			}
			opt.Filter = f
		}
		if cfg.trace.file != "" {
			f, err := os.Create(cfg.trace.file)
			if err != nil {
				return nil, finish, fmt.Errorf("--trace: %v", err)
			}
			finish = func() { f.Close() }
			opt.Output, opt.File = f, true
		}
		layers = append(layers, grates.NewTracer(opt))
	}
	return layers, finish, nil
}

// recordFile is the recorder of --record-grants: it writes its grants to
// the host file path when the run ends.
type recordFile struct {
	*grates.Recorder
	path string
}

// Finish writes the grants file.
func (r *recordFile) Finish() error {
	f, err := os.Create(r.path)
	if err != nil {
		return fmt.Errorf("--record-grants: %v", err)
	}
	if err := grates.WriteGrants(f, r.Grants()); err != nil {
		f.Close()
		return fmt.Errorf("--record-grants: %v", err)
	}
	return f.Close()
}

// isTerminal reports whether v is a terminal of the host's.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newKernel builds the kernel the flags describe.
func newKernel(cfg *runConfig) (*cages.Kernel, error) {
	opts := vfs.Options{}
	var fsys *vfs.FS
	if cfg.root != "" {
		var err error
		if fsys, err = vfs.NewHostRoot(cfg.root, false, opts); err != nil {
			return nil, fmt.Errorf("--root %s: %w", cfg.root, err)
		}
	} else {
		fsys = vfs.New(opts)
	}
	for _, m := range cfg.mounts {
		host, guest, ro, err := parseMount(m)
		if err != nil {
			return nil, err
		}
		if err := fsys.Mount(guest, host, ro); err != nil {
			return nil, fmt.Errorf("--mount %s: %w", m, err)
		}
	}
	rt, err := wasm.New(context.Background(), wasm.Options{})
	if err != nil {
		return nil, err
	}
	k := cages.New(cages.Config{FS: fsys, MaxCages: cfg.maxCages, Wasm: rt.Program})
	if err := programs.Install(k); err != nil {
		return nil, err
	}
	if err := k.Install("/bin/sh", sh.Main); err != nil {
		return nil, err
	}
	return k, nil
}

// parseMount splits HOST:GUEST[:ro|:rw].
func parseMount(m string) (host, guest string, ro bool, err error) {
	parts := strings.Split(m, ":")
	if n := len(parts); n == 3 && (parts[2] == "ro" || parts[2] == "rw") {
		ro = parts[2] == "ro"
		parts = parts[:2]
	}
	if len(parts) != 2 || parts[0] == "" || !strings.HasPrefix(parts[1], "/") {
		return "", "", false, fmt.Errorf("--mount %s: want HOST:GUEST[:ro], GUEST absolute", m)
	}
	return parts[0], parts[1], ro, nil
}

// environment returns the program's environment: the host's (unless
// --clear-env) with PATH set for the cage and HOME the cage user's home
// (the host's means nothing in the cage tree), then the --env settings.
func environment(cfg *runConfig) []string {
	var env []string
	if !cfg.clearEnv {
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "HOME=") {
				env = append(env, kv)
			}
		}
		env = append(env, "HOME=/home/user")
	}
	env = append(env, "PATH=/bin:/usr/bin")
	for _, kv := range cfg.env {
		k, _, _ := strings.Cut(kv, "=")
		out := env[:0]
		for _, old := range env {
			if ok, _, _ := strings.Cut(old, "="); ok != k {
				out = append(out, old)
			}
		}
		env = append(out, kv)
	}
	return env
}

// lookPath finds prog on the cage's PATH, as a shell would.
func lookPath(k *cages.Kernel, prog string, env []string) (string, error) {
	if strings.Contains(prog, "/") {
		return prog, nil
	}
	pathVar := "/bin:/usr/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	for _, dir := range strings.Split(pathVar, ":") {
		if dir == "" {
			dir = "."
		}
		p := path.Join(dir, prog)
		if _, err := k.FS().Exec(&vfs.Ctx{Cred: vfs.Cred{UID: k.UID(), GID: k.GID()}}, vfs.Loc{}, p); err == 0 {
			return p, nil
		}
	}
	return "", errors.New("command not found")
}

// wait waits for the program, forwarding Ctrl-C and enforcing the
// timeout, and returns gocage's exit status.
func wait(k *cages.Kernel, proc *cages.Process, timeout time.Duration, stderr io.Writer) int {
	ints := make(chan os.Signal, 2)
	signal.Notify(ints, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(ints)
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	interrupts := 0
	for {
		select {
		case <-proc.Done():
			st, _ := proc.Wait(context.Background())
			shutdown(k)
			if st.Signaled() {
				return 128 + st.Signal()
			}
			return st.ExitStatus()
		case <-expired:
			fmt.Fprintf(stderr, "gocage run: timed out after %v\n", timeout)
			shutdown(k)
			return 124
		case s := <-ints:
			interrupts++
			if interrupts > 1 || s == syscall.SIGTERM {
				shutdown(k)
				<-proc.Done()
				return 128 + posix.SIGKILL
			}
			proc.SignalForeground(posix.SIGINT)
		}
	}
}

// shutdown kills whatever cages remain (background jobs) and waits a
// little for them.
func shutdown(k *cages.Kernel) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	k.Shutdown(ctx)
}

// listSyscalls prints the compatibility list: every system call gocage
// serves, with its arguments and support level.
func listSyscalls(stdout io.Writer) int {
	rows := cages.Syscalls()
	sort.Slice(rows, func(i, j int) bool { return rows[i].Num < rows[j].Num })
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NR\tNAME\tSUPPORT\tARGUMENTS\tNOTE")
	for _, s := range rows {
		var args []string
		for _, a := range s.Args {
			args = append(args, a.Name+":"+a.Kind.String())
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", s.Num, s.Name, s.Support, strings.Join(args, " "), s.Note)
	}
	w.Flush()
	return 0
}

// compileC is `gocage cc`: clang for wasm32 with gocage's C library,
// the arguments passed through; its status is clang's.
func compileC(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, ccUsage)
		return 0
	}
	tc, err := cc.Find()
	if err != nil {
		fmt.Fprintf(stderr, "gocage cc: %v\n", err)
		return 127
	}
	if err := tc.Run(args, stdout, stderr); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintf(stderr, "gocage cc: %v\n", err)
		return 1
	}
	return 0
}

const ccUsage = `Usage: gocage cc [clang flags] -o PROG.wasm FILE.c...

Compiles C programs for cages: clang-19 for wasm32 against gocage's C
library (musl, built for gocage's system calls: Linux's errno, flag and
signal numbers and structures), the flags passed through (-O2, -D, -I,
-l...). It predefines __linux__ and __unix__, and __gocage__. Programs
that fork or call setjmp are prepared with wasm-opt's Asyncify pass. The
result runs in gocage like any program: gocage run ./PROG.wasm, or from a
shell in a cage. The first run builds the C library, once, into the
user's cache directory (from Debian's musl source package, fetched with
apt-get source unless $GOCAGE_MUSL names its tarball).

Needs the Debian packages ` + cc.Packages + `
(make wasm-toolchain installs them).

Example:
  gocage cc -O2 -o hello.wasm hello.c
  gocage run --mount "$PWD:/w" -- sh -c '/w/hello.wasm | tr a-z A-Z'
`
