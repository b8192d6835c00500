/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process, its start: from the owner's fork to a listener. What it
 * keeps of the owner (the name's lock, the report pipe, an O_PATH of the jobserver), its
 * fixed fds, its vaults and its name. System calls only: the reaper is a fork of a
 * process that may have had threads.
 */
#ifndef JSP_REAPER_BIRTH_H
#define JSP_REAPER_BIRTH_H

#include "reaper.h"

/* Everything up to listening, and a probe of the calls it cannot do without. Returns the
 * listener, or a negative code: why the reaper cannot serve (rep says which call, for
 * -JSP_E_REAPER_DENIED). *report is where to say so (moved off the fixed fds); *lock the
 * name's lock, likewise. */
int birth_settle(const struct reaper_birth *b, int *report, int *lock, struct reaper_report *rep);

/* Whether r is how a sandbox answers a call it does not allow (or an old kernel one it
 * does not have): EPERM, EACCES or ENOSYS. */
int birth_denied(long r);

/* Takes a name of our own (birth.c says why). */
void birth_rename(void);

#endif
