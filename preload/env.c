/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "env.h"
#include "log.h"

#include <stddef.h>
#include <stdlib.h>

extern char **environ;

/* Our variables, by the part of the name after ENV_PREFIX. */
static const struct {
	const char *suffix;
	size_t offset;
} VARS[] = {
	{ "CLAIM", offsetof(struct env_view, claim) },
	{ "OWNER", offsetof(struct env_view, owner) },
	{ "VERBOSE", offsetof(struct env_view, verbose) },
	{ "PROGRAMS", offsetof(struct env_view, programs) },
	{ "MAX", offsetof(struct env_view, max) },
	{ "EXPORT", offsetof(struct env_view, exports) },
	{ "DEFAULT", offsetof(struct env_view, dflt) },
	{ "MIN", offsetof(struct env_view, min) },
	{ "WAIT", offsetof(struct env_view, wait) },
	{ "ELASTIC", offsetof(struct env_view, elastic) },
	{ "FAIR", offsetof(struct env_view, fair) },
};

/* If s starts with prefix, returns what follows it. */
static const char *skip(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return NULL;
	return s;
}

static int scan_ours(struct env_view *v, const char *rest)
{
	for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) {
		const char *val = skip(rest, VARS[i].suffix);

		if (val && *val == '=') {
			*(const char **)((char *)v + VARS[i].offset) = val + 1;
			return 1;
		}
	}
	return 0;
}

int env_scan(struct env_view *v)
{
	int ours = 0;

	*v = (struct env_view){ 0 };
	for (char **e = environ; e && *e; e++) {
		const char *s = *e, *rest;

		/* The first letter keeps this loop at a compare per variable. */
		if (s[0] == 'M' && (rest = skip(s, "MAKEFLAGS=")))
			v->makeflags = rest;
		else if (s[0] == 'J' && (rest = skip(s, ENV_PREFIX)))
			ours |= scan_ours(v, rest);
	}
	return ours;
}

const char *env_get(const char *name)
{
	if (!*name)
		return NULL;
	for (char **e = environ; e && *e; e++) {
		const char *s = *e, *n = name;

		while (*n && *n == *s)
			n++, s++;
		if (!*n && *s == '=')
			return s + 1;
	}
	return NULL;
}

/*
 * Our exports go into an environ array of our own, in static storage: setenv would make
 * this, in most programs, the process's first malloc, which on a claim cost more than the
 * claim's system calls (bench/README.md, item 3). A program may replace environ (POSIX);
 * libc's setenv, unsetenv and putenv work on whatever array environ points to, and copy
 * it to one of their own before they add to it. When ours is full, setenv does the rest.
 * libc's environment lock is not taken: this runs in a constructor or in the launcher,
 * before the program has threads (but those an earlier constructor might start).
 */
#define OWN_SLOTS 320 /* environ entries, with the NULL */
#define OWN_POOL 512  /* bytes of name=value strings */

/* In the order a claim writes them: with about 50 variables, one page to fault in. */
static struct {
	size_t used;
	char pool[OWN_POOL];
	char *vec[OWN_SLOTS];
} own;

/* "name=value" in the pool, or NULL when it does not fit. */
static char *pool_put(const char *name, const char *value)
{
	char *start = own.pool + own.used, *end = own.pool + OWN_POOL, *p = start;

	for (const char *s = name; *s && p < end; s++)
		*p++ = *s;
	if (p < end)
		*p++ = '=';
	for (const char *s = value; *s && p < end; s++)
		*p++ = *s;
	if (p >= end)
		return NULL;
	*p++ = '\0';
	own.used = (size_t)(p - own.pool);
	return start;
}

/* Whether entry e is name=..., for a name that ends at its '=' or its NUL. */
static int is_named(const char *e, const char *name)
{
	while (*name && *name != '=' && *e == *name)
		e++, name++;
	return (!*name || *name == '=') && *e == '=';
}

/* Puts entry (name=value) into our array, which becomes environ. Returns 0, or -1 when
 * the array cannot hold it. */
static int own_put(char *entry)
{
	size_t n = 0;

	if (environ != own.vec) {
		for (char **e = environ; e && *e; e++)
			if (n + 2 >= OWN_SLOTS)
				return -1;
			else
				own.vec[n++] = *e;
		own.vec[n] = NULL;
		environ = own.vec;
	}
	for (n = 0; own.vec[n]; n++)
		if (is_named(own.vec[n], entry)) {
			own.vec[n] = entry;
			return 0;
		}
	if (n + 2 > OWN_SLOTS)
		return -1;
	own.vec[n] = entry;
	own.vec[n + 1] = NULL;
	return 0;
}

int env_export(const char *name, const char *value)
{
	char *entry = pool_put(name, value);

	if (entry && own_put(entry) == 0)
		return 0;
	if (setenv(name, value, 1) == 0)
		return 0;
	log_msg("cannot set %s=%s: out of memory; the command runs without it", name, value);
	return -1;
}

int env_export_entry(const char *name, char *entry)
{
	if (own_put(entry) == 0)
		return 0;
	log_msg("cannot set %s: the environment has more than %d variables; the command "
		"runs with it as it was", name, OWN_SLOTS - 2);
	return -1;
}

/* As unsetenv does it, in place in whatever array environ is: no allocation, and no call
 * into libc, whose lazy binding and code pages cost a claim more than this loop. */
void env_unset(const char *name)
{
	char **w = environ;

	for (char **e = environ; e && *e; e++)
		if (!is_named(*e, name))
			*w++ = *e;
	if (w)
		*w = NULL;
}

const char *env_value(const char *name)
{
	for (char **e = environ; e && *e; e++)
		if (is_named(*e, name))
			return skip(*e, name) + 1;
	return NULL;
}
