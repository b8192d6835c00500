/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test seams of preload/test_hooks.h, for libjobserver-preload-test.so only. */
#include "test_hooks.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int set(const char *name)
{
	const char *s = getenv(name);

	return s && !strcmp(s, "1");
}

int hook_pidfd_error(void)
{
	const char *s = getenv("JOBSERVER_PRELOAD_TEST_NOPIDFD");

	if (!s)
		return 0;
	if (!strcmp(s, "EPERM") || !strcmp(s, "EACCES"))
		return s[1] == 'P' ? EPERM : EACCES;
	return !strcmp(s, "1") ? ENOSYS : 0;
}

int hook_no_room(void)
{
	return set("JOBSERVER_PRELOAD_TEST_NO_ROOM");
}

int hook_no_fast_release(void)
{
	return set("JOBSERVER_PRELOAD_TEST_NO_FAST_RELEASE");
}

void hook_stop(const char *point)
{
	const char *s = getenv("JOBSERVER_PRELOAD_TEST_STOP");

	if (s && !strcmp(s, point))
		raise(SIGSTOP);
}

static int number(const char *name, int otherwise)
{
	const char *s = getenv(name);

	return s && *s ? atoi(s) : otherwise;
}

int hook_deny_poll_ms(void)
{
	return number("JOBSERVER_PRELOAD_TEST_DENY_POLL_MS", 0);
}

int hook_linger_ms(int ms)
{
	return number("JOBSERVER_PRELOAD_TEST_LINGER_MS", ms);
}

int hook_tick_ms(int ms)
{
	return number("JOBSERVER_PRELOAD_TEST_TICK_MS", ms);
}

int hook_find_wait_ms(int ms)
{
	return number("JOBSERVER_PRELOAD_TEST_FIND_WAIT_MS", ms);
}
