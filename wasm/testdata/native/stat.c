/* stat fills the whole struct stat; open and mkdir honour their mode and
 * the umask; chmod and fchmod change it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *path)
{
	struct stat st;
	if (stat(path, &st)) { perror(path); return; }
	printf("%s: mode %o type %s nlink %lu size %lld uid-ok %d gid-ok %d blksize-pos %d mtime-pos %d\n", path,
		(unsigned)(st.st_mode & 07777), S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir" : S_ISFIFO(st.st_mode) ? "fifo" : "other",
		(unsigned long)st.st_nlink, (long long)st.st_size, st.st_uid == getuid(), st.st_gid == getgid(),
		st.st_blksize > 0, st.st_mtim.tv_sec > 1000000000);
}

int main(void)
{
	umask(022);
	int fd = open("f640", O_CREAT | O_WRONLY, 0640);
	write(fd, "hello", 5);
	close(fd);
	show("f640");
	fd = open("f777", O_CREAT | O_WRONLY, 0777);
	close(fd);
	show("f777");
	umask(077);
	fd = open("f666", O_CREAT | O_WRONLY, 0666);
	show("f666");
	fchmod(fd, 0604);
	close(fd);
	show("f666");
	chmod("f640", 0755);
	show("f640");
	umask(022);
	mkdir("d", 0777);
	show("d");
	mkdir("d2", 0700);
	show("d2");
	link("f640", "d/hard");
	show("f640");
	mkfifo("fifo", 0666);
	show("fifo");
	struct stat a, b;
	lstat("f640", &a);
	fstatat(AT_FDCWD, "d/hard", &b, 0);
	printf("same inode through a hard link: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	symlink("f640", "sym");
	lstat("sym", &a);
	printf("lstat of a symlink: %s size %lld\n", S_ISLNK(a.st_mode) ? "link" : "not a link", (long long)a.st_size);
	return 0;
}
