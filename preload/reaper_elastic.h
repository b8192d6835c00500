/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: elastic private pools. For an owner whose CLAIM says
 * WIRE_ELASTIC and whose pool is shared (the owner marked it: WIRE_POOL_SHARED), the pool
 * grows while its tree waits on it and make has free tokens, and shrinks when its tokens
 * sit unused (docs/design.md, "An elastic private jobserver"). Every move is between two
 * pipes and keeps "the vault never holds fewer of make's tokens than the pool's out":
 * in, make's token into the vault first, then ours into the pool; out, ours out of the
 * pool first, then make's back from the vault.
 */
#ifndef JSP_REAPER_ELASTIC_H
#define JSP_REAPER_ELASTIC_H

/* How often a live elastic owner's pool is looked at: only while one runs does the
 * reaper wake on a clock for it. */
#define ELASTIC_SAMPLE_MS 20
/* Tokens found in the pool at every sample for this long are idle: they go back. */
#define ELASTIC_IDLE_MS 100

/* Nonzero while an owner that is elastic runs: the reaper's poll then waits at most
 * ELASTIC_SAMPLE_MS. */
int elastic_live(void);

/* Looks at every live elastic pool, at most once every ELASTIC_SAMPLE_MS, and moves. */
void elastic_round(void);

#endif
