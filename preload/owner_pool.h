/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side of its private pool (the reaper makes it and watches it once the owner
 * has ended: reaper_pools.h). docs/design.md says where each token is at every moment.
 */
#ifndef JSP_OWNER_POOL_H
#define JSP_OWNER_POOL_H

#include "makeflags.h"
#include "owner_claim.h"

/* After a claim of held tokens: puts as many of ours into the pool that came with the
 * vault, and makes the pool the jobserver of this process and all it starts, as auth
 * describes make's: in pipe style at the same fd numbers (MAKEFLAGS as make wrote it), in
 * fifo style by its path in MAKEFLAGS, MFLAGS and CARGO_MAKEFLAGS (no fd added). Fills in
 * r's pool and returns 0; or says why not (verbose) and returns a negative code, with every
 * fd and variable left as make made them (the tokens stay claimed: the command's own
 * PARALLELISM holds, but jobserver clients below it find make's jobserver as it is).
 * elastic (a CLAIM with WIRE_ELASTIC): once shared, the pool's mode says so to the reaper
 * (WIRE_POOL_SHARED), which only then moves tokens in and out of it (reaper_elastic.c). */
int owner_pool_share(struct reaper *r, const struct makeflags_auth *auth, long held,
		     int elastic);

/* At the owner's end: takes out what the pool holds, held by nobody in the tree, and
 * removes its name (no new fifo client may start on it). Returns the count: the owner
 * gives back as many of make's tokens; the rest is held in the tree, and the reaper gives
 * them back as they come back to the pool, or when nothing can write to it any more.
 * Negative: the pool was not found. Async-signal-safe. */
long owner_pool_drain(const struct reaper *r);

/* Puts n tokens of ours back into the pool: those taken out by owner_pool_drain whose
 * originals the owner could not give back itself, for the reaper to find. */
void owner_pool_refill(const struct reaper *r, long n);

#endif
