/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the reaper process: the answer to a STATUS (jobserver-preload --status asks who
 * holds what). Answered in the round that read it, from what the reaper knows already:
 * the owners' table and one FIONREAD per vault. The reply is one message written without
 * waiting; a peer whose socket cannot take it now gets nothing (it sees end of file), so
 * that no asker, reading or not, can make the reaper wait (reaper_conns.c closes the
 * connection after it).
 */
#ifndef JSP_REAPER_STATUS_H
#define JSP_REAPER_STATUS_H

/* Sends the status reply on the connection fd. Returns 0, or -errno when it was dropped. */
int status_answer(int fd);

#endif
