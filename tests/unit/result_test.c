/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The result convention (preload/result.h) and its one table of texts (log_errno): our
 * own codes lie outside the kernel's -errno range, each has a text of its own, and no
 * kernel code reads as one of ours. -EPERM is -1: a marker -1 once meant "no pidfd" and
 * lost every token of a sandboxed owner that was killed (issue 22).
 */
#include "log.h"
#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_ERRNO 4095 /* the kernel's: a raw syscall returns -1 to -4095 for an error */

static int failed, total;

static void check(int ok, const char *what, int code)
{
	total++;
	failed += !ok;
	printf("%s %d - %s [%d]\n", ok ? "ok" : "not ok", total, what, code);
}

static int known(int code)
{
	return strcmp(log_errno(-code), log_errno(-(JSP_E_END + 1000))) != 0;
}

int main(void)
{
	check(JSP_E_FIRST > MAX_ERRNO, "our codes start above the kernel's", JSP_E_FIRST);
	check(!known(JSP_E_END), "JSP_E_END is no code", JSP_E_END);
	for (int c = JSP_E_FIRST; c < JSP_E_END; c++) {
		int unique = known(c);

		for (int d = 1; d < JSP_E_END && unique; d++)
			unique = d == c || strcmp(log_errno(-c), log_errno(-d)) != 0;
		check(unique, "our code has a text of its own, unlike any other code's", c);
	}
	/* The errors a sandbox answers with, and the codes of the rendezvous, are the
	 * kernel's own words, never one of our outcomes. */
	{
		static const int kernel[] = { EPERM, EACCES, ENOSYS, ENOENT, EAGAIN, EMFILE,
					      EADDRINUSE, ECONNREFUSED, ENOSPC, EIO, ESTALE };

		for (unsigned i = 0; i < sizeof kernel / sizeof kernel[0]; i++) {
			int mine = 0;

			for (int c = JSP_E_FIRST; c < JSP_E_END; c++)
				mine |= !strcmp(log_errno(-kernel[i]), log_errno(-c));
			check(!mine, "a kernel code does not read as one of ours", kernel[i]);
		}
	}
	check(!strcmp(log_errno(-EPERM), "operation not permitted"), "-1 is EPERM", -EPERM);
	printf("1..%d\n", total);
	return failed != 0;
}
