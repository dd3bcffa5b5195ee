// Package posix holds the Linux ABI vocabulary of gocage: errno values and
// their glibc messages, open/fcntl/at/seek/poll/ioctl flags, file-mode bits,
// wait options and wait-status encoding, signal numbers, names, messages and
// default actions, signal sets, resource limits, clock ids, the Timespec,
// Utsname and Stat structures, and the Linux x86-64 system-call numbers;
// for the C library's further calls, the Timeval, Itimerval, Tms, Rusage,
// Sysinfo, Siginfo, SignalStack, FdSet, Termios and Winsize structures and
// the flock, getrandom, priority, prctl, fallocate, fadvise and terminal
// constants.
//
// All numbers are Linux x86-64 values written as constants, whatever the host
// operating system: the package uses neither syscall nor golang.org/x/sys and
// builds unchanged on linux, darwin and windows. It holds no logic beyond
// small helpers.
//
// posix is the bottom of gocage's import graph: it may import only the
// standard library, never another gocage package.
package posix
