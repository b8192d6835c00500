/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What reaper_client.c (the claim) and reaper_release.c (the release) share. */
#ifndef JSP_REAPER_CLIENT_H
#define JSP_REAPER_CLIENT_H

#include "sys.h"

#include <stdint.h>

/* How long an owner waits for a reaper it started to listen, or for the answer to a
 * RELEASE. A reaper answers in microseconds: this bound is against one stopped (SIGSTOP). */
#define REAPER_ANSWER_WAIT_MS 5000

/* Wakes the reaper pid (its bell: reaper_wire.h). Async-signal-safe. */
void reaper_ring(int pid);

/* A socket connected to the reaper of the jobserver dev:ino (*pid: the reaper, by the
 * kernel's word), starting one if start is set and there is none. Returns the socket, or
 * -errno: -ECONNREFUSED when there is none and start is not set. */
int reaper_find(uint64_t dev, uint64_t ino, int start, int *pid);

/* Our own open of fd in process pid, through /proc/PID/fd/FD, non-blocking and
 * close-on-exec; *st says what it is. Returns the fd, or -errno: -ESTALE when it is not a
 * FIFO. Async-signal-safe. */
int open_theirs(int pid, int fd, int flags, struct jsp_stat *st);

#endif
