/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the owners it holds a vault for, and the one place where it
 * gives tokens back (reaper.c runs the connections and the rounds around it). System
 * calls only: the reaper is a fork of a process that may have had threads.
 */
#ifndef JSP_REAPER_OWNERS_H
#define JSP_REAPER_OWNERS_H

#include <poll.h>
#include <stdint.h>

struct wire_request;
struct wire_status_owner;

/* Every owner holds a token, so this is more owners than a make -j has jobs at once on one
 * machine; beyond it (or beyond our fd limit) new claims wait in the listener's backlog. */
#define OWNERS_MAX 1024

/* Maps the table (no malloc after a fork); dev:ino is our jobserver. Returns 0 or
 * -ENOMEM. */
int owners_init(uint64_t dev, uint64_t ino);

int owners_count(void);

/* Room for one more owner for each pending connection, and one. */
int owners_room(int pending);

/* A CLAIM from pid, accepted at since (ms), with its fds, which are the table's from now
 * on. */
void owners_claim(int pid, uint64_t since, const struct wire_request *q, const int *fds, int nfds);

/* Up to max entries, one per owner held: its pid, the tokens in its vault now, for how
 * long (as of now, ms). Returns how many (a STATUS: reaper_status.c). */
int owners_report(struct wire_status_owner *out, int max, uint64_t now);

/* A writer of our jobserver, opened from our O_PATH of it and checked to be it, for one
 * give-back. Returns it (counted: fds_close it) or a negative code. */
int owners_jobserver(void);

/* Gives back for every owner, and forgets them (the reaper is ending: reaper.c). */
void owners_end_all(void);

/* Gives back what is held for pid (a RELEASE). Returns the count, or -errno. */
long owners_release(int pid, int pooled);

/* The owners' pidfds into pfd (one per slot, -1 for none), for poll. Returns how many
 * entries; sets *polled if an owner has no pidfd (its start time must be looked at), and
 * *young if an owner claimed since the last round: its pidfd is not in pfd, so that an
 * owner that ends within a tick costs the reaper no wake-up of its own (reaper.c), and it
 * must be looked at within a tick. */
int owners_watch(struct pollfd *pfd, int *polled, int *young);

/* Gives back for every owner that has ended, by pfd as owners_watch filled it (n entries). */
void owners_reap(const struct pollfd *pfd, int n);

#endif
