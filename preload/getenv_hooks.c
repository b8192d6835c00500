/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interposed getenv() and secure_getenv(): the claim of a selected program whose
 * libraries read the names we export in their own constructors. ld.so runs the
 * constructors of a program's libraries before a preloaded library's (docs/design.md,
 * "Runtimes that read their variables before main"), and libgomp reads OMP_NUM_THREADS in
 * its own; so the first getenv() of an exported name that comes before our constructor
 * claims on the spot (preload.c), and the caller reads the claimed count. After the
 * start-up each is one test of a flag more than libc's, and hands on to the next
 * definition (next.c). Without one (next.c found nothing), they answer from environ as
 * glibc and musl do: a scan without a lock; secure_getenv answers NULL in a secure
 * (set-user-ID, set-group-ID, capability-raising) process, as libc's does.
 */
#include "env.h"
#include "next.h"
#include "preload.h"

#include <stddef.h>
#include <sys/auxv.h>

#define EXPORT __attribute__((visibility("default")))

#ifdef __SANITIZE_ADDRESS__
/* The ASan build only. ASan's run-time, preloaded before us into a program not built with
 * it, starts in its own constructor, which ld.so may run after that of a library that
 * calls getenv() (libp11-kit, below cmake): our instrumented start-up would then write a
 * shadow memory not mapped yet, and crash. Every module constructor of an ASan build
 * starts the run-time itself the same way; it does nothing once started. */
void __asan_init(void);
#define sanitizer_start() __asan_init()
#else
#define sanitizer_start() ((void)0)
#endif

typedef char *getenv_fn(const char *);
static void *next_getenv, *next_secure_getenv;

EXPORT char *getenv(const char *name)
{
	getenv_fn *next;

	if (!preload_started()) {
		sanitizer_start();
		preload_start_early(name);
	}
	next = (getenv_fn *)next_cached(&next_getenv, "getenv");
	return next ? next(name) : (char *)env_get(name);
}

EXPORT char *secure_getenv(const char *name)
{
	getenv_fn *next;

	if (!preload_started() && !getauxval(AT_SECURE)) {
		sanitizer_start();
		preload_start_early(name);
	}
	next = (getenv_fn *)next_cached(&next_secure_getenv, "secure_getenv");
	if (next)
		return next(name);
	return getauxval(AT_SECURE) ? NULL : (char *)env_get(name);
}
