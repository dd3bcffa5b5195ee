/* strsignal with glibc's texts, as the programs that Linux runs print
 * them (psignal uses it too). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
	[SIGHUP] = "Hangup", [SIGINT] = "Interrupt", [SIGQUIT] = "Quit",
	[SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace/breakpoint trap",
	[SIGABRT] = "Aborted", [SIGBUS] = "Bus error",
	[SIGFPE] = "Floating point exception", [SIGKILL] = "Killed",
	[SIGUSR1] = "User defined signal 1", [SIGSEGV] = "Segmentation fault",
	[SIGUSR2] = "User defined signal 2", [SIGPIPE] = "Broken pipe",
	[SIGALRM] = "Alarm clock", [SIGTERM] = "Terminated",
	[SIGSTKFLT] = "Stack fault", [SIGCHLD] = "Child exited",
	[SIGCONT] = "Continued", [SIGSTOP] = "Stopped (signal)",
	[SIGTSTP] = "Stopped", [SIGTTIN] = "Stopped (tty input)",
	[SIGTTOU] = "Stopped (tty output)", [SIGURG] = "Urgent I/O condition",
	[SIGXCPU] = "CPU time limit exceeded", [SIGXFSZ] = "File size limit exceeded",
	[SIGVTALRM] = "Virtual timer expired", [SIGPROF] = "Profiling timer expired",
	[SIGWINCH] = "Window changed", [SIGIO] = "I/O possible",
	[SIGPWR] = "Power failure", [SIGSYS] = "Bad system call",
};

char *strsignal(int sig)
{
	static char buf[32];
	if (sig > 0 && (size_t)sig < sizeof names / sizeof *names && names[sig])
		return (char *)names[sig];
	if (sig >= 34 && sig <= 64)
		snprintf(buf, sizeof buf, "Real-time signal %d", sig - 34);
	else
		snprintf(buf, sizeof buf, "Unknown signal %d", sig);
	return buf;
}
