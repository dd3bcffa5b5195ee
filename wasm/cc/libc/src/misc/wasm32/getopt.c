/* getopt as glibc's: it permutes argv, so options may follow operands
 * ("prog file -v"), unless the option string starts with '+' or
 * POSIXLY_CORRECT is set; its messages are glibc's ("invalid option --
 * 'x'"). The scanning of one element is musl's (__posix_getopt, which
 * getopt_long.c calls too); the permutation is getopt_long's. */
#define _BSD_SOURCE
#include <unistd.h>
#include <wchar.h>
#include <string.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include "stdio_impl.h"

char *optarg;
int optind=1, opterr=1, optopt, __optpos, __optreset=0;

#define optpos __optpos
weak_alias(__optreset, optreset);

hidden int __getopt_gnu(int, char *const *, const char *);

/* __getopt_msg prints a + b + the l bytes at c and a newline (musl's
 * interface, kept for its callers). */
void __getopt_msg(const char *a, const char *b, const char *c, size_t l)
{
	FILE *f = stderr;
	FLOCK(f);
	fputs(a, f)>=0
	&& fwrite(b, strlen(b), 1, f)
	&& fwrite(c, 1, l, f)==l
	&& putc('\n', f);
	FUNLOCK(f);
}

/* shortmsg prints glibc's message about the option character at c (k
 * bytes): "PROG: WHAT -- 'C'". */
static void shortmsg(const char *prog, const char *what, const char *c, int k)
{
	FILE *f = stderr;
	FLOCK(f);
	fputs(prog, f);
	fputs(": ", f);
	fputs(what, f);
	fputs(" -- '", f);
	fwrite(c, 1, k, f);
	fputs("'\n", f);
	FUNLOCK(f);
}

hidden int __posix_getopt(int argc, char * const argv[], const char *optstring)
{
	int i;
	wchar_t c, d;
	int k, l;
	char *optchar;

	if (!optind || __optreset) {
		__optreset = 0;
		__optpos = 0;
		optind = 1;
	}

	if (optind >= argc || !argv[optind])
		return -1;

	if (argv[optind][0] != '-') {
		if (optstring[0] == '-') {
			optarg = argv[optind++];
			return 1;
		}
		return -1;
	}

	if (!argv[optind][1])
		return -1;

	if (argv[optind][1] == '-' && !argv[optind][2])
		return optind++, -1;

	if (!optpos) optpos++;
	if ((k = mbtowc(&c, argv[optind]+optpos, MB_LEN_MAX)) < 0) {
		k = 1;
		c = 0xfffd; /* replacement char */
	}
	optchar = argv[optind]+optpos;
	optpos += k;

	if (!argv[optind][optpos]) {
		optind++;
		optpos = 0;
	}

	if (optstring[0] == '-' || optstring[0] == '+')
		optstring++;

	i = 0;
	d = 0;
	do {
		l = mbtowc(&d, optstring+i, MB_LEN_MAX);
		if (l>0) i+=l; else i++;
	} while (l && d != c);

	if (d != c || c == ':') {
		optopt = c;
		if (optstring[0] != ':' && opterr)
			shortmsg(argv[0], "invalid option", optchar, k);
		return '?';
	}
	if (optstring[i] == ':') {
		optarg = 0;
		if (optstring[i+1] != ':' || optpos) {
			optarg = argv[optind++] + optpos;
			optpos = 0;
		}
		if (optind > argc) {
			optind = argc; /* glibc's: at the end, not past it */
			optopt = c;
			if (optstring[0] == ':') return ':';
			if (opterr)
				shortmsg(argv[0], "option requires an argument", optchar, k);
			return '?';
		}
	}
	return c;
}

int getopt(int argc, char * const argv[], const char *optstring)
{
	return __getopt_gnu(argc, argv, optstring);
}
