/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text built by hand into a fixed buffer, for the places where snprintf is not allowed:
 * exit paths and signal handlers (the release), and a child forked from a process that
 * may have had threads (the reaper). Each put stops at end; nothing here calls libc.
 */
#ifndef JSP_FMT_H
#define JSP_FMT_H

#include <stdint.h>

struct out {
	char *p, *end; /* end: the last byte that may be written, exclusive */
};

void put_str(struct out *o, const char *s);
/* At most n bytes of s. */
void put_strn(struct out *o, const char *s, unsigned long n);
/* v in decimal, zero-padded to width digits. */
void put_uint(struct out *o, uint64_t v, int width);
void put_int(struct out *o, long v);
void put_hex(struct out *o, uint64_t v);
/* s with every blank and control byte made '?': one field of a record split at blanks. */
void put_word(struct out *o, const char *s);

/* "/proc/PID/NAME" for pid > 0, "/proc/self/NAME" for PROC_SELF, NUL-terminated in buf.
 * Any other pid gives "", which no open finds: above all 0, which SO_PEERCRED says of a
 * process in a pid namespace that we cannot see. "/proc/0" would not be safe either way
 * (once it meant self, and a reaper outside our namespace was read from our own fds). */
#define PROC_SELF (-1)
void fmt_proc_path(char *buf, unsigned cap, int pid, const char *name);
/* "/proc/PID/fd/FD" likewise. */
void fmt_proc_fd(char *buf, unsigned cap, int pid, int fd);

#endif
