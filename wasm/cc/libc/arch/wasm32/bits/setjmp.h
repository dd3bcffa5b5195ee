/* A jmp_buf names a saved stack (gocage's setjmp keeps the saved stack
 * outside the buffer) and the C stack pointer. */
typedef unsigned long long __jmp_buf[8];
