/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -v only: a JOBSERVER_PRELOAD_PROGRAMS that looks wrong. The list is NAME:NAME..., each a
 * file name; the usual mistakes are a ',' or a blank between names (a list written for
 * another tool), a path (/usr/bin/ninja) and an empty name (a ':' at an end or doubled, or
 * the variable set to nothing). A program that a wrong entry was meant for, read leniently,
 * says why it is not selected; GNU make, which a preloaded build starts with, says what no
 * program can. A list that looks right says nothing: a program not in it is the common
 * case, and every shell of the build would say so.
 */
#include "programs_check.h"
#include "log.h"
#include "env.h"

#define EXAMPLE "as in sphinx-build:ctest"

static int is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n';
}

enum programs_fault programs_entry_fault(const char *entry, size_t n)
{
	int slash = 0;

	if (n == 0)
		return PROGRAMS_EMPTY;
	for (size_t i = 0; i < n; i++) {
		if (is_sep(entry[i]))
			return PROGRAMS_SEPARATOR;
		slash |= entry[i] == '/';
	}
	return slash ? PROGRAMS_PATH : PROGRAMS_OK;
}

/* The length of the entry at p: up to the next ':' (empty entries count). */
static size_t entry_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ':')
		n++;
	return n;
}

/* Iterates every entry, empty ones too: the first fault, or PROGRAMS_OK. */
static enum programs_fault first_fault(const char *list, const char **at, size_t *len)
{
	for (const char *p = list;; p++) {
		size_t n = entry_len(p);
		enum programs_fault f = programs_entry_fault(p, n);

		if (f != PROGRAMS_OK) {
			*at = p, *len = n;
			return f;
		}
		p += n;
		if (!*p)
			return PROGRAMS_OK;
	}
}

int programs_meant(const char *entry, size_t n, const char *name)
{
	size_t len = 0;

	while (name[len])
		len++;
	/* Each word between separators, by the part after its last '/'. */
	for (size_t i = 0; i < n;) {
		size_t start = i, base;

		while (i < n && !is_sep(entry[i]))
			i++;
		base = start;
		for (size_t j = start; j < i; j++)
			if (entry[j] == '/')
				base = j + 1;
		if (len && i - base == len) {
			size_t k = 0;

			while (k < len && entry[base + k] == name[k])
				k++;
			if (k == len)
				return 1;
		}
		while (i < n && is_sep(entry[i]))
			i++;
	}
	return 0;
}

int programs_wrong(const char *list)
{
	const char *at;
	size_t len;

	return list && first_fault(list, &at, &len) != PROGRAMS_OK;
}

int programs_explain_for(const char *list, const char *name)
{
	for (const char *p = list; name && *name;) {
		size_t n = entry_len(p);
		enum programs_fault f = programs_entry_fault(p, n);

		if (f == PROGRAMS_SEPARATOR && programs_meant(p, n, name)) {
			log_msg("%s is not selected: " ENV_PROGRAMS " holds '%.*s', with a ',' or a "
				"blank in it: separate the names with ':' alone, " EXAMPLE, name,
				(int)n, p);
			return 1;
		}
		if (f == PROGRAMS_PATH && programs_meant(p, n, name)) {
			log_msg("%s is not selected: " ENV_PROGRAMS " holds the path '%.*s', and "
				"programs are matched by file name: list '%s'", name, (int)n, p, name);
			return 1;
		}
		p += n;
		if (!*p++)
			break;
	}
	return 0;
}

void programs_explain_list(const char *list)
{
	const char *at;
	size_t n;

	switch (first_fault(list, &at, &n)) {
	case PROGRAMS_EMPTY:
		if (!*list)
			log_msg(ENV_PROGRAMS " is set but empty, so no program claims: list the "
				"programs (" EXAMPLE ") or unset it");
		else
			log_msg(ENV_PROGRAMS "=%s has an empty name (a ':' at an end or twice in a "
				"row), which selects nothing: separate the names with one ':'", list);
		break;
	case PROGRAMS_SEPARATOR:
		log_msg(ENV_PROGRAMS "=%s holds '%.*s', which selects no program: separate the "
			"names with ':' alone, " EXAMPLE, list, (int)n, at);
		break;
	case PROGRAMS_PATH:
		log_msg(ENV_PROGRAMS "=%s holds the path '%.*s', which selects no program: list "
			"file names, not paths", list, (int)n, at);
		break;
	case PROGRAMS_OK:
		break;
	}
}
