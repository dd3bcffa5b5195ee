/* files: the WASI filesystem calls through gocage: create, write, stat,
   rename, mkdir, list, symlink, unlink, relative paths. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s (errno %s)\n", __LINE__, #c, strerror(errno)); return 1; } } while (0)

int main(void) {
	CHECK(mkdir("/tmp/w", 0755) == 0);
	int fd = open("/tmp/w/a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "abcdef", 6) == 6);
	CHECK(lseek(fd, 2, SEEK_SET) == 2);
	CHECK(write(fd, "XY", 2) == 2);
	CHECK(close(fd) == 0);
	struct stat st;
	CHECK(stat("/tmp/w/a.txt", &st) == 0 && st.st_size == 6 && S_ISREG(st.st_mode));
	CHECK(rename("/tmp/w/a.txt", "/tmp/w/b.txt") == 0);
	CHECK(stat("/tmp/w/a.txt", &st) == -1 && errno == ENOENT);
	CHECK(symlink("b.txt", "/tmp/w/l") == 0);
	char buf[64] = {0};
	CHECK(readlink("/tmp/w/l", buf, sizeof buf) == 5 && strcmp(buf, "b.txt") == 0);
	fd = open("/tmp/w/l", O_RDONLY);
	CHECK(fd >= 0);
	memset(buf, 0, sizeof buf);
	CHECK(read(fd, buf, sizeof buf) == 6 && strcmp(buf, "abXYef") == 0);
	close(fd);
	DIR *d = opendir("/tmp/w");
	CHECK(d != NULL);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	CHECK(n == 2);
	CHECK(open("/nonexistent/x", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(mkdir("/tmp/w", 0755) == -1 && errno == EEXIST);
	CHECK(rmdir("/tmp/w") == -1 && errno == ENOTEMPTY);
	CHECK(unlink("/tmp/w/l") == 0 && unlink("/tmp/w/b.txt") == 0);
	CHECK(rmdir("/tmp/w") == 0);
	CHECK(write(99, "x", 1) == -1 && errno == EBADF);
	printf("files ok\n");
	return 0;
}
