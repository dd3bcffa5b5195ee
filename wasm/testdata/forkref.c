/* forkref.c: linked beside a program that never forks, it makes the
 * program import fork (an exported function that may call it), so that
 * gocage cc Asyncifies it: the benchmarks measure what Asyncify costs a
 * program that computes. */
#include <unistd.h>

__attribute__((export_name("gocage_forkref"))) int gocage_forkref(int n) {
	return n > 0 ? fork() : 0;
}
