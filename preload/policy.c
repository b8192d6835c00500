/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policy.h"

#define OUR_PREFIX "JOBSERVER_PRELOAD_"
#define STR_(x) #x
#define STR(x) STR_(x) /* a number as a string literal, for the texts below */

const char *policy_basename(const char *path)
{
	const char *base = path;

	for (; *path; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

/* The next non-empty entry of a ':' list; with escapes, a '\' and the byte after it
 * are a pair, so "\:" does not end the entry (the export list, policy.h). */
static size_t next_entry(const char **pos, int escapes)
{
	const char *p = *pos;
	size_t n = 0;

	while (*p == ':')
		p++;
	while (p[n] && p[n] != ':')
		n += escapes && p[n] == '\\' && p[n + 1] ? 2 : 1;
	*pos = p;
	return n;
}

size_t policy_next(const char **pos)
{
	return next_entry(pos, 0);
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

int policy_is_client(const char *name)
{
	return policy_is_make(name) || same("ninja", 5, name) || same("cargo", 5, name);
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

int policy_switch(const char *s, int *on, const char **why)
{
	if (s && (s[0] == '0' || s[0] == '1') && s[1] == '\0') {
		*on = s[0] == '1';
		return 0;
	}
	*why = s && *s ? "is neither 1 (on) nor 0 (off)" : "is empty: expected 1 (on) or 0 (off)";
	return -1;
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

/* The widest count, POLICY_COUNT_MAX, in digits: what a {} may become. */
#define COUNT_DIGITS 5

size_t policy_export_next(const char **pos)
{
	return next_entry(pos, 1);
}

size_t policy_export_name(const char *entry, size_t len)
{
	size_t n = 0;

	while (n < len && entry[n] != '=')
		n++;
	return n;
}

int policy_exports_name(const char *list, const char *name)
{
	const char *p = list;
	size_t n;

	for (; p && (n = policy_export_next(&p)) != 0; p += n) {
		size_t k = policy_export_name(p, n), i = 0;

		while (i < k && name[i] == p[i])
			i++;
		if (i == k && name[i] == '\0')
			return 1;
	}
	return 0;
}

/* Walks a template (the part after '=', as written in the list): the literal bytes it
 * makes, and how many {} it holds. Returns 0, or -1 with *why. */
static int template_scan(const char *t, size_t len, size_t *literal, size_t *slots,
			 const char **why)
{
	*literal = *slots = 0;
	for (size_t i = 0; i < len; i++) {
		char c = t[i], next = i + 1 < len ? t[i + 1] : '\0';

		if (c == '\\' && (next == ':' || next == '\\')) {
			i++;
		} else if (c == '\\') {
			*why = "has a '\\' before neither ':' nor '\\': in " OUR_PREFIX "EXPORT "
			       "a template writes \\: for ':' and \\\\ for '\\'";
			return -1;
		} else if (c == '{' && next == '}') {
			i++;
			++*slots;
			continue;
		} else if ((c == '{' || c == '}') && next == c) {
			i++;
		} else if (c == '{' || c == '}') {
			*why = "has a '{' or '}' that is not part of {}: write {{ or }} for a "
			       "literal brace";
			return -1;
		}
		++*literal;
	}
	if (*slots == 0) {
		*why = "has no {} in its template, so the count would not be in the value: "
		       "write the name alone to export the count itself";
		return -1;
	}
	return 0;
}

int policy_export_check(const char *entry, size_t len, const char **why)
{
	size_t name = policy_export_name(entry, len), literal, slots;

	if (!policy_name_ok(entry, name)) {
		*why = "is not a variable name: use letters, digits and '_', not a digit first, "
		       "at most " STR(POLICY_NAME_MAX) " characters, and no " OUR_PREFIX " name";
		return -1;
	}
	if (name == len)
		return 0;
	if (template_scan(entry + name + 1, len - name - 1, &literal, &slots, why) < 0)
		return -1;
	if (literal + slots * COUNT_DIGITS > POLICY_VALUE_MAX) {
		*why = "has a template that is too long: its value may take " STR(POLICY_VALUE_MAX)
		       " bytes at most";
		return -1;
	}
	return 0;
}

int policy_exports_check(const char *list, const char **bad, size_t *badlen, const char **why)
{
	size_t n;
	const char *p = list;

	/* A list of only colons holds no entry: nothing to export, and nothing wrong. */
	for (; (n = policy_export_next(&p)) != 0; p += n) {
		if (policy_export_check(p, n, why) < 0) {
			*bad = p;
			*badlen = n;
			return -1;
		}
	}
	return 0;
}

/* Appends s at *o, stopping at end. */
static void append(char **o, const char *end, const char *s)
{
	for (; *s && *o < end; s++)
		*(*o)++ = *s;
}

void policy_export_value(const char *entry, size_t len, const char *num, char *out)
{
	size_t name = policy_export_name(entry, len);
	char *o = out, *end = out + POLICY_VALUE_MAX;

	if (name == len)
		append(&o, end, num);
	/* The entry was checked: every '\' and every brace starts one of the pairs. */
	for (size_t i = name + 1; i < len && o < end; i++) {
		if (entry[i] == '{' && entry[i + 1] == '}')
			append(&o, end, num);
		else if (entry[i] == '\\' || entry[i] == '{' || entry[i] == '}')
			*o++ = entry[i + 1]; /* \: \\ {{ }} */
		else
			*o++ = entry[i];
		i += entry[i] == '\\' || entry[i] == '{' || entry[i] == '}';
	}
	*o = '\0';
}

/* The length of str if s starts with it, else 0. */
static size_t starts(const char *s, const char *str)
{
	size_t n = 0;

	while (str[n] && s[n] == str[n])
		n++;
	return str[n] ? 0 : n;
}

size_t policy_replace(const char *s, const char *str, const char *with, char *out)
{
	size_t n = 0, m;

	while (*s) {
		if ((m = starts(s, str)) != 0) {
			for (const char *w = with; *w; w++, n++)
				if (out)
					out[n] = *w;
			s += m;
		} else {
			if (out)
				out[n] = *s;
			n++, s++;
		}
	}
	if (out)
		out[n] = '\0';
	return n;
}
