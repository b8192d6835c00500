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

int env_export(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	log_msg("cannot set %s=%s: out of memory; the command runs without it", name, value);
	return -1;
}

void env_unset(const char *name)
{
	unsetenv(name);
}
