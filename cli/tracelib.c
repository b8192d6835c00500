/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tracelib.h"
#include "ldpreload.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Beside the main library: both are built into the top of the build tree and installed
 * into the same pkglibdir. */
static int find(const char *mainlib, char *buf, size_t cap)
{
	const char *slash = strrchr(mainlib, '/');
	int dirlen = slash ? (int)(slash - mainlib) : 1;

	if ((size_t)snprintf(buf, cap, "%.*s/" TRACE_LIBNAME, dirlen, slash ? mainlib : ".") < cap &&
	    access(buf, R_OK) == 0)
		return 0;
	fprintf(stderr, "%s: cannot find " TRACE_LIBNAME " beside %s: %s; install it in the "
		"same directory\n", program_invocation_short_name, mainlib, strerror(errno));
	return -1;
}

/* Every process of the tree appends to the file from its own directory: it must be
 * absolute. Created here so that a path we cannot write fails now, with exit 125. */
static int absolute(const char *file, char *buf)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0 || close(fd) < 0 || !realpath(file, buf)) {
		fprintf(stderr, "%s: cannot open trace file %s: %s; name a file in a writable "
			"directory\n", program_invocation_short_name, file, strerror(errno));
		return -1;
	}
	return 0;
}

int tracelib_prepare(const char *mainlib, const char *file)
{
	char lib[PATH_MAX], path[PATH_MAX];
	char *preload;
	int r;

	if (find(mainlib, lib, sizeof lib) < 0 || absolute(file, path) < 0)
		return -1;
	if (!ldpreload_path_ok(lib)) {
		fprintf(stderr, "%s: the trace library path %s holds a ':' or a blank, which "
			"LD_PRELOAD cannot carry\n", program_invocation_short_name, lib);
		return -1;
	}
	preload = ldpreload_append(getenv("LD_PRELOAD"), lib);
	if (!preload) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return -1;
	}
	r = setenv("LD_PRELOAD", preload, 1);
	free(preload);
	if (r < 0 || setenv(TRACE_ENV, path, 1) < 0) {
		fprintf(stderr, "%s: cannot set the environment: %s\n", program_invocation_short_name,
			strerror(errno));
		return -1;
	}
	return 0;
}
