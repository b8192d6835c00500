/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which process claims without the launcher (JOBSERVER_PRELOAD_PROGRAMS), the limits
 * every claim obeys (JOBSERVER_PRELOAD_MAX, _DEFAULT, _EXPORT), and what is exported,
 * claimed or not.
 */
#ifndef JSP_SELECT_H
#define JSP_SELECT_H

#include "env.h"

/* Nonzero if JOBSERVER_PRELOAD_PROGRAMS lists this program and it is not GNU make.
 * argv0 may be NULL. */
int select_program(const struct env_view *env, const char *argv0);

struct select_limits {
	long cap;  /* the most tokens to take: MAX - 1 */
	long dflt; /* DEFAULT, at most MAX; 0 when unset */
	int fair;  /* FAIR=1: an even share with the owners that start together */
};

/* Reads MAX, DEFAULT, FAIR and EXPORT. Returns 0, or -1 after saying which value is wrong
 * (when verbose): then nothing is claimed and nothing exported. */
int select_limits(const struct env_view *env, struct select_limits *lim);

/* Exports count as PARALLELISM and for every entry of EXPORT (checked by select_limits):
 * the count itself, or its template made with the count. No allocation while our
 * environ array has room (env.c). */
void select_export(const struct env_view *env, long count);

/* Nothing was claimed. With DEFAULT set, exports a count: DEFAULT when MAKEFLAGS names
 * no jobserver (none), else 1, the command's own job slot, for a jobserver that cannot
 * be used. Without DEFAULT exports nothing. Returns the count exported, or 0. */
long select_unclaimed(const struct env_view *env, const struct select_limits *lim, int none);

/* The tokens are held already, up the tree or by this pid before an exec: the count is
 * the PARALLELISM their claim exported, at most MAX. Exports it with our entries and
 * returns it; when PARALLELISM is not a count, does as select_unclaimed. */
long select_inherited(const struct env_view *env, const struct select_limits *lim);

#endif
