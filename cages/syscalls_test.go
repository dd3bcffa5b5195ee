package cages_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocage/gocage/cages"
	"github.com/gocage/gocage/posix"
	"github.com/gocage/gocage/threei"
)

// TestSyscalls_TableIsConsistent checks the system-call table against the
// Linux numbering: each row's name is Linux's name for its number, numbers
// are unique and sorted, and every supported call has a handler that the
// default 3i table routes to.
func TestSyscalls_TableIsConsistent(t *testing.T) {
	rows := cages.Syscalls()
	require.NotEmpty(t, rows)
	seen := map[int]bool{}
	for i, s := range rows {
		require.Equal(t, posix.SyscallName(s.Num), s.Name, "row %d: number %d", i, s.Num)
		require.False(t, seen[s.Num], "%s listed twice", s.Name)
		seen[s.Num] = true
		if i > 0 {
			require.Less(t, rows[i-1].Num, s.Num, "rows must be ordered by number")
		}
		if s.Support != threei.Unsupported {
			require.NotNil(t, s.Handler, "%s is supported but has no handler", s.Name)
		}
		if s.Support == threei.Partial {
			require.NotEmpty(t, s.Note, "%s is partial: the note must say what is missing", s.Name)
		}
		for _, a := range s.Args {
			require.NotEmpty(t, a.Name)
			require.NotEqual(t, "unknown", a.Kind.String(), "%s argument %s", s.Name, a.Name)
		}
		require.LessOrEqual(t, len(s.Args), threei.MaxArgs)
	}
	// Every call issue 2 names is served.
	for _, name := range []string{"getpid", "getppid", "getpgid", "setpgid", "getsid", "setsid", "pipe", "pipe2",
		"read", "write", "readv", "writev", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "ioctl", "poll",
		"fork", "execve", "exit", "exit_group", "wait4", "kill", "rt_sigaction", "rt_sigprocmask", "rt_sigpending",
		"rt_sigsuspend", "alarm", "nanosleep", "clock_gettime", "getuid", "geteuid", "getgid", "getegid", "uname",
		"getrlimit", "setrlimit"} {
		num, ok := posix.SyscallByName(name)
		require.True(t, ok, name)
		require.True(t, seen[num], "%s is not in the system-call table", name)
	}
}

// TestSyscalls_UnlistedCall_ENOSYS: a call the table does not list fails
// with ENOSYS through the cage's 3i table.
func TestSyscalls_UnlistedCall_ENOSYS(t *testing.T) {
	k := cages.New(cages.Config{})
	proc, err := k.Start(cages.Spec{Path: "/t", Program: func(p *cages.Proc) int { return 0 }})
	require.NoError(t, err)
	tbl := proc.Cage().Table()
	_, e := tbl.Dispatch(&threei.Call{Num: posix.SYS_MOUNT, Caller: proc.Cage()})
	require.Equal(t, posix.ENOSYS, e)
	<-proc.Done()
}
