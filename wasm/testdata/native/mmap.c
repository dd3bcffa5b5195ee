/* mmap and munmap check their arguments as Linux does, in its order;
 * brk and sbrk move the break (brk links: it once clashed with musl's). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void try(const char *what, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	errno = 0;
	void *p = mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: ok, page-aligned %d\n", what, ((unsigned long)p & 4095) == 0);
	munmap(p, len);
}

int main(void)
{
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	try("bad fd", 0, 4096, PROT_READ, MAP_PRIVATE, 999, 0);
	try("bad fd, zero length", 0, 0, PROT_READ, MAP_PRIVATE, 999, 0);
	try("zero length", 0, 0, PROT_READ, anon, -1, 0);
	try("unaligned offset", 0, 4096, PROT_READ, anon, -1, 123);
	try("unaligned offset, bad fd", 0, 4096, PROT_READ, MAP_PRIVATE, 999, 123);
	try("unaligned fixed address", (void *)0x1001, 4096, PROT_READ, anon | MAP_FIXED, -1, 0);
	try("shared and private", 0, 4096, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	try("neither shared nor private", 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0);
	try("anonymous", 0, 4096, PROT_READ | PROT_WRITE, anon, -1, 0);
	try("anonymous, odd length", 0, 5000, PROT_READ | PROT_WRITE, anon, -1, 0);

	int fd = open("f", O_CREAT | O_RDWR, 0644);
	write(fd, "0123456789", 10);
	try("file, private", 0, 10, PROT_READ, MAP_PRIVATE, fd, 0);
	try("file, type 0", 0, 10, PROT_READ, 0, fd, 0);
	try("file, type 15", 0, 10, PROT_READ, 15, fd, 0);
	close(fd);
	fd = open("f", O_WRONLY);
	try("write-only file", 0, 10, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	fd = open("f", O_RDONLY);
	try("read-only file, shared writable", 0, 10, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	try("read-only file, private writable", 0, 10, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	fd = open(".", O_RDONLY);
	try("directory", 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	int p[2];
	pipe(p);
	try("pipe", 0, 4096, PROT_READ, MAP_PRIVATE, p[0], 0);

	char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, anon, -1, 0);
	int r = munmap(m + 1, 4096);
	printf("munmap unaligned: %d %s\n", r, strerror(errno));
	r = munmap(m, 0);
	printf("munmap zero length: %d %s\n", r, strerror(errno));
	printf("munmap: %d\n", munmap(m, 8192));

	char *b = sbrk(0);
	printf("brk up: %d\n", brk(b + 4096));
	printf("moved: %d\n", (char *)sbrk(0) == b + 4096);
	b[4095] = 1;
	printf("brk down: %d\n", brk(b));
	printf("moved back: %d\n", (char *)sbrk(0) == b);
	return 0;
}
