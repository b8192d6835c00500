/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"
#include "owner_wait.h"
#include "policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_MAX = 256, OPT_EXPORT, OPT_DEFAULT };
enum { OPT_TRACE = 300, OPT_REPORT, OPT_SVG, OPT_STATUS };
enum { OPT_JSON = 320, OPT_WATCH, OPT_JOBSERVER };
enum { OPT_MIN = 340, OPT_WAIT, OPT_FAIR, OPT_NO_FAIR };

#ifndef JSP_VERSION
#define JSP_VERSION "0"
#endif

static void usage(FILE *f)
{
	fputs("Usage: jobserver-preload [OPTION]... [--] COMMAND [ARG]...\n"
	      "Run COMMAND with the free GNU make jobserver tokens claimed for it:\n"
	      "PARALLELISM is set to the tokens held + 1, and every token goes back\n"
	      "when COMMAND ends, however it ends. Use it in a recipe marked '+':\n"
	      "  docs: ; +jobserver-preload -I{} sphinx-build -j {} -b html src out\n"
	      "\n"
	      "  -v, --verbose      say on stderr what was found, claimed and given back\n"
	      "  -I STR             replace every STR in COMMAND's arguments by the count\n"
	      "                     (tokens held + 1; with no claim, --default or 1)\n"
	      "      --max N        PARALLELISM is never more than N: take at most N-1\n"
	      "                     tokens and leave the rest to the other recipes\n"
	      "      --default N    the count when make runs no jobserver (make -j1, not\n"
	      "                     run by make): PARALLELISM and the exports are set\n"
	      "                     to N, at most --max; without it they are left alone\n"
	      "      --min N        wait before claiming until N-1 tokens are free (for\n"
	      "                     PARALLELISM N), at most --wait; then claim as ever\n"
	      "      --wait SECONDS\n"
	      "                     the most --min waits (5, 0.5; default 10), then\n"
	      "                     start with what is free\n"
	      "      --fair         share evenly with the wrapped commands that start\n"
	      "                     together (each within 10 ms of the last): waits\n"
	      "                     until 10 ms pass with no new one, then claims\n"
	      "      --no-fair      take what is free at once (the default)\n"
	      "      --export NAME[=TEMPLATE]\n"
	      "                     export the count as NAME too (OMP_NUM_THREADS,\n"
	      "                     CMAKE_BUILD_PARALLEL_LEVEL, ...), or TEMPLATE with\n"
	      "                     each {} made the count (XZ_OPT=-T{}, PARALLEL=-j{};\n"
	      "                     {{ and }} are braces); repeatable\n"
	      "      --trace FILE   append every jobserver read and write of COMMAND's\n"
	      "                     whole process tree to FILE (COMMAND may be make -jN)\n"
	      "      --report FILE  no COMMAND: who took tokens and kept them; exit 0\n"
	      "                     balanced, 1 leak, 2 FILE unreadable\n"
	      "      --svg OUT      with --report: the trace as a timeline picture\n"
	      "      --json         with --report or --status: JSON on stdout\n"
	      "      --status       no COMMAND: the jobserver a command here would use,\n"
	      "                     its free tokens now, and every command holding\n"
	      "                     claimed ones (pid, tokens, for how long); exit 0\n"
	      "                     usable, 1 none\n"
	      "      --watch        --status again once a second, until interrupted\n"
	      "      --jobserver SPEC\n"
	      "                     with --status: the jobserver SPEC names (R,W or\n"
	      "                     fifo:PATH, as make's --jobserver-auth=), not\n"
	      "                     the one in MAKEFLAGS: from any shell of the user\n"
	      "  -h, --help         show this help and exit\n"
	      "      --version      show the version and exit\n"
	      "\n"
	      "Environment (every option has one; an option overrides it):\n"
	      "  JOBSERVER_PRELOAD_LIB       the library to preload (default: found beside\n"
	      "                              this program, then in its install directory)\n"
	      "  JOBSERVER_PRELOAD_VERBOSE   1: as -v, also for LD_PRELOAD set by hand\n"
	      "  JOBSERVER_PRELOAD_MAX       N: as --max\n"
	      "  JOBSERVER_PRELOAD_DEFAULT   N: as --default\n"
	      "  JOBSERVER_PRELOAD_MIN       N: as --min\n"
	      "  JOBSERVER_PRELOAD_WAIT      SECONDS: as --wait\n"
	      "  JOBSERVER_PRELOAD_FAIR      1: as --fair, 0: as --no-fair\n"
	      "  JOBSERVER_PRELOAD_EXPORT    NAME[=TEMPLATE]:...: as --export; in a\n"
	      "                              template \\: is a ':' and \\\\ a '\\'\n"
	      "  JOBSERVER_PRELOAD_PROGRAMS  NAME:NAME...: with LD_PRELOAD set by hand for a\n"
	      "                              whole build, the programs that claim, matched\n"
	      "                              by file name (a script by its own name); GNU\n"
	      "                              make never claims\n"
	      "  JOBSERVER_PRELOAD_TRACE     FILE (absolute): as --trace, with\n"
	      "                              libjobserver-preload-trace.so preloaded too\n"
	      "  JOBSERVER_PRELOAD_CLAIM, JOBSERVER_PRELOAD_OWNER\n"
	      "                              private: set by the launcher and the library\n"
	      "\n"
	      "Exit status: COMMAND's own; 125 if jobserver-preload itself fails,\n"
	      "126 if COMMAND cannot be run, 127 if COMMAND is not found.\n",
	      f);
}

/* Appends --export ARG to the list that the library reads, with its ':' and '\' escaped
 * as that list writes them (policy.h), then checks the entry as the library will. */
static int add_export(struct options *o, const char *arg)
{
	size_t old = o->exports ? strlen(o->exports) : 0, len = 0;
	const char *why;
	char *s;

	s = realloc(o->exports, old + 2 * strlen(arg) + 2);
	if (!s) {
		fputs("jobserver-preload: out of memory\n", stderr);
		return -1;
	}
	o->exports = s;
	if (old)
		s[old++] = ':';
	for (const char *a = arg; *a; a++) {
		if (*a == ':' || *a == '\\')
			s[old + len++] = '\\';
		s[old + len++] = *a;
	}
	s[old + len] = '\0';
	if (policy_export_check(s + old, len, &why) == 0)
		return 0;
	fprintf(stderr, "jobserver-preload: --export '%s' %s\n", arg, why);
	return -1;
}

static int check_count(const char *option, const char *arg)
{
	const char *why;
	long v;

	if (policy_count(arg, &v, &why) == 0)
		return 0;
	fprintf(stderr, "jobserver-preload: %s '%s' %s\n", option, arg, why);
	return -1;
}

static int check_seconds(const char *arg)
{
	const char *why;
	long ms;

	if (owner_wait_parse(arg, &ms, &why) == 0)
		return 0;
	fprintf(stderr, "jobserver-preload: --wait '%s' %s\n", arg, why);
	return -1;
}

/* The help is longer than stdio's buffer: a write that failed while it was printed leaves
 * the error flag, not a failing fflush. */
static int stdout_ok(void)
{
	return fflush(stdout) == 0 && !ferror(stdout);
}

/* What is wrong with a line of --report or --status (which run nothing), or NULL. */
static const char *action_conflict(const struct options *o, int has_command)
{
	if (o->report && o->show_status)
		return "--report and --status are two actions: give one of them";
	if (o->svg && !o->report)
		return "--svg needs --report FILE";
	if (o->json && !o->report && !o->show_status)
		return "--json needs --report FILE or --status";
	if (o->jobserver && !o->show_status)
		return "--jobserver needs --status (or --watch)";
	if (o->trace)
		return "--report and --status read no --trace: the trace is --report's FILE";
	if (has_command)
		return "--report and --status run no COMMAND: drop it, or drop the option";
	return NULL;
}

int options_parse(int argc, char **argv, struct options *o, int *status)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "default", required_argument, NULL, OPT_DEFAULT },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "fair", no_argument, NULL, OPT_FAIR },
		{ "no-fair", no_argument, NULL, OPT_NO_FAIR },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "jobserver", required_argument, NULL, OPT_JOBSERVER },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ 0 };
	/* '+': options end at the first non-option, which is the command's name. */
	while ((c = getopt_long(argc, argv, "+hvI:", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->verbose = 1;
			break;
		case 'I':
			if (!*optarg) {
				fputs("jobserver-preload: -I needs a string to replace, not an empty "
				      "one: -I{} as xargs\n", stderr);
				goto usage_error;
			}
			o->replace = optarg;
			break;
		case OPT_MAX:
			if (check_count("--max", optarg) < 0)
				goto usage_error;
			o->max = optarg;
			break;
		case OPT_DEFAULT:
			if (check_count("--default", optarg) < 0)
				goto usage_error;
			o->dflt = optarg;
			break;
		case OPT_MIN:
			if (check_count("--min", optarg) < 0)
				goto usage_error;
			o->min = optarg;
			break;
		case OPT_WAIT:
			if (check_seconds(optarg) < 0)
				goto usage_error;
			o->wait = optarg;
			break;
		case OPT_FAIR:
			o->fair = "1";
			break;
		case OPT_NO_FAIR:
			o->fair = "0";
			break;
		case OPT_EXPORT:
			if (add_export(o, optarg) < 0)
				goto usage_error;
			break;
		case OPT_TRACE:
			o->trace = optarg;
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_STATUS:
			o->show_status = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_WATCH:
			o->watch = o->show_status = 1;
			break;
		case OPT_JOBSERVER:
			o->jobserver = optarg;
			break;
		case 'h':
			usage(stdout);
			*status = stdout_ok() ? EXIT_SUCCESS : EXIT_CANCELED;
			return -1;
		case 'V':
			printf("jobserver-preload %s\n", JSP_VERSION);
			*status = stdout_ok() ? EXIT_SUCCESS : EXIT_CANCELED;
			return -1;
		default:
			goto usage_error;
		}
	}
	/* --report and --status run nothing: they are the whole command line. */
	if (o->report || o->show_status || o->svg || o->json || o->jobserver) {
		const char *why = action_conflict(o, optind < argc);

		if (!why)
			return 0;
		fprintf(stderr, "jobserver-preload: %s\n", why);
		goto usage_error;
	}
	if (optind >= argc) {
		fputs("jobserver-preload: missing command\n"
		      "Try 'jobserver-preload --help' for more information.\n", stderr);
		*status = EXIT_CANCELED;
		return -1;
	}
	o->command = argv + optind;
	return 0;
usage_error:
	fputs("Try 'jobserver-preload --help' for more information.\n", stderr);
	*status = EXIT_CANCELED;
	return -1;
}
