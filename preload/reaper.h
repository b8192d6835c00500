/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper: a small process, no child of any owner, that holds each owner's tokens in a
 * vault (a pipe) and gives them back when the owner ends without having given them back
 * itself (SIGKILL, a crash, an exec into a program without the library). One serves every
 * owner of a jobserver while it runs (reaper.c); owners find it, or start it, by a unix
 * socket (owner_connect.c), and claim and release through it (owner_claim.h).
 * docs/design.md argues why no token is lost or given back twice.
 */
#ifndef JSP_REAPER_H
#define JSP_REAPER_H

#include "rendezvous.h"

#include <stdint.h>

/* What the owner that starts a reaper hands it across the fork. */
struct reaper_birth {
	const struct rendezvous *rv; /* its name */
	uint64_t dev, ino;           /* its jobserver */
	int jobserver;               /* an fd of the owner's open of it */
	int lock;                    /* the name's lock (rendezvous_lock), held */
	int report;                  /* where it says whether it listens: 0 or a negative code */
};

/* What a reaper says on its report pipe once, before it serves: status 0 (it listens) or
 * why not; for -JSP_E_REAPER_DENIED, which call answered what (-errno). */
struct reaper_report {
	int32_t status, err;
	char call[16];
};

/* The reaper process itself, in a grandchild made by the owner that found none: binds
 * its name, says on b->report whether it could, and serves until it has held nothing for
 * a while. */
_Noreturn void reaper_main(const struct reaper_birth *b);

#endif
