/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interposed functions: the only symbols the library exports.
 *
 * _exit() and _Exit() end a process without running destructors, and they are a normal
 * ending for many programs: dash ends every shell with _exit(), Python's os._exit() and
 * every child after fork() call it. Without these hooks the owner's tokens would still
 * come back (the reaper sees the pid end), but only after make could see the exit status.
 * Here they come back first, as they do after exit(). In a vfork or fork child the pid
 * differs from the owner's and owner_exit() does nothing; everything it does is
 * async-signal-safe, since _exit() is called from signal handlers too.
 */
#include "owner.h"
#include "sys.h"

#define EXPORT __attribute__((visibility("default"), noreturn))

EXPORT void _exit(int status)
{
	owner_exit();
	sys_exit(status); /* exit_group(2), as libc's _exit() */
}

EXPORT void _Exit(int status)
{
	owner_exit();
	sys_exit(status);
}
