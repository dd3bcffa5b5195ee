/* bench_pread FILE N: N 1-byte preads of FILE at offset 0. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	long n = atol(argv[2]);
	char c;
	for (long i = 0; i < n; i++)
		if (pread(fd, &c, 1, 0) != 1) {
			perror("pread");
			return 1;
		}
	return 0;
}
