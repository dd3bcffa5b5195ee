/* popen, pclose and system fork and exec /bin/sh. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

int main(void)
{
	char line[100];
	FILE *f = popen("echo one; echo two", "r");
	while (fgets(line, sizeof line, f)) printf("read: %s", line);
	printf("pclose: %d\n", WEXITSTATUS(pclose(f)));
	f = popen("tr a-z A-Z", "w");
	fputs("written through popen\n", f);
	fflush(stdout);
	printf("pclose: %d\n", pclose(f));
	fflush(stdout);
	int st = system("echo from system; exit 7");
	printf("system: exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
	printf("system(NULL): %d\n", system(NULL) != 0);
	return 0;
}
