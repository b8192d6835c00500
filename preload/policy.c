/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policy.h"

#define OUR_PREFIX "JOBSERVER_PRELOAD_"

const char *policy_basename(const char *path)
{
	const char *base = path;

	for (; *path; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

size_t policy_next(const char **pos)
{
	const char *p = *pos;
	size_t n = 0;

	while (*p == ':')
		p++;
	while (p[n] && p[n] != ':')
		n++;
	*pos = p;
	return n;
}

static int same(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (; i < alen; i++)
		if (b[i] != a[i]) /* b[i] == '\0' stops here too */
			return 0;
	return b[i] == '\0';
}

int policy_listed(const char *list, const char *name)
{
	size_t n;

	if (!list || !*name)
		return 0;
	for (const char *p = list; (n = policy_next(&p)) != 0; p += n)
		if (same(p, n, name))
			return 1;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Distributions and builders name versioned binaries make-4.4.1 or gmake4.3; a name like
 * that is GNU make too. Anything else ending in "make" (cmake, bmake, remake) is not. */
int policy_is_make(const char *name)
{
	if (name[0] == 'g')
		name++;
	if (name[0] != 'm' || name[1] != 'a' || name[2] != 'k' || name[3] != 'e')
		return 0;
	name += 4;
	if (*name == '\0')
		return 1;
	if (*name == '-')
		name++;
	if (!is_digit(*name))
		return 0;
	for (; *name; name++)
		if (!is_digit(*name) && *name != '.')
			return 0;
	return 1;
}

int policy_count(const char *s, long *out, const char **why)
{
	long v = 0;

	if (!s || !*s) {
		*why = "is empty: expected a positive integer";
		return -1;
	}
	for (const char *p = s; *p; p++) {
		if (!is_digit(*p)) {
			*why = "is not a positive integer";
			return -1;
		}
		v = v * 10 + (*p - '0');
		if (v > POLICY_COUNT_MAX) {
			*why = "is too large: at most 65536";
			return -1;
		}
	}
	if (v == 0) {
		*why = "is not a positive integer";
		return -1;
	}
	*out = v;
	return 0;
}

static int is_name_char(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && is_digit(c));
}

int policy_name_ok(const char *s, size_t len)
{
	size_t plen = sizeof OUR_PREFIX - 1, i;

	if (len == 0 || len > POLICY_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_name_char(s[i], i == 0))
			return 0;
	/* Our own variables carry our state: a count written over one would corrupt it. */
	for (i = 0; i < plen && i < len && s[i] == OUR_PREFIX[i]; i++)
		;
	return i < plen;
}

int policy_names_check(const char *list, const char **bad, size_t *badlen)
{
	size_t n;
	const char *p = list;

	/* A list of only colons holds no name: nothing to export, and nothing wrong. */
	for (; (n = policy_next(&p)) != 0; p += n) {
		if (!policy_name_ok(p, n)) {
			*bad = p;
			*badlen = n;
			return -1;
		}
	}
	return 0;
}
