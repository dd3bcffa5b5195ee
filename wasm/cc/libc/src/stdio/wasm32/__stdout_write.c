/* stdout's first write for gocage's wasm32. musl starts stdout line
 * buffered and, at the first line, asks whether it is a terminal: not
 * one, it turns to full buffering but writes that first line at once.
 * glibc decides before the first output, so a program whose stdout is a
 * pipe or a file writes nothing before its buffer fills, it flushes or
 * it exits (a child forked after a printf prints that text again, a
 * program killed by a signal loses it). Here, too: when stdout is no
 * terminal, what the first line-buffered write brings is kept in the
 * buffer if it fits. */
#include "stdio_impl.h"
#include <sys/ioctl.h>
#include <string.h>

size_t __stdout_write(FILE *f, const unsigned char *buf, size_t len)
{
	struct winsize wsz;
	f->write = __stdio_write;
	if (!(f->flags & F_SVB) && __syscall(SYS_ioctl, f->fd, TIOCGWINSZ, &wsz)) {
		f->lbf = -1;
		if (len && f->wend && len <= (size_t)(f->wend - f->wpos)) {
			memcpy(f->wpos, buf, len);
			f->wpos += len;
			return len;
		}
	}
	return __stdio_write(f, buf, len);
}
