/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libjobserver-preload.so: the entry points. The constructor runs in every process that
 * loads us, so its fast path is one pass over environ and nothing else: no syscall, no
 * allocation, unless one of our variables is set.
 */
#include "claim.h"
#include "env.h"
#include "log.h"
#include "owner.h"

/* glibc passes a constructor of a shared object (argc, argv, envp); other libcs may pass
 * nothing, and argv[0] only helps to name the program, so it is read from glibc only. */
__attribute__((constructor)) static void jobserver_preload_init(int argc, char **argv,
								 char **envp)
{
	struct env_view env;
	const char *argv0 = NULL;

	(void)envp;
	if (!env_scan(&env))
		return;
#ifdef __GLIBC__
	if (argc > 0 && argv)
		argv0 = argv[0];
#else
	(void)argc;
	(void)argv;
#endif
	/* Written only when set: a write to a page of ours costs a page fault. */
	if (env.verbose && env.verbose[0] && !(env.verbose[0] == '0' && !env.verbose[1]))
		log_verbose = 1;
	claim_at_start(&env, argv0);
}

/* Runs at exit() and at return from main; exit_hooks.c covers _exit() and _Exit(). The
 * endings that run no code of ours (a signal, a crash) are the reaper's to handle. */
__attribute__((destructor)) static void jobserver_preload_fini(void)
{
	owner_exit();
}
