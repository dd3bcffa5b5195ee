/* gocage: the memory calls of a wasm32 program. A module's linear memory
 * is its address space: brk and anonymous mmap take pages from its top
 * (growing the memory as needed), munmap returns them to a free list kept
 * in the freed pages themselves, and a file mapping is a private copy
 * read with pread. Everything lives in the linear memory, so fork copies
 * it with the rest of the program. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <fcntl.h>
#include "syscall.h"

#define PAGE 4096UL
#define WASM_PAGE 65536UL

extern unsigned char __heap_base;

/* A free run of pages: its first bytes while it is free. */
struct run {
	size_t len;
	struct run *next;
};

static uintptr_t top;      /* everything at or above is unused */
static uintptr_t brk_base; /* the start of the brk heap */
static uintptr_t brk_cur;  /* the current break */
static struct run *runs;   /* free runs, by address */
static uintptr_t used;     /* the highest address ever handed out */

static void init(void)
{
	if (top) return;
	top = ((uintptr_t)&__heap_base + PAGE - 1) & -PAGE;
	brk_base = brk_cur = used = top;
}

/* grow makes the memory reach end; 0 when it cannot. */
static int grow(uintptr_t end)
{
	uintptr_t have = __builtin_wasm_memory_size(0) * WASM_PAGE;
	if (end <= have) return 1;
	size_t pages = (end - have + WASM_PAGE - 1) / WASM_PAGE;
	return __builtin_wasm_memory_grow(0, pages) != (size_t)-1;
}

/* fresh readies [a, end) above the top for use: pages the top gave back
 * earlier still hold their old bytes, and new memory must read as zero. */
static void fresh(uintptr_t a, uintptr_t end)
{
	if (a < used) memset((void *)a, 0, (end < used ? end : used) - a);
	if (end > used) used = end;
}

static long do_brk(uintptr_t want)
{
	init();
	if (!want || want < brk_base) return brk_cur;
	if (want <= brk_cur) {
		if (brk_cur == top) top = (want + PAGE - 1) & -PAGE;
		brk_cur = want;
		return brk_cur;
	}
	if (((brk_cur + PAGE - 1) & -PAGE) != top) return brk_cur; /* something is mapped above */
	uintptr_t end = (want + PAGE - 1) & -PAGE;
	if (end < want || !grow(end)) return brk_cur;
	fresh(top, end);
	top = end;
	brk_cur = want;
	return brk_cur;
}

/* __gocage_sbrk moves the break by inc and returns the old one, or -1.
 * When pages are mapped above the break (the memory grows only at its
 * top, where mmap takes pages too), the break first moves to the top:
 * the program gets inc contiguous bytes, though not contiguous with what
 * an earlier sbrk gave it. */
uintptr_t __gocage_sbrk(intptr_t inc)
{
	init();
	if (inc > 0 && ((brk_cur + PAGE - 1) & -PAGE) != top)
		brk_base = brk_cur = top;
	uintptr_t old = brk_cur, want = old + inc;
	if ((inc > 0 && want < old) || (inc < 0 && want > old)) return (uintptr_t)-1;
	if ((uintptr_t)do_brk(want) != want) return (uintptr_t)-1;
	return old;
}

/* take returns len bytes (a multiple of PAGE) of zeroed pages, or 0. */
static uintptr_t take(size_t len)
{
	init();
	for (struct run **pp = &runs; *pp; pp = &(*pp)->next) {
		struct run *r = *pp;
		if (r->len < len) continue;
		uintptr_t a = (uintptr_t)r;
		if (r->len == len) {
			*pp = r->next;
		} else {
			struct run *rest = (struct run *)(a + len);
			rest->len = r->len - len;
			rest->next = r->next;
			*pp = rest;
		}
		memset((void *)a, 0, len);
		return a;
	}
	uintptr_t a = top;
	if (a + len < a || !grow(a + len)) return 0;
	fresh(a, a + len);
	top = a + len;
	return a;
}

/* give returns [a, a+len) to the free runs, merging neighbours. */
static void give(uintptr_t a, size_t len)
{
	struct run **pp = &runs;
	while (*pp && (uintptr_t)*pp < a) {
		struct run *r = *pp;
		if ((uintptr_t)r + r->len >= a) { /* merges with r, or overlaps it */
			uintptr_t end = a + len > (uintptr_t)r + r->len ? a + len : (uintptr_t)r + r->len;
			a = (uintptr_t)r;
			len = end - a;
			*pp = r->next;
			continue;
		}
		pp = &r->next;
	}
	while (*pp && (uintptr_t)*pp <= a + len) { /* runs that touch or overlap the end */
		struct run *r = *pp;
		uintptr_t end = (uintptr_t)r + r->len;
		if (end > a + len) len = end - a;
		*pp = r->next;
	}
	if (a + len == top && a >= brk_cur) { /* the top shrinks instead */
		top = a;
		return;
	}
	struct run *n = (struct run *)a;
	n->len = len;
	n->next = *pp;
	*pp = n;
}

/* do_mmap checks its arguments in the order of Linux's sys_mmap and
 * do_mmap (mm/mmap.c): the offset's alignment, the file, the length, the
 * fixed address, then the mapping's type and the file's access mode. */
static long do_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, long long off)
{
	long fl = 0;
	if (off & (PAGE - 1)) return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		fl = (long)__gocage_syscall(SYS_fcntl, fd, 3 /* F_GETFL */, 0, 0, 0, 0);
		if (fl < 0) return -EBADF;
	}
	if (!len) return -EINVAL;
	if (len > SIZE_MAX - PAGE) return -ENOMEM;
	len = (len + PAGE - 1) & -PAGE;
	if ((unsigned long long)off / PAGE + len / PAGE < (unsigned long long)off / PAGE) return -EOVERFLOW;
	if (flags & MAP_FIXED) {
		if (addr & (PAGE - 1)) return -EINVAL;
		return -ENOMEM; /* no address can be chosen */
	}
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_PRIVATE:
		break;
	case MAP_SHARED_VALIDATE:
		if (!(flags & MAP_ANONYMOUS)) break;
		/* fallthrough */
	default:
		return -EINVAL;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && (fl & O_ACCMODE) != O_RDWR) return -EACCES;
		if ((fl & O_ACCMODE) == O_WRONLY) return -EACCES;
	}
	uintptr_t a = take(len);
	if (!a) return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		size_t done = 0;
		while (done < len) {
			long n = (long)__gocage_syscall(SYS_pread64, fd, a + done, len - done, off + done, 0, 0);
			if (n < 0) {
				give(a, len);
				return n == -ESPIPE || n == -EISDIR ? -ENODEV : n;
			}
			if (n == 0) break;
			done += n;
		}
	}
	return a;
}

static long do_munmap(uintptr_t a, size_t len)
{
	if (a & (PAGE - 1) || !len) return -EINVAL;
	len = (len + PAGE - 1) & -PAGE;
	init();
	if (a < brk_base || a + len > top) return 0;
	give(a, len);
	return 0;
}

static long do_mremap(uintptr_t old, size_t oldlen, size_t newlen, int flags)
{
	if (old & (PAGE - 1)) return -EINVAL;
	oldlen = (oldlen + PAGE - 1) & -PAGE;
	newlen = (newlen + PAGE - 1) & -PAGE;
	if (!newlen) return -EINVAL;
	if (newlen <= oldlen) {
		if (newlen < oldlen) do_munmap(old + newlen, oldlen - newlen);
		return old;
	}
	if (old + oldlen == top && old + newlen > old && grow(old + newlen)) {
		fresh(top, old + newlen);
		top = old + newlen;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
	uintptr_t a = take(newlen);
	if (!a) return -ENOMEM;
	memcpy((void *)a, (void *)old, oldlen);
	give(old, oldlen);
	return a;
}

long __gocage_mem(long n, long long a, long long b, long long c, long long d, long long e, long long f)
{
	switch (n) {
	case SYS_brk:
		return do_brk((uintptr_t)a);
	case SYS_mmap:
		return do_mmap((uintptr_t)a, (size_t)b, (int)c, (int)d, (int)e, f);
	case SYS_munmap:
		return do_munmap((uintptr_t)a, (size_t)b);
	case SYS_mremap:
		return do_mremap((uintptr_t)a, (size_t)b, (size_t)c, (int)d);
	case SYS_mprotect:
	case SYS_madvise:
		return 0;
	}
	return -ENOSYS;
}
