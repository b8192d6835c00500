/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jobserver-preload --status: what it prints. One snapshot (the jobserver, its free tokens,
 * the reaper's answer) as plain lines, as a terminal table (--watch on a terminal), or as
 * one JSON object (--json). Command lines are read from /proc/PID/cmdline here, not by the
 * reaper, which must not spend its rounds on them.
 */
#ifndef JSP_STATUS_SHOW_H
#define JSP_STATUS_SHOW_H

#include "jobserver.h"
#include "makeflags.h"
#include "status_ask.h"

#include <stdio.h>

struct status_view {
	const struct jobserver *js;
	const struct makeflags_auth *auth;
	int free_tokens;                /* FIONREAD of the jobserver, or -errno */
	const struct status_answer *a;
};

/* The jobserver's lines: which one, and that it is usable. */
void status_show_head(FILE *f, const struct status_view *v);
/* Free tokens, the reaper and one "owner:" line per owner. */
void status_show_plain(FILE *f, const struct status_view *v);
/* The whole screen of --watch on a terminal of cols columns (cleared first). */
void status_show_table(FILE *f, const struct status_view *v, int cols);
/* One JSON object. */
void status_show_json(FILE *f, const struct status_view *v);

#endif
