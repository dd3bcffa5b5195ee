/* stdout to a pipe or a file is fully buffered from its first byte, by
 * 4096 bytes, as glibc's: the first line stays in the buffer (a child
 * forked after it prints it again), and output short of 4096 bytes is
 * lost by _exit. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	printf("first line, before fork\n");
	pid_t pid = fork();
	if (pid == 0) {
		printf("child\n");
		fflush(stdout);
		char big[3000];
		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = 0;
		puts(big); /* 3000 bytes: buffered, then lost */
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("parent\n");
	fflush(stdout);
	printf("lost by _exit\n");
	_exit(0);
}
