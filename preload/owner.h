/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ownership. The owner is the process that claimed (by pid: an exec keeps it, a fork
 * does not). Its marker in the environment, JOBSERVER_PRELOAD_OWNER, tells every image
 * that pid execs into that it still owns the tokens, and tells every descendant that
 * this jobserver's tokens are taken, so that nothing below claims again.
 */
#ifndef JSP_OWNER_H
#define JSP_OWNER_H

#include "owner_claim.h"

#include <stdint.h>

struct owner_marker {
	int pid;              /* the owner */
	struct reaper reaper; /* where its tokens are (vault_ino 0: nothing is held) */
	uint64_t dev, ino;    /* the jobserver they came from */
};

/* Parses "PID:REAPERPID:FD:VAULTDEV:VAULTINO:DEV:INO", and ":POOLFD:POOLDEV:POOLINO" after
 * it when the tokens are shared through a private pool (owner_pool.h). Returns 0 or -1. */
int owner_marker_parse(const char *s, struct owner_marker *m);

/* This process is the owner now: exports the marker. Returns 0 or -1. */
int owner_become(const struct owner_marker *m);

/* This image was exec'd by the owner (same pid): it owns the tokens and gives them back. */
void owner_resume(const struct owner_marker *m);

/* At exit: if this process is the owner, has the tokens given back, once. */
void owner_exit(void);

#endif
