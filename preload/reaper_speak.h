/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: what it says to an owner's stderr (verbose) and records in its
 * trace file about a give-back. Each goes through our own non-blocking open of the O_PATH
 * fd the owner sent, one line with one write, dropped rather than waited for (log.c).
 */
#ifndef JSP_REAPER_SPEAK_H
#define JSP_REAPER_SPEAK_H

#include <stdint.h>

/* Our own description of what the O_PATH fd names, for one message or one give-back:
 * non-blocking, so that nobody who does not read can stall us; counted (reaper_fds.h).
 * Returns it or -errno. */
int reaper_reopen(int fd, int flags);

/* n tokens given back for pid to desc (or the code why not), and held: the tokens its tree
 * still holds of its private jobserver. errfd: an O_PATH of its stderr, or the socket
 * itself (err_sock); -1: it did not ask. */
void speak_give(int errfd, int err_sock, int pid, const char *desc, long n, long held);

/* n of make's tokens moved into pid's private jobserver (n < 0: -n idle ones given back
 * from it), which is held + 1 wide now (reaper_elastic.c). */
void speak_elastic(int errfd, int err_sock, int pid, long n, long held);

/* The trace record of n tokens given back for pid, to the trace file tracefd (-1: none). */
void record_give(int tracefd, uint64_t dev, uint64_t ino, const char *desc, int pid, long n);

/* The same for n tokens taken into pid's vault (an elastic move in: n > 0), held after it;
 * n < 0 is a give of -n. */
void record_take(int tracefd, uint64_t dev, uint64_t ino, const char *desc, int pid, long n,
		 long held);

#endif
