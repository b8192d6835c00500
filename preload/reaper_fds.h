/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: its fd budget. Every fd it holds is counted (open), and
 * every fd it may come to hold is promised: for each free vault (its ticket is out), the
 * connection and the fds of the CLAIM that will name it (WIRE_FDS_MAX); for each pending
 * connection, the fds its message may bring. Beyond both, FDS_KEEP is always kept back for
 * a give-back's writer, a message's and a trace record's open, and a pidfd of its own. A
 * vault is made, and a connection accepted, only when everything fits under the limit
 * (raised to the hard one) with room left to accept and read one more connection: so the
 * reaper can always accept, and never hands out a ticket for a claim it could not hold
 * (the kernel would drop the fds of a message that did not fit: MSG_CTRUNC). Used by the
 * connections (reaper_conns.c), the owners (reaper_owners.c), the vaults (reaper_vaults.c).
 */
#ifndef JSP_REAPER_FDS_H
#define JSP_REAPER_FDS_H

#include "wire.h"

#define FDS_KEEP 4
#define FDS_ACCEPT (1 + WIRE_FDS_MAX)   /* a connection, and what its message may bring */
#define FDS_POOL 2                      /* a pool's read end, and our writer until its owner ends */
#define FDS_PER_VAULT (2 + FDS_POOL + FDS_ACCEPT) /* a vault's two ends, its pool, its claim's promise */
_Static_assert(FDS_PER_VAULT == WIRE_FDS_PER_VAULT, "what owners are told a vault costs");

/* The limit to count against: the soft RLIMIT_NOFILE, which the reaper raises to the hard
 * one first (sys_raise_nofile). */
void fds_init(int limit);

/* fds opened (or, negative, closed without fds_close): counted here. */
void fds_opened(int n);
/* Closes fd (if >= 0) and counts it. */
void fds_close(int fd);
/* n fds more (or fewer) that the reaper may come to hold. */
void fds_promise(int n);

/* Whether n fds more than are open and promised fit, with FDS_KEEP kept back. */
int fds_fit(int n);
/* Room to accept one connection more. */
int fds_can_accept(void);
/* Room for one vault more, its promise, and one connection to accept still. */
int fds_can_vault(void);

/* fd, moved above the fixed fds (wire.h) if it is one of them. Returns it, or -errno. */
int fds_off_fixed(int fd);
/* fd moved to the fixed fd at (close-on-exec). Returns 0 or -errno; fd is closed. */
int fds_fix(int fd, int at);

#endif
