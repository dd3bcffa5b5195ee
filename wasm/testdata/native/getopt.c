/* getopt: options after operands (argv permuted as glibc's getopt does),
 * POSIXLY_CORRECT and '+', and glibc's messages, for short and long
 * options; each case in a child, so that getopt starts afresh. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static void run(const char *title, const char *opts, int lng, int n, char **av) {
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		static struct option lo[] = {
			{"verbose", no_argument, 0, 'v'}, {"output", required_argument, 0, 'o'},
			{"outdir", required_argument, 0, 'd'}, {"level", optional_argument, 0, 'l'}, {0, 0, 0, 0}};
		int c;
		printf("%s:", title);
		while ((c = lng ? getopt_long(n, av, opts, lo, 0) : getopt(n, av, opts)) != -1)
			printf(" [%c%s%s]", c, optarg ? "=" : "", optarg ? optarg : "");
		printf(" | optind=%d rest:", optind);
		for (int i = optind; i < n; i++) printf(" %s", av[i]);
		printf(" | argv:");
		for (int i = 1; i < n; i++) printf(" %s", av[i]);
		printf("\n");
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, 0, 0);
}

#define RUN(t, o, l, ...) do { char *av[] = {"prog", __VA_ARGS__, 0}; run(t, o, l, sizeof av / sizeof av[0] - 1, av); } while (0)

int main(void) {
	setvbuf(stderr, 0, _IONBF, 0);
	dup2(1, 2);
	RUN("plain", "ab:c", 0, "-a", "-b", "x", "file");
	RUN("permuted", "ab:c", 0, "file1", "-a", "file2", "-bx", "-c", "file3");
	RUN("dashdash", "ab:c", 0, "f1", "-a", "--", "-c", "f2");
	RUN("plus", "+ab:c", 0, "f1", "-a");
	RUN("minus", "-ab:c", 0, "f1", "-a", "f2");
	RUN("invalid", "ab:c", 0, "-z", "-a");
	RUN("noarg", "ab:c", 0, "-a", "-b");
	RUN("colon", ":ab:c", 0, "-b");
	RUN("long", "vo:", 1, "x", "--verbose", "--output=f", "y", "--output", "g", "--outd", "d");
	RUN("long-errors", "vo:", 1, "--nope", "--verbose=1", "--output", "--out", "--level=3", "--level");
	RUN("ambiguous", "vo:", 1, "--out=x", "--outp", "y", "--verb");
	setenv("POSIXLY_CORRECT", "1", 1);
	RUN("posixly", "ab:c", 0, "f1", "-a");
	RUN("posixly-long", "vo:", 1, "f1", "--verbose");
	return 0;
}
