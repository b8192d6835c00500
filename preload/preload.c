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

__attribute__((constructor)) static void jobserver_preload_init(void)
{
	struct env_view env;

	if (!env_scan(&env))
		return;
	log_verbose = env.verbose && env.verbose[0] && !(env.verbose[0] == '0' && !env.verbose[1]);
	claim_at_start(&env);
}

/* Runs at exit() and at return from main: every normal ending. Other endings (a signal,
 * _exit, a crash) are the reaper's to handle. */
__attribute__((destructor)) static void jobserver_preload_fini(void)
{
	owner_exit();
}
