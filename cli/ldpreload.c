/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ldpreload.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIBNAME "libjobserver-preload.so"
#ifndef JSP_PKGLIBDIR_REL /* the library's directory relative to bindir, set by CMake */
#define JSP_PKGLIBDIR_REL "../lib/jobserver-preload"
#endif
#ifndef JSP_PKGLIBDIR
#define JSP_PKGLIBDIR "/usr/local/lib/jobserver-preload"
#endif

static int readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int ldpreload_find(char *buf, size_t cap)
{
	const char *env = getenv("JOBSERVER_PRELOAD_LIB");
	char exe[4096];
	ssize_t n;

	if (env && *env) {
		/* Absolute, because ld.so takes a name without '/' from its search path and a
		 * relative one from the cwd of each image: both miss after the command's cd. */
		char abs[PATH_MAX];

		if (!readable(env) || !realpath(env, abs)) {
			fprintf(stderr, "jobserver-preload: JOBSERVER_PRELOAD_LIB=%s: %s; set it "
				"to the path of " LIBNAME " or unset it\n", env, strerror(errno));
			return -1;
		}
		snprintf(buf, cap, "%s", abs);
		return 0;
	}
	/* Beside the executable, as stdbuf finds libstdbuf.so: this makes the build tree and
	 * a moved install prefix work with no variable set. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *dir = dirname(exe);

		if ((size_t)snprintf(buf, cap, "%s/" LIBNAME, dir) < cap && readable(buf))
			return 0;
		if ((size_t)snprintf(buf, cap, "%s/" JSP_PKGLIBDIR_REL "/" LIBNAME, dir) < cap &&
		    readable(buf))
			return 0;
	}
	if ((size_t)snprintf(buf, cap, "%s/" LIBNAME, JSP_PKGLIBDIR) < cap && readable(buf))
		return 0;
	fprintf(stderr, "jobserver-preload: cannot find " LIBNAME " beside this program or in "
		JSP_PKGLIBDIR "; set JOBSERVER_PRELOAD_LIB to its path\n");
	return -1;
}

int ldpreload_path_ok(const char *lib)
{
	return strpbrk(lib, ": \t\n") == NULL;
}

/* ld.so splits LD_PRELOAD at colons and blanks. */
static int contains(const char *list, const char *lib)
{
	size_t len = strlen(lib);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ": \t\n");

		if (n == len && strncmp(p, lib, len) == 0)
			return 1;
		p += n;
		p += strspn(p, ": \t\n");
	}
	return 0;
}

char *ldpreload_append(const char *old, const char *lib)
{
	size_t n;
	char *s;

	if (!old || !old[strspn(old, ": \t\n")])
		return strdup(lib);
	if (contains(old, lib))
		return strdup(old);
	n = strlen(old) + 1 + strlen(lib) + 1;
	s = malloc(n);
	if (s)
		snprintf(s, n, "%s:%s", old, lib);
	return s;
}
