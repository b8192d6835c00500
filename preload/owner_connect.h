/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The owner's side: reaching the reaper (owner_connect.c), for the claim (owner_claim.c)
 * and the release (owner_release.c). */
#ifndef JSP_OWNER_CONNECT_H
#define JSP_OWNER_CONNECT_H

#include "jobserver.h"
#include "rendezvous.h"
#include "sys.h"

#include <stddef.h>
#include <stdint.h>

/* How long an owner waits for a reaper it started to listen, or for the answer to a
 * RELEASE. A reaper answers in microseconds: this bound is against one stopped (SIGSTOP). */
#define REAPER_ANSWER_WAIT_MS 5000
/* How long an owner keeps trying to reach a reaper while another owner's reaper is starting
 * (it holds the name's lock until it listens) or an idle one is ending (it refuses, then
 * lets go of the name), and how long it waits for a ticket when none is left. Both take
 * microseconds; the bound is for a loaded machine. */
#define FIND_WAIT_MS 200

/* Wakes the reaper pid (its bell: wire.h). Async-signal-safe. */
void reaper_ring(int pid);

/* A socket connected to the reaper named rv (*pid: the reaper, by the kernel's word),
 * starting one for js if there is none and js is not NULL. Returns the socket, or a
 * negative code: -JSP_E_NO_REAPER when there is none and js is NULL. */
int reaper_find(const struct rendezvous *rv, const struct jobserver *js, int *pid);

/* Our own open of fd in process pid, through /proc/PID/fd/FD, non-blocking and
 * close-on-exec; *st says what it is. Returns the fd, or a negative code: -JSP_E_NOT_FIFO
 * when it is not a FIFO. Async-signal-safe. */
int open_theirs(int pid, int fd, int flags, struct jsp_stat *st);

/* The same, only if it is the pipe dev:ino: a reaper that has ended and whose pid is
 * another process's now yields no foreign pipe. Returns the fd or a negative code
 * (-JSP_E_STALE: another pipe). Async-signal-safe. */
int open_theirs_checked(int pid, int fd, int flags, uint64_t dev, uint64_t ino);
/* Writes len bytes (a pipe write of so few is whole or nothing) to fd of process pid. */
void write_theirs(int pid, int fd, const void *buf, size_t len);

#endif
