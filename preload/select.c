/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "select.h"
#include "fmt.h"
#include "log.h"
#include "policy.h"
#include "programs_check.h"
#include "sys.h"

#include <sys/auxv.h>

/*
 * The program's names. AT_EXECFN is the path given to execve(2): the binary, or for a
 * script started through a shebang the script itself (the kernel runs the interpreter
 * but keeps this path), so "sphinx-build" matches its Python process. argv[0] matters when
 * it was set apart from the file: `exec -a NAME`, or ld.so run as a command (AT_EXECFN is
 * then ld.so). getauxval() is the one import this costs every process; it makes no
 * syscall.
 */
static const char *execfn(void)
{
	return (const char *)getauxval(AT_EXECFN);
}

/*
 * GNU make serves the jobserver: if it held tokens its own jobs could not use them, and a
 * sub-make would run its recipes one at a time. It is known by name, because a process
 * cannot tell GNU make from its code cheaply; any one of its three names is enough: the
 * path execve was given, argv[0], and the file actually running (/proc/self/exe, after
 * every symlink, so `gmake -> make-4.4.1` and an executable makefile, #!/usr/bin/make -f,
 * are both caught). A GNU make copied under an unrelated name is not recognised.
 * Never inlined: its page of stack would join the frame of every claim, a page fault more.
 */
__attribute__((noinline)) static int is_gnu_make(const char *path, const char *argv0)
{
	char exe[4096]; /* PATH_MAX: a cut path would end in another name */

	if ((path && policy_is_make(policy_basename(path))) ||
	    (argv0 && policy_is_make(policy_basename(argv0))))
		return 1;
	return sys_readlink("/proc/self/exe", exe, sizeof exe) > 0 &&
	       policy_is_make(policy_basename(exe));
}

/* -v, a list that looks wrong: the program it was meant for says why it is not selected;
 * GNU make says what no program can (programs_check.c). */
static void explain_unselected(const char *list, const char *path, const char *argv0)
{
	if (is_gnu_make(path, argv0))
		programs_explain_list(list);
	else if (!(path && programs_explain_for(list, policy_basename(path))) && argv0)
		programs_explain_for(list, policy_basename(argv0));
}

int select_program(const struct env_view *env, const char *argv0)
{
	const char *path, *name = NULL;

	if (!env->programs)
		return 0;
	path = execfn();
	if (path && policy_listed(env->programs, policy_basename(path)))
		name = policy_basename(path);
	else if (argv0 && policy_listed(env->programs, policy_basename(argv0)))
		name = policy_basename(argv0);
	if (!name) {
		/* The common case in a preloaded build: silent, but for a list that looks wrong. */
		if (log_verbose && programs_wrong(env->programs))
			explain_unselected(env->programs, path, argv0);
		return 0;
	}
	if (is_gnu_make(path, argv0)) {
		log_msg("%s is GNU make, which serves the jobserver: it never claims, whatever "
			ENV_PROGRAMS " says", name);
		return 0;
	}
	return 1;
}

int select_limits(const struct env_view *env, struct select_limits *lim)
{
	const char *why, *bad;
	size_t n;
	long max = POLICY_COUNT_MAX + 1;

	*lim = (struct select_limits){ POLICY_COUNT_MAX, 0, 0 };
	/* Empty is unset, as for the other variables: `JOBSERVER_PRELOAD_MAX= cmd` works. */
	if (env->max && *env->max) {
		if (policy_count(env->max, &max, &why) < 0) {
			log_msg(ENV_MAX "=%s %s; not claiming: set it to the largest PARALLELISM "
				"wanted, or unset it", env->max, why);
			return -1;
		}
		lim->cap = max - 1; /* the command's own slot is the one it needs no token for */
	}
	if (env->dflt && *env->dflt) {
		if (policy_count(env->dflt, &lim->dflt, &why) < 0) {
			log_msg(ENV_DEFAULT "=%s %s; not claiming: set it to the count wanted "
				"without a jobserver, or unset it", env->dflt, why);
			return -1;
		}
		if (lim->dflt > max)
			lim->dflt = max;
	}
	if (env->fair && *env->fair && policy_switch(env->fair, &lim->fair, &why) < 0) {
		log_msg(ENV_FAIR "=%s %s; not claiming: set it to 1 (--fair) or 0 "
			"(--no-fair), or unset it", env->fair, why);
		return -1;
	}
	if (env->exports && policy_exports_check(env->exports, &bad, &n, &why) < 0) {
		log_msg(ENV_EXPORT " holds '%.*s', which %s; not claiming: fix or unset it",
			(int)n, bad, why);
		return -1;
	}
	return 0;
}

void select_export(const struct env_view *env, long count)
{
	char num[24], name[POLICY_NAME_MAX + 1], value[POLICY_VALUE_MAX + 1];
	struct out o = { num, num + sizeof num - 1 }, on;
	const char *p = env->exports ? env->exports : "";
	size_t n;

	put_int(&o, count);
	*o.p = '\0';
	env_export("PARALLELISM", num);
	/* The entries were checked by select_limits(): each name and value fits. */
	for (; (n = policy_export_next(&p)) != 0; p += n) {
		on = (struct out){ name, name + sizeof name - 1 };
		put_strn(&on, p, policy_export_name(p, n));
		*on.p = '\0';
		policy_export_value(p, n, num, value);
		env_export(name, value);
	}
}

long select_unclaimed(const struct env_view *env, const struct select_limits *lim, int none)
{
	long count = none ? lim->dflt : 1;

	if (!lim->dflt) {
		log_msg("PARALLELISM left as it was (" ENV_DEFAULT ", or --default, sets a count "
			"for this case)");
		return 0;
	}
	select_export(env, count);
	if (none)
		log_msg("PARALLELISM=%ld, from " ENV_DEFAULT, count);
	else
		log_msg("PARALLELISM=1, the command's own job slot: the jobserver is there but "
			"cannot be used, and " ENV_DEFAULT " is for no jobserver at all");
	return count;
}

long select_inherited(const struct env_view *env, const struct select_limits *lim)
{
	const char *inherited = env_value("PARALLELISM"), *why;
	long count;

	if (!inherited || policy_count(inherited, &count, &why) < 0)
		return select_unclaimed(env, lim, 0);
	if (count > lim->cap + 1)
		count = lim->cap + 1;
	select_export(env, count);
	return count;
}
