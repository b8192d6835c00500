/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the two files of the trace library: trace.c (read, write, the records) and
 * wait.c (the calls that wait for an fd to become readable).
 */
#ifndef JSP_TRACE_H
#define JSP_TRACE_H

#include "fdcache.h"

#include <time.h>

/* A wait that ended with a token there and took less than this was no wait: the token
 * was in the pipe already. One that ended without a token always counts. */
#define TRACE_WAIT_MIN_US 1000

extern const char *trace_path; /* NULL: not tracing; every wrapper only passes through */

/* Before a call that may wait for a token on fd: the jobserver that MAKEFLAGS names
 * behind it, or NULL (not tracing, or not such a jobserver: nothing is recorded). The
 * caller then takes the time (CLOCK_REALTIME) for trace_wait_end. */
struct tracked *trace_waits_on(int fd);

/* After it: a wait record of the time since start, unless the call found a token
 * (ready) in less than TRACE_WAIT_MIN_US. Keeps errno. */
void trace_wait_end(struct tracked *t, const struct timespec *start, int ready);

#endif
