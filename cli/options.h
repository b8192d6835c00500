/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launcher's command line. */
#ifndef JSP_OPTIONS_H
#define JSP_OPTIONS_H

#define EXIT_CANCELED 125 /* the launcher's own failure, as env(1) */
#define EXIT_CANNOT_INVOKE 126
#define EXIT_ENOENT 127

struct options {
	int verbose;
	const char *max; /* --max N, or NULL */
	const char *dflt;    /* --default N, or NULL */
	const char *min;     /* --min N: wait for PARALLELISM N before the claim, or NULL */
	const char *wait;    /* --wait SECONDS: at most so long, or NULL */
	int elastic;         /* --elastic 1, --no-elastic 0, neither -1 */
	const char *fair;    /* --fair "1", --no-fair "0", or NULL */
	const char *replace; /* -I STR: replaced by the count in COMMAND's arguments, or NULL */
	char *exports;   /* --export NAME[=TEMPLATE]..., as JOBSERVER_PRELOAD_EXPORT (malloc'd), or NULL */
	const char *trace;  /* --trace FILE, or NULL */
	const char *report; /* --report FILE: no command, print the report */
	const char *svg;    /* --svg OUT (with --report) */
	int show_status;    /* --status: no command, print the jobserver's state */
	int json;           /* --json (with --report or --status): JSON on stdout */
	int watch;          /* --watch: --status once a second */
	const char *jobserver; /* --jobserver SPEC (with --status), or NULL: MAKEFLAGS's */
	char **command;  /* NULL-terminated, non-empty */
};

/* Parses argv. Returns -1 to exit with *status (help, version, usage error), else 0. */
int options_parse(int argc, char **argv, struct options *o, int *status);

#endif
