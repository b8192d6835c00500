/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"
#include "policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_MAX = 256, OPT_EXPORT };
enum { OPT_TRACE = 300, OPT_REPORT, OPT_SVG, OPT_STATUS };

#ifndef JSP_VERSION
#define JSP_VERSION "0"
#endif

static void usage(FILE *f)
{
	fputs("Usage: jobserver-preload [OPTION]... [--] COMMAND [ARG]...\n"
	      "Run COMMAND with the free GNU make jobserver tokens claimed for it:\n"
	      "PARALLELISM is set to the tokens held + 1, and every token goes back\n"
	      "when COMMAND ends, however it ends. Use it in a recipe marked '+':\n"
	      "  docs: ; +jobserver-preload sh -c 'exec sphinx-build -j \"$$PARALLELISM\" ...'\n"
	      "\n"
	      "  -v, --verbose      say on stderr what was found, claimed and given back\n"
	      "      --max N        PARALLELISM is never more than N: take at most N-1\n"
	      "                     tokens and leave the rest to the other recipes\n"
	      "      --export NAME  export the count as NAME too (OMP_NUM_THREADS,\n"
	      "                     CMAKE_BUILD_PARALLEL_LEVEL, ...); repeatable\n"
	      "      --trace FILE   append every jobserver read and write of COMMAND's\n"
	      "                     whole process tree to FILE (COMMAND may be make -jN)\n"
	      "      --report FILE  no COMMAND: who took tokens and kept them; exit 0\n"
	      "                     balanced, 1 leak, 2 FILE unreadable\n"
	      "      --svg OUT      with --report: the trace as a timeline picture\n"
	      "      --status       no COMMAND: the jobserver a command here would use,\n"
	      "                     and its free tokens now; exit 0 usable, 1 none\n"
	      "  -h, --help         show this help and exit\n"
	      "      --version      show the version and exit\n"
	      "\n"
	      "Environment (every option has one; an option overrides it):\n"
	      "  JOBSERVER_PRELOAD_LIB       the library to preload (default: found beside\n"
	      "                              this program, then in its install directory)\n"
	      "  JOBSERVER_PRELOAD_VERBOSE   1: as -v, also for LD_PRELOAD set by hand\n"
	      "  JOBSERVER_PRELOAD_MAX       N: as --max\n"
	      "  JOBSERVER_PRELOAD_EXPORT    NAME:NAME...: as --export\n"
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

/* Appends a checked --export NAME to the ':' list that the library reads. */
static int add_export(struct options *o, const char *name)
{
	size_t old = o->exports ? strlen(o->exports) : 0, len = strlen(name);
	char *s;

	if (!policy_name_ok(name, len)) {
		fprintf(stderr, "jobserver-preload: --export '%s' is not a variable name: use "
			"letters, digits and '_', not a digit first, at most %d characters, and no "
			"JOBSERVER_PRELOAD_ name\n", name, POLICY_NAME_MAX);
		return -1;
	}
	s = realloc(o->exports, old + len + 2);
	if (!s) {
		fputs("jobserver-preload: out of memory\n", stderr);
		return -1;
	}
	if (old)
		s[old++] = ':';
	memcpy(s + old, name, len + 1);
	o->exports = s;
	return 0;
}

static int check_max(const char *arg)
{
	const char *why;
	long v;

	if (policy_count(arg, &v, &why) == 0)
		return 0;
	fprintf(stderr, "jobserver-preload: --max '%s' %s\n", arg, why);
	return -1;
}

int options_parse(int argc, char **argv, struct options *o, int *status)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ 0 };
	/* '+': options end at the first non-option, which is the command's name. */
	while ((c = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->verbose = 1;
			break;
		case OPT_MAX:
			if (check_max(optarg) < 0)
				goto usage_error;
			o->max = optarg;
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
		case 'h':
			usage(stdout);
			*status = fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_CANCELED;
			return -1;
		case 'V':
			printf("jobserver-preload %s\n", JSP_VERSION);
			*status = fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_CANCELED;
			return -1;
		default:
			goto usage_error;
		}
	}
	/* --report and --status run nothing: they are the whole command line. */
	if (o->report || o->show_status || o->svg) {
		if (optind == argc && !o->trace && (o->report || !o->svg))
			return 0;
		fputs("jobserver-preload: --report and --status take no COMMAND nor --trace, and "
		      "--svg needs --report\n", stderr);
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
