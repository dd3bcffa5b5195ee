/* The program's main, whatever its form. clang names a main(void)
 * __original_main with a __main_void that calls it, and a main(argc,
 * argv) __main_argc_argv; a main(argc, argv, envp) keeps its name. The
 * program defines one of these; the library fills in what is missing
 * (this file when main takes arguments, __main3.c when it takes three). */
extern int __gocage_argc;
extern char **__gocage_argv;
int __main_argc_argv(int, char **);

int __main_void(void)
{
	return __main_argc_argv(__gocage_argc, __gocage_argv);
}
