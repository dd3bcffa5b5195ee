/* The environment is the program's memory: setenv, putenv and unsetenv
 * survive fork in both processes, and exec passes the current environ. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	setenv("FOO", "bar", 1);
	putenv("BAZ=qux");
	unsetenv("TESTVAR");
	pid_t pid = fork();
	if (pid == 0) {
		printf("child FOO=%s BAZ=%s TESTVAR=%s\n", getenv("FOO"), getenv("BAZ"), getenv("TESTVAR") ? getenv("TESTVAR") : "(unset)");
		fflush(stdout);
		execl("/bin/sh", "sh", "-c", "echo exec FOO=$FOO BAZ=$BAZ TESTVAR=${TESTVAR-unset}", (char *)0);
		return 127;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("parent FOO=%s BAZ=%s status=%d\n", getenv("FOO"), getenv("BAZ"), WEXITSTATUS(st));
	return 0;
}
