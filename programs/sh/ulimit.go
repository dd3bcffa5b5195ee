package sh

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gocage/gocage/posix"
)

// ulimitLimit is a row of dash's ulimit table: the -a label, the resource,
// the unit factor and the option letter.
type ulimitLimit struct {
	name   string
	res    int
	factor uint64
	opt    byte
}

// ulimitLimits is dash's limits table on Linux, in its order.
var ulimitLimits = []ulimitLimit{
	{"time(seconds)", posix.RLIMIT_CPU, 1, 't'},
	{"file(blocks)", posix.RLIMIT_FSIZE, 512, 'f'},
	{"data(kbytes)", posix.RLIMIT_DATA, 1024, 'd'},
	{"stack(kbytes)", posix.RLIMIT_STACK, 1024, 's'},
	{"coredump(blocks)", posix.RLIMIT_CORE, 512, 'c'},
	{"memory(kbytes)", posix.RLIMIT_RSS, 1024, 'm'},
	{"locked memory(kbytes)", posix.RLIMIT_MEMLOCK, 1024, 'l'},
	{"process", posix.RLIMIT_NPROC, 1, 'p'},
	{"nofiles", posix.RLIMIT_NOFILE, 1, 'n'},
	{"vmemory(kbytes)", posix.RLIMIT_AS, 1024, 'v'},
	{"locks", posix.RLIMIT_LOCKS, 1, 'w'},
	{"rtprio", posix.RLIMIT_RTPRIO, 1, 'r'},
}

// bUlimit is dash's ulimit: ulimit [-H|-S] [-a | -tfdscmlpnvwr] [limit],
// reading and setting the cage's resource limits (-f by default; both the
// soft and the hard limit are set unless -H or -S; the soft one is shown).
func bUlimit(s *shell, argv []string) int {
	const soft, hard = 1, 2
	how, all, what := soft|hard, false, byte('f')
	args := argv[1:]
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for i := 1; i < len(a); i++ {
			switch c := a[i]; c {
			case 'H':
				how = hard
			case 'S':
				how = soft
			case 'a':
				all = true
			default:
				if !strings.ContainsRune("tfdscmlpnvwr", rune(c)) {
					s.errorf("ulimit: Illegal option -%c", c)
					return 2
				}
				what = c
			}
		}
	}
	var l ulimitLimit
	for _, l = range ulimitLimits {
		if l.opt == what {
			break
		}
	}
	var val uint64
	set := len(args) > 0
	if set {
		if all || len(args) > 1 {
			s.errorf("ulimit: too many arguments")
			return 2
		}
		if args[0] == "unlimited" {
			val = posix.RLIM_INFINITY
		} else {
			n, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || args[0][0] == '+' {
				s.errorf("ulimit: bad number")
				return 2
			}
			val = n * l.factor
		}
	}
	show := func(rl posix.Rlimit, l ulimitLimit) string {
		v := rl.Max
		if how&soft != 0 {
			v = rl.Cur
		}
		if v == posix.RLIM_INFINITY {
			return "unlimited\n"
		}
		return strconv.FormatUint(v/l.factor, 10) + "\n"
	}
	if all {
		var b strings.Builder
		for _, l := range ulimitLimits {
			rl, _ := s.p.Getrlimit(l.res)
			fmt.Fprintf(&b, "%-20s %s", l.name, show(rl, l))
		}
		s.out(b.String())
		return 0
	}
	rl, _ := s.p.Getrlimit(l.res)
	if !set {
		s.out(show(rl, l))
		return 0
	}
	if how&hard != 0 {
		rl.Max = val
	}
	if how&soft != 0 {
		rl.Cur = val
	}
	if err := s.p.Setrlimit(l.res, rl); err != nil {
		s.errorf("ulimit: error setting limit (%s)", errText(err, -1))
		return 2
	}
	return 0
}
