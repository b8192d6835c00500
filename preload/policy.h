/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The claim policy's pure parts: which program is selected, whether it is GNU make, and
 * whether JOBSERVER_PRELOAD_MAX and JOBSERVER_PRELOAD_EXPORT hold valid values. Pure
 * functions of strings (no syscall, no allocation): the library, the launcher and the
 * unit test share them.
 */
#ifndef JSP_POLICY_H
#define JSP_POLICY_H

#include <stddef.h>

/* The largest PARALLELISM we accept, far above any -j a build uses. */
#define POLICY_COUNT_MAX 65536
/* The longest name we export (a buffer in the library holds it). */
#define POLICY_NAME_MAX 127

/* What follows the last '/' of path (path itself if it has none). */
const char *policy_basename(const char *path);

/* Nonzero if name is an entry of the colon-separated list (empty entries match nothing). */
int policy_listed(const char *list, const char *name);

/* Nonzero if name is GNU make's: make or gmake, bare or with a version ("make-4.4.1",
 * "gmake4.3"). Not cmake, bmake or remake. */
int policy_is_make(const char *name);

/* Parses a positive decimal integer up to POLICY_COUNT_MAX (digits only). Returns 0 and
 * sets *out, or -1 with *why set to the reason ("is not a positive integer", ...). */
int policy_count(const char *s, long *out, const char **why);

/* Nonzero if s[0..len) is a variable name we may export: [A-Za-z_][A-Za-z0-9_]*, at most
 * POLICY_NAME_MAX long, and not one of ours (JOBSERVER_PRELOAD_*). */
int policy_name_ok(const char *s, size_t len);

/* Checks a colon-separated list of names (empty entries are skipped). Returns 0, or -1 with
 * *bad and *badlen naming the first invalid entry. */
int policy_names_check(const char *list, const char **bad, size_t *badlen);

/* Iterates a colon-separated list: returns the length of the next non-empty entry at *pos
 * and sets *pos to it, or 0 at the end. Advance *pos by the length to go on. */
size_t policy_next(const char **pos);

#endif
