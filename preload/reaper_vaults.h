/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the vaults it makes ahead of the claims, and the tickets that
 * hand them out. A vault is a pipe that the reaper holds both ends of from the moment it is
 * made: an owner takes a ticket (4 bytes from the tickets pipe: the fd numbers of a free
 * vault's two ends in the reaper), opens those ends through /proc/REAPER/fd, and moves its
 * tokens in; at its end it finds the vault there again, whether or not the reaper has read
 * its claim yet. A pipe read of 4 bytes that were written 4 at a time is atomic: no two
 * owners get one ticket.
 */
#ifndef JSP_REAPER_VAULTS_H
#define JSP_REAPER_VAULTS_H

#include "wire.h"

/* Makes the tickets pipe (at WIRE_TICKETS_FD and WIRE_RETURNS_FD), the bell (written at
 * WIRE_BELL_FD) and the first vaults; the fixed fds must be free. Returns 0 or a negative
 * code. */
int vaults_init(void);

/* The bell's read end, for poll; and reading every ring off it. */
int vaults_bell(void);
void vaults_hush(void);

/* Makes more vaults when few tickets are left. */
void vaults_grow(void);

/* The vault a CLAIM names: one of ours, handed out, held for nobody yet. Returns its read
 * end (>= 0), and its pool's in *pool, and marks it held; or -1. */
int vaults_take(const struct wire_ticket *t, int *pool);

/* Its owner has ended: the name of the vault's pool goes (no new fifo client may open it),
 * and so does our writer of it, so that from now on "no writer" means "nothing left that
 * can give a private token back" (reaper_pools.h). */
void vaults_orphan_pool(int vault_r);

/* The write end of the vault whose read end is vault_r, and our writer of its pool in
 * *pw (-1 once its owner has ended). Returns -1 for no such vault. */
int vaults_ends(int vault_r, int *pw);

/* Every pool goes, name and fd: the reaper ends. */
void vaults_retire_pools(void);

/* The vault is empty and its owner gone: its pool is retired, and its ticket goes back
 * out with a new one. A vault that could not be emptied (the jobserver is gone) is closed
 * instead. */
void vaults_put_back(int vault_r, int emptied);

/* The reaper stops taking claims (reaper.c, when a call it needs is denied): the tickets
 * still in the pipe are taken back, so that no owner gets one more, and from now on no
 * vault is made or handed out again. */
void vaults_stop(void);

/* Moves back what every vault holds, handed out or held, into the jobserver's writer jsw.
 * Returns the count. */
long vaults_empty(int jsw);

#endif
