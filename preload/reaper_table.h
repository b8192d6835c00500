/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the owners it holds a vault for, and the one place where it
 * gives tokens back (reaper.c runs the connections and the rounds around it). Also the
 * count of the fds the process holds, which keeps a claim's fds from ever being dropped
 * for want of room. System calls only: the reaper is a fork of a process that may have
 * had threads.
 */
#ifndef JSP_REAPER_TABLE_H
#define JSP_REAPER_TABLE_H

#include <poll.h>

struct wire_request;

/* Every owner holds a token, so this is more owners than a make -j has jobs at once on one
 * machine; beyond it (or beyond our fd limit) new claims wait in the listener's backlog. */
#define OWNERS_MAX 1024

/* Maps the table (no malloc after a fork) and learns the fd limit. Returns 0 or -ENOMEM. */
int table_init(void);

int table_owners(void);

/* fds opened outside the table (the listener, connections): counted here. */
void table_fds_opened(int n);
/* Closes fd (if >= 0) and counts it. */
void table_close(int fd);

/* Room for a connection more, for the pending ones too, each with the most fds a
 * message can bring, and for one more owner each. */
int table_room(int pending);

/* A CLAIM from pid, with its fds, which are the table's from now on. */
void table_claim(int pid, const struct wire_request *q, const int *fds, int nfds);

/* Gives back what is held for pid (a RELEASE). Returns the count, or -errno. */
long table_release(int pid);

/* The owners' pidfds into pfd (one per slot, -1 for none), for poll. Returns how many
 * entries; sets *polled if an owner has no pidfd (its start time must be looked at), and
 * *young if an owner claimed since the last round: its pidfd is not in pfd, so that an
 * owner that ends within a tick costs the reaper no wake-up of its own (reaper.c), and it
 * must be looked at within a tick. */
int table_watch(struct pollfd *pfd, int *polled, int *young);

/* Gives back for every owner that has ended, by pfd as table_watch filled it (n entries). */
void table_reap(const struct pollfd *pfd, int n);

#endif
