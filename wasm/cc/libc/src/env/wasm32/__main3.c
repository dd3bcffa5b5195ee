/* main(argc, argv, envp): see __main_void.c. */
extern char **__environ;
int main(int, char **, char **);

int __main_argc_argv(int argc, char **argv)
{
	return main(argc, argv, __environ);
}
