/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef JSP_VERSION
#define JSP_VERSION "0"
#endif

static void usage(FILE *f)
{
	fputs("Usage: jobserver-preload [OPTION]... [--] COMMAND [ARG]...\n"
	      "Run COMMAND with the free GNU make jobserver tokens claimed for it:\n"
	      "PARALLELISM is set to the tokens held + 1, and every token goes back\n"
	      "when COMMAND ends, however it ends. Use it in a recipe marked '+':\n"
	      "  docs: ; +jobserver-preload sphinx-build -j \"$$PARALLELISM\" ...\n"
	      "\n"
	      "  -v, --verbose  say on stderr what was found, claimed and given back\n"
	      "  -h, --help     show this help and exit\n"
	      "      --version  show the version and exit\n"
	      "\n"
	      "Environment:\n"
	      "  JOBSERVER_PRELOAD_LIB      the library to preload (default: found beside\n"
	      "                             this program, then in its install directory)\n"
	      "  JOBSERVER_PRELOAD_VERBOSE  1: as -v, also for LD_PRELOAD set by hand\n"
	      "\n"
	      "Exit status: COMMAND's own; 125 if jobserver-preload itself fails,\n"
	      "126 if COMMAND cannot be run, 127 if COMMAND is not found.\n",
	      f);
}

int options_parse(int argc, char **argv, struct options *o, int *status)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->verbose = 0;
	o->command = NULL;
	/* '+': options end at the first non-option, which is the command's name. */
	while ((c = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->verbose = 1;
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
			fputs("Try 'jobserver-preload --help' for more information.\n", stderr);
			*status = EXIT_CANCELED;
			return -1;
		}
	}
	if (optind >= argc) {
		fputs("jobserver-preload: missing command\n"
		      "Try 'jobserver-preload --help' for more information.\n", stderr);
		*status = EXIT_CANCELED;
		return -1;
	}
	o->command = argv + optind;
	return 0;
}
