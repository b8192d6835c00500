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

#include "reaper_wire.h"

/* Makes the tickets pipe (at WIRE_TICKETS_FD and WIRE_RETURNS_FD), the bell (written at
 * WIRE_BELL_FD) and the first vaults. keep must not be closed by it (the report pipe,
 * moved if it is in the way); returns its fd then, or -errno. */
int vaults_init(int keep);

/* The bell's read end, for poll; and reading every ring off it. */
int vaults_bell(void);
void vaults_hush(void);

/* Makes more vaults when few tickets are left. */
void vaults_grow(void);

/* The vault a CLAIM names: one of ours, handed out, held for nobody yet. Returns its read
 * end (>= 0) and marks it held, or -1. */
int vaults_take(const struct wire_ticket *t);

/* The vault is empty and its owner gone: its ticket goes back out. A vault that could not
 * be emptied (the jobserver is gone) is closed instead. */
void vaults_put_back(int vault_r, int emptied);

#endif
