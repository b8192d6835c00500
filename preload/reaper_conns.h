/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the connections of its listener, from accept to close. A
 * connection is checked (our user, a pid we can see) before anything is read from it, and
 * closed only after its message or its end of file: a message thrown away unread could
 * carry a vault with tokens in it. reaper.c runs the rounds around it.
 */
#ifndef JSP_REAPER_CONNS_H
#define JSP_REAPER_CONNS_H

#include <poll.h>
#include <stdint.h>

/* Connections accepted whose message has not come yet: at most this many, at most
 * CONNS_PER_PEER of them from one pid, and none for longer than CONNS_WAIT_MS. An owner
 * sends its CLAIM microseconds after it connects (after its ticket: up to FIND_WAIT_MS,
 * 200 ms, when none is left), its RELEASE at once; a peer that sends nothing in time,
 * or holds more connections than an owner ever does, is refused: the connection is shut
 * for reading first, then read once more (a message sent before the shutdown is served;
 * one sent after fails at the sender with EPIPE, and an owner then claims nothing), then
 * closed. So no peer can keep the reaper from accepting for longer than CONNS_WAIT_MS. */
#define CONNS_PENDING_MAX 64
#define CONNS_PER_PEER 8
#define CONNS_WAIT_MS 1000

void conns_init(unsigned uid);

/* Connections accepted and not closed yet. */
int conns_open(void);

/* When a connection was last taken (0: never), for the reaper's batching. */
uint64_t conns_last_ms(void);

/* Room for one connection more. */
int conns_room(void);

/* The pending connections into pfd, or -1 for each if !active. Returns how many. */
int conns_watch(struct pollfd *pfd, int active);

/* Reads every message that has come on a pending connection, and refuses those that
 * waited CONNS_WAIT_MS. */
void conns_read(void);

/* In how many ms the oldest pending connection will have waited too long, or -1. */
int conns_next_ms(void);

/* Accepts and serves what has come on the listener lfd. Returns lfd, or -1 once a
 * listener that refuses new connections (shut) has none queued left: it is closed then. */
int conns_accept(int lfd, int shut);

/* Whether accept4 or recvmsg answered as a sandbox does: the reaper cannot serve. */
int conns_denied(void);

/* Answers the RELEASEs read (what we hold for each sender goes back before it hears), then
 * the STATUSes, once every message that has come is read. */
void conns_answer(void);

#endif
