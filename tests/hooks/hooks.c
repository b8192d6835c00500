/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test seams of preload/test_hooks.h, for libjobserver-preload-test.so only. */
#include "test_hooks.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int set(const char *name)
{
	const char *s = getenv(name);

	return s && !strcmp(s, "1");
}

int hook_no_pidfd(void)
{
	return set("JOBSERVER_PRELOAD_TEST_NOPIDFD");
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

int hook_linger_ms(int ms)
{
	return number("JOBSERVER_PRELOAD_TEST_LINGER_MS", ms);
}

int hook_tick_ms(int ms)
{
	return number("JOBSERVER_PRELOAD_TEST_TICK_MS", ms);
}
