/* strerror with glibc's texts (__strerror.h, generated from gocage's
 * posix package), as the programs that Linux runs print them, and
 * "Unknown error N" for a number that is not an errno. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "locale_impl.h"

static const char *const msgs[] = {
#define E(n, s) [n] = s,
#include "../__strerror.h"
#undef E
};

char *__strerror_l(int e, locale_t loc)
{
	static char unknown[32];
	if (e >= 0 && (size_t)e < sizeof msgs / sizeof *msgs && msgs[e])
		return (char *)msgs[e];
	snprintf(unknown, sizeof unknown, "Unknown error %d", e);
	return unknown;
}

char *strerror(int e)
{
	return __strerror_l(e, CURRENT_LOCALE);
}

weak_alias(__strerror_l, strerror_l);
