/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interposed _exit() and _Exit().
 *
 * _exit() and _Exit() end a process without running destructors, and they are a normal
 * ending for many programs: dash ends every shell with _exit(), Python's os._exit() and
 * every child after fork() call it. Without these hooks the owner's tokens would still
 * come back (the reaper sees the pid end), but only after make could see the exit status.
 * Here they come back first, as they do after exit(). In a vfork or fork child the pid
 * differs from the owner's and owner_exit() does nothing; everything it does is
 * async-signal-safe, since _exit() is called from signal handlers too.
 *
 * Then each hands on to the next definition, so that another library that wraps it still
 * runs (a sanitizer's _exit runs its leak check there, then libc's). next.c finds it at
 * the first call, by reading memory only: not dlsym(RTLD_NEXT) in the constructor, which
 * would cost every process more than the library's whole budget (bench/README.md, item
 * 2), nor dlsym here, which is not async-signal-safe.
 */
#include "next.h"
#include "owner.h"
#include "sys.h"

#define EXPORT __attribute__((visibility("default"), noreturn))

typedef void exit_fn(int);
static void *next_exit, *next_Exit;

static _Noreturn void hand_on(void **slot, const char *name, int status)
{
	exit_fn *next = (exit_fn *)next_cached(slot, name);

	if (next)
		next(status);
	sys_exit(status); /* none found: exit_group(2), as libc's _exit() */
}

EXPORT void _exit(int status)
{
	owner_exit();
	hand_on(&next_exit, "_exit", status);
}

EXPORT void _Exit(int status)
{
	owner_exit();
	hand_on(&next_Exit, "_Exit", status);
}
