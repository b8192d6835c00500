/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jobserver-preload: the launcher. Like coreutils stdbuf it only edits the environment
 * and execs, so the pid, exit status and signals stay the command's own; the library
 * does the claiming in the command itself.
 */
#include "ldpreload.h"
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int set(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	fprintf(stderr, "jobserver-preload: cannot set %s: %s\n", name, strerror(errno));
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
		fprintf(stderr, "jobserver-preload: the library path %s holds a ':' or a blank, "
			"which LD_PRELOAD cannot carry; install it under another path or point "
			"JOBSERVER_PRELOAD_LIB to a copy without them\n", lib);
		return -1;
	}
	preload = ldpreload_append(getenv("LD_PRELOAD"), lib);
	if (!preload) {
		fprintf(stderr, "jobserver-preload: out of memory\n");
		return -1;
	}
	r = set("LD_PRELOAD", preload);
	free(preload);
	/* The pid, not a flag: only the image we exec claims, never a child of it. */
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (r < 0 || set("JOBSERVER_PRELOAD_CLAIM", pid) < 0)
		return -1;
	if (o->verbose && set("JOBSERVER_PRELOAD_VERBOSE", "1") < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	int status, err;

	if (options_parse(argc, argv, &o, &status) < 0)
		return status;
	if (prepare_env(&o) < 0)
		return EXIT_CANCELED;
	execvp(o.command[0], o.command);
	err = errno;
	fprintf(stderr, "jobserver-preload: %s: %s\n", o.command[0], strerror(err));
	return err == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE;
}
