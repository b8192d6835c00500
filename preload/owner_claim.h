/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side of the vault: the claim moves tokens into a vault that the reaper of
 * the jobserver holds (owner_claim.c), the release moves them back at the owner's end
 * (owner_release.c). The reaper gives back what is left however the owner ends (reaper.h).
 * docs/design.md argues why no token is lost or given back twice.
 */
#ifndef JSP_OWNER_CLAIM_H
#define JSP_OWNER_CLAIM_H

#include "jobserver.h"

#include <stdint.h>

/* Where an owner's tokens are: in its vault, whose read end is fd in the reaper. */
struct reaper {
	int pid;                       /* the reaper */
	int fd;                        /* the vault's read end, in the reaper's fd table */
	uint64_t vault_dev, vault_ino; /* 0: nothing is held */
	int pool;                      /* the private pool's read end there (owner_pool.h) */
	uint64_t pool_dev, pool_ino;   /* 0: the tokens are not shared through it */
};

/* Moves up to cap tokens of js into a new vault held by the reaper of js for this process
 * (pid: ours, as getpid says; the caller knows it already), starting the
 * reaper if there is none. Returns how many (>= 0) and fills *r, or -errno with nothing
* taken. flags go into the CLAIM as they are (WIRE_ELASTIC and its max: wire.h). No fd, child or signal of ours is left in the calling process; js stays open for
 * the caller to close. */
long owner_claim(const struct jobserver *js, long cap, int pid, struct reaper *r, unsigned flags);

/* The owner's exit: the tokens go back to the jobserver dev:ino before this returns, so
 * that they are back before make sees our exit status: moved by us from the vault, found
 * through /proc/PID/fd of the reaper, or else by the reaper when we ask it. Returns the
 * count given back, or -errno. Async-signal-safe. */
long owner_release(const struct reaper *r, uint64_t dev, uint64_t ino);

#endif
