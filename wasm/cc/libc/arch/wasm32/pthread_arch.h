/* The thread pointer is a global: one thread per instance. */
extern unsigned long __gocage_tp;

static inline uintptr_t __get_tp()
{
	return __gocage_tp;
}

#define MC_PC gregs[REG_RIP]
