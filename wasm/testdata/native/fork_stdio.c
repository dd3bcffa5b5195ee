/* stdio buffers and atexit handlers are memory: fork copies them. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *who = "parent";

static void bye(void) { printf("atexit in %s\n", who); }

int main(void)
{
	atexit(bye);
	printf("buffered before fork; ");
	pid_t pid = fork();
	if (pid == 0) {
		who = "child";
		printf("child\n");
		exit(3);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("parent, child status %d\n", WEXITSTATUS(st));
	return 0;
}
