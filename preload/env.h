/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The environment: what we read at start-up (one pass, no getenv) and what we export. */
#ifndef JSP_ENV_H
#define JSP_ENV_H

#define ENV_PREFIX "JOBSERVER_PRELOAD_"
#define ENV_CLAIM ENV_PREFIX "CLAIM"       /* private: the launcher's pid, whose image claims */
#define ENV_OWNER ENV_PREFIX "OWNER"       /* private: who holds tokens of which jobserver */
#define ENV_VERBOSE ENV_PREFIX "VERBOSE"
#define ENV_PROGRAMS ENV_PREFIX "PROGRAMS" /* name:name: the programs that claim without the launcher */
#define ENV_MAX ENV_PREFIX "MAX"           /* PARALLELISM never exceeds it */
#define ENV_EXPORT ENV_PREFIX "EXPORT"     /* name[=template]:...: more names for the count */
#define ENV_DEFAULT ENV_PREFIX "DEFAULT"   /* the count when MAKEFLAGS names no jobserver */
#define ENV_MIN ENV_PREFIX "MIN"           /* wait before the claim until MIN - 1 tokens are free */
#define ENV_WAIT ENV_PREFIX "WAIT"         /* ... for at most WAIT seconds */
#define ENV_ELASTIC ENV_PREFIX "ELASTIC"   /* 1/0: the private jobserver grows and shrinks */
#define ENV_FAIR ENV_PREFIX "FAIR"         /* 1: share evenly with owners that start together */

struct env_view {
	const char *makeflags;
	const char *claim;
	const char *owner;
	const char *verbose;
	const char *programs;
	const char *max;
	const char *exports;
	const char *dflt;
	const char *min;
	const char *wait;
	const char *elastic;
	const char *fair;
};

/* Fills *v from environ in one pass. Returns nonzero if any JOBSERVER_PRELOAD_ variable
 * is set: the one test that every process pays for. */
int env_scan(struct env_view *v);

/* getenv, without libc: the value of name, or NULL. */
const char *env_get(const char *name);

/* setenv that says so when it fails, without libc's malloc when it can (env.c says why).
 * Returns 0 or -1. */
int env_export(const char *name, const char *value);
/* The same for a whole "name=value" entry in the caller's static storage, used as it is
 * (a value too long for our own pool: MAKEFLAGS). Returns 0 or -1 (said). */
int env_export_entry(const char *name, char *entry);
/* unsetenv, in place. */
void env_unset(const char *name);
/* getenv, without the import: the value of name in environ, or NULL. */
const char *env_value(const char *name);

#endif
