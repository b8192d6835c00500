/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fmt.h"

void put_str(struct out *o, const char *s)
{
	while (*s && o->p < o->end)
		*o->p++ = *s++;
}

void put_strn(struct out *o, const char *s, unsigned long n)
{
	/* The NUL test keeps gcc from making the loop a memcpy call (an import). */
	for (; n > 0 && *s && o->p < o->end; n--)
		*o->p++ = *s++;
}

void put_uint(struct out *o, uint64_t v, int width)
{
	char num[24], *d = num + sizeof num;
	int len = 0;

	/* Padding in the same loop: a separate one becomes a memset, an import we avoid. */
	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (++len < width || v);
	for (; d < num + sizeof num && o->p < o->end; d++)
		*o->p++ = *d;
}

void put_int(struct out *o, long v)
{
	if (v < 0 && o->p < o->end) {
		*o->p++ = '-';
		put_uint(o, (uint64_t)-(v + 1) + 1, 0);
		return;
	}
	put_uint(o, (uint64_t)v, 0);
}

void put_hex(struct out *o, uint64_t v)
{
	char num[16];
	int n = 0;

	do
		num[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) && n < 16);
	while (n > 0 && o->p < o->end)
		*o->p++ = num[--n];
}

void put_word(struct out *o, const char *s)
{
	for (; *s && o->p < o->end; s++)
		*o->p++ = (unsigned char)*s <= ' ' || *s == 0x7f ? '?' : *s;
}

/* Returns 0 for a pid that names no process here: the path is left empty. */
static int put_proc(struct out *o, int pid)
{
	if (pid <= 0 && pid != PROC_SELF)
		return 0;
	put_str(o, "/proc/");
	if (pid > 0)
		put_uint(o, (uint64_t)pid, 0);
	else
		put_str(o, "self");
	return 1;
}

void fmt_proc_path(char *buf, unsigned cap, int pid, const char *name)
{
	struct out o = { buf, buf + cap - 1 };

	if (put_proc(&o, pid)) {
		put_str(&o, "/");
		put_str(&o, name);
	}
	*o.p = '\0';
}

void fmt_proc_fd(char *buf, unsigned cap, int pid, int fd)
{
	struct out o = { buf, buf + cap - 1 };

	if (put_proc(&o, pid)) {
		put_str(&o, "/fd/");
		put_int(&o, fd);
	}
	*o.p = '\0';
}
