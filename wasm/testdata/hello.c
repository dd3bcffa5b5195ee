#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	printf("hello from C, argc=%d", argc);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	const char *who = getenv("WHO");
	printf(" WHO=%s\n", who ? who : "(unset)");
	return argc > 2 ? 3 : 0;
}
