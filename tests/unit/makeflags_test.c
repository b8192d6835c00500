/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MAKEFLAGS parser alone, by a table of cases. */
#include "makeflags.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *makeflags;
	enum makeflags_kind kind;
	int rfd, wfd;
	const char *value; /* the value after escapes are undone (the fifo path for FIFO) */
} CASES[] = {
	{ NULL, MAKEFLAGS_NONE, -1, -1, "" },
	{ "", MAKEFLAGS_NONE, -1, -1, "" },
	{ "s -j8", MAKEFLAGS_NONE, -1, -1, "" },
	{ " -j8 --jobserver-auth=3,4", MAKEFLAGS_PIPE, 3, 4, "3,4" },
	{ "-j --jobserver-fds=5,6", MAKEFLAGS_PIPE, 5, 6, "5,6" },
	{ "--jobserver-fds=5,6 -j --jobserver-auth=7,8", MAKEFLAGS_PIPE, 7, 8, "7,8" },
	{ "--jobserver-auth=7,8 --jobserver-fds=5,6", MAKEFLAGS_PIPE, 5, 6, "5,6" },
	{ "--jobserver-auth=3,4 --jobserver-auth=9,10", MAKEFLAGS_PIPE, 9, 10, "9,10" },
	{ " -j8 --jobserver-auth=fifo:/tmp/GMfifo8134", MAKEFLAGS_FIFO, -1, -1, "/tmp/GMfifo8134" },
	{ "--jobserver-auth=fifo:/a\\ b/GMfifo1", MAKEFLAGS_FIFO, -1, -1, "/a b/GMfifo1" },
	{ "--jobserver-auth=fifo:/a\\\\b", MAKEFLAGS_FIFO, -1, -1, "/a\\b" },
	{ "-j8 --jobserver-auth=fifo:/x -- V=--jobserver-auth=9,9", MAKEFLAGS_FIFO, -1, -1, "/x" },
	{ "-j8 -- --jobserver-auth=3,4", MAKEFLAGS_NONE, -1, -1, "" },
	{ "-j8 --jobserver-auth=3,4 -- X=1 --jobserver-auth=5,6", MAKEFLAGS_PIPE, 3, 4, "3,4" },
	{ "--x=--jobserver-auth=3,4", MAKEFLAGS_NONE, -1, -1, "" },
	{ "-j8 --jobserver-auth=-2,-2", MAKEFLAGS_DISABLED, -2, -2, "-2,-2" },
	{ "--jobserver-auth=3,-1", MAKEFLAGS_DISABLED, 3, -1, "3,-1" },
	{ "--jobserver-auth=3,4 --jobserver-auth=-2,-2", MAKEFLAGS_DISABLED, -2, -2, "-2,-2" },
	{ "--jobserver-auth=-2,-2 --jobserver-auth=3,4", MAKEFLAGS_PIPE, 3, 4, "3,4" },
	{ "--jobserver-auth=3", MAKEFLAGS_INVALID, 3, -1, "3" },
	{ "--jobserver-auth=a,b", MAKEFLAGS_INVALID, -1, -1, "a,b" },
	{ "--jobserver-auth=fifo:", MAKEFLAGS_INVALID, -1, -1, "fifo:" },
	{ "--jobserver-auth=3,4,5", MAKEFLAGS_INVALID, 3, 4, "3,4,5" },
	{ "--jobserver-auth=99,98", MAKEFLAGS_PIPE, 99, 98, "99,98" },
	{ "--jobserver-auth=", MAKEFLAGS_INVALID, -1, -1, "" },
	{ "--jobserver-auth=3,", MAKEFLAGS_INVALID, 3, -1, "3," },
	{ "--jobserver-auth=,4", MAKEFLAGS_INVALID, -1, -1, ",4" },
	{ "--jobserver-auth=+3,4", MAKEFLAGS_INVALID, -1, -1, "+3,4" },
	{ "--jobserver-auth=3,4x", MAKEFLAGS_INVALID, 3, -1, "3,4x" },
	{ "--jobserver-auth=99999999999,4", MAKEFLAGS_INVALID, -1, -1, "99999999999,4" },
	{ "--jobserver-auth=2147483647,4", MAKEFLAGS_PIPE, 2147483647, 4, "2147483647,4" },
	{ "--jobserver-auth=gmake_semaphore_1234", MAKEFLAGS_INVALID, -1, -1, "gmake_semaphore_1234" },
	{ "--jobserver-auth=3,4\t-k", MAKEFLAGS_PIPE, 3, 4, "3,4" },
	{ "--jobserver-auth=3,4\\", MAKEFLAGS_INVALID, 3, -1, "3,4\\" },
};

/* make's -jN (the pipe must hold that many buffers): the last number wins, a -j without
 * one (cargo writes it) says nothing about N, and overrides after -- are not options.
 * unlimited: the last -j has no number, as make -j writes it (no jobserver at all). */
static const struct {
	const char *makeflags;
	int jobs, unlimited;
} JOBS[] = {
	{ NULL, 0, 0 },
	{ " -j8 --jobserver-auth=3,4", 8, 0 },
	{ "s -j81 --jobserver-auth=fifo:/tmp/GMfifo1", 81, 0 },
	{ "-j --jobserver-fds=5,6", 0, 1 },
	{ "-j4 -j16 --jobserver-auth=3,4", 16, 0 },
	{ "-j16 -j --jobserver-auth=3,4", 16, 1 },
	{ "-j -j16 --jobserver-auth=3,4", 16, 0 },
	{ "-j8 --jobserver-auth=3,4 -- -j99", 8, 0 },
	{ "-j8 -- -j", 8, 0 },
	{ "-j8x --jobserver-auth=3,4", 0, 0 },
	{ "-j0 --jobserver-auth=3,4", 0, 0 },
	{ "-j99999999999 --jobserver-auth=3,4", 0, 0 },
	{ "--jobs=8 --jobserver-auth=3,4", 0, 0 },
	{ " -j", 0, 1 },
	{ "k -j", 0, 1 },
	{ " -j1", 1, 0 },
	{ "", 0, 0 },
};

/* makeflags_repoint: every fifo before " -- " points at the new path, escaped; nothing
 * else changes. */
static const struct {
	const char *makeflags, *path, *want;
} REPOINT[] = {
	{ "", "/p", "" },
	{ " -j8 --jobserver-auth=fifo:/tmp/GMfifo1", "/d/p1", " -j8 --jobserver-auth=fifo:/d/p1" },
	{ "-j8 --jobserver-auth=fifo:/tmp/GMfifo1", "/d/p1", "-j8 --jobserver-auth=fifo:/d/p1" },
	{ "s -j8 --jobserver-auth=fifo:/a\\ b/GMfifo1 -k", "/d/p 2", "s -j8 --jobserver-auth=fifo:/d/p\\ 2 -k" },
	{ "--jobserver-auth=fifo:/x --jobserver-auth=fifo:/y", "/p\\q", "--jobserver-auth=fifo:/p\\\\q --jobserver-auth=fifo:/p\\\\q" },
	{ " -j8 --jobserver-auth=3,4", "/p", " -j8 --jobserver-auth=3,4" },
	{ "-j8 --jobserver-auth=fifo:/x -- V=--jobserver-auth=fifo:/y", "/p", "-j8 --jobserver-auth=fifo:/p -- V=--jobserver-auth=fifo:/y" },
	{ "--jobserver-auth=fifo:", "/p", "--jobserver-auth=fifo:" },
	{ "\t-j8\t --jobserver-auth=fifo:/x  ", "/p", "\t-j8\t --jobserver-auth=fifo:/p  " },
	{ "--x=--jobserver-auth=fifo:/x", "/p", "--x=--jobserver-auth=fifo:/x" },
};

static int repoint_cases(void)
{
	int failed = 0, n = (int)(sizeof REPOINT / sizeof REPOINT[0]);
	char out[128];

	for (int i = 0; i < n; i++) {
		long r = makeflags_repoint(REPOINT[i].makeflags, REPOINT[i].path, out, sizeof out);
		int ok = r == (long)strlen(REPOINT[i].want) && strcmp(out, REPOINT[i].want) == 0;

		printf("%s - repoint [%s] to %s -> [%s]\n", ok ? "ok" : "not ok",
		       REPOINT[i].makeflags, REPOINT[i].path, r < 0 ? "(too long)" : out);
		failed += !ok;
	}
	/* Too long for out, by one byte and by more: -1, never a cut value. */
	failed += makeflags_repoint("-j8 --jobserver-auth=fifo:/x", "/pq", out, 29) != -1;
	failed += makeflags_repoint("-j8 --jobserver-auth=fifo:/x", "/pq", out, 30) != 29;
	failed += makeflags_repoint("-j8", "/p", out, 3) != -1;
	failed += makeflags_repoint("-j8", "/p", out, 0) != -1;
	return failed;
}

static int jobs_cases(void)
{
	int failed = 0, n = (int)(sizeof JOBS / sizeof JOBS[0]);

	for (int i = 0; i < n; i++) {
		struct makeflags_auth a;
		int ok;

		makeflags_parse(JOBS[i].makeflags, &a);
		ok = a.jobs == JOBS[i].jobs && a.unlimited == JOBS[i].unlimited;
		printf("%s - jobs of [%s] -> %d%s\n", ok ? "ok" : "not ok",
		       JOBS[i].makeflags ? JOBS[i].makeflags : "(null)", a.jobs,
		       a.unlimited ? ", unlimited" : "");
		failed += !ok;
	}
	return failed;
}

int main(void)
{
	int failed = jobs_cases() + repoint_cases(), n = (int)(sizeof CASES / sizeof CASES[0]);

	for (int i = 0; i < n; i++) {
		struct makeflags_auth a;
		enum makeflags_kind k = makeflags_parse(CASES[i].makeflags, &a);
		const char *value = k == MAKEFLAGS_FIFO ? a.path : a.value;
		int ok = k == CASES[i].kind && a.kind == k && strcmp(value, CASES[i].value) == 0 &&
			 (k != MAKEFLAGS_PIPE || (a.rfd == CASES[i].rfd && a.wfd == CASES[i].wfd));

		printf("%s %d - [%s] -> %s %d,%d \"%s\"\n", ok ? "ok" : "not ok", i + 1,
		       CASES[i].makeflags ? CASES[i].makeflags : "(null)", makeflags_kind_name(k),
		       a.rfd, a.wfd, value);
		failed += !ok;
	}
	printf("1..%d\n%d failed\n", n + (int)(sizeof JOBS / sizeof JOBS[0] + sizeof REPOINT / sizeof REPOINT[0]), failed);
	return failed != 0;
}
