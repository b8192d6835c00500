/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fair shares between owners that start together (--fair, JOBSERVER_PRELOAD_FAIR=1). The
 * owners of one jobserver whose claims begin each within FAIR_WINDOW_MS of the one before
 * (at most FAIR_SPAN_MS after the first) share what is free when that window closes: each
 * registers in a small state file beside the reaper's socket (rendezvous.h), waits,
 * holding no token, until the window closes, then claims under the file's lock
 * ceil(free / claimants left), still capped by --max.
 * docs/design.md ("Fair shares between tools that start together") argues the choices.
 * Runs in the launcher and in a constructor: system calls only, no libc state; every fd
 * is close-on-exec and closed before the command runs. Any failure means the claim as
 * without --fair.
 */
#ifndef JSP_OWNER_FAIR_H
#define JSP_OWNER_FAIR_H

#include "jobserver.h"

#define FAIR_WINDOW_MS 10 /* the settle window: an arrival within it of the last one joins */
#define FAIR_SPAN_MS 100  /* the longest a window stays open, however many keep coming */
#define FAIR_SLOTS 32     /* the owners one window holds; more claim as without --fair */
#define FAIR_LOCK_MS 2000 /* the most an owner waits for the state file's lock */

struct fair_turn {
	int fd;   /* the state file, locked, while the claim runs; -1: no fair share */
	int slot; /* ours in the window */
};

/* Registers pid as an owner of js, waits until the window closes, takes the lock and
 * lowers *cap to the even share of what is free now. With t->fd >= 0 on return the
 * caller claims at once and then calls owner_fair_done; with -1 it claims as without
 * --fair (said when verbose). */
void owner_fair_turn(const struct jobserver *js, int pid, long *cap, struct fair_turn *t);

/* The claim is done: our slot is no longer a claimant left, and the lock is let go. */
void owner_fair_done(struct fair_turn *t, int pid);

#endif
