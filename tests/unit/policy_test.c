/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The claim policy's pure parts alone, by tables of cases. */
#include "policy.h"

#include <stdio.h>
#include <string.h>

static int failed, total;

static void check(int ok, const char *what, const char *input)
{
	total++;
	failed += !ok;
	printf("%s %d - %s [%s]\n", ok ? "ok" : "not ok", total, what, input ? input : "(null)");
}

static const struct {
	const char *list, *name;
	int listed;
} LISTS[] = {
	{ "sphinx-build", "sphinx-build", 1 },
	{ "a:sphinx-build:b", "sphinx-build", 1 },
	{ "a:b", "sphinx-build", 0 },
	{ "sphinx", "sphinx-build", 0 },
	{ "sphinx-build-3", "sphinx-build", 0 },
	{ "::ninja::", "ninja", 1 },
	{ "", "ninja", 0 },
	{ ":", "ninja", 0 },
	{ NULL, "ninja", 0 },
	{ "ninja", "", 0 },
	{ "a::b", "", 0 },
	{ "/usr/bin/ninja", "ninja", 0 }, /* entries are names, not paths */
	{ "Ninja", "ninja", 0 },
};

static const struct {
	const char *path, *base;
} BASES[] = {
	{ "/usr/bin/make", "make" }, { "make", "make" }, { "./x/y.sh", "y.sh" },
	{ "/usr/bin/", "" }, { "", "" },
};

static const struct {
	const char *name;
	int make;
} MAKES[] = {
	{ "make", 1 }, { "gmake", 1 }, { "make-4.4.1", 1 }, { "gmake-4.3", 1 }, { "make4.3", 1 },
	{ "cmake", 0 }, { "bmake", 0 }, { "remake", 0 }, { "makeinfo", 0 }, { "make-", 0 },
	{ "make-x", 0 }, { "ggmake", 0 }, { "mak", 0 }, { "", 0 }, { "Make", 0 },
	{ "make-4.4.1-x", 0 },
};

static const struct {
	const char *s;
	long v; /* 0: rejected */
} COUNTS[] = {
	{ "1", 1 }, { "8", 8 }, { "08", 8 }, { "65536", 65536 }, { "65537", 0 },
	{ "99999999999999999999999", 0 }, { "0", 0 }, { "", 0 }, { NULL, 0 }, { "-1", 0 },
	{ "+3", 0 }, { " 3", 0 }, { "3 ", 0 }, { "3x", 0 }, { "0x10", 0 }, { "1.5", 0 },
};

static const struct {
	const char *list;
	int ok;
	const char *bad; /* the entry named as invalid */
} NAMES[] = {
	{ "OMP_NUM_THREADS", 1, "" },
	{ "OMP_NUM_THREADS:CMAKE_BUILD_PARALLEL_LEVEL:MAKE_JOBS", 1, "" },
	{ "_x1", 1, "" },
	{ "", 1, "" },
	{ "::", 1, "" },
	{ "A::B", 1, "" },
	{ "PARALLELISM", 1, "" },
	{ "1A", 0, "1A" },
	{ "A:B-C:D", 0, "B-C" },
	{ "A=B", 0, "A=B" },
	{ "A B", 0, "A B" },
	{ "JOBSERVER_PRELOAD_OWNER", 0, "JOBSERVER_PRELOAD_OWNER" },
	{ "X:JOBSERVER_PRELOAD_", 0, "JOBSERVER_PRELOAD_" },
	{ "JOBSERVER_PRELOAD", 1, "" },
	{ "JOBSERVER_PRELOADX", 1, "" },
	{ "A\xc3\xa9", 0, "A\xc3\xa9" },
};

int main(void)
{
	char long_name[POLICY_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
		check(policy_listed(LISTS[i].list, LISTS[i].name) == LISTS[i].listed, "listed",
		      LISTS[i].list);
	for (size_t i = 0; i < sizeof BASES / sizeof BASES[0]; i++)
		check(strcmp(policy_basename(BASES[i].path), BASES[i].base) == 0, "basename",
		      BASES[i].path);
	for (size_t i = 0; i < sizeof MAKES / sizeof MAKES[0]; i++)
		check(policy_is_make(MAKES[i].name) == MAKES[i].make, "is_make", MAKES[i].name);
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		const char *why = NULL;
		long v = 0;
		int r = policy_count(COUNTS[i].s, &v, &why);

		check(COUNTS[i].v ? r == 0 && v == COUNTS[i].v : r < 0 && why && *why, "count",
		      COUNTS[i].s);
	}
	for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
		const char *bad = NULL;
		size_t n = 0;
		int r = policy_names_check(NAMES[i].list, &bad, &n);

		check(NAMES[i].ok ? r == 0
				  : r < 0 && n == strlen(NAMES[i].bad) && !memcmp(bad, NAMES[i].bad, n),
		      "names", NAMES[i].list);
	}
	memset(long_name, 'A', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	check(!policy_name_ok(long_name, strlen(long_name)), "name too long", "A x 128");
	check(policy_name_ok(long_name, strlen(long_name) - 1), "name at the limit", "A x 127");
	printf("1..%d\n%d passed, %d failed\n", total, total - failed, failed);
	return failed != 0;
}
