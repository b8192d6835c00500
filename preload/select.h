/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which process claims without the launcher (JOBSERVER_PRELOAD_PROGRAMS), and the limits
 * every claim obeys (JOBSERVER_PRELOAD_MAX, JOBSERVER_PRELOAD_EXPORT).
 */
#ifndef JSP_SELECT_H
#define JSP_SELECT_H

#include "env.h"

/* Nonzero if JOBSERVER_PRELOAD_PROGRAMS lists this program and it is not GNU make.
 * argv0 may be NULL. */
int select_program(const struct env_view *env, const char *argv0);

/* Reads MAX and EXPORT: sets *cap to the most tokens to take (MAX - 1). Returns 0, or -1
 * after saying which value is wrong (when verbose): then nothing is claimed. */
int select_limits(const struct env_view *env, long *cap);

/* Exports count as PARALLELISM and under every name of JOBSERVER_PRELOAD_EXPORT. */
void select_export(const struct env_view *env, long count);

#endif
