/* gocage's crt1.c defines _start in C; nothing here. */
