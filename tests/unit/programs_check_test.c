/* SPDX-License-Identifier: GPL-2.0-or-later */
/* programs_check.c's pure parts by a table: what is wrong with an entry of
 * JOBSERVER_PRELOAD_PROGRAMS, which program it was meant for, and whether a list is wrong. */
#include "programs_check.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *entry, *name;
	enum programs_fault fault;
	int meant;
} ENTRIES[] = {
	{ "ninja", "ninja", PROGRAMS_OK, 1 },
	{ "", "ninja", PROGRAMS_EMPTY, 0 },
	{ "sphinx-build,ninja", "ninja", PROGRAMS_SEPARATOR, 1 },
	{ "sphinx-build,ninja", "sphinx-build", PROGRAMS_SEPARATOR, 1 },
	{ "sphinx-build,ninja", "sphinx", PROGRAMS_SEPARATOR, 0 },
	{ " ninja", "ninja", PROGRAMS_SEPARATOR, 1 },
	{ "ninja\t", "ninja", PROGRAMS_SEPARATOR, 1 },
	{ "a, b", "b", PROGRAMS_SEPARATOR, 1 },
	{ "/usr/bin/ninja", "ninja", PROGRAMS_PATH, 1 },
	{ "/usr/bin/ninja", "bin", PROGRAMS_PATH, 0 },
	{ "./ninja", "ninja", PROGRAMS_PATH, 1 },
	{ "bin/", "bin", PROGRAMS_PATH, 0 },
	{ "/usr/bin/ninja,ctest", "ninja", PROGRAMS_SEPARATOR, 1 },
	{ "ninja", "", PROGRAMS_OK, 0 },
};

static const struct {
	const char *list;
	int wrong;
} LISTS[] = {
	{ NULL, 0 },
	{ "ninja", 0 },
	{ "ninja:ctest", 0 },
	{ "", 1 },
	{ ":ninja", 1 },
	{ "ninja:", 1 },
	{ "ninja::ctest", 1 },
	{ "ninja,ctest", 1 },
	{ "ninja:/usr/bin/ctest", 1 },
	{ "ninja: ctest", 1 },
};

int main(void)
{
	int failed = 0, n = (int)(sizeof ENTRIES / sizeof ENTRIES[0]);
	int m = (int)(sizeof LISTS / sizeof LISTS[0]);

	for (int i = 0; i < n; i++) {
		size_t len = strlen(ENTRIES[i].entry);
		enum programs_fault f = programs_entry_fault(ENTRIES[i].entry, len);
		int meant = programs_meant(ENTRIES[i].entry, len, ENTRIES[i].name);
		int ok = f == ENTRIES[i].fault && meant == ENTRIES[i].meant;

		printf("%s %d - [%s] for %s: fault %d, meant %d\n", ok ? "ok" : "not ok", i + 1,
		       ENTRIES[i].entry, ENTRIES[i].name, (int)f, meant);
		failed += !ok;
	}
	for (int i = 0; i < m; i++) {
		int wrong = programs_wrong(LISTS[i].list), ok = wrong == LISTS[i].wrong;

		printf("%s %d - list [%s]: wrong %d\n", ok ? "ok" : "not ok", n + i + 1,
		       LISTS[i].list ? LISTS[i].list : "(null)", wrong);
		failed += !ok;
	}
	printf("1..%d\n%d failed\n", n + m, failed);
	return failed != 0;
}
