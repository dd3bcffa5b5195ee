/* __gocage_utf8_codeset tells whether a locale name asks for UTF-8, the
 * one character set musl has besides C's bytes. musl takes any other
 * name it finds no file for as UTF-8 too; glibc refuses a locale it
 * does not have, setlocale returning NULL, and build.sh makes musl's
 * __get_locale refuse the names that do not name UTF-8 ("en_US",
 * "xx_XX.FAKE-42") likewise. The codeset is what follows the '.' up to
 * an '@', compared as glibc normalizes it (case and punctuation
 * ignored: "UTF-8", "utf8"). */
#include <ctype.h>

int __gocage_utf8_codeset(const char *name)
{
	const char *p = name, *want = "utf8";
	while (*p && *p != '.' && *p != '@') p++;
	if (*p != '.') return 0;
	for (p++; *p && *p != '@'; p++) {
		if (!isalnum((unsigned char)*p)) continue;
		if (!*want || tolower((unsigned char)*p) != *want) return 0;
		want++;
	}
	return !*want;
}
