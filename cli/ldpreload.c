/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ldpreload.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* name looked up in PATH as execvp(3) does, into buf. Returns 0 or -1. */
static int search_path(const char *name, char *buf, size_t cap)
{
	const char *path = getenv("PATH");

	for (const char *p = path ? path : "/usr/bin:/bin"; ; p++) {
		size_t n = strcspn(p, ":");

		/* An empty entry is the current directory, as for execvp. */
		if ((size_t)snprintf(buf, cap, "%.*s%s%s", (int)n, p, n ? "/" : "", name) < cap &&
		    access(buf, X_OK) == 0)
			return 0;
		p += n;
		if (!*p)
			return -1;
	}
}

/*
 * This program's own file, every symlink resolved, into exe (PATH_MAX bytes). The kernel
 * names it in /proc/self/exe; without /proc (a sandbox, another mount namespace) the path
 * execve was given, AT_EXECFN, names it as well, relative to the directory we started in,
 * which we have not left. argv[0] looked up in PATH is the last resort, for an AT_EXECFN
 * that does not resolve (a /dev/fd path of fexecve). realpath(3) needs no /proc.
 * Sets *noproc when /proc/self/exe could not be read. Returns 0 or -1.
 */
static int self_path(char *exe, const char *argv0, int *noproc)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	char found[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);

	*noproc = n <= 0;
	if (n > 0) {
		exe[n] = '\0';
		return 0;
	}
	if (execfn && realpath(execfn, exe))
		return 0;
	if (!argv0 || !*argv0)
		return -1;
	if (strchr(argv0, '/'))
		return realpath(argv0, exe) ? 0 : -1;
	return search_path(argv0, found, sizeof found) == 0 && realpath(found, exe) ? 0 : -1;
}

int ldpreload_find(char *buf, size_t cap, const char *argv0)
{
	const char *env = getenv("JOBSERVER_PRELOAD_LIB");
	char exe[PATH_MAX];
	int noproc;

	if (env && *env) {
		/* Absolute, because ld.so takes a name without '/' from its search path and a
		 * relative one from the cwd of each image: both miss after the command's cd. */
		char abs[PATH_MAX];

		if (!readable(env) || !realpath(env, abs)) {
			fprintf(stderr, "%s: JOBSERVER_PRELOAD_LIB=%s: %s; set it to the path of "
				LIBNAME " or unset it\n", program_invocation_short_name, env,
				strerror(errno));
			return -1;
		}
		snprintf(buf, cap, "%s", abs);
		return 0;
	}
	/* Beside the executable, as stdbuf finds libstdbuf.so: this makes the build tree and
	 * a moved install prefix work with no variable set. */
	if (self_path(exe, argv0, &noproc) == 0) {
		const char *dir = dirname(exe);

		if ((size_t)snprintf(buf, cap, "%s/" LIBNAME, dir) < cap && readable(buf))
			return 0;
		if ((size_t)snprintf(buf, cap, "%s/" JSP_PKGLIBDIR_REL "/" LIBNAME, dir) < cap &&
		    readable(buf))
			return 0;
	}
	if ((size_t)snprintf(buf, cap, "%s/" LIBNAME, JSP_PKGLIBDIR) < cap && readable(buf))
		return 0;
	/* Without /proc we may have missed it where it is: the command still runs. */
	if (noproc)
		return LDPRELOAD_NOT_FOUND;
	fprintf(stderr, "%s: cannot find " LIBNAME " beside this program or in " JSP_PKGLIBDIR
		"; set JOBSERVER_PRELOAD_LIB to its path\n", program_invocation_short_name);
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

/*
 * ld.so expands $LIB in LD_PRELOAD per program (ld.so(8), "Dynamic string tokens"): a
 * 32-bit program in the tree then loads the 32-bit build installed beside ours instead of
 * failing on the 64-bit one ("wrong ELF class"). Only for a library installed in the libdir
 * that $LIB expands to, which CMake probed (cmake/ldso-lib.cmake); for this program's class
 * the word names the same file. Returns lib, or the word in buf.
 */
static const char *lib_word(const char *lib, char *buf, size_t cap)
{
#ifdef JSP_LDSO_LIBDIR
	static const char dir[] = "/" JSP_LDSO_LIBDIR "/jobserver-preload/";
	const char *slash = strrchr(lib, '/');
	size_t at = slash ? (size_t)(slash + 1 - lib) : 0, len = sizeof dir - 1;
	char prefix[PATH_MAX], real[PATH_MAX];
	const char *p = prefix;

	if (at < len || memcmp(lib + at - len, dir, len) != 0 || at - len >= sizeof prefix)
		return lib;
	/* The prefix as a reader expects it: /usr, not /usr/bin/.. as found from the launcher. */
	snprintf(prefix, sizeof prefix, "%.*s", (int)(at - len), lib);
	if (*prefix && realpath(prefix, real) && ldpreload_path_ok(real))
		p = strcmp(real, "/") == 0 ? "" : real;
	if ((size_t)snprintf(buf, cap, "%s/$LIB/jobserver-preload/%s", p, lib + at) < cap)
		return buf;
#else
	(void)buf, (void)cap;
#endif
	return lib;
}

char *ldpreload_append(const char *old, const char *path)
{
	char word[PATH_MAX];
	const char *lib = lib_word(path, word, sizeof word);
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
