/* The thread pointer of gocage's wasm32 is a global (pthread_arch.h). */
unsigned long __gocage_tp;

int __set_thread_area(void *p)
{
	__gocage_tp = (unsigned long)p;
	return 0;
}
