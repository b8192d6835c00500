/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --trace FILE: the trace library and its variable in the environment. */
#ifndef JSP_TRACELIB_H
#define JSP_TRACELIB_H

#define TRACE_LIBNAME "libjobserver-preload-trace.so"

/* Creates FILE if it is not there (never truncates it), sets JOBSERVER_PRELOAD_TRACE to
 * its absolute path, and appends the trace library, found beside mainlib (the library
 * ldpreload_find chose), to LD_PRELOAD. Returns 0, or -1 after saying why. */
int tracelib_prepare(const char *mainlib, const char *file);

#endif
