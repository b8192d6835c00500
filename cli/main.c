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

#ifdef JSP_AS_JOBSERVER_EXEC
#define PROG "jobserver-exec"
#else
#define PROG "jobserver-preload"
#endif

static int set(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	fprintf(stderr, PROG ": cannot set %s: %s\n", name, strerror(errno));
	return -1;
}

static int prepare_env(const struct options *o)
{
	char lib[PATH_MAX], pid[24];
	char *preload;
	int r;

	if (ldpreload_find(lib, sizeof lib) < 0)
		return -1;
	if (!ldpreload_path_ok(lib)) {
		fprintf(stderr, PROG ": the library path %s holds a ':' or a blank, "
			"which LD_PRELOAD cannot carry; install it under another path or point "
			"JOBSERVER_PRELOAD_LIB to a copy without them\n", lib);
		return -1;
	}
	preload = ldpreload_append(getenv("LD_PRELOAD"), lib);
	if (!preload) {
		fprintf(stderr, PROG ": out of memory\n");
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
	if (o->exports && set(ENV_EXPORT, o->exports) < 0)
		return -1;
	return 0;
}

/* A bad value set by hand is the launcher's failure (125), as a bad option is; the
 * library, which cannot fail the command, would only ignore it. Empty means unset. */
static int check_env(void)
{
	const char *max = getenv(ENV_MAX), *names = getenv(ENV_EXPORT), *why, *bad;
	size_t n;
	long v;

	if (max && *max && policy_count(max, &v, &why) < 0) {
		fprintf(stderr, "%s: " ENV_MAX "=%s %s; set it to the largest PARALLELISM wanted, "
			"or unset it\n", PROG, max, why);
		return -1;
	}
	if (names && policy_names_check(names, &bad, &n) < 0) {
		fprintf(stderr, "%s: " ENV_EXPORT " holds '%.*s', which is not a variable name: use "
			"letters, digits and '_', not a digit first, and no " ENV_PREFIX " name\n",
			PROG, (int)n, bad);
		return -1;
	}
	return 0;
}

/* The library's claim, run here (see the top of this file). */
static void claim(void)
{
	struct env_view env;

	env_scan(&env);
	log_verbose = env.verbose && env.verbose[0] && !(env.verbose[0] == '0' && !env.verbose[1]);
	claim_at_start(&env, NULL);
}

int main(int argc, char **argv)
{
	struct options o;
	int status, err;

#ifdef JSP_AS_JOBSERVER_EXEC
	/* As the kernel's script: no option, not even --help; `jobserver-exec --x` runs --x. */
	(void)status;
	if (argc < 2) {
		fputs(PROG ": missing command\nUsage: " PROG " COMMAND [ARG]...\n", stderr);
		return EXIT_CANCELED;
	}
	o = (struct options){ .command = argv + 1 };
#else
	if (options_parse(argc, argv, &o, &status) < 0)
		return status;
	if (o.report)
		return report_main(o.report, o.svg);
	if (o.show_status)
		return status_main();
#endif
	if (prepare_env(&o) < 0 || check_env() < 0)
		return EXIT_CANCELED;
	claim();
	execvp(o.command[0], o.command);
	err = errno;
	owner_exit(); /* the command never ran: its tokens go back before we exit */
	fprintf(stderr, PROG ": %s: %s\n", o.command[0], strerror(err));
	return err == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE;
}
