/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jobserver-preload: the launcher. Like coreutils stdbuf it edits the environment and
 * execs, so the pid, exit status and signals stay the command's own.
 *
 * It claims just before the exec, with the library's own code, as the process that the
 * command will be (the same pid, so the library in the command resumes ownership and gives
 * the tokens back). Why not in the command's constructor: the libraries the command links
 * run their constructors before a preloaded one, and libgomp reads OMP_NUM_THREADS in its
 * constructor; claimed here, every exported name is in the environment the command starts
 * with. A static binary, which no LD_PRELOAD reaches, gets its PARALLELISM too.
 *
 * Built with -DJSP_AS_JOBSERVER_EXEC it is jobserver-exec, a drop-in for the Linux
 * kernel's scripts/jobserver-exec: every argument is the command, no option is read.
 */
#include "claim.h"
#include "env.h"
#include "ldpreload.h"
#include "log.h"
#include "options.h"
#include "owner.h"
#include "owner_wait.h"
#include "policy.h"
#include "report.h"
#include "status.h"
#include "tracelib.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Messages name the program as it was run: a copy or a link of jobserver-exec under
 * another name (the kernel's scripts/jobserver-exec) says its own name, as env(1) does. */
#define PROG program_invocation_short_name

static int set(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	fprintf(stderr, "%s: cannot set %s: %s\n", PROG, name, strerror(errno));
	return -1;
}

/* Sets what the library reads. Returns 0, -1 after saying why (exit 125), or
 * LDPRELOAD_NOT_FOUND: the command runs as it is. */
static int prepare_env(const struct options *o, const char *argv0)
{
	char lib[PATH_MAX], pid[24];
	char *preload;
	int r;

	r = ldpreload_find(lib, sizeof lib, argv0);
	if (r != 0)
		return r;
	if (!ldpreload_path_ok(lib)) {
		fprintf(stderr, "%s: the library path %s holds a ':' or a blank, "
			"which LD_PRELOAD cannot carry; install it under another path or point "
			"JOBSERVER_PRELOAD_LIB to a copy without them\n", PROG, lib);
		return -1;
	}
	preload = ldpreload_append(getenv("LD_PRELOAD"), lib);
	if (!preload) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return -1;
	}
	r = set("LD_PRELOAD", preload);
	free(preload);
	if (r == 0 && o->trace && tracelib_prepare(lib, o->trace) < 0)
		return -1;
	/* The pid, not a flag: only the image we exec claims, never a child of it. */
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (r < 0 || set("JOBSERVER_PRELOAD_CLAIM", pid) < 0)
		return -1;
	if (o->verbose && set("JOBSERVER_PRELOAD_VERBOSE", "1") < 0)
		return -1;
	/* The options reach the library in the variables a user may set by hand: one way. */
	if (o->max && set(ENV_MAX, o->max) < 0)
		return -1;
	if (o->dflt && set(ENV_DEFAULT, o->dflt) < 0)
		return -1;
	if (o->exports && set(ENV_EXPORT, o->exports) < 0)
		return -1;
	if (o->min && set(ENV_MIN, o->min) < 0)
		return -1;
	if (o->wait && set(ENV_WAIT, o->wait) < 0)
		return -1;
	if (o->fair && set(ENV_FAIR, o->fair) < 0)
		return -1;
	return 0;
}

/* A bad value set by hand is the launcher's failure (125), as a bad option is; the
 * library, which cannot fail the command, would only ignore it. Empty means unset. */
static int check_env(void)
{
	static const char *const counts[] = { ENV_MAX, ENV_DEFAULT, ENV_MIN };
	const char *list = getenv(ENV_EXPORT), *v, *why, *bad;
	size_t n;
	long c;
	int on;

	for (unsigned i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		v = getenv(counts[i]);
		if (v && *v && policy_count(v, &c, &why) < 0) {
			fprintf(stderr, "%s: %s=%s %s; set it to a count or unset it\n", PROG,
				counts[i], v, why);
			return -1;
		}
	}
	v = getenv(ENV_WAIT);
	if (v && *v && owner_wait_parse(v, &c, &why) < 0) {
		fprintf(stderr, "%s: " ENV_WAIT "=%s %s; set it to the most seconds to wait or "
			"unset it\n", PROG, v, why);
		return -1;
	}
	v = getenv(ENV_ELASTIC);
	if (v && *v && policy_switch(v, &on, &why) < 0) {
		fprintf(stderr, "%s: " ENV_ELASTIC "=%s %s; set it to 1 or 0, or unset it\n",
			PROG, v, why);
		return -1;
	}
	v = getenv(ENV_FAIR);
	if (v && *v && policy_switch(v, &on, &why) < 0) {
		fprintf(stderr, "%s: " ENV_FAIR "=%s %s; set it to 1 (--fair) or 0 (--no-fair) "
			"or unset it\n", PROG, v, why);
		return -1;
	}
	if (list && policy_exports_check(list, &bad, &n, &why) < 0) {
		fprintf(stderr, "%s: " ENV_EXPORT " holds '%.*s', which %s\n", PROG, (int)n, bad,
			why);
		return -1;
	}
	return 0;
}

/* JOBSERVER_PRELOAD_VERBOSE as the library reads it: set, not empty and not "0". */
static int is_on(const char *v)
{
	return v && v[0] && !(v[0] == '0' && !v[1]);
}

/* The library's claim, run here (see the top of this file). Returns the count: the
 * tokens held + 1, or with no claim JOBSERVER_PRELOAD_DEFAULT, or 1. */
static long claim(const struct options *o)
{
	struct env_view env;
	long count;

	env_scan(&env);
	log_verbose = is_on(env.verbose);
	/* --elastic reaches this claim only, not the commands below (no variable is set):
	 * a nested jobserver-preload decides for its own command. -I makes the count a
	 * width, as --export does (which the library sees for itself). */
	if (o->elastic >= 0)
		env.elastic = o->elastic ? "1" : "0";
	else if (o->replace && !(env.elastic && *env.elastic))
		env.elastic = "0";
	count = claim_at_start(&env, o->command[0]);
	return count > 0 ? count : 1;
}

/* -I STR: every STR in the command's arguments (not its name) becomes the count; an
 * argument without STR stays the very string it was. */
static int replace_args(char **argv, const char *str, long count)
{
	char num[24];

	snprintf(num, sizeof num, "%ld", count);
	for (char **a = argv + 1; *a; a++) {
		if (!strstr(*a, str))
			continue;
		char *s = malloc(policy_replace(*a, str, num, NULL) + 1);

		if (!s) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			return -1;
		}
		policy_replace(*a, str, num, s);
		*a = s;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	int status, err, found;
	long count;

#ifdef JSP_AS_JOBSERVER_EXEC
	/* As the kernel's script: no option, not even --help; `jobserver-exec --x` runs --x. */
	(void)status;
	if (argc < 2) {
		fprintf(stderr, "%s: missing command\nUsage: %s COMMAND [ARG]...\n", PROG, PROG);
		return EXIT_CANCELED;
	}
	o = (struct options){ .command = argv + 1, .elastic = -1 };
#else
	if (options_parse(argc, argv, &o, &status) < 0)
		return status;
	if (o.report)
		return report_main(o.report, o.svg, o.json);
	if (o.show_status)
		return status_main(o.jobserver, o.watch, o.json);
#endif
	found = prepare_env(&o, argv[0]);
	if (found < 0 || check_env() < 0)
		return EXIT_CANCELED;
	if (found == LDPRELOAD_NOT_FOUND) {
		/* Claimed here, the tokens would have no library in the command to give them
		 * back at its exit; unclaimed, the build only runs this command narrower. */
		count = 1;
		if (o.verbose || is_on(getenv(ENV_VERBOSE)))
			fprintf(stderr, "%s: cannot find libjobserver-preload.so, and /proc, which "
				"names this program's own path, cannot be read: running %s without "
				"claiming; set JOBSERVER_PRELOAD_LIB to the library's path\n",
				PROG, o.command[0]);
	} else {
		count = claim(&o);
	}
	if (o.replace && replace_args(o.command, o.replace, count) < 0) {
		owner_exit();
		return EXIT_CANCELED;
	}
	execvp(o.command[0], o.command);
	err = errno;
	owner_exit(); /* the command never ran: its tokens go back before we exit */
	fprintf(stderr, "%s: %s: %s\n", PROG, o.command[0], strerror(err));
	return err == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE;
}
