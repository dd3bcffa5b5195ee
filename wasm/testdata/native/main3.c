/* main with envp, and sbrk. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	int n = 0;
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "TESTVAR=", 8) == 0) printf("envp has %s\n", *e);
	printf("argc %d argv[1] %s\n", argc, argc > 1 ? argv[1] : "-");
	char *p = sbrk(0);
	char *q = sbrk(1024);
	memset(q, 7, 1024);
	printf("sbrk(1024) returned the old break: %d; new break 1024 above: %d\n", p == q, (char *)sbrk(0) == q + 1024);
	return 0;
}
