/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the table of the owners it holds a vault for, shared by the
 * files that run it (reaper_owners.c) and read it (reaper_status.c).
 */
#ifndef JSP_REAPER_TABLE_H
#define JSP_REAPER_TABLE_H

#include "reaper_owners.h"
#include "wire.h"

#include <stdint.h>

struct owner {
	int pid;            /* 0: a free slot */
	int pidfd;          /* -1: watched by its start time */
	int young;          /* claimed since the last round: its pidfd is looked at, not waited on */
	int ended;          /* it has ended, and its tree holds tokens of its pool still */
	uint64_t start;
	uint64_t since;     /* its CLAIM's connection was accepted (ms), for a STATUS */
	int vault;          /* the vault's read end (reaper_vaults.c's) */
	int pool;           /* its pool's read end (reaper_pools.h) */
	int errfd, tracefd; /* O_PATH fds of its stderr (verbose) and trace file; or -1 */
	int err_sock;       /* errfd is its stderr itself, a socket */
	char desc[WIRE_DESC_MAX];
	/* Elastic (a CLAIM with WIRE_ELASTIC: reaper_elastic.c): its --max (0: none), whether
	 * the owner marked its pool shared yet, the samples in a row that found the pool
	 * empty, and since when (ms, 0: not) it held tokens nobody took, the fewest then. */
	int elastic, max, armed, empty_runs;
	uint64_t idle_since;
	long idle_min;
};

struct owners_table {
	int top;    /* slots [0, top) may be in use */
	int owners; /* slots in use */
	uint64_t dev, ino; /* our jobserver */
	struct owner o[OWNERS_MAX];
};

/* The table, to read. */
const struct owners_table *owners_table(void);

/* The same, to change: only reaper_elastic.c, between rounds. */
struct owners_table *owners_table_mut(void);

/* Moves back up to n of what the owner's vault holds, by the reaper's copy, and says so
 * (verbose). Returns the count, or a negative code. */
long owners_give_some(struct owner *o, long n);

#endif
