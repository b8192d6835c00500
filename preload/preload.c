/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libjobserver-preload.so: the start-up. It runs once in every process that loads us: in
 * our constructor, or earlier, from getenv_hooks.c, when a library that ld.so initialises
 * before us reads one of the names we export. Its fast path is one pass over environ and
 * nothing else: no syscall, no allocation, unless one of our variables is set.
 */
#include "preload.h"
#include "claim.h"
#include "env.h"
#include "log.h"
#include "owner.h"
#include "policy.h"
#include "select.h"

/* Nonzero once the start-up has run (or is running, in another thread): it runs once.
 * Every process writes it, so it sits in .data, on the page that ld.so writes anyway (the
 * lazy GOT's, and the zeroed head of .bss), not on a page of its own (a fault more). */
static int started __attribute__((section(".data")));

/* Threads may race to start (a constructor before ours may have started some): the one
 * that sets the flag runs the start-up, the others go on without waiting for it. */
static int take_start(void)
{
	return !__atomic_load_n(&started, __ATOMIC_ACQUIRE) &&
	       !__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL);
}

static void start(const struct env_view *env, const char *argv0)
{
	/* Written only when set: a write to a page of ours costs a page fault. */
	if (env->verbose && env->verbose[0] && !(env->verbose[0] == '0' && !env->verbose[1]))
		log_verbose = 1;
	claim_at_start(env, argv0);
}

int preload_started(void)
{
	return __atomic_load_n(&started, __ATOMIC_ACQUIRE);
}

/* Names we export: PARALLELISM and those of JOBSERVER_PRELOAD_EXPORT. */
static int exported(const struct env_view *env, const char *name)
{
	return policy_listed("PARALLELISM", name) || policy_exports_name(env->exports, name);
}

/* The environment as the first early getenv() found it: libgomp alone reads some 30
 * names before our constructor, and one pass over environ for each would cost every
 * OpenMP program of a preloaded build 10,000 instructions. */
static struct env_view early_env;
static int early_scanned;

void preload_start_early(const char *name)
{
	if (!__atomic_load_n(&early_scanned, __ATOMIC_ACQUIRE)) {
		struct env_view env;

		if (!env_scan(&env)) {
			(void)take_start(); /* nothing of ours: the constructor would do nothing */
			return;
		}
		early_env = env; /* racing threads write the same values */
		__atomic_store_n(&early_scanned, 1, __ATOMIC_RELEASE);
	}
	/* Only a program that AT_EXECFN selects claims here: one that argv[0] alone selects
	 * (exec -a) is left to the constructor, the first to see argv. */
	if (!name || !exported(&early_env, name) || !select_program(&early_env, NULL) ||
	    !take_start())
		return;
	start(&early_env, NULL);
}

/* glibc passes a constructor of a shared object (argc, argv, envp); other libcs may pass
 * nothing, and argv[0] only helps to name the program, so it is read from glibc only. */
__attribute__((constructor)) static void jobserver_preload_init(int argc, char **argv,
								 char **envp)
{
	struct env_view env;
	const char *argv0 = NULL;

	(void)envp;
	if (!take_start() || !env_scan(&env))
		return;
#ifdef __GLIBC__
	if (argc > 0 && argv)
		argv0 = argv[0];
#else
	(void)argc;
	(void)argv;
#endif
	start(&env, argv0);
}

/* Runs at exit() and at return from main; exit_hooks.c covers _exit() and _Exit(). The
 * endings that run no code of ours (a signal, a crash) are the reaper's to handle. */
__attribute__((destructor)) static void jobserver_preload_fini(void)
{
	owner_exit();
}
