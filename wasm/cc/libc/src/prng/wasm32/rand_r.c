/* rand_r as glibc's: three steps of the ANSI C example generator, 11 +
 * 10 + 10 bits, so that a program prints the same numbers as on Linux. */
#include <stdlib.h>

int rand_r(unsigned *seed)
{
	unsigned next = *seed;
	int r;
	next = next * 1103515245 + 12345;
	r = (next / 65536) % 2048;
	next = next * 1103515245 + 12345;
	r = (r << 10) ^ ((next / 65536) % 1024);
	next = next * 1103515245 + 12345;
	r = (r << 10) ^ ((next / 65536) % 1024);
	*seed = next;
	return r;
}
