/* Linux's limits and sysconf values. */
#include <limits.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("PIPE_BUF %d PATH_MAX %d NAME_MAX %d\n", PIPE_BUF, PATH_MAX, NAME_MAX);
	printf("_SC_OPEN_MAX is RLIMIT_NOFILE: %d\n", sysconf(_SC_OPEN_MAX) == (long)rl.rlim_cur);
	printf("_SC_PAGESIZE %ld getpagesize %d _SC_CLK_TCK %ld\n", sysconf(_SC_PAGESIZE), getpagesize(), sysconf(_SC_CLK_TCK));
	printf("_SC_ARG_MAX positive: %d\n", sysconf(_SC_ARG_MAX) > 0);
	printf("INT_MAX %d LLONG_MAX %lld\n", INT_MAX, LLONG_MAX);
	return 0;
}
