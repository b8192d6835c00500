/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * preload/env.c alone (and select_export, which exports through it): our exports go into
 * an environ array of our own, libc's setenv takes over when it is full, and libc's own
 * setenv, unsetenv and putenv keep working on whatever array environ is. One process, so
 * the cases run in order on one array.
 */
#include "env.h"
#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

extern char **environ;

static int failed, total;

static void check(int ok, const char *what)
{
	total++;
	failed += !ok;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", total, what);
}

/* Bytes in use in malloc's heap: our exports must not change it (glibc only). */
static size_t heap_used(void)
{
#ifdef __GLIBC__
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

/* How many entries of environ are name=..., and the value of the first. */
static int count(const char *name, const char **value)
{
	size_t len = strlen(name);
	int n = 0;

	*value = NULL;
	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=') {
			if (!n++)
				*value = *e + len + 1;
		}
	return n;
}

static int has(const char *name, const char *want)
{
	const char *v;

	return count(name, &v) == 1 && strcmp(v, want) == 0;
}

static int entries(void)
{
	int n = 0;

	for (char **e = environ; e && *e; e++)
		n++;
	return n;
}

int main(void)
{
	static char *start[] = { "A=1", "B=2", "GONE=3", "B2=4", NULL };
	static char many[400][16];
	static char *big[401];
	char value[700];
	size_t heap;
	int r;

	printf("# env.c\n"); /* stdout's buffer: malloc'd before we count */
	heap = heap_used();
	environ = start;
	r = env_export("PARALLELISM", "8");
	check(r == 0 && environ != start && heap_used() == heap, "export: an array of our own, no malloc");
	check(has("A", "1") && has("B", "2") && has("PARALLELISM", "8") && entries() == 5,
	      "export: what was there is kept");
	check(env_export("B", "20") == 0 && has("B", "20") && entries() == 5,
	      "export of a name that is there: replaced, not added");
	check(has("B2", "4"), "a name that starts like another is another");
	env_unset("GONE");
	check(count("GONE", &(const char *){ 0 }) == 0 && entries() == 4, "unset: taken out");
	env_unset("NOSUCH");
	check(entries() == 4, "unset of a name that is not there: nothing changes");
	check(unsetenv("A") == 0 && !count("A", &(const char *){ 0 }), "libc's unsetenv on our array");
	check(setenv("B", "21", 1) == 0 && has("B", "21"), "libc's setenv replaces in our array");
	check(putenv("PUT=5") == 0 && has("PUT", "5") && has("PARALLELISM", "8"),
	      "libc's putenv adds (copying our array)");

	environ = NULL;
	check(env_export("X", "1") == 0 && has("X", "1") && entries() == 1, "export into no environment");
	env_unset("X");
	check(entries() == 0, "unset in our array down to nothing");

	/* The claim's exports, templates made in place: still no malloc. */
	heap = heap_used();
	select_export(&(struct env_view){ .exports = "XZ_OPT=-T{}:J=-XX\\:A={}:OMP_NUM_THREADS" }, 12);
	check(heap_used() == heap && has("PARALLELISM", "12") && has("XZ_OPT", "-T12") &&
		      has("J", "-XX:A=12") && has("OMP_NUM_THREADS", "12") && entries() == 4,
	      "select_export: templates expanded, no malloc");

	for (int i = 0; i < 400; i++) {
		snprintf(many[i], sizeof many[i], "M%d=%d", i, i);
		big[i] = many[i];
	}
	environ = big;
	check(env_export("PARALLELISM", "3") == 0 && has("PARALLELISM", "3") && entries() == 401 &&
	      has("M399", "399"), "more variables than our array holds: setenv's");
	memset(value, 'v', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	environ = start;
	check(env_export("LONG", value) == 0 && has("LONG", value),
	      "a value longer than our strings' room: setenv's");
	check(env_export("AFTER", "1") == 0 && has("AFTER", "1") && has("LONG", value),
	      "then ours again, with what setenv made");

	printf("1..%d\n", total);
	return failed != 0;
}
