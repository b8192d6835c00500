/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owner_wait_parse alone (--wait SECONDS, JOBSERVER_PRELOAD_WAIT), by a table of cases. */
#include "owner_wait.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *in;
	long ms;     /* -1: rejected */
	const char *why; /* the start of the reason, when rejected */
} CASES[] = {
	{ "0", 0, NULL },	  { "5", 5000, NULL },	    { "0.5", 500, NULL },
	{ ".25", 250, NULL },	  { "5.", 5000, NULL },	    { "1.234", 1234, NULL },
	{ "1.2345", 1234, NULL }, { "0.0001", 0, NULL },    { "007", 7000, NULL },
	{ "86400", 86400000, NULL },			    { "86400.000", 86400000, NULL },
	{ "86400.001", -1, "is too long" },		    { "86401", -1, "is too long" },
	{ "99999999999999999999", -1, "is too long" },	    { "", -1, "is empty" },
	{ NULL, -1, "is empty" }, { "-1", -1, "is negative" }, { "-0", -1, "is negative" },
	{ ".", -1, "is not a number" },			    { "x", -1, "is not a number" },
	{ "5s", -1, "is not a number" },		    { " 5", -1, "is not a number" },
	{ "5 ", -1, "is not a number" },		    { "1e3", -1, "is not a number" },
	{ "1.2.3", -1, "is not a number" },		    { "+5", -1, "is not a number" },
};

int main(void)
{
	int failed = 0, total = 0;

	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
		const char *why = NULL;
		long ms = -2;
		int r = owner_wait_parse(CASES[i].in, &ms, &why);
		int ok = CASES[i].ms >= 0 ? r == 0 && ms == CASES[i].ms
					  : r == -1 && why &&
						    !strncmp(why, CASES[i].why, strlen(CASES[i].why));

		total++;
		failed += !ok;
		printf("%s %d - wait_parse [%s] -> %d %ld %s\n", ok ? "ok" : "not ok", total,
		       CASES[i].in ? CASES[i].in : "(null)", r, ms, why ? why : "");
	}
	printf("1..%d\n", total);
	return failed != 0;
}
