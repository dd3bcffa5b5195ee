/* spin: computes forever without a system call (only SIGKILL stops it). */
#include <stdio.h>
#include <unistd.h>
volatile unsigned long n;
int main(void) {
	write(1, "spinning\n", 9);
	for (;;)
		n++;
}
