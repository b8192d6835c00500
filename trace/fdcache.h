/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which fds of this process are a jobserver, decided once per fd with one fstat and
 * remembered until the fd is closed or replaced, so a read() on a file or socket costs
 * one table lookup after the first.
 */
#ifndef JSP_FDCACHE_H
#define JSP_FDCACHE_H

#include "makeflags.h"
#include "tracerec.h"

#include <stdint.h>

#define FDCACHE_SIZE 1024 /* fds above are looked at on every call, never remembered */

struct tracked {
	uint64_t dev, ino;
	long taken, given; /* bytes read from it and written to it by this process */
	int guess;         /* not named by MAKEFLAGS: a FIFO that may be our own server's */
	const char *src;   /* "mf" or "guess", for the record */
	char name[TRACE_NAME_MAX];
};

/* The jobserver that MAKEFLAGS names, if it is really there. Returns 1 if it is. */
int fdcache_add_known(const struct makeflags_auth *auth);

/* Whether FIFOs that MAKEFLAGS does not name are tracked (as guesses). */
void fdcache_set_guessing(int on);

/* The jobserver behind fd, or NULL. */
struct tracked *fdcache_lookup(int fd);

/* The jobserver behind fd if MAKEFLAGS named it (not a guess), or NULL. Never guesses:
 * a wait on a pipe says nothing of whether it is a jobserver, and a guess fills a slot. */
struct tracked *fdcache_lookup_named(int fd);

/* Zero if fd is known not to be a jobserver: no lookup, no syscall. */
int fdcache_may_track(int fd);

void fdcache_forget(int fd);       /* closed or replaced: look again next time */
void fdcache_forget_guess(int fd); /* not a jobserver after all: never look again */
void fdcache_reset_counts(void);   /* a forked child: nothing held yet */

/* The i-th jobserver seen, or NULL past the last. */
struct tracked *fdcache_tracked(int i);

#endif
