/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the private pools. Every vault goes out with a pool P of its
 * own: a FIFO in our directory (rendezvous.h, mode 700: nobody else can open it), named
 * after our socket, our pid and a count. The owner that takes the vault fills P with as
 * many tokens of ours ('+') as it moved of make's into the vault, and P is the jobserver of
 * its command and every descendant (owner_pool.c): make's tokens stay in the vault, so a
 * descendant killed holding one of P's loses nothing of make's.
 *
 * We hold P's read end, and a writer only until the owner ends: from then on, "no writer
 * left" (a read of an empty P gives 0, not EAGAIN; poll says POLLHUP once writers came and
 * went) is exactly "nothing in the owner's tree can give a private token back any more".
 * After the owner's end each
 * private token found in P is one of make's given back from the vault, and when no writer
 * is left, all the rest (reaper_owners.c). A P is used once: retired with its vault's
 * owner (unlinked, closed), and a new one goes out with the vault's next ticket.
 */
#ifndef JSP_REAPER_POOLS_H
#define JSP_REAPER_POOLS_H

#include <stdint.h>

/* The names' stem: our socket's path (every pool is <stem>.pool-<our pid>-<id>, in hex).
 * Returns whether our own jobserver is a pool itself (an owner above made it): then see
 * pools_upstream_hold. */
int pools_init(const char *stem);

/* Removes the pools that killed reapers of our pid namespace left in our directory (a
 * SIGKILL gives a reaper no time to retire them): those whose reaper pid has no process.
 * At most SWEEP_MAX of them a call, after we report that we listen, so that neither a
 * claim nor a crowded directory waits for it. */
void pools_sweep(void);

/* Makes a pool: its FIFO, our read end (returned) and a writer (*writer), non-blocking and
 * counted (reaper_fds.h); its id in *id. Or returns -errno. The writer is held until the
 * owner ends, and only until then: a client of make 4.4 opens the fifo for reading with a
 * blocking open(2), which waits for a writer (make's own fifo has make's), and in fifo
 * style nothing else of the owner's need have one open. */
int pools_make(uint32_t *id, int *writer);

/* Removes the pool's name, so that no fifo client can open it any more (its owner has
 * ended); what has it open keeps it. */
void pools_unlink(uint32_t id);

/* Unlinks the pool and closes our read end. */
void pools_retire(int fd, uint32_t id);

/* Reads and drops what the pool holds. Returns the count; *gone says whether no writer is
 * left (then nothing will ever come back to it). */
long pools_drain(int fd, int *gone);

/* When our own jobserver is the pool of an owner above (our owners are nested claims), we
 * hold a writer of it for our whole life, from before the first claim: the reaper of that
 * pool takes "no writer left" for the end of its owner's tree, and must never give make's
 * tokens back while the tree still holds some of its pool's in our vaults. It costs that
 * reaper the wait for our end (LINGER_MS after our last owner) when its tree is killed. */
void pools_upstream_hold(int writer);

#endif
