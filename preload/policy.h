/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The claim policy's pure parts: which program is selected, whether it is GNU make,
 * whether JOBSERVER_PRELOAD_MAX, _DEFAULT and _EXPORT hold valid values, and the count
 * put into a template or an argument. Pure functions of strings (no syscall, no
 * allocation, no libc: the library expands templates in its constructor): the library,
 * the launcher and the unit test share them.
 */
#ifndef JSP_POLICY_H
#define JSP_POLICY_H

#include <stddef.h>

/* The largest PARALLELISM we accept, far above any -j a build uses. */
#define POLICY_COUNT_MAX 65536
/* The longest name we export (a buffer in the library holds it). */
#define POLICY_NAME_MAX 127
/* The longest value a template makes, with the widest count (a buffer holds it too). */
#define POLICY_VALUE_MAX 255

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

/* Parses a switch: "1" (on) or "0" (off), nothing else. Returns 0 and sets *on, or -1
 * with *why set to the reason. */
int policy_switch(const char *s, int *on, const char **why);

/* Nonzero if s[0..len) is a variable name we may export: [A-Za-z_][A-Za-z0-9_]*, at most
 * POLICY_NAME_MAX long, and not one of ours (JOBSERVER_PRELOAD_*). */
int policy_name_ok(const char *s, size_t len);

/* Iterates a colon-separated list: returns the length of the next non-empty entry at *pos
 * and sets *pos to it, or 0 at the end. Advance *pos by the length to go on. */
size_t policy_next(const char **pos);

/*
 * JOBSERVER_PRELOAD_EXPORT is a colon-separated list of entries, each NAME (export the
 * count as it is) or NAME=TEMPLATE (export TEMPLATE with each {} made the count; {{ and }}
 * are a literal brace, any other brace is an error, and at least one {} is required). In
 * the list, "\:" is a ':' of the template and "\\" a '\', so that a template can hold a
 * colon (JAVA_TOOL_OPTIONS=-XX\:ActiveProcessorCount={}); a name holds neither.
 */

/* As policy_next, for the export list: a ':' after a '\' does not end the entry. */
size_t policy_export_next(const char **pos);

/* Checks one entry of the export list (len bytes, as written there). Returns 0, or -1
 * with *why set to what is wrong, a phrase that follows the entry ("is not a variable
 * name: ..."). A valid entry's value fits in POLICY_VALUE_MAX bytes for any count. */
int policy_export_check(const char *entry, size_t len, const char **why);

/* Checks every entry of the list (empty entries are skipped). Returns 0, or -1 with
 * *bad and *badlen naming the first invalid entry and *why as policy_export_check. */
int policy_exports_check(const char *list, const char **bad, size_t *badlen, const char **why);

/* The length of a valid entry's name: up to its '=' or its end. */
size_t policy_export_name(const char *entry, size_t len);

/* Nonzero if an entry of the export list (list may be NULL) exports name. */
int policy_exports_name(const char *list, const char *name);

/* Writes a valid entry's value into out, which holds POLICY_VALUE_MAX + 1 bytes (never
 * more are written): num, the count in decimal (at most POLICY_COUNT_MAX), for each {},
 * or num itself for a bare NAME. NUL-terminated. */
void policy_export_value(const char *entry, size_t len, const char *num, char *out);

/* Writes s with every occurrence of str (not empty) replaced by with into out, unless out
 * is NULL, and returns the length of the result. Occurrences are found from the left and
 * do not overlap, as xargs -I finds them. out, when given, holds the length + 1. */
size_t policy_replace(const char *s, const char *str, const char *with, char *out);

#endif
