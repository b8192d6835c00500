/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "claim.h"
#include "jobserver.h"
#include "log.h"
#include "makeflags.h"
#include "owner_fair.h"
#include "owner_wait.h"
#include "owner.h"
#include "owner_pool.h"
#include "policy.h"
#include "select.h"
#include "sys.h"
#include "test_hooks.h"
#include "wire.h"

/* The launcher names the pid whose image claims: the command it execs. A child of that
 * command inherits the variable but has another pid, so it never claims because of it. */
static int launcher_asked(const struct env_view *env, int pid)
{
	const char *s = env->claim;
	long long v = 0; /* not long: 1L << 32 is undefined where a long is 32 bits (i386) */

	if (!s)
		return 0;
	for (; *s >= '0' && *s <= '9' && v < 1LL << 32; s++)
		v = v * 10 + (*s - '0');
	return *s == '\0' && v == pid;
}

/* Whether the claim is elastic (wire.h): JOBSERVER_PRELOAD_ELASTIC when set, else when the
 * command is a jobserver client known by name and exports no count (its width is the
 * pool's, not PARALLELISM's). Returns the CLAIM's flags for it, or -1 for a bad value. */
static long elastic_flags(const struct env_view *env, const char *argv0, long cap)
{
	const char *why;
	int on;

	if (env->elastic && *env->elastic) {
		if (policy_switch(env->elastic, &on, &why) < 0) {
			log_msg(ENV_ELASTIC "=%s %s; not claiming: set it to 1 or 0, or unset it",
				env->elastic, why);
			return -1;
		}
	} else {
		on = argv0 && !(env->exports && *env->exports) &&
		     policy_is_client(policy_basename(argv0));
	}
	if (!on)
		return 0;
	cap = cap + 1 < (long)WIRE_MAX_LIMIT ? cap + 1 : 0; /* the --max, or none */
	return (long)(WIRE_ELASTIC | (unsigned long)cap << WIRE_MAX_SHIFT);
}

/* Takes up to cap free tokens through a reaper. Returns how many, or -errno. What we do
 * not take stays in the pool for the other recipes. */
static long take(const struct jobserver *js, int jobs, struct owner_marker *m, long cap,
		 unsigned flags)
{
	int avail = sys_fionread(js->rfd);

	/* An empty pool costs no reaper: there is nothing to give back. Racing with other
	 * clients can only make us take fewer tokens than were free, never more. */
	if (avail == 0 || cap == 0)
		return 0;
	if (avail > 0 && avail < cap)
		cap = avail;
	if (!hook_no_room())
		jobserver_make_room(js, jobs);
	return owner_claim(js, cap, m->pid, &m->reaper, flags);
}

long claim_at_start(const struct env_view *env, const char *argv0)
{
	int pid = sys_getpid();
	struct owner_marker up = { 0 }, m = { 0 };
	int has_up = env->owner && owner_marker_parse(env->owner, &up) == 0;
	struct select_limits lim;
	struct makeflags_auth auth;
	struct fair_turn turn = { -1, -1 };
	struct jobserver js;
	long held, elastic, cap;

	if (has_up && up.pid == pid) {
		owner_resume(&up); /* the owner exec'd: same pid, new image */
		/* A launcher exec'd by the owner brings its own -I and exports: they get the
		 * count held. Any other image keeps the environment it was given. */
		if (!launcher_asked(env, pid))
			return 0;
		env_unset(ENV_CLAIM);
		return select_limits(env, &lim) < 0 ? 0 : select_inherited(env, &lim);
	}
	if (launcher_asked(env, pid))
		env_unset(ENV_CLAIM);
	else if (!select_program(env, argv0))
		return 0;
	if (select_limits(env, &lim) < 0 || (elastic = elastic_flags(env, argv0, lim.cap)) < 0)
		return 0;
	if (makeflags_parse(env->makeflags, &auth) != MAKEFLAGS_PIPE &&
	    auth.kind != MAKEFLAGS_FIFO) {
		jobserver_explain(&auth);
		return select_unclaimed(env, &lim, auth.kind == MAKEFLAGS_NONE);
	}
	if (jobserver_open(&auth, &js) < 0)
		return select_unclaimed(env, &lim, 0);
	if (has_up && up.dev == js.dev && up.ino == js.ino) {
		log_msg("pid %d up the tree already holds the tokens of %s: not claiming again",
			up.pid, js.desc);
		jobserver_close(&js);
		return select_inherited(env, &lim);
	}
	m.pid = pid;
	m.dev = js.dev;
	m.ino = js.ino;
	owner_wait(&js, env, auth.jobs, lim.cap); /* --min: holding nothing yet */
	cap = lim.cap;
	if (lim.fair) /* --fair: an even share with those that start with us */
		owner_fair_turn(&js, pid, &cap, &turn);
	held = take(&js, auth.jobs, &m, cap, (unsigned)elastic);
	owner_fair_done(&turn, pid);
	if (held < 0) {
		log_msg("could not claim tokens from %s: %s", js.desc, log_errno((int)held));
		jobserver_close(&js);
		return select_unclaimed(env, &lim, 0);
	}
	jobserver_close(&js);
	if (held > 0) /* the command's jobserver clients get them: a private pool */
		(void)owner_pool_share(&m.reaper, &auth, held, elastic != 0);
	owner_become(&m);
	select_export(env, held + 1);
	if (held == 0) /* taken without a reaper: none to name */
		log_msg("claimed no token from %s: %s; PARALLELISM=1", js.desc, lim.cap == 0 ?
			ENV_MAX "=1 (--max 1) leaves none to take" : cap == 0 ?
			"--fair leaves none to take" : "every other job slot is busy");
	else
		log_msg("claimed %ld token%s from %s (reaper pid %d); PARALLELISM=%ld", held,
			held == 1 ? "" : "s", js.desc, m.reaper.pid, held + 1);
	return held + 1;
}
