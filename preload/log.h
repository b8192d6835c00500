/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verbose messages: silent unless JOBSERVER_PRELOAD_VERBOSE is set (the launcher's -v). */
#ifndef JSP_LOG_H
#define JSP_LOG_H

extern int log_verbose;
/* Where messages go: stderr, or in the reaper the stderr of the owner it speaks for. */
extern int log_fd;
/* How: whole, whatever it takes (our own stderr); or, in the reaper, with one write that
 * is dropped if it cannot be made at once (LOG_ONCE: log_fd is non-blocking), or one send
 * with MSG_DONTWAIT (LOG_SEND: log_fd is a socket). */
enum log_how { LOG_WHOLE, LOG_ONCE, LOG_SEND };
extern enum log_how log_how;

/* One line on stderr, "jobserver-preload[PID]: " then the text, written with one write(2). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same for "<before><n><after>", formatted by hand: async-signal-safe, for exit paths. */
void log_count(const char *before, long n, const char *after);

/* The text of a negative result (result.h): -errno, without strerror's locale machinery,
 * or one of our own -JSP_E_* codes. */
const char *log_errno(int neg_code);

#endif
