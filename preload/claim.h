/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The claim policy: whether this process claims, how many, and what it exports. */
#ifndef JSP_CLAIM_H
#define JSP_CLAIM_H

#include "env.h"

/* Called once at start-up by a process that has one of our variables set (and by the
 * launcher before it execs). argv0 may be NULL: it only helps to name the program.
 * Returns the count exported as PARALLELISM, or 0 when nothing was exported (select.h
 * says when: no claim and no JOBSERVER_PRELOAD_DEFAULT, or a bad setting). */
long claim_at_start(const struct env_view *env, const char *argv0);

#endif
