/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verbose messages: silent unless JOBSERVER_PRELOAD_VERBOSE is set (the launcher's -v). */
#ifndef JSP_LOG_H
#define JSP_LOG_H

extern int log_verbose;

/* One line on stderr, "jobserver-preload[PID]: " then the text, written with one write(2). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The text of an -errno value, without strerror's locale machinery. */
const char *log_errno(int neg_errno);

#endif
