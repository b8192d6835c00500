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

/* The export list: names alone, as before templates, and their errors. */
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
	{ "A B", 0, "A B" },
	{ "JOBSERVER_PRELOAD_OWNER", 0, "JOBSERVER_PRELOAD_OWNER" },
	{ "X:JOBSERVER_PRELOAD_", 0, "JOBSERVER_PRELOAD_" },
	{ "JOBSERVER_PRELOAD", 1, "" },
	{ "JOBSERVER_PRELOADX", 1, "" },
	{ "A\xc3\xa9", 0, "A\xc3\xa9" },
	/* templates: where an entry ends, and what makes one bad */
	{ "XZ_OPT=-T{}", 1, "" },
	{ "XZ_OPT=-T{}:PARALLEL=-j{}:OMP_NUM_THREADS", 1, "" },
	{ "J=-XX\\:ActiveProcessorCount={}:K", 1, "" },
	{ "A={}\\\\:B", 1, "" },            /* \\ then the separator: B is an entry */
	{ "A={}\\\\\\:B", 1, "" },          /* \\ then \: : one entry */
	{ "A={}=={}", 1, "" },
	{ "A={{{}}}", 1, "" },
	{ "A={{}}", 0, "A={{}}" },          /* braces, but no count */
	{ "A=1", 0, "A=1" },                /* no {} */
	{ "A=", 0, "A=" },
	{ "A={}:B=-T", 0, "B=-T" },
	{ "A=-T{", 0, "A=-T{" },
	{ "A=-T{}}", 0, "A=-T{}}" },
	{ "A={ }", 0, "A={ }" },
	{ "A={count}", 0, "A={count}" },
	{ "A=}{", 0, "A=}{" },
	{ "A={}\\x", 0, "A={}\\x" },
	{ "A={}\\", 0, "A={}\\" },
	{ "=-T{}", 0, "=-T{}" },
	{ "1A=-T{}", 0, "1A=-T{}" },
	{ "JOBSERVER_PRELOAD_MAX={}", 0, "JOBSERVER_PRELOAD_MAX={}" },
};

/* Values: the entry as written in the list, the count, and what is exported. */
static const struct {
	const char *entry, *num, *value;
} VALUES[] = {
	{ "OMP_NUM_THREADS", "8", "8" },
	{ "XZ_OPT=-T{}", "8", "-T8" },
	{ "PARALLEL=-j{}", "65536", "-j65536" },
	{ "A={}", "1", "1" },
	{ "A=-j{} -l{}", "4", "-j4 -l4" },
	{ "A={}{}", "12", "1212" },
	{ "A={{}}{}", "3", "{}3" },       /* escaped braces are literal */
	{ "A={{{}}}", "3", "{3}" },
	{ "DEB_BUILD_OPTIONS=nocheck parallel={}", "7", "nocheck parallel=7" },
	{ "J=-XX\\:ActiveProcessorCount={}", "2", "-XX:ActiveProcessorCount=2" },
	{ "A=a\\\\b{}", "2", "a\\b2" },
	{ "A=x={}", "5", "x=5" },
};

/* -I: the argument, STR, the count, and the result. */
static const struct {
	const char *arg, *str, *with, *out;
} REPLACES[] = {
	{ "{}", "{}", "8", "8" },
	{ "-j{}", "{}", "8", "-j8" },
	{ "-j{}x{}", "{}", "12", "-j12x12" },
	{ "{}{}{}", "{}", "1", "111" },
	{ "no occurrence", "{}", "8", "no occurrence" },
	{ "", "{}", "8", "" },
	{ "{", "{}", "8", "{" },
	{ "aaa", "aa", "X", "Xa" },          /* from the left, no overlap, as xargs */
	{ "aaaa", "aa", "X", "XX" },
	{ "%N%-%N", "%N", "3", "3%-3" },
	{ "@@", "@", "65536", "6553665536" },
	{ "-T{}", "-T{}", "4", "4" },
};

/* The longest template that passes, with the widest count, fills the value exactly; one
 * byte more is refused, and the expansion never writes past POLICY_VALUE_MAX + 1. */
static void check_template_bounds(void)
{
	char entry[POLICY_VALUE_MAX + 8], out[POLICY_VALUE_MAX + 2];
	const char *why;
	size_t fill = POLICY_VALUE_MAX - 5; /* literal bytes beside one {} of 5 digits */

	memcpy(entry, "A=", 2);
	memset(entry + 2, 'x', fill);
	memcpy(entry + 2 + fill, "{}", 3);
	out[POLICY_VALUE_MAX + 1] = '#';
	check(policy_export_check(entry, strlen(entry), &why) == 0, "template at the limit", "255");
	policy_export_value(entry, strlen(entry), "65536", out);
	check(strlen(out) == POLICY_VALUE_MAX && out[POLICY_VALUE_MAX + 1] == '#' &&
		      !strcmp(out + fill, "65536"),
	      "value at the limit", "255");
	memcpy(entry + 2 + fill, "x{}", 4);
	check(policy_export_check(entry, strlen(entry), &why) < 0, "template too long", "256");
}

/* Which names an export list exports (the early getenv hook asks). */
static const struct {
	const char *list, *name;
	int exported;
} EXPORTED[] = {
	{ "OMP_NUM_THREADS", "OMP_NUM_THREADS", 1 },
	{ "A:OMP_NUM_THREADS", "OMP_NUM_THREADS", 1 },
	{ "XZ_OPT=-T{}:B", "XZ_OPT", 1 },
	{ "XZ_OPT=-T{}:B", "B", 1 },
	{ "XZ_OPT=-T{}", "-T{}", 0 },
	{ "J=-XX\\:A={}:B", "B", 1 },
	{ "J=-XX\\:A={}:B", "A", 0 },
	{ "OMP", "OMP_NUM_THREADS", 0 },
	{ "OMP_NUM_THREADS", "OMP", 0 },
	{ "", "OMP", 0 },
	{ NULL, "OMP", 0 },
};

/* JOBSERVER_PRELOAD_FAIR: "1" or "0", nothing else (-1: refused). */
static const struct {
	const char *s;
	int on;
} SWITCHES[] = {
	{ "1", 1 }, { "0", 0 }, { "", -1 }, { "yes", -1 }, { "on", -1 }, { "2", -1 },
	{ "10", -1 }, { "01", -1 }, { " 1", -1 }, { "1 ", -1 }, { "-1", -1 },
};

int main(void)
{
	char long_name[POLICY_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof SWITCHES / sizeof SWITCHES[0]; i++) {
		const char *why = NULL;
		int on = -2, r = policy_switch(SWITCHES[i].s, &on, &why);

		check(SWITCHES[i].on >= 0 ? r == 0 && on == SWITCHES[i].on : r < 0 && why && *why,
		      "switch", SWITCHES[i].s);
	}
	{
		const char *why = NULL;
		int on = -2;

		check(policy_switch(NULL, &on, &why) < 0 && why && *why, "switch", "NULL");
	}

	for (size_t i = 0; i < sizeof EXPORTED / sizeof EXPORTED[0]; i++)
		check(policy_exports_name(EXPORTED[i].list, EXPORTED[i].name) == EXPORTED[i].exported,
		      "exports_name", EXPORTED[i].name);

	for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
		check(policy_listed(LISTS[i].list, LISTS[i].name) == LISTS[i].listed, "listed",
		      LISTS[i].list);
	for (size_t i = 0; i < sizeof BASES / sizeof BASES[0]; i++)
		check(strcmp(policy_basename(BASES[i].path), BASES[i].base) == 0, "basename",
		      BASES[i].path);
	for (size_t i = 0; i < sizeof MAKES / sizeof MAKES[0]; i++)
		check(policy_is_make(MAKES[i].name) == MAKES[i].make, "is_make", MAKES[i].name);
	{ /* the clients elastic by default, and JOBSERVER_PRELOAD_ELASTIC's two values */
		static const char *const yes[] = { "make", "gmake", "make-4.4.1", "ninja", "cargo" };
		static const char *const no[] = { "cmake", "ninja-build", "cargo2", "sh", "xargs" };
		static const char *const bad[] = { "", "yes", "01", "1 ", "true", "-1" };
		const char *why = NULL;
		int on = -1;

		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			check(policy_is_client(yes[i]), "is_client", yes[i]);
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			check(!policy_is_client(no[i]), "not is_client", no[i]);
		check(policy_switch("1", &on, &why) == 0 && on == 1, "switch", "1");
		check(policy_switch("0", &on, &why) == 0 && on == 0, "switch", "0");
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			check(policy_switch(bad[i], &on, &why) < 0 && why && *why, "switch", bad[i]);
	}
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		const char *why = NULL;
		long v = 0;
		int r = policy_count(COUNTS[i].s, &v, &why);

		check(COUNTS[i].v ? r == 0 && v == COUNTS[i].v : r < 0 && why && *why, "count",
		      COUNTS[i].s);
	}
	for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
		const char *bad = NULL, *why = NULL;
		size_t n = 0;
		int r = policy_exports_check(NAMES[i].list, &bad, &n, &why);

		check(NAMES[i].ok ? r == 0
				  : r < 0 && n == strlen(NAMES[i].bad) && !memcmp(bad, NAMES[i].bad, n) &&
					    why && *why,
		      "exports", NAMES[i].list);
	}
	for (size_t i = 0; i < sizeof VALUES / sizeof VALUES[0]; i++) {
		const char *e = VALUES[i].entry, *why = "";
		char out[POLICY_VALUE_MAX + 1];
		size_t len = strlen(e), name = policy_export_name(e, len);

		policy_export_value(e, len, VALUES[i].num, out);
		check(policy_export_check(e, len, &why) == 0 && strcmp(out, VALUES[i].value) == 0 &&
			      (name == len || e[name] == '='),
		      "value", e);
	}
	for (size_t i = 0; i < sizeof REPLACES / sizeof REPLACES[0]; i++) {
		char out[64];
		size_t n = policy_replace(REPLACES[i].arg, REPLACES[i].str, REPLACES[i].with, NULL);

		policy_replace(REPLACES[i].arg, REPLACES[i].str, REPLACES[i].with, out);
		check(n == strlen(REPLACES[i].out) && strcmp(out, REPLACES[i].out) == 0, "replace",
		      REPLACES[i].arg);
	}
	check_template_bounds();
	memset(long_name, 'A', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	check(!policy_name_ok(long_name, strlen(long_name)), "name too long", "A x 128");
	check(policy_name_ok(long_name, strlen(long_name) - 1), "name at the limit", "A x 127");
	printf("1..%d\n%d passed, %d failed\n", total, total - failed, failed);
	return failed != 0;
}
