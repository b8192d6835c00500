/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wait before a claim (--min N, --wait SECONDS; JOBSERVER_PRELOAD_MIN, _WAIT): until
 * N - 1 tokens are free in the jobserver at once, or SECONDS have passed. It runs in the
 * owner-to-be (the launcher, or a constructor) just before the claim, and holds no token
 * meanwhile: every token is in the jobserver or with another client, none of ours, so
 * two waiters can never hold each other up (docs/design.md).
 */
#ifndef JSP_OWNER_WAIT_H
#define JSP_OWNER_WAIT_H

#include "env.h"
#include "jobserver.h"

#define OWNER_WAIT_DEFAULT_MS 10000 /* --min without --wait */
#define OWNER_WAIT_MAX_S 86400      /* a day: a longer wait is a mistake */

/* Parses SECONDS: decimal digits with an optional fraction ("5", "0.5", ".25"), at most
 * OWNER_WAIT_MAX_S; "0" is no wait. Returns 0 and sets *ms (digits past the millisecond
 * dropped), or -1 with *why set to what is wrong ("is negative: ..."). Pure: no syscall. */
int owner_wait_parse(const char *s, long *ms, const char **why);

/* When ENV_MIN is set: waits until at least MIN - 1 tokens, and at most cap (what the
 * claim may take), are free in js, or ENV_WAIT seconds have passed (OWNER_WAIT_DEFAULT_MS
 * when unset), and says so when verbose. jobs is make's -jN, or 0 when MAKEFLAGS does not
 * say. A bad value is said (when verbose) and means no wait. Opens and closes its own fds
 * (close-on-exec); js->rfd is only watched, never read. */
void owner_wait(const struct jobserver *js, const struct env_view *env, int jobs, long cap);

#endif
