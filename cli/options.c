/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"
#include "usage.h"
#include "owner_wait.h"
#include "policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_MAX = 256, OPT_EXPORT, OPT_DEFAULT };
enum { OPT_TRACE = 300, OPT_REPORT, OPT_SVG, OPT_STATUS };
enum { OPT_JSON = 320, OPT_WATCH, OPT_JOBSERVER };
enum { OPT_MIN = 340, OPT_WAIT, OPT_ELASTIC, OPT_NO_ELASTIC, OPT_FAIR, OPT_NO_FAIR };

#ifndef JSP_VERSION
#define JSP_VERSION "0"
#endif

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
		{ "elastic", no_argument, NULL, OPT_ELASTIC },
		{ "no-elastic", no_argument, NULL, OPT_NO_ELASTIC },
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

	*o = (struct options){ .elastic = -1 };
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
		case OPT_ELASTIC:
		case OPT_NO_ELASTIC:
			o->elastic = c == OPT_ELASTIC;
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
