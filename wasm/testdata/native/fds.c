/* The program's first open gets fd 3, and closing fd 3 breaks nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("a", O_CREAT | O_WRONLY, 0644);
	printf("first open: %d\n", fd);
	close(3);
	fd = open("a", O_RDONLY);
	printf("after close(3): %d\n", fd);
	int p[2];
	pipe(p);
	printf("pipe: %d %d\n", p[0], p[1]);
	printf("dup2 to 10: %d, fcntl F_DUPFD 5: %d\n", dup2(p[0], 10), fcntl(p[1], F_DUPFD, 5));
	printf("cloexec: %d\n", fcntl(open("a", O_RDONLY | O_CLOEXEC), F_GETFD));
	return 0;
}
