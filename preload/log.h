/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verbose messages: silent unless JOBSERVER_PRELOAD_VERBOSE is set (the launcher's -v). */
#ifndef JSP_LOG_H
#define JSP_LOG_H

extern int log_verbose;
/* Where messages go: stderr, or in the reaper the stderr of the owner it speaks for. */
extern int log_fd;

/* One line on stderr, "jobserver-preload[PID]: " then the text, written with one write(2). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same for "<before><n><after>", formatted by hand: async-signal-safe, for exit paths. */
void log_count(const char *before, long n, const char *after);

/* The text of an -errno value, without strerror's locale machinery. */
const char *log_errno(int neg_errno);

#endif
